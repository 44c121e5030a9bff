import { Agent as HttpAgent, request as httpSend, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsSend } from 'node:https';

/** The response headers: case-insensitive; a repeated header gives its first value. */
export interface HttpHeaders {
  get(name: string): string | null;
}

/** What an HTTP call returned: status, headers, and the body parsed as JSON when it is JSON. */
export interface HttpResult {
  status: number;
  headers: HttpHeaders;
  /** Parsed JSON, or `undefined` when the body was empty. */
  body: unknown;
  /** Set when the body was not empty and not valid JSON. */
  invalidJson?: string;
  traceId: string | undefined;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * A body sent as given (not JSON): multipart form data, for instance. `contentType` becomes the Content-Type header.
 *
 * @example
 * httpRequest({ method: 'POST', url, body: new EncodedBody('multipart/form-data; boundary=x', bytes), timeoutMs: 10_000 });
 */
export class EncodedBody {
  constructor(
    readonly contentType: string,
    readonly bytes: Buffer,
  ) {}
}

/** Raised when the request never got an answer: DNS, refused, reset, timeout, abort. */
export class HttpTransportError extends Error {
  readonly timedOut: boolean;
  readonly aborted: boolean;
  constructor(message: string, options: { timedOut: boolean; aborted: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'HttpTransportError';
    this.timedOut = options.timedOut;
    this.aborted = options.aborted;
  }
}

// Our own keep-alive pools, so that a user's changes to Node's global agents do not reach the bot. An
// idle socket is unref'd by the agent (it never keeps the process alive) and closed after 5 s idle, as
// Node's global agent does.
const agents = {
  'http:': new HttpAgent({ keepAlive: true, timeout: 5_000 }),
  'https:': new HttpsAgent({ keepAlive: true, timeout: 5_000 }),
};

/**
 * One HTTP exchange with a deadline over the whole of it (connect, send, and reading the body). Never
 * throws on an HTTP status; throws `HttpTransportError` only when there is no complete answer. Error
 * messages carry the method and the URL without its query string, never the headers or the body.
 *
 * Built on `node:http`/`node:https` rather than `fetch`: the first `fetch()` of a process loads undici,
 * ≈ 60–110 ms that every `start()` paid before its token request (docs/benchmarks.md §5). Redirects are
 * not followed (a 3xx is returned like any status) and no compression is asked for.
 *
 * @example
 * const result = await httpRequest({ method: 'POST', url: tokenUrl, body: { appId, clientSecret }, timeoutMs: 10_000 });
 * if (result.status === 200) use(result.body);
 */
export function httpRequest(request: HttpRequest): Promise<HttpResult> {
  const where = `${request.method} ${stripQuery(request.url)}`;
  return new Promise<HttpResult>((resolve, reject) => {
    let req: ClientRequest | undefined;
    let settled = false;
    const finish = (outcome: HttpResult | HttpTransportError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      request.signal?.removeEventListener('abort', onAbort);
      if (outcome instanceof HttpTransportError) {
        // Destroying the request closes its socket (it never goes back to the pool) and drops a queued one.
        req?.destroy();
        reject(outcome);
      } else {
        resolve(outcome);
      }
    };
    const fail = (error: unknown): void =>
      finish(new HttpTransportError(`${where} failed: ${describeNetworkError(error)}`, { timedOut: false, aborted: false, cause: error }));
    const onAbort = (): void =>
      finish(new HttpTransportError(`${where} aborted`, { timedOut: false, aborted: true, cause: request.signal?.reason }));
    // Real time, not the machines' clock: this bounds a socket exchange, and a simulated clock never
    // moves while the bot waits on I/O. Cleared as soon as the exchange ends, so it never holds the process.
    const deadline = setTimeout(
      () => finish(new HttpTransportError(`${where} timed out after ${request.timeoutMs} ms`, { timedOut: true, aborted: false })),
      request.timeoutMs,
    );

    if (request.signal?.aborted) return onAbort();
    request.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const { payload, headers } = encodeRequest(request);
      const url = new URL(request.url);
      const send = url.protocol === 'https:' ? httpsSend : url.protocol === 'http:' ? httpSend : undefined;
      if (send === undefined) return fail(new Error(`unsupported protocol ${url.protocol}`));
      req = send(url, { method: request.method, headers, agent: agents[url.protocol as keyof typeof agents] });
      req.on('error', fail);
      req.on('response', (res) => readResponse(res, fail, finish));
      req.end(payload);
    } catch (error) {
      // new URL() and invalid header characters throw synchronously; neither message carries the value.
      fail(error);
    }
  });
}

function encodeRequest(request: HttpRequest): { payload: string | Buffer | undefined; headers: Record<string, string> } {
  const headers: Record<string, string> = { 'user-agent': 'qq-bot-machine' };
  // Lower-cased so that a caller's `Content-Type` replaces the default instead of going out beside it.
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
  if (request.body === undefined) return { payload: undefined, headers };
  if (request.body instanceof EncodedBody) {
    headers['content-type'] = request.body.contentType;
    headers['content-length'] = String(request.body.bytes.length);
    return { payload: request.body.bytes, headers };
  }
  const payload = JSON.stringify(request.body);
  headers['content-type'] ??= 'application/json';
  headers['content-length'] = String(Buffer.byteLength(payload));
  return { payload, headers };
}

function readResponse(res: IncomingMessage, fail: (error: unknown) => void, finish: (result: HttpResult) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  // A connection cut in the middle of the body: Node emits 'error' (ECONNRESET "aborted"); 'close'
  // without 'end' covers the rest. Either way there is no complete answer.
  res.on('error', fail);
  res.on('close', () => {
    if (!res.complete) fail(Object.assign(new Error('connection closed before the body was complete'), { code: 'ECONNRESET' }));
  });
  res.on('end', () => {
    // TextDecoder, as fetch's text(): UTF-8, a leading BOM dropped, malformed bytes replaced.
    const text = new TextDecoder().decode(Buffer.concat(chunks));
    finish(toResult(res, text));
  });
}

function toResult(res: IncomingMessage, text: string): HttpResult {
  const headers = firstValues(res.rawHeaders);
  const base = { status: res.statusCode ?? 0, headers, traceId: headers.get('x-tps-trace-id') ?? undefined };
  if (text.length === 0) return { ...base, body: undefined };
  try {
    return { ...base, body: JSON.parse(text) };
  } catch {
    return { ...base, body: undefined, invalidJson: text.slice(0, 200) };
  }
}

/** From Node's raw [name, value, name, value, …] list, so a repeated header keeps its first value. */
function firstValues(rawHeaders: string[]): HttpHeaders {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] as string).toLowerCase();
    if (!values.has(name)) values.set(name, rawHeaders[i + 1] as string);
  }
  return { get: (name) => values.get(name.toLowerCase()) ?? null };
}

function stripQuery(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? url : url.slice(0, index);
}

function describeNetworkError(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  return typeof code === 'string' ? `${code}${text ? ` (${text})` : ''}` : text;
}
