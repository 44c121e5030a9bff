import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { defaultSessionTtlMs, isFresh, isStoredSession, type SessionStore, type StoredSession } from './store.js';

export interface FileSessionStoreOptions {
  /** Records older than this are not returned. Default 10 min. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * Sessions in one JSON file, for a single-process bot that restarts on the same host. Each write
 * replaces the file atomically (write a temporary file, then rename), so a crash mid-write leaves the
 * previous version. One process per file: for several processes or hosts use the Redis store.
 *
 * @example
 * ```ts
 * const bot = createBot({ appId, secret, sessions: createFileSessionStore('./var/qq-sessions.json') });
 * ```
 */
export function createFileSessionStore(path: string, options: FileSessionStoreOptions = {}): SessionStore {
  const ttlMs = options.ttlMs ?? defaultSessionTtlMs;
  const now = options.now ?? Date.now;
  // Writes go one after another: two overlapping read-modify-writes would lose one shard's record.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const readAll = async (): Promise<Record<string, StoredSession>> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return {}; // not ours or damaged: start without stored sessions rather than not at all
    }
    if (typeof parsed !== 'object' || parsed === null) return {};
    const records: Record<string, StoredSession> = {};
    for (const [key, value] of Object.entries(parsed)) if (isStoredSession(value)) records[key] = value;
    return records;
  };
  const writeAll = async (records: Record<string, StoredSession>): Promise<void> => {
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(records)}\n`, { mode: 0o600 });
    await rename(temporary, path);
  };
  return {
    get: (shard) =>
      serial(async () => {
        const record = (await readAll())[String(shard)];
        return record && isFresh(record, ttlMs, now()) ? record : null;
      }),
    set: (session) =>
      serial(async () => {
        const records = await readAll();
        records[String(session.shard)] = session;
        await writeAll(records);
      }),
    delete: (shard) =>
      serial(async () => {
        const records = await readAll();
        if (!(String(shard) in records)) return;
        delete records[String(shard)];
        await writeAll(records);
      }),
  };
}
