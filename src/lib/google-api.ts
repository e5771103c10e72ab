// Google's REST APIs as the stages use them: endpoints (Google's, or the override a user with a
// private or regional endpoint sets, as gcloud reads it), one request with our retry policy
// (408, 429, 5xx and broken connections retried with backoff inside the stage's deadline,
// `Retry-After` honoured), and Google's error shape turned into one message that names the
// permission a 403 lacks and a role that grants it. Paths are built from segments only: each
// names a resource that `names.ts` has checked, and each is percent-encoded on top.
import { ConfigurationError, DeadlineError } from './errors.js';
import { excerpt, formatMs } from './format.js';
import { httpRequest, parseRetryAfter, RequestError, type GetResponse } from './http.js';
import { isLoopbackHost, shown } from './names.js';
import { backoffDelay, type Backoff } from './poll.js';
import { redact } from './secrets.js';

/** The Google APIs the stages call. */
export type GoogleService = 'run' | 'secretmanager' | 'logging';

const DEFAULT_ENDPOINTS: Record<GoogleService, string> = {
  run: 'https://run.googleapis.com/',
  secretmanager: 'https://secretmanager.googleapis.com/',
  logging: 'https://logging.googleapis.com/',
};

/** gcloud's own variables for the same endpoints: a user sets one thing for both. */
export const ENDPOINT_VARIABLES: Record<GoogleService, string> = {
  run: 'CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN',
  secretmanager: 'CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER',
  logging: 'CLOUDSDK_API_ENDPOINT_OVERRIDES_LOGGING',
};

/** What an API is called in messages. */
const API_NAMES: Record<GoogleService, string> = {
  run: 'Cloud Run Admin API',
  secretmanager: 'Secret Manager API',
  logging: 'Cloud Logging API',
};

/**
 * An endpoint from a variable: an absolute https URL (plain http only to a loopback address,
 * where a token cannot be overheard), no user, query or fragment; always ending with `/`.
 */
export function checkEndpoint(variable: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError(
      `${variable} is ${shown(raw)}, which is not an absolute URL: use https://host/ (or unset it for Google's endpoint)`,
    );
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ConfigurationError(
      `${variable} is ${shown(raw)}: use https:// (plain http:// only to 127.0.0.1, ::1 or localhost), since an access token is sent there`,
    );
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new ConfigurationError(
      `${variable} holds a user, a query or a fragment: give only the scheme, the host and a path, e.g. https://run.example.internal/`,
    );
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** The endpoint of one API: the override variable when set, else Google's. */
export function endpointOf(service: GoogleService, env: NodeJS.ProcessEnv): URL {
  const variable = ENDPOINT_VARIABLES[service];
  const raw = env[variable]?.trim() ?? '';
  return raw === '' ? new URL(DEFAULT_ENDPOINTS[service]) : checkEndpoint(variable, raw);
}

/**
 * A permission the stages need, and the predefined role with the least else in it that grants
 * it: what a 403 message tells the user to grant.
 */
export const PERMISSION_ROLES: Readonly<Record<string, string>> = {
  'run.services.get': 'roles/run.viewer',
  'run.services.list': 'roles/run.viewer',
  'run.revisions.get': 'roles/run.viewer',
  'run.revisions.list': 'roles/run.viewer',
  'run.operations.get': 'roles/run.viewer',
  'run.services.update': 'roles/run.developer',
  'run.jobs.get': 'roles/run.viewer',
  'run.jobs.update': 'roles/run.developer',
  'run.jobs.run': 'roles/run.developer',
  'run.jobs.runWithOverrides': 'roles/run.developer',
  'run.executions.get': 'roles/run.viewer',
  'run.executions.list': 'roles/run.viewer',
  'run.executions.cancel': 'roles/run.developer',
  'logging.logEntries.list': 'roles/logging.viewer',
  'secretmanager.secrets.get': 'roles/secretmanager.viewer',
  'secretmanager.versions.list': 'roles/secretmanager.viewer',
  'secretmanager.versions.get': 'roles/secretmanager.viewer',
  'iam.serviceAccounts.getAccessToken': 'roles/iam.workloadIdentityUser',
};

/** An answer of a Google API that is an error: Google's `code`, `status` and `message`. */
export class GoogleApiError extends Error {
  override name = 'GoogleApiError';
  constructor(
    message: string,
    /** The HTTP status (0: no answer at all). */
    readonly httpStatus: number,
    /** Google's canonical status: `NOT_FOUND`, `PERMISSION_DENIED`, … (or the request error's code). */
    readonly status: string,
    /** For a 403: the permission Google named. */
    readonly permission?: string,
  ) {
    super(message);
  }
}

interface GoogleErrorBody {
  error?: {
    code?: unknown;
    message?: unknown;
    status?: unknown;
    details?: ({ '@type'?: unknown; reason?: unknown; metadata?: { permission?: unknown } } | null)[];
  };
}

const PERMISSION = /^[a-z][a-zA-Z]*(?:\.[a-zA-Z]+){2}$/;

/** The permission of a 403: from `ErrorInfo.metadata.permission`, else from "Permission 'x' denied". */
function permissionOf(body: GoogleErrorBody['error'], message: string): string | undefined {
  for (const detail of Array.isArray(body?.details) ? body.details : []) {
    const permission = detail?.metadata?.permission;
    if (typeof permission === 'string' && PERMISSION.test(permission)) return permission;
  }
  const named = /Permission '([^']+)' denied/.exec(message)?.[1];
  return named !== undefined && PERMISSION.test(named) ? named : undefined;
}

