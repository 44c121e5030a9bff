import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { QQMessageError } from '../messages/errors.js';
import type { MediaSource } from './message-types.js';

/** A media source with a file path read into bytes: what goes on the wire. */
export type LoadedMediaSource = { url: string; data?: never; filename?: string } | { data: Uint8Array; url?: never; filename?: string };

/**
 * Reads a `{ path }` media source into `{ data }` (keeping the file name for multipart uploads); URLs and bytes
 * pass through. A missing or unreadable file is a `QQMessageError` naming the path, before any request.
 *
 * @example
 * const loaded = await loadMediaSource({ path: './cat.png' }); // { data: <Buffer …>, filename: 'cat.png' }
 */
export async function loadMediaSource(source: MediaSource): Promise<LoadedMediaSource> {
  if (source.url !== undefined) return { url: source.url };
  if (source.data !== undefined) return { data: source.data };
  try {
    return { data: await readFile(source.path), filename: basename(source.path) };
  } catch (error) {
    throw new QQMessageError('media.path', `${JSON.stringify(source.path)} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
