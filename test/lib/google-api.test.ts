// The REST client of Google's APIs (src/lib/google-api.ts): endpoints and their overrides, the
// URL of a request, and the retry policy, against the local Google emulator and, where it cannot
// script an answer (a hang, an oversized body, an echo of the token), a small server on 127.0.0.1.
import type * as http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, DeadlineError } from '../../src/lib/errors.js';
import {
  checkEndpoint,
  ENDPOINT_VARIABLES,
  endpointOf,
  GoogleApi,
  GoogleApiError,
  PERMISSION_ROLES,
  requestUrl,
  type GoogleApiOptions,
  type GoogleRequest,
} from '../../src/lib/google-api.js';
import type { Backoff } from '../../src/lib/poll.js';
import { redact, registerSecret } from '../../src/lib/secrets.js';
import { googleError } from '../../testkit/google-emulator.mjs';
import { startEmulator, type GoogleEmulator } from '../../testkit/google.js';
import { json, startServer, type TestServer } from '../../testkit/servers.js';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Quick, predictable waits: a test measures the policy, not Google's real backoff. */
const FAST: Backoff = { initialMs: 20, factor: 2, maxMs: 80, jitter: 0 };

/** Milliseconds a call may overrun its deadline: one event-loop turn and a socket teardown. */
const SLACK_MS = 400;

