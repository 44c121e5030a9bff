/** Parent side of test/scaling/fixtures/bot-process.mjs: spawns a bot process and reads what it delivered. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../fixtures/bot-process.mjs', import.meta.url));

export type StoreConfig = { kind: 'file'; path: string } | { kind: 'redis'; url: string; keyPrefix: string };

export interface BotProcessConfig {
  name: string;
  tokenUrl: string;
  apiBase: string;
  store: StoreConfig;
  shards: unknown;
  flushMs?: number;
  identifyWindowMs?: number;
  coordinate?: boolean;
  /** Shard leases in Redis with this lease time. */
  leaseMs?: number;
}

/** One delivered event: [shard, seq, id], and when the parent read it. */
export interface Delivered {
  shard: number;
  seq: number;
  id: string;
  at: number;
  by: string;
}

export class BotProcess {
  readonly name: string;
  readonly delivered: Delivered[] = [];
  readonly errors: { code: string; message: string }[] = [];
  readonly states: { status: string; coordination: string | null; shards: [number, string][] }[] = [];
  failed: { code: string; message: string } | null = null;
  readonly stderr: string[] = [];
  readonly #child: ChildProcess;
  readonly #waiters: (() => void)[] = [];
  readonly exited: Promise<number | null>;
  ready = false;
  stopped = false;

  constructor(config: BotProcessConfig) {
    this.name = config.name;
    this.#child = spawn(process.execPath, [script, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
    createInterface({ input: this.#child.stdout! }).on('line', (line) => this.#onLine(line));
    createInterface({ input: this.#child.stderr! }).on('line', (line) => {
      this.stderr.push(line);
      if (this.stderr.length > 2_000) this.stderr.splice(0, 1_000);
    });
    void this.exited.then(() => this.#wake());
  }

  /** Shards this process runs and has READY/RESUMED now (from its last state$). */
  get readyShards(): number[] {
    const last = this.states.at(-1);
    return last ? last.shards.filter(([, state]) => state.startsWith('session.ready')).map(([id]) => id) : [];
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  #onLine(line: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(line) as Record<string, unknown>;
    } catch {
      this.stderr.push(`stdout: ${line}`);
      return;
    }
    if (Array.isArray(message.e)) {
      const [shard, seq, id] = message.e as [number, number, string];
      this.delivered.push({ shard, seq, id, at: Date.now(), by: this.name });
    } else if (message.ready) this.ready = true;
    else if (message.stopped) this.stopped = true;
    else if (message.error) this.errors.push(message.error as { code: string; message: string });
    else if (message.state) this.states.push(message.state as BotProcess['states'][number]);
    else if (message.failed) this.failed = message.failed as { code: string; message: string };
    this.#wake();
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  /** Resolves when `check` holds (checked after every line and on exit); rejects after `timeoutMs`. */
  async until(check: () => boolean, description: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (this.#child.exitCode !== null && !check()) throw new Error(`${this.name} exited (${this.#child.exitCode}) before ${description}\n${this.stderr.slice(-20).join('\n')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: timed out waiting for ${description}\n${this.stderr.slice(-20).join('\n')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async started(timeoutMs?: number): Promise<void> {
    await this.until(() => this.ready, 'ready', timeoutMs);
  }

  /** stop() in the bot, then the process exits. */
  async stop(): Promise<void> {
    this.#child.stdin!.write('stop\n');
    await this.until(() => this.stopped, 'stopped');
    await this.exited;
  }

  /** SIGKILL: no chance to flush anything. */
  async kill(): Promise<void> {
    this.#child.kill('SIGKILL');
    await this.exited;
  }
}

/** Ids delivered more than once across processes, and ids never delivered. */
export function account(dispatched: readonly string[], delivered: readonly Delivered[]): { lost: string[]; duplicates: Delivered[]; unexpected: string[] } {
  const seen = new Map<string, number>();
  const duplicates: Delivered[] = [];
  for (const event of delivered) {
    const count = seen.get(event.id) ?? 0;
    if (count > 0) duplicates.push(event);
    seen.set(event.id, count + 1);
  }
  const wanted = new Set(dispatched);
  return {
    lost: dispatched.filter((id) => !seen.has(id)),
    duplicates,
    unexpected: [...seen.keys()].filter((id) => !wanted.has(id)),
  };
}
