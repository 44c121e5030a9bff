/** A minimal HTTP client for the emulator's callbacks: exact body bytes, every header under our control. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface PostOptions {
  method?: string;
  headers: Record<string, string>;
  body: Buffer;
  timeoutMs: number;
  /** Send without Content-Length (chunked transfer encoding). */
  chunked?: boolean;
}

export interface PostResult {
  /** 0 when no response arrived (connection refused or reset, timeout). */
  status: number;
  body: string;
  headers: IncomingHttpHeaders;
  /** Why no response arrived. */
  error?: string;
}

export function post(url: URL, options: PostOptions): Promise<PostResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: PostResult): void => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const headers = { ...options.headers };
    if (!options.chunked) headers['content-length'] = String(options.body.length);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: options.method ?? 'POST', headers, timeout: options.timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      const done = (): void =>
        finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers });
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', done);
      res.on('error', done);
      res.on('aborted', done);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', (error) => finish({ status: 0, body: '', headers: {}, error: error.message }));
    if (options.chunked) {
      // Several chunks, so the receiver sees a stream with no declared length.
      const step = 64 * 1024;
      for (let offset = 0; offset < options.body.length; offset += step) req.write(options.body.subarray(offset, offset + step));
      req.end();
    } else {
      req.end(options.body);
    }
  });
}