/** The rejection of a promise (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error('expected a rejection, the call resolved');
}

/** Waits until `condition` holds (polling every 5 ms, at most 5 s). */
async function until(condition: () => boolean): Promise<void> {
  const end = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** `error` as the API's error: fails the test when it is another kind. */
function asApiError(error: unknown): GoogleApiError {
  if (error instanceof GoogleApiError) return error;
  throw new Error(`expected a GoogleApiError, got ${String(error)}`);
}

describe('checkEndpoint', () => {
  const VAR = 'CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN';

  it.each([
    ['https://run.example.internal', 'https://run.example.internal/'],
    ['https://run.example.internal/', 'https://run.example.internal/'],
    ['https://europe-west1-run.googleapis.com/base', 'https://europe-west1-run.googleapis.com/base/'],
    ['http://127.0.0.1:8085/', 'http://127.0.0.1:8085/'],
    ['http://127.1.2.3:8085', 'http://127.1.2.3:8085/'],
    ['http://[::1]:8085/', 'http://[::1]:8085/'],
    ['http://localhost:8085/api', 'http://localhost:8085/api/'],
  ])('accepts %s as %s', (raw, href) => {
    expect(checkEndpoint(VAR, raw).href).toBe(href);
  });

  it.each([
    'http://run.example.internal/',
    'http://10.0.0.1/',
    'http://127.0.0.1.attacker.example/',
    'http://localhost.attacker.example/',
    'ftp://127.0.0.1/',
    'file:///etc/passwd',
  ])('refuses %s: https only, plain http only to a loopback address', (raw) => {
    const error = (() => {
      try {
        checkEndpoint(VAR, raw);
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('accepted');
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain(VAR);
    expect(error.message).toContain('use https://');
    expect(error.message).toContain('127.0.0.1, ::1 or localhost');
  });

  it.each([
    'https://deployer:hunter2@run.example.internal/',
    'https://deployer@run.example.internal/',
    'https://run.example.internal/?key=AIzaSecret',
    'https://run.example.internal/#fragment',
  ])('refuses a user, query or fragment in %s, without repeating it', (raw) => {
    expect(() => checkEndpoint(VAR, raw)).toThrow(ConfigurationError);
    expect(() => checkEndpoint(VAR, raw)).toThrow(`${VAR} holds a user, a query or a fragment`);
    try {
      checkEndpoint(VAR, raw);
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
      expect((error as Error).message).not.toContain('AIzaSecret');
    }
  });

  it('refuses a value that is not an absolute URL, naming the variable', () => {
    expect(() => checkEndpoint(VAR, 'run.example.internal')).toThrow(ConfigurationError);
    expect(() => checkEndpoint(VAR, 'run.example.internal')).toThrow(
      `${VAR} is "run.example.internal", which is not an absolute URL`,
    );
    // The value is shown escaped: a line break cannot start a workflow command.
    expect(() => checkEndpoint(VAR, 'x\n::error::forged')).toThrow('"x\\n::error::forged"');
  });
});

describe('endpointOf', () => {
  it("is Google's endpoint when no override is set (or it is blank)", () => {
    expect(endpointOf('run', {}).href).toBe('https://run.googleapis.com/');
    expect(endpointOf('secretmanager', {}).href).toBe('https://secretmanager.googleapis.com/');
    expect(endpointOf('logging', {}).href).toBe('https://logging.googleapis.com/');
    expect(endpointOf('run', { CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: '   ' }).href).toBe(
      'https://run.googleapis.com/',
    );
  });

  it("reads gcloud's override variable of each API, trimmed, and only that API's", () => {
    const env = {
      CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: ' https://run.example.internal/v ',
      CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER: 'http://127.0.0.1:9/',
      CLOUDSDK_API_ENDPOINT_OVERRIDES_LOGGING: 'https://logging.example.internal',
    };
    expect(endpointOf('run', env).href).toBe('https://run.example.internal/v/');
    expect(endpointOf('secretmanager', env).href).toBe('http://127.0.0.1:9/');
    expect(endpointOf('logging', env).href).toBe('https://logging.example.internal/');
    expect(
      endpointOf('secretmanager', { CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: 'http://127.0.0.1:9/' }).href,
    ).toBe('https://secretmanager.googleapis.com/');
    expect(ENDPOINT_VARIABLES).toEqual({
      run: 'CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN',
      secretmanager: 'CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER',
      logging: 'CLOUDSDK_API_ENDPOINT_OVERRIDES_LOGGING',
    });
  });

  it('refuses a bad override naming its variable', () => {
    expect(() =>
      endpointOf('secretmanager', { CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER: 'http://sm.example/' }),
    ).toThrow(/^CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER is "http:\/\/sm.example\/"/);
  });

  it('fails a call on a bad override before any token is asked for or any request is sent', async () => {
    let tokens = 0;
    const api = new GoogleApi({
      env: { CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: 'http://run.example.internal/' },
      token: () => {
        tokens++;
        return Promise.resolve('unused');
      },
    });
    const error = await rejection(
      api.call('run', { method: 'GET', path: ['v2'], what: 'get x', deadline: Date.now() + 5_000 }),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain('CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN');
    expect(tokens).toBe(0);
  });
});

describe('requestUrl', () => {
  const endpoint = new URL('http://127.0.0.1:8085/base/');

  it('percent-encodes each segment under the endpoint path', () => {
    const url = requestUrl(endpoint, { path: ['v1', 'projects', 'a b', 'x/y', 'q?r#s', '%2e%2e'] });
    expect(url.href).toBe('http://127.0.0.1:8085/base/v1/projects/a%20b/x%2Fy/q%3Fr%23s/%252e%252e');
    expect(url.search).toBe('');
  });

  it('appends a custom method unencoded and sets the query', () => {
    const url = requestUrl(endpoint, {
      path: ['v2', 'projects', 'p', 'locations', 'r', 'operations', 'op-1'],
      verb: 'wait',
      query: { updateMask: 'template,traffic', pageToken: 'a&b=c' },
    });
    expect(url.pathname).toBe('/base/v2/projects/p/locations/r/operations/op-1:wait');
    expect(url.searchParams.get('updateMask')).toBe('template,traffic');
    expect(url.searchParams.get('pageToken')).toBe('a&b=c');
    expect([...url.searchParams.keys()]).toEqual(['updateMask', 'pageToken']);
  });

  it.each(['', '.', '..'])('refuses the segment %j: a name that was not checked', (segment) => {
    expect(() => requestUrl(endpoint, { path: ['v1', 'projects', segment, 'secrets'] })).toThrow(
      `a request path segment is ${JSON.stringify(segment)}: a resource name was not checked`,
    );
  });

  it.each(['wait/x', 'wait?x=1', '', 'wait:run'])('refuses %j as a custom method', (verb) => {
    expect(() => requestUrl(endpoint, { path: ['v2'], verb })).toThrow('is not a custom method');
  });
});

describe('GoogleApi against the emulator', () => {
  let emulator: GoogleEmulator;
  let token: string;
  let servicePath: string[];

  beforeAll(async () => {
    emulator = await startEmulator(cleanups);
    token = emulator.issueToken();
    // As GoogleTokenSource does with every token it returns.
    registerSecret(token);
    emulator.putService({ name: 'api' });
    servicePath = ['v2', 'projects', emulator.project, 'locations', emulator.region, 'services', 'api'];
  });
  afterEach(() => emulator.resetScripts());

  const retries: { reason: string; waitMs: number }[] = [];
  afterEach(() => {
    retries.length = 0;
  });

  function api(options: Partial<GoogleApiOptions> = {}): GoogleApi {
    return new GoogleApi({
      env: emulator.env(),
      token: () => Promise.resolve(token),
      backoff: FAST,
      onRetry: (reason, waitMs) => retries.push({ reason, waitMs }),
      ...options,
    });
  }
  const getService = (deadline = Date.now() + 10_000): GoogleRequest => ({
    method: 'GET',
    path: servicePath,
    what: 'get service api',
    deadline,
  });
  const serviceRequests = () =>
    emulator.requests.filter((r: { path: string }) => r.path.endsWith('/services/api'));

  it('sends the bearer token and returns the JSON answer', async () => {
    const service = await api().call<{ name: string; generation: string }>('run', getService());
    expect(service.name).toBe(`projects/${emulator.project}/locations/${emulator.region}/services/api`);
    expect(service.generation).toBe('1');
    expect(serviceRequests()).toHaveLength(1);
    expect(serviceRequests()[0]?.authorization).toBe(true);
    expect(retries).toEqual([]);
  });

  it('honours Retry-After on a 429: the retry waits at least as long as asked', async () => {
    emulator.fault({ path: /\/services\/api$/, times: 1, status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    const service = await api().call<{ name: string }>('run', getService());
    expect(service.name).toContain('/services/api');
    const [first, second] = serviceRequests();
    expect(serviceRequests()).toHaveLength(2);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(retries).toEqual([{ reason: 'Cloud Run Admin API: get service api: 429', waitMs: 1_000 }]);
  });

  it('retries a burst of 503s, then returns the answer', async () => {
    emulator.fault({ path: /\/services\/api$/, times: 3, status: 503 });
    const service = await api().call<{ name: string }>('run', getService());
    expect(service.name).toContain('/services/api');
    expect(serviceRequests()).toHaveLength(4);
    // The backoff grows: 20, 40, 80 ms (no jitter).
    expect(retries.map((r) => r.waitMs)).toEqual([20, 40, 80]);
    expect(retries.every((r) => r.reason.endsWith(': 503'))).toBe(true);
  });

  it.each([408, 500, 502, 504])('retries a %i', async (status) => {
    emulator.fault({ path: /\/services\/api$/, times: 1, status });
    await api().call('run', getService());
    expect(serviceRequests()).toHaveLength(2);
  });

  it('retries a 500 until the deadline, then says there was no time left for another', async () => {
    emulator.fault({ path: /\/services\/api$/, status: 500 });
    const deadline = Date.now() + 1_200;
    const error = await rejection(
      api({ backoff: { initialMs: 150, factor: 1, maxMs: 150, jitter: 0 } }).call(
        'run',
        getService(deadline),
      ),
    );
    expect(Date.now()).toBeLessThanOrEqual(deadline + SLACK_MS);
    expect(error).toBeInstanceOf(GoogleApiError);
    const apiError = asApiError(error);
    expect(apiError.httpStatus).toBe(500);
    expect(apiError.status).toBe('INTERNAL');
    const attempts = serviceRequests().length;
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(apiError.message).toContain('Cloud Run Admin API: get service api was answered 500 INTERNAL');
    expect(apiError.message).toContain(
      `(after ${attempts} attempts; no time left before the deadline for another)`,
    );
    expect(retries).toHaveLength(attempts - 1);
  });

  it('does not wait for a Retry-After that ends past the deadline', async () => {
    emulator.fault({ path: /\/services\/api$/, status: 429, headers: { 'retry-after': '60' } });
    const started = Date.now();
    const error = await rejection(api().call('run', getService(Date.now() + 3_000)));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(serviceRequests()).toHaveLength(1);
    expect(error.message).toContain('429 RESOURCE_EXHAUSTED');
    expect(error.message).toContain('(after 1 attempt; no time left before the deadline for another)');
  });

  it('retries a connection reset', async () => {
    emulator.fault({ path: /\/services\/api$/, times: 1, reset: true });
    const service = await api().call<{ name: string }>('run', getService());
    expect(service.name).toContain('/services/api');
    expect(serviceRequests()).toHaveLength(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.reason).toBe('Cloud Run Admin API: get service api: ECONNRESET');
  });

  it('reports a connection reset that lasts past the deadline as no answer', async () => {
    emulator.fault({ path: /\/services\/api$/, reset: true });
    const deadline = Date.now() + 800;
    const error = await rejection(api().call('run', getService(deadline)));
    expect(Date.now()).toBeLessThanOrEqual(deadline + SLACK_MS);
    expect(error).toBeInstanceOf(GoogleApiError);
    expect(asApiError(error).httpStatus).toBe(0);
    expect(asApiError(error).status).toBe('ECONNRESET');
    expect(error.message).toContain(`get service api got no answer from 127.0.0.1:${emulator.port}`);
    expect(error.message).toContain('no time left before the deadline');
  });

  it('does not retry a 400', async () => {
    emulator.fault({ path: /\/services\/api$/, status: 400, body: googleError(400, 'Invalid updateMask.') });
    const error = asApiError(await rejection(api().call('run', getService())));
    expect(serviceRequests()).toHaveLength(1);
    expect(retries).toEqual([]);
    expect(error).toBeInstanceOf(GoogleApiError);
    expect(error.httpStatus).toBe(400);
    expect(error.status).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe(
      'Cloud Run Admin API: get service api was answered 400 INVALID_ARGUMENT: "Invalid updateMask."',
    );
  });

  it('does not retry a 401, and says to authenticate first', async () => {
    const error = asApiError(
      await rejection(
        api({ token: () => Promise.resolve('ya29.not-issued-by-the-emulator') }).call('run', getService()),
      ),
    );
    expect(serviceRequests()).toHaveLength(1);
    expect(error.httpStatus).toBe(401);
    expect(error.status).toBe('UNAUTHENTICATED');
    expect(error.message).toContain('Request had invalid authentication credentials');
    expect(error.message).toContain('run google-github-actions/auth in this job before this step');
  });

  it('does not retry a 404', async () => {
    const error = asApiError(
      await rejection(
        api().call('run', {
          ...getService(),
          path: [...servicePath.slice(0, -1), 'missing'],
          what: 'get missing',
        }),
      ),
    );
    expect(emulator.requests).toHaveLength(1);
    expect(error.httpStatus).toBe(404);
    expect(error.status).toBe('NOT_FOUND');
    expect(error.message).toContain('get missing was answered 404 NOT_FOUND');
    expect(error.message).toContain('services/missing');
  });

  it('names the permission of a 403 from ErrorInfo and the role that grants it', async () => {
    emulator.fault({ path: /\/services\/api$/, status: 403, permission: 'run.services.get' });
    const error = asApiError(await rejection(api().call('run', getService())));
    expect(serviceRequests()).toHaveLength(1);
    expect(error.httpStatus).toBe(403);
    expect(error.status).toBe('PERMISSION_DENIED');
    expect(error.permission).toBe('run.services.get');
    expect(PERMISSION_ROLES['run.services.get']).toBe('roles/run.viewer');
    expect(error.message).toContain(
      'the deployer lacks run.services.get: grant it roles/run.viewer (or a custom role with run.services.get)',
    );
  });

  it('takes the permission from ErrorInfo even when the message names none', async () => {
    emulator.fault({
      path: /\/services\/api$/,
      status: 403,
      body: {
        error: {
          code: 403,
          status: 'PERMISSION_DENIED',
          message: 'The caller does not have permission',
          details: [
            null,
            { '@type': 'type.googleapis.com/google.rpc.Help' },
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'IAM_PERMISSION_DENIED',
              metadata: { permission: 'run.services.update' },
            },
          ],
        },
      },
    });
    const error = asApiError(await rejection(api().call('run', getService())));
    expect(error.permission).toBe('run.services.update');
    expect(error.message).toContain('grant it roles/run.developer');
  });

  it('takes the permission from "Permission \'x\' denied" when there is no ErrorInfo', async () => {
    emulator.fault({
      path: /\/services\/api$/,
      status: 403,
      body: googleError(
        403,
        "Permission 'secretmanager.versions.get' denied on resource (or it may not exist).",
      ),
    });
    const error = asApiError(await rejection(api().call('run', getService())));
    expect(error.permission).toBe('secretmanager.versions.get');
    expect(error.message).toContain(
      'the deployer lacks secretmanager.versions.get: grant it roles/secretmanager.viewer',
    );
  });

  it('names a permission no role is known for without inventing one', async () => {
    emulator.fault({ path: /\/services\/api$/, status: 403, permission: 'run.services.setIamPolicy' });
    const error = asApiError(await rejection(api().call('run', getService())));
    expect(error.permission).toBe('run.services.setIamPolicy');
    expect(error.message).toContain('the deployer lacks run.services.setIamPolicy');
    expect(error.message).not.toContain('roles/');
  });

  it('gives a general hint for a 403 that names no permission (a forged one is not taken)', async () => {
    emulator.fault({
      path: /\/services\/api$/,
      status: 403,
      body: googleError(403, "Permission 'x\n::error::forged' denied", [
        { metadata: { permission: 'a b c' } },
      ]),
    });
    const error = asApiError(await rejection(api().call('run', getService())));
    expect(error.permission).toBeUndefined();
    expect(error.message).toContain('google-github-actions/auth) lacks a permission');
    expect(error.message).not.toContain('\n');
  });

  it('cuts a hanging request at requestTimeoutMs and tries again', async () => {
    // Each of the first two requests is held for 5 s; the client gives up on each after 300 ms.
    emulator.fault({ path: /\/services\/api$/, times: 2, delayMs: 5_000 });
    const started = Date.now();
    const service = await api({ requestTimeoutMs: 300 }).call<{ name: string }>('run', getService());
    expect(service.name).toContain('/services/api');
    expect(serviceRequests()).toHaveLength(3);
    expect(retries.map((r) => r.reason)).toEqual([
      'Cloud Run Admin API: get service api: ETIMEDOUT',
      'Cloud Run Admin API: get service api: ETIMEDOUT',
    ]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses a call with less than a request left before the deadline, without a request', async () => {
    const error = await rejection(api().call('run', getService(Date.now() + 50)));
    expect(error).toBeInstanceOf(DeadlineError);
    expect(error.message).toContain('get service api did not get an answer before the deadline');
    expect(error.message).toContain('0 attempts');
    expect(emulator.requests).toHaveLength(0);
  });

  it('does not start when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('the step was cancelled'));
    const error = await rejection(api({ signal: controller.signal }).call('run', getService()));
    expect(error.message).toBe('the step was cancelled');
    expect(emulator.requests).toHaveLength(0);
  });

  it('aborts a backoff sleep at once', async () => {
    emulator.fault({ path: /\/services\/api$/, status: 503, headers: { 'retry-after': '30' } });
    const controller = new AbortController();
    let abortedAt = 0;
    const call = api({
      signal: controller.signal,
      onRetry: () => {
        setTimeout(() => {
          abortedAt = Date.now();
          controller.abort(new Error('the step was cancelled'));
        }, 50);
      },
    }).call('run', getService(Date.now() + 60_000));
    const error = await rejection(call);
    expect(error.message).toBe('the step was cancelled');
    expect(Date.now() - abortedAt).toBeLessThan(300);
    expect(serviceRequests()).toHaveLength(1);
  });

  it('aborts a request in flight at once', async () => {
    emulator.fault({ path: /\/services\/api$/, delayMs: 20_000 });
    const controller = new AbortController();
    const call = api({ signal: controller.signal }).call('run', getService(Date.now() + 60_000));
    await until(() => serviceRequests().length === 1);
    const abortedAt = Date.now();
    controller.abort(new Error('the step was cancelled'));
    const error = await rejection(call);
    expect(error.message).toBe('the step was cancelled');
    expect(Date.now() - abortedAt).toBeLessThan(300);
    expect(serviceRequests()).toHaveLength(1);
  });

  it('sends a body as JSON with a PATCH and the query', async () => {
    const operation = await api().call<{ name: string; done: boolean }>('run', {
      method: 'PATCH',
      path: servicePath,
      query: { updateMask: 'labels' },
      body: { labels: { team: 'web' } },
      what: 'update labels',
      deadline: Date.now() + 10_000,
    });
    expect(operation.name).toMatch(/\/operations\/[0-9a-f-]+$/);
    expect(serviceRequests()[0]).toMatchObject({ method: 'PATCH', query: { updateMask: 'labels' } });
    expect(emulator.service(emulator.project, emulator.region, 'api')?.['labels']).toEqual({ team: 'web' });
  });

  it('hands out its token for a registry login', async () => {
    expect(await api().token()).toBe(token);
  });
});

describe('GoogleApi against a server that misbehaves', () => {
  let server: TestServer;
  const TOKEN = 'ya29.a0-test-bearer-token-that-must-never-be-printed-4f1c9e';
  /** What the server does, by path. */
  const behaviour: Record<string, (req: http.IncomingMessage, res: http.ServerResponse) => void> = {
    '/v1/hang': () => undefined,
    '/v1/huge': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // 8 MiB and a bit, as a JSON string: only the size is wrong.
      res.end(`{"data":"${'a'.repeat(8 * 1024 * 1024)}"}`);
    },
    '/v1/html': (req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<html>proxy login, you sent ${req.headers.authorization ?? ''}</html>`);
    },
    '/v1/empty': (_req, res) => {
      res.writeHead(200);
      res.end();
    },
    '/v1/echo-500': (req, res) =>
      json(res, 500, googleError(500, `backend saw ${req.headers.authorization ?? ''}`)),
    '/v1/echo-403': (req, res) =>
      json(
        res,
        403,
        googleError(403, `Permission 'run.services.get' denied for ${req.headers.authorization ?? ''}`),
      ),
    '/v1/echo-plain': (req, res) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`bad request from ${req.headers.authorization ?? ''}`);
    },
    '/v1/headers': (req, res) => json(res, 200, req.headers),
  };

  beforeAll(async () => {
    server = await startServer((req, res) => {
      const handler = behaviour[new URL(req.url ?? '/', 'http://x').pathname];
      if (handler) handler(req, res);
      else json(res, 404, googleError(404, 'no such path'));
    });
    cleanups.push(() => server.close());
    registerSecret(TOKEN);
  });
  afterEach(() => {
    server.requests.length = 0;
  });

  function api(options: Partial<GoogleApiOptions> = {}): GoogleApi {
    return new GoogleApi({
      env: { CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER: `${server.url}/` },
      token: () => Promise.resolve(TOKEN),
      backoff: FAST,
      ...options,
    });
  }
  const get = (name: string, deadline = Date.now() + 10_000): GoogleRequest => ({
    method: 'GET',
    path: ['v1', name],
    what: `get ${name}`,
    deadline,
  });

  it('holds the deadline against an endpoint that never answers', async () => {
    for (const budget of [600, 1_500]) {
      const started = Date.now();
      const error = await rejection(api().call('secretmanager', get('hang', started + budget)));
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(budget - 250);
      expect(took).toBeLessThanOrEqual(budget + SLACK_MS);
      expect(error).toBeInstanceOf(GoogleApiError);
      expect(asApiError(error).status).toBe('ETIMEDOUT');
      expect(error.message).toContain('no time left before the deadline');
    }
  });

  it('cuts each attempt at requestTimeoutMs and retries within the deadline', async () => {
    const started = Date.now();
    const error = await rejection(
      api({ requestTimeoutMs: 200 }).call('secretmanager', get('hang', started + 1_000)),
    );
    expect(Date.now() - started).toBeLessThanOrEqual(1_000 + SLACK_MS);
    expect(server.requests.length).toBeGreaterThanOrEqual(3);
    expect(error.message).toMatch(/no complete answer within 200 ms \(after \d attempts; no time left/);
  });

  it('refuses an answer larger than the limit', async () => {
    const error = asApiError(await rejection(api().call('secretmanager', get('huge'))));
    expect(error).toBeInstanceOf(GoogleApiError);
    expect(error.status).toBe('TOO_LARGE');
    expect(error.message).toBe(`Secret Manager API: get huge answered more than ${8 * 1024 * 1024} bytes`);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a 200 that is not JSON, without the token it may echo', async () => {
    const error = asApiError(await rejection(api().call('secretmanager', get('html'))));
    expect(error.status).toBe('NOT_JSON');
    expect(error.httpStatus).toBe(200);
    expect(error.message).toContain(
      'get html answered 200 with no JSON: "<html>proxy login, you sent Bearer ***</html>"',
    );
    expect(error.message).not.toContain(TOKEN);
    expect(server.requests).toHaveLength(1);
  });

  it('reads an empty 200 as an empty object', async () => {
    expect(await api().call('secretmanager', get('empty'))).toEqual({});
  });

  it('sends the token as a bearer token and asks for JSON', async () => {
    const headers = await api().call<Record<string, string>>('secretmanager', {
      ...get('headers'),
      method: 'POST',
      body: { a: 1 },
    });
    expect(headers['authorization']).toBe(`Bearer ${TOKEN}`);
    expect(headers['accept']).toBe('application/json');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['content-length']).toBe('7');
  });

  it('never puts the bearer token in an error message', async () => {
    expect(redact(`Bearer ${TOKEN}`)).toBe('Bearer ***');
    const messages: string[] = [];
    const retried: string[] = [];
    for (const path of ['echo-500', 'echo-403', 'echo-plain']) {
      const error = await rejection(
        api({ onRetry: (reason) => retried.push(reason) }).call('secretmanager', get(path, Date.now() + 700)),
      );
      messages.push(error.message);
    }
    expect(messages[0]).toContain('answered 500 INTERNAL: "backend saw Bearer ***"');
    expect(messages[1]).toContain(
      'answered 403 PERMISSION_DENIED: "Permission \'run.services.get\' denied for Bearer ***"',
    );
    expect(messages[1]).toContain('grant it roles/run.viewer');
    expect(messages[2]).toBe(
      'Secret Manager API: get echo-plain was answered 400: "bad request from Bearer ***"',
    );
    for (const text of [...messages, ...retried]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(TOKEN.slice(0, 30));
    }
  });

  it('reports a refused connection as no answer from the host, retried until the deadline', async () => {
    const closed = await startServer(() => undefined);
    const { port } = closed;
    await closed.close();
    const refused = new GoogleApi({
      env: { CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: `http://127.0.0.1:${port}/` },
      token: () => Promise.resolve(TOKEN),
      backoff: FAST,
    });
    const started = Date.now();
    const error = asApiError(
      await rejection(
        refused.call('run', { method: 'GET', path: ['v2', 'x'], what: 'get x', deadline: started + 700 }),
      ),
    );
    expect(Date.now() - started).toBeLessThanOrEqual(700 + SLACK_MS);
    expect(error.status).toBe('ECONNREFUSED');
    expect(error.message).toContain(`Cloud Run Admin API: get x got no answer from 127.0.0.1:${port}`);
    expect(error.message).toMatch(/after \d+ attempts; no time left/);
  });
});
