// An HTTP check of a service: one GET classified (healthy, worth another try, or final), polled
// inside a deadline. Shared by health-check (the service, a tag URL, the custom domain) and
// promote (each traffic step is watched this way). The input names in messages are the ones both
// actions share (CHECK_INPUTS).
import { ConfigurationError } from './errors.js';
import { excerpt } from './format.js';
import { httpGet, parseRetryAfter, RequestError } from './http.js';
import { isLoopbackHost, shown } from './names.js';
import { poll, type Attempt, type Backoff } from './poll.js';

/** The inputs of an HTTP check, named alike in every action that has them. */
export const CHECK_INPUTS = {
  Url: 'url',
  Path: 'path',
  ExpectedStatus: 'expected-status',
  Expect: 'expect',
  BearerToken: 'bearer-token',
} as const;
const Inputs = CHECK_INPUTS;

export interface ProbeOptions {
  expectedStatus: number;
  expect: Readonly<Record<string, unknown>> | undefined;
  bearerToken: string;
  requestTimeoutMs: number;
  /**
   * What a 401 or 403 is explained as: the service's own URL (`bearer-token` and how to get
   * one, the default), or the custom domain, which is checked without the token on purpose.
   */
  target?: 'service' | 'custom-domain';
}

export interface Healthy {
  status: number;
  body: string;
  attempts: number;
  durationMs: number;
}

/** A final answer: a redirect, or a status that retrying will not change. */
export class ProbeFailedError extends Error {
  override name = 'ProbeFailedError';
}

const RETRYABLE = new Set([408, 425, 429]);
export const isRetryableStatus = (status: number): boolean => RETRYABLE.has(status) || status >= 500;

/** True when `actual` holds everything in `expected`: objects by key, arrays element by element. */
export function containsSubset(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, index) => containsSubset(actual[index], item))
    );
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    const record = actual as Record<string, unknown>;
    return Object.entries(expected).every(
      ([key, value]) =>
        Object.prototype.hasOwnProperty.call(record, key) && containsSubset(record[key], value),
    );
  }
  return Object.is(actual, expected);
}

/** `base` + `path`, keeping a path prefix of the base (`https://h/api` + `/health` → `/api/health`). */
export function joinUrl(base: URL, path: string): URL {
  const url = new URL(base.href);
  const [pathname = '', query] = path.split(/\?(.*)/s, 2);
  url.pathname = url.pathname.replace(/\/+$/, '') + pathname;
  if (query !== undefined) url.search = `?${query}`;
  return url;
}

