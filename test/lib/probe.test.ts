import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerSecret } from '../../src/lib/secrets.js';
import {
  containsSubset,
  isRetryableStatus,
  joinUrl,
  probeOnce,
  ProbeFailedError,
} from '../../src/lib/probe.js';
import { json, startServer, type TestServer } from '../../testkit/servers.js';

describe('containsSubset', () => {
  it.each([
    [{ status: 'ok', revision: 'r1', extra: 1 }, { status: 'ok' }, true],
    [{ status: 'ok' }, { status: 'ok', revision: 'r1' }, false],
    [{ a: { b: 1, c: 2 } }, { a: { b: 1 } }, true],
    [{ a: { b: 1 } }, { a: { b: '1' } }, false],
    [{ a: [1, 2] }, { a: [1, 2] }, true],
    [{ a: [1, 2, 3] }, { a: [1, 2] }, false],
    [{ a: [{ x: 1, y: 2 }] }, { a: [{ x: 1 }] }, true],
    [{ a: null }, { a: null }, true],
    [{}, { a: undefined }, false],
    [[{ status: 'ok' }], { status: 'ok' }, false],
    ['ok', { status: 'ok' }, false],
  ])('%j contains %j: %s', (actual, expected, result) => {
    expect(containsSubset(actual, expected)).toBe(result);
  });
});

describe('joinUrl', () => {
  it.each([
    ['https://api.run.app', '/health', 'https://api.run.app/health'],
    ['https://api.run.app/', '/health', 'https://api.run.app/health'],
    ['https://example.com/api', '/health', 'https://example.com/api/health'],
    ['https://example.com/api/', '/healthz?full=1', 'https://example.com/api/healthz?full=1'],
  ])('%s + %s = %s', (base, path, joined) => {
    expect(joinUrl(new URL(base), path).href).toBe(joined);
  });
});

describe('isRetryableStatus', () => {
  it.each([
    [408, true],
    [425, true],
    [429, true],
    [500, true],
    [503, true],
    [404, false],
    [401, false],
    [302, false],
    [200, false],
  ])('%i → %s', (status, retry) => {
    expect(isRetryableStatus(status)).toBe(retry);
  });
});

describe('probeOnce against a real server', () => {
  let server: TestServer;
  const routes: Record<string, (res: import('node:http').ServerResponse) => void> = {
    '/ok': (res) => json(res, 200, { status: 'ok', revision: 'api-00042-xyz' }),
    '/old': (res) => json(res, 200, { status: 'ok', revision: 'api-00041-abc' }),
    '/text': (res) => res.writeHead(200).end('fine'),
    '/busy': (res) => json(res, 503, { error: 'starting' }, { 'retry-after': '2' }),
    '/gone': (res) => json(res, 404, { detail: 'Not Found' }),
    '/moved': (res) => res.writeHead(301, { location: 'https://elsewhere.example/health' }).end(),
  };
  const options = { expectedStatus: 200, expect: undefined, bearerToken: '', requestTimeoutMs: 5000 };

  beforeAll(async () => {
    server = await startServer((req, res) => (routes[req.url ?? ''] ?? routes['/gone'])!(res));
  });
  afterAll(() => server.close());

  it('is done on the expected status', async () => {
    const result = await probeOnce(new URL(`${server.url}/ok`), options, 5000);
    expect(result.done && result.value.status).toBe(200);
  });

  it('checks the body against expect and retries a mismatch with the body in the reason', async () => {
    const expectRevision = { ...options, expect: { revision: 'api-00042-xyz' } };
    expect((await probeOnce(new URL(`${server.url}/ok`), expectRevision, 5000)).done).toBe(true);
    expect(await probeOnce(new URL(`${server.url}/old`), expectRevision, 5000)).toEqual({
      done: false,
      reason:
        '200, but the body does not contain {"revision":"api-00042-xyz"}: {"status":"ok","revision":"api-00041-abc"}',
    });
    expect(await probeOnce(new URL(`${server.url}/text`), expectRevision, 5000)).toEqual({
      done: false,
      reason: '200, but the body is not JSON: fine',
    });
  });

  it('asks for a retry on 503 and passes Retry-After on', async () => {
    expect(await probeOnce(new URL(`${server.url}/busy`), options, 5000)).toEqual({
      done: false,
      reason: '503: {"error":"starting"}',
      retryAfterMs: 2000,
    });
  });

  it('fails at once on 404 and on a redirect, naming the Location', async () => {
    await expect(probeOnce(new URL(`${server.url}/gone`), options, 5000)).rejects.toThrow(
      /answered 404, expected 200: \{"detail":"Not Found"\}/,
    );
    await expect(probeOnce(new URL(`${server.url}/moved`), options, 5000)).rejects.toThrow(ProbeFailedError);
    await expect(probeOnce(new URL(`${server.url}/moved`), options, 5000)).rejects.toThrow(
      /301, a redirect to "https:\/\/elsewhere\.example\/health"; redirects are not followed/,
    );
  });

  it('sends the bearer token', async () => {
    await probeOnce(new URL(`${server.url}/ok`), { ...options, bearerToken: 'tok-123' }, 5000);
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer tok-123');
  });

  it('retries a refused connection', async () => {
    const closed = await startServer(() => undefined);
    await closed.close();
    const result = await probeOnce(new URL(`${closed.url}/ok`), options, 5000);
    expect(result.done).toBe(false);
    expect(!result.done && result.reason).toMatch(/^ECONNREFUSED/);
  });
});

describe('probeOnce: what the service sends back is escaped, and its secrets removed before the cut', () => {
  const TOKEN = `tok${'0123456789abcdefghij'.repeat(3)}`; // 63 characters
  let server: TestServer;
  beforeAll(async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    registerSecret(TOKEN);
    vi.restoreAllMocks();
    server = await startServer((req, res) => {
      if (req.url === '/forge') {
        res.writeHead(302, { location: '::error file=x::forged' }).end();
        return;
      }
      // The token lands across the 300-character cut of the shown Location.
      res.writeHead(302, { location: `https://login.example/cb?${'p'.repeat(260)}&t=${TOKEN}` }).end();
    });
  });
  afterAll(() => server.close());
  const options = { expectedStatus: 200, expect: undefined, bearerToken: '', requestTimeoutMs: 5000 };

  it('shows no piece of a token in a Location that is cut', async () => {
    const message = await probeOnce(new URL(`${server.url}/long`), options, 5000).then(
      () => '',
      (error: unknown) => (error as Error).message,
    );
    expect(message).toContain('a redirect to "https://login.example/cb?ppp');
    expect(message).toContain('&t=***');
    for (let at = 0; at + 8 <= TOKEN.length; at++) expect(message).not.toContain(TOKEN.slice(at, at + 8));
  });

  it('quotes a Location, so that it is never a workflow command', async () => {
    await expect(probeOnce(new URL(`${server.url}/forge`), options, 5000)).rejects.toThrow(
      'a redirect to "::error file=x::forged"',
    );
  });
});