/** Google's error answer as one message: the API, what was asked, the code, status and message. */
export function apiError(service: GoogleService, what: string, response: GetResponse): GoogleApiError {
  let body: GoogleErrorBody = {};
  try {
    body = JSON.parse(response.body) as GoogleErrorBody;
  } catch {
    // Not Google's shape (a proxy's page): the status line is all there is.
  }
  const error = body.error;
  const status = typeof error?.status === 'string' && /^[A-Z_]{1,40}$/.test(error.status) ? error.status : '';
  const rawMessage = typeof error?.message === 'string' ? error.message : excerpt(response.body, 200);
  const message = excerpt(redact(rawMessage), 400);
  const said = `${API_NAMES[service]}: ${what} was answered ${response.status}${status ? ` ${status}` : ''}${message ? `: ${shown(message, 400)}` : ''}`;
  if (response.status === 403) {
    const permission = permissionOf(error, rawMessage);
    const role = permission === undefined ? undefined : PERMISSION_ROLES[permission];
    const grant =
      permission === undefined
        ? 'the deployer (the service account or Workload Identity principal of google-github-actions/auth) lacks a permission'
        : `the deployer lacks ${permission}${role === undefined ? '' : `: grant it ${role} (or a custom role with ${permission})`}`;
    return new GoogleApiError(`${said}; ${grant}`, 403, status || 'PERMISSION_DENIED', permission);
  }
  if (response.status === 401) {
    return new GoogleApiError(
      `${said}; the access token was refused: run google-github-actions/auth in this job before this step`,
      401,
      status || 'UNAUTHENTICATED',
    );
  }
  return new GoogleApiError(said, response.status, status || `HTTP_${response.status}`);
}

/** HTTP statuses worth another try: the request may succeed as it is. */
const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
/** Request errors worth another try (no answer, or a broken one). */
const RETRIED_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ERESPONSE', 'EAI_AGAIN']);

export const GOOGLE_BACKOFF: Backoff = { initialMs: 500, factor: 2, maxMs: 8_000, jitter: 0.2 };
/** One request's own limit; the stage's deadline cuts it shorter. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** An API answer larger than this is refused (a list is paged well below it). */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;
export const MIN_REQUEST_MS = 200;

export interface GoogleRequest {
  method: 'GET' | 'POST' | 'PATCH';
  /** Path segments after the endpoint (`v2`, `projects`, `acme-dev`, …), each a checked name. */
  path: readonly string[];
  /** The last segment may carry a custom method (`:wait`, `:run`), appended unencoded. */
  verb?: string;
  query?: Readonly<Record<string, string>>;
  body?: unknown;
  /** What is asked, for messages: "get service projects/acme-dev/locations/europe-west1/services/api". */
  what: string;
  /** When the stage gives up (Date.now() ms): no retry is started past it. */
  deadline: number;
}