/** One GET of the health URL, classified: done, worth another try, or final (thrown). */
export async function probeOnce(
  url: URL,
  options: ProbeOptions,
  remainingMs: number,
): Promise<Attempt<Omit<Healthy, 'attempts'>>> {
  const headers: Record<string, string> =
    options.bearerToken === '' ? {} : { authorization: `Bearer ${options.bearerToken}` };
  let response;
  try {
    response = await httpGet(url, { headers, timeoutMs: Math.min(options.requestTimeoutMs, remainingMs) });
  } catch (error) {
    if (error instanceof RequestError) {
      return { done: false, reason: `${excerpt(error.code, 40)}: ${excerpt(error.message)}` };
    }
    throw error;
  }
  const { status, body } = response;
  if (status === options.expectedStatus) {
    if (options.expect === undefined) {
      return { done: true, value: { status, body, durationMs: response.durationMs } };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { done: false, reason: `${status}, but the body is not JSON: ${excerpt(body)}` };
    }
    if (containsSubset(parsed, options.expect)) {
      return { done: true, value: { status, body, durationMs: response.durationMs } };
    }
    return {
      done: false,
      reason: `${status}, but the body does not contain ${JSON.stringify(options.expect)}: ${excerpt(body)}`,
    };
  }
  if (status >= 300 && status < 400) {
    // A header is the service's text: shown escaped, secrets removed before it is cut.
    const header = response.headers.location;
    const location = header === undefined ? '(no Location header)' : shown(header, 300);
    throw new ProbeFailedError(
      `GET ${url.href} answered ${status}, a redirect to ${location}; redirects are not followed: point "${Inputs.Url}" at the final address`,
    );
  }
  if (isRetryableStatus(status)) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    return {
      done: false,
      reason: `${status}: ${excerpt(body)}`,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  throw new ProbeFailedError(
    `GET ${url.href} answered ${status}, expected ${options.expectedStatus}: ${excerpt(body) || '(empty body)'}${
      options.target === 'custom-domain'
        ? customDomainAuthenticationHint(status)
        : authenticationHint(status, options.bearerToken !== '')
    }`,
  );
}

/**
 * What a 401 or 403 means on Cloud Run: the service admits only invokers (no `allUsers`
 * binding), so the check needs an ID token of an identity that holds roles/run.invoker, with
 * the service's URL as its audience; with a token sent, the token itself is what is wrong.
 */
export function authenticationHint(status: number, withToken: boolean): string {
  if (status !== 401 && status !== 403) return '';
  const howTo = `an ID token (not an access token) whose audience is the service URL, e.g. from google-github-actions/auth with token_format: id_token and id_token_audience: the service URL; its service account needs roles/run.invoker on the service`;
  if (!withToken) {
    return `. The service requires invoker authentication: pass input "${Inputs.BearerToken}" with ${howTo}`;
  }
  if (status === 403) {
    return `. The bearer token was sent and refused: the token's identity lacks roles/run.invoker on the service, or the token's audience is not the service URL. Input "${Inputs.BearerToken}" must be ${howTo}`;
  }
  return `. The bearer token was sent and not accepted: it must be ${howTo}; an access token, another audience or an expired token is refused`;
}

/**
 * A 401 or 403 on the custom domain: the check never sends the token there (another host may
 * be another party's proxy), so a private service answers this way on it by design.
 */
export function customDomainAuthenticationHint(status: number): string {
  if (status !== 401 && status !== 403) return '';
  return `. The custom domain is checked without "${Inputs.BearerToken}" (the token goes only to the service URL), so a service that requires invoker authentication answers ${status} there`;
}

/**
 * A candidate on its tag URL: only the check reaches it and a rollout waits for its answer, so
 * it is asked at least four times a second.
 */
export const TAG_PROBE_BACKOFF: Backoff = { initialMs: 100, factor: 1.15, maxMs: 250, jitter: 0.2 };

/** Polls the URL until it answers as expected, within the deadline (the default backoff unless given). */
export async function waitForHealthy(
  url: URL,
  options: ProbeOptions,
  deadline: number,
  onRetry: (attempt: number, reason: string) => void,
  backoff?: Backoff,
): Promise<Healthy> {
  const { value, attempts } = await poll(
    async ({ attempt, remainingMs }) => {
      const result = await probeOnce(url, options, remainingMs);
      if (!result.done) onRetry(attempt, result.reason);
      return result;
    },
    {
      deadline,
      what: `GET ${url.href} to answer ${options.expectedStatus}`,
      ...(backoff === undefined ? {} : { backoff }),
    },
  );
  return { ...value, attempts };
}

/** Loopback addresses, where a token over plain http never leaves the machine. */
export function isLoopback(url: URL): boolean {
  return isLoopbackHost(url.hostname);
}

/** Whether a bearer token may be sent to `url`: over HTTPS, or to a loopback address. */
export function mayCarryToken(url: URL): boolean {
  return url.protocol === 'https:' || isLoopback(url);
}

/** The `expect` input: a JSON object the body must contain. */
export function parseExpect(raw: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new ConfigurationError(
      `input "${Inputs.Expect}" is not valid JSON (${(error as Error).message}); use an object such as {"status": "ok"}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigurationError(`input "${Inputs.Expect}" must be a JSON object, such as {"status": "ok"}`);
  }
  return value as Record<string, unknown>;
}

/** The `path` input: one leading /, no white space, control characters, # or \\. */
export function checkPath(path: string): string {
  // eslint-disable-next-line no-control-regex -- a control character in a path is what is refused
  if (!path.startsWith('/') || path.startsWith('//') || /[\u0000-\u0020\u007f#\\]/.test(path)) {
    throw new ConfigurationError(
      `input "${Inputs.Path}" is ${shown(path)}: it must start with one /, without spaces, control characters, # or \\, e.g. /health`,
    );
  }
  return path;
}

/**
 * A token fit for an `Authorization` header: printable ASCII without spaces (RFC 6750's token
 * characters and more). A line break would otherwise make Node refuse the header with a
 * TypeError at the first request; the value is never shown, only what is wrong with it.
 */
export function checkBearerToken(token: string): string {
  if (token === '' || /^[\u0021-\u007e]+$/.test(token)) return token;
  const what = /[\r\n]/.test(token)
    ? 'a line break'
    : /\s/.test(token)
      ? 'white space'
      : // eslint-disable-next-line no-control-regex -- a control character is what is refused
        /[\u0000-\u001f\u007f]/.test(token)
        ? 'a control character'
        : 'a character outside ASCII';
  throw new ConfigurationError(
    `input "${Inputs.BearerToken}" holds ${what}: pass the token alone, as one line (the value is not shown)`,
  );
}
