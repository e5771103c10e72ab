import * as http from 'node:http';
import * as https from 'node:https';

export interface GetOptions {
  headers?: Record<string, string>;
  /** Aborts the request at once (a cancelled step): it rejects with code `ABORTED`. */
  signal?: AbortSignal;
  /** The whole request, from connect to the last body byte. */
  timeoutMs: number;
  /** Bytes of body kept; the rest is not read. */
  maxBodyBytes?: number;
}

export interface GetResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body, decoded as UTF-8, at most `maxBodyBytes`. */
  body: string;
  /** True when the body was longer than `maxBodyBytes` and cut. */
  truncated: boolean;
  durationMs: number;
}

/** A request that got no HTTP answer: refused, reset, TLS failure, DNS or timeout. */
export class RequestError extends Error {
  override name = 'RequestError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export const DEFAULT_MAX_BODY = 64 * 1024;

export interface RequestOptions extends GetOptions {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Sent as it is, with its `content-length`. */
  body?: string;
}

/** One GET: see `httpRequest`. */
export function httpGet(url: URL, options: GetOptions): Promise<GetResponse> {
  return httpRequest(url, { ...options, method: 'GET' });
}

/**
 * One request: no redirects followed (a 3xx is returned as it is), a deadline over the whole
 * exchange, and a body read only up to the cap. Node's own `http`/`https` on purpose: `fetch`
 * follows redirects by default and costs a large module load at start.
 */
export function httpRequest(url: URL, options: RequestOptions): Promise<GetResponse> {
  const started = performance.now();
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: RequestError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      request.destroy();
      reject(error);
    };
    const onAbort = (): void => fail(new RequestError('the request was aborted', 'ABORTED'));
    const body = options.body === undefined ? undefined : Buffer.from(options.body, 'utf8');
    const request = client.request(
      url,
      {
        method: options.method,
        headers: {
          'user-agent': 'cloud-run-deploy-actions',
          accept: '*/*',
          ...(body === undefined ? {} : { 'content-length': String(body.length) }),
          ...options.headers,
        },
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        let truncated = false;
        const finish = (): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          response.destroy();
          request.destroy();
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            truncated,
            durationMs: performance.now() - started,
          });
        };
        response.on('data', (chunk: Buffer) => {
          const room = maxBody - kept;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            kept = maxBody;
            truncated = true;
            finish();
            return;
          }
          chunks.push(chunk);
          kept += chunk.length;
        });
        response.once('end', finish);
        response.once('error', (error: NodeJS.ErrnoException) =>
          fail(new RequestError(`the response broke off: ${error.message}`, error.code ?? 'ERESPONSE')),
        );
        response.once('aborted', () => fail(new RequestError('the response broke off', 'ECONNRESET')));
      },
    );
    request.once('error', (error: NodeJS.ErrnoException) =>
      fail(
        new RequestError(
          error.message === '' ? (error.code ?? 'request failed') : error.message,
          error.code ?? 'EREQUEST',
        ),
      ),
    );
    const timer = setTimeout(
      () => fail(new RequestError(`no complete answer within ${options.timeoutMs} ms`, 'ETIMEDOUT')),
      options.timeoutMs,
    );
    if (options.signal?.aborted === true) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    request.end(body);
  });
}

/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; undefined when absent or invalid. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * How long a rate-limited GitHub API answer asks to wait: `Retry-After` (secondary limits), else until
 * `x-ratelimit-reset` when `x-ratelimit-remaining` is 0 (the primary limit); undefined when the
 * answer names no time.
 */
export function rateLimitWaitMs(
  headers: Record<string, string | undefined>,
  now: number = Date.now(),
): number | undefined {
  const retryAfter = parseRetryAfter(headers['retry-after'], now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(headers['x-ratelimit-reset']);
  if (headers['x-ratelimit-remaining'] === '0' && Number.isFinite(reset) && reset > 0) {
    return Math.max(0, reset * 1000 - now);
  }
  return undefined;
}