export interface GoogleApiOptions {
  env: NodeJS.ProcessEnv;
  /** The access token: fetched on first use, refreshed by its source when it expires. */
  token: () => Promise<string>;
  /** Readies what the first token needs (loading a library, say) without asking anyone. */
  prepare?: () => void;
  /** A cancelled step aborts the request in flight and every retry. */
  signal?: AbortSignal;
  requestTimeoutMs?: number;
  backoff?: Backoff;
  random?: () => number;
  /** Called before each retry: what failed and how long the wait is (for a log line). */
  onRetry?: (reason: string, waitMs: number) => void;
}

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('cancelled'));
    };
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The URL of one request: endpoint, encoded segments, the custom method, the query. */
export function requestUrl(endpoint: URL, request: Pick<GoogleRequest, 'path' | 'verb' | 'query'>): URL {
  const path = request.path.map((segment) => {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new Error(`a request path segment is ${shown(segment)}: a resource name was not checked`);
    }
    return encodeURIComponent(segment);
  });
  if (request.verb !== undefined && !/^[a-zA-Z]+$/.test(request.verb)) {
    throw new Error(`${shown(request.verb)} is not a custom method`);
  }
  const url = new URL(path.join('/') + (request.verb === undefined ? '' : `:${request.verb}`), endpoint);
  for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, value);
  return url;
}

/** One client per stage run: the endpoints, the token and the retry policy. */
export class GoogleApi {
  private readonly endpoints = new Map<GoogleService, URL>();

  constructor(private readonly options: GoogleApiOptions) {}

  /**
   * Readies the first token in the background (no request is sent, nothing fails): for a stage
   * to call before work it waits on anyway, such as a Terraform init.
   */
  prepare(): void {
    this.options.prepare?.();
  }

  /** The access token requests carry (registered as a secret): for a registry login, say. */
  token(): Promise<string> {
    return this.options.token();
  }

  /** The endpoint of an API, checked once (a bad override fails before any request). */
  endpoint(service: GoogleService): URL {
    let url = this.endpoints.get(service);
    if (url === undefined) {
      url = endpointOf(service, this.options.env);
      this.endpoints.set(service, url);
    }
    return url;
  }

  /** Sends one request, retrying what may succeed when tried again, and returns the JSON answer. */
  async call<T>(service: GoogleService, request: GoogleRequest): Promise<T> {
    const url = requestUrl(this.endpoint(service), request);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const backoff = this.options.backoff ?? GOOGLE_BACKOFF;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      this.options.signal?.throwIfAborted();
      const remaining = request.deadline - Date.now();
      if (remaining < MIN_REQUEST_MS) {
        throw new DeadlineError(
          `${API_NAMES[service]}: ${request.what} did not get an answer before the deadline (${formatMs(Date.now() - started)}, ${attempt - 1} attempt${attempt === 2 ? '' : 's'})`,
        );
      }
      const token = await this.options.token();
      let failure: { reason: string; retryAfterMs?: number; error: Error };
      try {
        const response = await httpRequest(url, {
          method: request.method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body }),
          timeoutMs: Math.min(this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS, remaining),
          maxBodyBytes: MAX_ANSWER_BYTES,
          ...(this.options.signal === undefined ? {} : { signal: this.options.signal }),
        });
        if (response.status >= 200 && response.status < 300) {
          if (response.truncated) {
            throw new GoogleApiError(
              `${API_NAMES[service]}: ${request.what} answered more than ${MAX_ANSWER_BYTES} bytes`,
              response.status,
              'TOO_LARGE',
            );
          }
          try {
            return JSON.parse(response.body === '' ? '{}' : response.body) as T;
          } catch {
            throw new GoogleApiError(
              `${API_NAMES[service]}: ${request.what} answered ${response.status} with no JSON: ${shown(excerpt(redact(response.body), 200))}`,
              response.status,
              'NOT_JSON',
            );
          }
        }
        const error = apiError(service, request.what, response);
        if (!RETRIED_STATUSES.has(response.status)) throw error;
        const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
        failure = {
          reason: `${response.status}`,
          error,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        };
      } catch (error) {
        if (!(error instanceof RequestError)) throw error;
        if (error.code === 'ABORTED') {
          throw this.options.signal?.reason instanceof Error ? this.options.signal.reason : error;
        }
        const wrapped = new GoogleApiError(
          `${API_NAMES[service]}: ${request.what} got no answer from ${url.host}: ${excerpt(redact(error.message), 200)}`,
          0,
          error.code,
        );
        if (!RETRIED_CODES.has(error.code)) throw wrapped;
        failure = { reason: error.code, error: wrapped };
      }
      const wait = Math.max(backoffDelay(attempt, backoff, this.options.random), failure.retryAfterMs ?? 0);
      if (Date.now() + wait + MIN_REQUEST_MS > request.deadline) {
        failure.error.message += ` (after ${attempt} attempt${attempt === 1 ? '' : 's'}; no time left before the deadline for another)`;
        throw failure.error;
      }
      this.options.onRetry?.(`${API_NAMES[service]}: ${request.what}: ${failure.reason}`, wait);
      await abortableSleep(wait, this.options.signal);
    }
  }
}
