import { once } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_BODY, httpGet, parseRetryAfter, RequestError } from '../../src/lib/http.js';
import { selfSignedCertificate, type SelfSigned } from '../../testkit/servers.js';

const MIB = 1024 * 1024;

/** Requests each path received, for checking what the client did (and did not) ask for. */
const hits: string[] = [];

function handle(request: http.IncomingMessage, response: http.ServerResponse): void {
  const path = request.url ?? '/';
  hits.push(path);
  switch (path) {
    case '/ok':
      response.writeHead(200, { 'content-type': 'application/json', 'x-revision': 'api-00042-xyz' });
      response.end('{"status":"ok","revision":"api-00042-xyz"}');
      return;
    case '/headers':
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(request.headers));
      return;
    case '/redirect':
      response.writeHead(302, { location: '/ok' });
      response.end('moved');
      return;
    case '/unavailable':
      response.writeHead(503, { 'retry-after': '7' });
      response.end('try later');
      return;
    case '/exact':
      response.writeHead(200, { 'content-length': '100' });
      response.end('e'.repeat(100));
      return;
    case '/huge':
      // 1 MiB, and the response is never ended: only a client that stops at the cap returns.
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write(Buffer.alloc(MIB, 'a'));
      return;
    case '/hang':
      // Accepted, never answered.
      return;
    case '/drip':
      // Headers and a first part of the body, then nothing more.
      response.writeHead(200, { 'content-length': '1000' });
      response.write('first part');
      return;
    case '/broken':
      response.writeHead(200, { 'content-length': '1000' });
      response.write('first part', () => {
        setTimeout(() => request.socket.destroy(), 20);
      });
      return;
    default:
      response.writeHead(404);
      response.end('not found');
  }
}

async function listen(server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function requestErrorOf(promise: Promise<unknown>): Promise<RequestError> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(RequestError);
  return error as RequestError;
}

let plain: http.Server;
let base = '';
const url = (path: string): URL => new URL(path, base);

beforeAll(async () => {
  plain = http.createServer(handle);
  base = `http://127.0.0.1:${await listen(plain)}`;
});
afterAll(async () => {
  await close(plain);
});

