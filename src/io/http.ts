/** What an HTTP call returned: status, headers, and the body parsed as JSON when it is JSON. */
export interface HttpResult {
  status: number;
  headers: Headers;
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

/**
 * One HTTP exchange with a timeout, using the global fetch. Never throws on an HTTP status; throws
 * `HttpTransportError` only when there is no answer. The URL is reported without its query string.
 */
export async function httpRequest(request: HttpRequest): Promise<HttpResult> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const headers: Record<string, string> = { 'user-agent': 'qq-bot-machine', ...request.headers };
  let payload: string | undefined;
  if (request.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    payload = JSON.stringify(request.body);
  }
  let response: Response;
  let text: string;
  try {
    response = await fetch(request.url, { method: request.method, headers, body: payload, signal });
    text = await response.text();
  } catch (error) {
    const where = `${request.method} ${stripQuery(request.url)}`;
    if (timeout.aborted) throw new HttpTransportError(`${where} timed out after ${request.timeoutMs} ms`, { timedOut: true, aborted: false, cause: error });
    if (request.signal?.aborted) throw new HttpTransportError(`${where} aborted`, { timedOut: false, aborted: true, cause: error });
    throw new HttpTransportError(`${where} failed: ${describeNetworkError(error)}`, { timedOut: false, aborted: false, cause: error });
  }
  const traceId = response.headers.get('x-tps-trace-id') ?? undefined;
  if (text.length === 0) return { status: response.status, headers: response.headers, body: undefined, traceId };
  try {
    return { status: response.status, headers: response.headers, body: JSON.parse(text), traceId };
  } catch {
    return { status: response.status, headers: response.headers, body: undefined, invalidJson: text.slice(0, 200), traceId };
  }
}

function stripQuery(url: string): string {
  const index = url.indexOf('?');
  return index === -1 ? url : url.slice(0, index);
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