describe('httpGet', () => {
  it('returns the status, headers and body of a 200', async () => {
    const response = await httpGet(url('/ok'), { timeoutMs: 10_000 });
    expect(response.status).toBe(200);
    expect(response.body).toBe('{"status":"ok","revision":"api-00042-xyz"}');
    expect(response.headers['x-revision']).toBe('api-00042-xyz');
    expect(response.truncated).toBe(false);
    expect(response.durationMs).toBeGreaterThan(0);
    expect(response.durationMs).toBeLessThan(5_000);
  });

  it('sends its user agent and the given headers', async () => {
    const response = await httpGet(url('/headers'), {
      timeoutMs: 10_000,
      headers: { authorization: 'Bearer token-123', 'x-extra': 'yes' },
    });
    const received = JSON.parse(response.body) as Record<string, string>;
    expect(received['user-agent']).toBe('cloud-run-deploy-actions');
    expect(received['accept']).toBe('*/*');
    expect(received['authorization']).toBe('Bearer token-123');
    expect(received['x-extra']).toBe('yes');
  });

  it('returns other statuses as they are', async () => {
    const response = await httpGet(url('/unavailable'), { timeoutMs: 10_000 });
    expect(response.status).toBe(503);
    expect(response.body).toBe('try later');
    expect(response.headers['retry-after']).toBe('7');
    expect((await httpGet(url('/nothing'), { timeoutMs: 10_000 })).status).toBe(404);
  });

  it('returns a redirect without following it', async () => {
    const before = hits.filter((path) => path === '/ok').length;
    const response = await httpGet(url('/redirect'), { timeoutMs: 10_000 });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/ok');
    expect(response.body).toBe('moved');
    expect(hits.filter((path) => path === '/ok').length).toBe(before);
  });

  it('reads the body up to the cap and returns without waiting for the rest', async () => {
    const response = await httpGet(url('/huge'), { timeoutMs: 20_000 });
    expect(DEFAULT_MAX_BODY).toBe(64 * 1024);
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(DEFAULT_MAX_BODY);
    expect(response.body).toBe('a'.repeat(DEFAULT_MAX_BODY));
    expect(response.truncated).toBe(true);
    // The server never ends this response: only stopping at the cap returns before the timeout.
    expect(response.durationMs).toBeLessThan(5_000);
  });

  it('honours a smaller cap', async () => {
    const response = await httpGet(url('/huge'), { timeoutMs: 20_000, maxBodyBytes: 1000 });
    expect(response.body).toBe('a'.repeat(1000));
    expect(response.truncated).toBe(true);
  });

  it('does not mark a body of exactly the cap as truncated', async () => {
    const response = await httpGet(url('/exact'), { timeoutMs: 10_000, maxBodyBytes: 100 });
    expect(response.body).toBe('e'.repeat(100));
    expect(response.truncated).toBe(false);
  });

  it('gives up on a server that accepts and never answers', async () => {
    const started = performance.now();
    const error = await requestErrorOf(httpGet(url('/hang'), { timeoutMs: 300 }));
    const elapsed = performance.now() - started;
    expect(error.code).toBe('ETIMEDOUT');
    expect(error.message).toBe('no complete answer within 300 ms');
    expect(error.name).toBe('RequestError');
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3_000);
  });

  it('counts the body in the deadline', async () => {
    const started = performance.now();
    const error = await requestErrorOf(httpGet(url('/drip'), { timeoutMs: 300 }));
    expect(error.code).toBe('ETIMEDOUT');
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('reports a response that breaks off', async () => {
    const error = await requestErrorOf(httpGet(url('/broken'), { timeoutMs: 10_000 }));
    expect(error.code).toBe('ECONNRESET');
    expect(error.message).toMatch(/^the response broke off/);
  });

  it('reports a refused connection', async () => {
    const closed = net.createServer();
    const port = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await requestErrorOf(
      httpGet(new URL(`http://127.0.0.1:${port}/health`), { timeoutMs: 10_000 }),
    );
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.message).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});

describe('httpGet over TLS', () => {
  let tls: SelfSigned;
  let server: https.Server;
  let tlsHits = 0;
  let port = 0;

  beforeAll(async () => {
    tls = selfSignedCertificate();
    server = https.createServer({ key: tls.key, cert: tls.cert }, (_request, response) => {
      tlsHits += 1;
      response.end('secret health');
    });
    port = await listen(server);
  });
  afterAll(async () => {
    await close(server);
    tls.dispose();
  });

  // Trusting the certificate needs NODE_EXTRA_CA_CERTS at process start: the runner-level
  // tests cover the trusted case.
  it('refuses a certificate nobody trusts, before any request is sent', async () => {
    const error = await requestErrorOf(
      httpGet(new URL(`https://127.0.0.1:${port}/health`), { timeoutMs: 10_000 }),
    );
    expect(error.code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(error.message).toBe('self-signed certificate');
    expect(tlsHits).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2025, 0, 15, 12, 0, 0);

  it.each([
    ['0', 0],
    ['7', 7_000],
    [' 120 ', 120_000],
  ])('reads delta-seconds %j as %i ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it('reads an HTTP date as the time until then', () => {
    expect(parseRetryAfter(new Date(now + 30_000).toUTCString(), now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 15 Jan 2025 12:01:30 GMT', now)).toBe(90_000);
  });

  it('reads a date in the past as no wait', () => {
    expect(parseRetryAfter('Wed, 15 Jan 2025 11:00:00 GMT', now)).toBe(0);
  });

  it('takes the first of repeated headers', () => {
    expect(parseRetryAfter(['3', '60'], now)).toBe(3_000);
  });

  it.each([[undefined], [''], ['   '], ['soon'], ['later please'], ['1e3'], ['120 s']])(
    'returns undefined for %j',
    (value) => {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    },
  );

  it('returns undefined for an empty list', () => {
    expect(parseRetryAfter([], now)).toBeUndefined();
  });
});
