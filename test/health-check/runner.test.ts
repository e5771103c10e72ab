// actions/health-check as the runner runs it: the bundled dist/index.js started as a process,
// real HTTP(S) servers on 127.0.0.1, no gcloud on PATH, and for Cloud Run the local Google
// emulator (the readiness tests themselves are in runner-google.test.ts).
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyLines, runAction, workflowCommands } from '../../testkit/local-runner.mjs';
import {
  json,
  selfSignedCertificate,
  startServer,
  startTlsServer,
  type TestServer,
} from '../../testkit/servers.js';
import { googleError } from '../../testkit/google-emulator.mjs';
import {
  emulatorRunEnv,
  pathWithoutGcloud,
  startEmulator,
  type GoogleEmulator,
} from '../../testkit/google.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const started = await startServer(handler);
  cleanups.push(() => started.close());
  return started;
}

/** Runs the bundle; the PATH has no gcloud unless a test's env says otherwise. */
async function healthCheck(options: Omit<Parameters<typeof runAction>[0], 'stage'>) {
  const result = await runAction({
    stage: 'health-check',
    ...options,
    env: { PATH: pathWithoutGcloud(), ...options.env },
  });
  cleanups.push(result.cleanup);
  return result;
}

/**
 * The Google emulator (region europe-west1) with service api, one ready revision, whose URL is
 * `serviceUrl`; its env() is what an action run against it gets.
 */
async function cloudRunAt(serviceUrl: string): Promise<GoogleEmulator> {
  const emulator = await startEmulator(cleanups, { region: 'europe-west1', serviceUrl: () => serviceUrl });
  emulator.putService({ name: 'api' });
  return emulator;
}

/** Serves `answer` (a spoiled Service resource, a Google error) to every GET of service api. */
function answerServiceGets(emulator: GoogleEmulator, status: number, answer: unknown): void {
  emulator.fault({
    method: 'GET',
    path: /\/v2\/projects\/[^/]+\/locations\/[^/]+\/services\/api$/,
    status,
    body: answer,
  });
}

const ok = { status: 'ok', revision: 'api-00042-xyz', commit: '3f2a9c8' };

describe('health-check bundle: the /health call', () => {
  it('passes at once on a healthy service and sets the outputs and the summary', async () => {
    const api = await server((_req, res) => json(res, 200, ok));
    const result = await healthCheck({ inputs: { url: api.url, expect: '{"status": "ok"}' } });
    expect(result.code).toBe(0);
    expect(result.outputs).toEqual({ url: api.url, 'tag-url': '', revision: 'api-00042-xyz', attempts: '1' });
    expect(result.summary).toContain('### ✅ health-check: healthy in');
    expect(result.summary).toContain(`| URL | ${api.url}/health |`);
    expect(result.summary).toContain('| Answer | 200 after 1 attempt |');
    expect(api.requests.map((r) => r.url)).toEqual(['/health']);
    expect(result.log).toContain(`::group::GET ${api.url}/health`);
  });

  it('keeps polling a slow service (500, then 503, then 200) with backoff', async () => {
    const api = await server((_req, res, index) =>
      index < 2 ? json(res, index === 0 ? 500 : 503, {}) : json(res, 200, ok),
    );
    const result = await healthCheck({ inputs: { url: api.url, timeout: '30s' } });
    expect(result.code).toBe(0);
    expect(result.outputs['attempts']).toBe('3');
    expect(result.log).toMatch(/attempt 1: 500/);
    expect(result.log).toMatch(/attempt 2: 503/);
  });

  it('honours Retry-After on 503', async () => {
    const times: number[] = [];
    const api = await server((_req, res, index) => {
      times.push(Date.now());
      if (index === 0) json(res, 503, { detail: 'warming up' }, { 'retry-after': '1' });
      else json(res, 200, ok);
    });
    const result = await healthCheck({ inputs: { url: api.url, timeout: '30s' } });
    expect(result.code).toBe(0);
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  });

  it('fails at once on 404 with the status and a body excerpt', async () => {
    const api = await server((_req, res) => json(res, 404, { detail: 'Not Found' }));
    const result = await healthCheck({ inputs: { url: api.url, timeout: '60s' } });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      `::error::health-check: GET ${api.url}/health answered 404, expected 200: {"detail":"Not Found"}`,
    );
    expect(api.requests).toHaveLength(1);
    expect(result.durationMs).toBeLessThan(10_000);
    expect(result.outputs).toEqual({});
    expect(result.summary).toContain('### ❌ health-check: not healthy');
  });

  it('does not follow a redirect and shows the Location', async () => {
    const target = await server((_req, res) => json(res, 200, ok));
    const api = await server((_req, res) => res.writeHead(302, { location: `${target.url}/health` }).end());
    const result = await healthCheck({ inputs: { url: api.url } });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      `answered 302, a redirect to "${target.url}/health"; redirects are not followed`,
    );
    expect(target.requests).toHaveLength(0);
  });

  it('gives up on a hanging connection at the deadline, with the reason', async () => {
    const api = await server(() => undefined); // accepts, never answers
    const result = await healthCheck({ inputs: { url: api.url, timeout: '2s', 'request-timeout': '500ms' } });
    expect(result.code).toBe(1);
    expect(result.log).toMatch(
      /gave up waiting for GET .* to answer 200 after [\d.]+s and \d+ attempts; last: ETIMEDOUT/,
    );
    expect(api.requests.length).toBeGreaterThanOrEqual(2);
    expect(result.durationMs).toBeLessThan(8_000);
  });

  it('reads no more than 64 KiB of a huge body', async () => {
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const api = await server((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const pump = (): void => {
        while (sent < 200 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('close', () => undefined);
      pump();
    });
    const result = await healthCheck({ inputs: { url: api.url } });
    expect(result.code).toBe(0);
    // The socket closes after the cap: the server never got to send more than a few buffers' worth.
    expect(sent).toBeLessThan(32 * 1024 * 1024);
  });

  it('fails on a wrong body after the deadline, showing what the service answered', async () => {
    const api = await server((_req, res) => json(res, 200, { status: 'ok', revision: 'api-00041-abc' }));
    const result = await healthCheck({
      inputs: { url: api.url, expect: '{"revision": "api-00042-xyz"}', timeout: '1500ms' },
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      'does not contain {"revision":"api-00042-xyz"}: {"status":"ok","revision":"api-00041-abc"}',
    );
  });

  it('reaches a TLS server with a self-signed certificate only when its CA is trusted', async () => {
    const tls = selfSignedCertificate();
    cleanups.push(tls.dispose);
    const api = await startTlsServer(tls, (_req, res) => json(res, 200, ok));
    cleanups.push(() => api.close());

    const untrusted = await healthCheck({
      inputs: { url: api.url, timeout: '1500ms' },
      env: { NODE_EXTRA_CA_CERTS: undefined },
    });
    expect(untrusted.code).toBe(1);
    expect(untrusted.log).toMatch(/last: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)/);

    const trusted = await healthCheck({
      inputs: { url: api.url },
      env: { NODE_EXTRA_CA_CERTS: tls.certFile },
    });
    expect(trusted.code).toBe(0);
    expect(trusted.outputs['url']).toBe(api.url);
  });

  it('sends the bearer token and never shows it, even when the service echoes it', async () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.secret-identity-token+/=';
    const api = await server((req, res) =>
      json(res, 403, { detail: `rejected ${req.headers.authorization ?? ''}` }),
    );
    const result = await healthCheck({ inputs: { url: api.url, 'bearer-token': token }, secrets: [token] });
    expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${token}`);
    expect(result.code).toBe(1);
    expect(result.log).toContain('answered 403, expected 200: {"detail":"rejected Bearer ***"}');
  });

  it('warns but passes when the custom domain fails', async () => {
    const api = await server((_req, res) => json(res, 200, ok));
    const domain = await server((_req, res) => json(res, 404, { detail: 'domain mapping not ready' }));
    const result = await healthCheck({
      inputs: { url: api.url, 'custom-domain': domain.url, timeout: '20s' },
    });
    expect(result.code).toBe(0);
    expect(result.log).toMatch(
      /::warning::health-check: the custom domain http:\/\/127\.0\.0\.1:\d+\/health is not healthy/,
    );
    expect(result.summary).toContain('| Custom domain | ⚠️');
    expect(result.outputs['url']).toBe(api.url);
  });

  it('checks a healthy custom domain after the service', async () => {
    const api = await server((_req, res) => json(res, 200, ok));
    const domain = await server((_req, res) => json(res, 200, ok));
    const result = await healthCheck({ inputs: { url: api.url, 'custom-domain': domain.url } });
    expect(result.code).toBe(0);
    expect(domain.requests.map((r) => r.url)).toEqual(['/health']);
    expect(result.summary).toContain('| Custom domain | ✅');
    expect(result.log).not.toContain('::warning::');
  });
});

describe('health-check bundle: the summary on cancellation', () => {
  it('names the GET it stopped while polling the health URL', async () => {
    const api = await server((_req, res) => json(res, 503, { detail: 'warming up' }));
    const result = await healthCheck({
      inputs: { url: api.url, timeout: '60s' },
      cancel: { when: () => api.requests.length >= 2, signal: 'SIGINT' },
      timeoutMs: 20_000,
    });
    expect(result.code).toBe(1);
    expect(result.durationMs).toBeLessThan(10_000);
    expect(result.log).toContain('health-check: cancelled (SIGINT)');
    expect(result.summary).toContain('### ❌ health-check: cancelled');
    expect(result.summary).toContain(`| URL | ${api.url}/health |`);
    expect(result.summary).toContain(`| Cancelled | SIGINT during "GET ${api.url}/health" |`);
    expect(result.summary).not.toContain('| Answer |');
    expect(result.summary.match(/^### /gm)).toHaveLength(1);
    expect(result.outputs).toEqual({});
  });
});

describe('health-check bundle: bad inputs fail before any request', () => {
  it.each([
    [{ timeout: 'soon' }, 'input "timeout" is "soon": not a duration'],
    [{ 'expected-status': 'abc' }, 'input "expected-status" is "abc": use a whole number from 100 to 599'],
    [{ url: 'not a url' }, 'input "url" is not an absolute URL'],
    [{ expect: '{broken' }, 'input "expect" is not valid JSON'],
    [{ expect: '[1]' }, 'input "expect" must be a JSON object'],
    [{ path: 'health' }, 'input "path" is "health": it must start with one /'],
    [{ url: 'ftp://127.0.0.1' }, 'input "url" must start with https:// or http://'],
    [{ 'request-timeout': '5 minutes' }, 'input "request-timeout" is "5 minutes": not a duration'],
  ])('%j', async (inputs, message) => {
    const api = await server((_req, res) => json(res, 200, ok));
    const emulator = await cloudRunAt(api.url);
    const env = emulatorRunEnv(emulator);
    const result = await healthCheck({
      inputs: { service: 'api', region: 'europe-west1', url: api.url, ...inputs },
      env,
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(`::error::health-check: invalid configuration: ${message}`);
    expect(api.requests).toHaveLength(0);
    expect(emulator.requests).toHaveLength(0);
  });

  it.each([
    [{ timeout: 'soon' }, 'input "timeout" is "soon": not a duration'],
    [{ expect: '["revision"]' }, 'input "expect" must be a JSON object, such as {"status": "ok"}'],
    [{ url: '' }, 'set input "url", or "service" and "region" to use the service\'s URL'],
  ])('writes the invalid-input summary for %j, and runs nothing', async (inputs, message) => {
    const api = await server((_req, res) => json(res, 200, ok));
    const emulator = await cloudRunAt(api.url);
    const env = emulatorRunEnv(emulator);
    const given: Record<string, string> = { url: api.url, ...inputs };
    const result = await healthCheck({ inputs: given, env });
    expect(result.code).toBe(1);
    expect(result.summary).toContain('### ❌ health-check: invalid input');
    expect(result.summary).toContain(`> ${message}`);
    expect(result.summary).toMatch(/\| Time \| [\d.]+m?s \|/);
    expect(result.summary).not.toContain('| URL |');
    expect(result.summary.match(/^### /gm)).toHaveLength(1);
    expect(result.outputs).toEqual({});
    expect(api.requests).toHaveLength(0);
    expect(emulator.requests).toHaveLength(0);
  });

  it('names the missing region and the missing URL', async () => {
    const noRegion = await healthCheck({ inputs: { service: 'api' } });
    expect(noRegion.log).toContain('input "region" is required with "service"');
    const nothing = await healthCheck({ inputs: {} });
    expect(nothing.log).toContain('set input "url", or "service" and "region"');
    const url = await healthCheck({ inputs: { url: 'https://user:pw@example.com' }, secrets: ['pw'] });
    expect(url.log).toContain('input "url" must not carry credentials; pass a token in "bearer-token"');
  });
});

describe('health-check bundle: hostile names reach no request and forge nothing', () => {
  const HOSTILE = [
    'API',
    'api-',
    'a'.repeat(64),
    'аpi', // U+0430, a Cyrillic look-alike
    "api'; rm -rf /",
    '--project=attacker-proj',
    '-h',
    'api\n::error file=x::forged',
    'api\n::add-mask::main',
    '::warning::x',
  ];
  it.each(
    (['service', 'revision', 'region', 'project'] as const).flatMap((input) =>
      HOSTILE.map((value) => [input, value] as const),
    ),
  )('%s = %j', async (input, value) => {
    const api = await server((_req, res) => json(res, 200, ok));
    const emulator = await cloudRunAt(api.url);
    const env = emulatorRunEnv(emulator);
    const result = await healthCheck({
      inputs: { service: 'api', region: 'europe-west1', url: api.url, [input]: value },
      env,
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(`::error::health-check: invalid configuration: input "${input}" is "`);
    // The stage's one annotation and nothing a value forged (no mask of part of a name either).
    const commands = workflowCommands(result.rawLog);
    expect(commands.filter((c) => /^::(error|warning|notice)/.test(c))).toHaveLength(1);
    expect(commands).not.toContain('::add-mask::main');
    expect(result.rawLog.split('\n').filter((line) => line.startsWith('::error file='))).toEqual([]);
    expect(api.requests).toHaveLength(0);
    expect(emulator.requests).toHaveLength(0);
    expect(result.outputs).toEqual({});
  });

  it.each(['evil.com/@a', 'a..b', 'exa\nmple.com', 'https://evil.com/path', 'user@evil.com', 'localhost'])(
    'custom-domain = %j is refused as a host name before any request',
    async (domain) => {
      const api = await server((_req, res) => json(res, 200, ok));
      const result = await healthCheck({ inputs: { url: api.url, 'custom-domain': domain } });
      expect(result.code).toBe(1);
      expect(result.log).toContain('input "custom-domain" is "');
      expect(result.log).toContain('which is not a host name');
      expect(api.requests).toHaveLength(0);
    },
  );
});

describe('health-check bundle: the bearer token goes only to the service, never in pieces to the log', () => {
  const TOKEN = `eyJ${'Tk9'.repeat(39)}`; // 120 characters, token-like

  it('is refused over plain http to a host that is not loopback, before any request', async () => {
    const result = await healthCheck({
      inputs: { url: 'http://api.example.com', 'bearer-token': TOKEN },
      secrets: [TOKEN],
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      'input "bearer-token" is set, but input "url" is plain http:// to api.example.com',
    );
  });

  it('is not sent to the custom domain', async () => {
    const api = await server((_req, res) => json(res, 200, ok));
    const domain = await server((_req, res) => json(res, 200, ok));
    const result = await healthCheck({
      inputs: { url: api.url, 'custom-domain': domain.url, 'bearer-token': TOKEN },
      secrets: [TOKEN],
    });
    expect(result.code).toBe(0);
    expect(api.requests[0]?.headers['authorization']).toBe(`Bearer ${TOKEN}`);
    expect(domain.requests).toHaveLength(1);
    expect(domain.requests[0]?.headers['authorization']).toBeUndefined();
  });

  it('a service that echoes the request headers leaks no piece of the token (redacted before the cut)', async () => {
    // 503 with the headers echoed: the body excerpt is logged on every attempt, in the error,
    // the annotation and the summary; the harness looks for any 12 characters of the token.
    const api = await server((req, res) => json(res, 503, { echo: req.headers }));
    const result = await healthCheck({
      inputs: { url: api.url, 'bearer-token': TOKEN, timeout: '2s', 'request-timeout': '1s' },
      secrets: [TOKEN],
    });
    expect(result.code).toBe(1);
    expect(api.requests.length).toBeGreaterThan(0);
    expect(result.log).toContain('Bearer ***');
    // The harness (secrets: [TOKEN]) already failed the run on any 12 characters of it outside
    // the runner's own ::add-mask:: line; the summary and the error are checked here by name.
    expect(result.summary).not.toContain('Tk9Tk9Tk9');
    expect(result.summary).toContain('Bearer ***');
  });
});

/** A 120-character token-like value with no repeats (each 8-character piece is distinct). */
function tokenLike(seed: string): string {
  let text = '';
  for (let i = 0; text.length < 120; i++) {
    text += createHash('sha256').update(`${seed}/${i}`).digest('base64url');
  }
  return text.slice(0, 120);
}

/**
 * The first piece of 8 characters of `token` found in any of `places` (by name), or undefined.
 * Eight characters, not the harness's twelve: the brief's bar for "no part of the token".
 */
function tokenPieceIn(token: string, places: Record<string, string>): string | undefined {
  for (let at = 0; at + 8 <= token.length; at++) {
    const piece = token.slice(at, at + 8);
    for (const [place, text] of Object.entries(places)) {
      if (text.includes(piece)) return `${place} holds "${piece}" (characters ${at}–${at + 8} of the token)`;
    }
  }
  return undefined;
}

/** Where a run could show a token: the log and raw log (the runner's own ::add-mask:: lines aside), outputs, summary, error. */
function placesOf(result: Awaited<ReturnType<typeof healthCheck>>): Record<string, string> {
  const withoutMasks = (text: string) =>
    classifyLines(text)
      .filter((entry) => !(entry.command && entry.line.startsWith('::add-mask::')))
      .map((entry) => entry.line)
      .join('\n');
  return {
    log: withoutMasks(result.log),
    'raw log': withoutMasks(result.rawLog),
    outputs: JSON.stringify(result.outputs),
    summary: result.summary,
    error: workflowCommands(result.rawLog)
      .filter((line) => line.startsWith('::error'))
      .join('\n'),
  };
}

describe('health-check bundle: a service that echoes the Authorization header leaks no 8 characters of the token', () => {
  const TOKEN = tokenLike('health-check echo');

  it('the 8-character check itself finds a piece (the test can fail)', () => {
    expect(tokenPieceIn(TOKEN, { log: `x ${TOKEN.slice(50, 58)} y` })).toContain('log holds');
    expect(tokenPieceIn(TOKEN, { log: `x ${TOKEN.slice(50, 57)} y` })).toBeUndefined();
  });

  // Each body puts the token across the 200-character cut of the excerpt (the Location across
  // the 300-character cut of the value shown): cut first, redacted second would leave a piece.
  const echo = (req: import('node:http').IncomingMessage) => ({
    pad: 'p'.repeat(60),
    authorization: req.headers.authorization ?? '',
    headers: req.headers,
  });
  it.each<[string, Parameters<typeof startServer>[0], Record<string, string>]>([
    ['503, retried until the deadline', (req, res) => json(res, 503, echo(req)), { timeout: '2s' }],
    ['403, final at once', (req, res) => json(res, 403, echo(req)), {}],
    [
      '200 with a body that does not contain expect',
      (req, res) => json(res, 200, echo(req)),
      { expect: '{"status": "ok"}', timeout: '1500ms' },
    ],
    [
      '200, not JSON, with expect',
      (req, res) => res.writeHead(200).end(`seen ${'p'.repeat(80)} ${req.headers.authorization ?? ''}`),
      { expect: '{"status": "ok"}', timeout: '1500ms' },
    ],
    [
      '302 to a Location that carries the header',
      (req, res) =>
        res
          .writeHead(302, {
            location: `https://login.example/cb?${'p'.repeat(220)}&auth=${encodeURIComponent(req.headers.authorization ?? '')}`,
          })
          .end(),
      {},
    ],
  ])('%s', async (_what, handler, inputs) => {
    const api = await server(handler);
    const result = await healthCheck({
      inputs: { url: api.url, 'bearer-token': TOKEN, 'request-timeout': '1s', ...inputs },
      secrets: [TOKEN],
    });
    expect(result.code).toBe(1);
    expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(result.log).toMatch(/Bearer(%20| )\*\*\*/);
    expect(workflowCommands(result.rawLog).filter((c) => c.startsWith('::error'))).toHaveLength(1);
    expect(tokenPieceIn(TOKEN, placesOf(result))).toBeUndefined();
  });

  it('on the URL Cloud Run reports (a loopback one here), with the token sent there', async () => {
    const api = await server((req, res) => json(res, 503, echo(req)));
    const env = emulatorRunEnv(await cloudRunAt(api.url));
    const result = await healthCheck({
      inputs: {
        service: 'api',
        region: 'europe-west1',
        'bearer-token': TOKEN,
        timeout: '3s',
        'request-timeout': '1s',
      },
      env,
      secrets: [TOKEN],
    });
    expect(result.code).toBe(1);
    expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(result.summary).toContain('Bearer ***');
    expect(tokenPieceIn(TOKEN, placesOf(result))).toBeUndefined();
  });
});

describe('health-check bundle: where the token goes', () => {
  const TOKEN = tokenLike('health-check where');

  it('is refused when Cloud Run reports a plain http:// URL to another host, before any request', async () => {
    const emulator = await cloudRunAt('http://api.example.invalid');
    const env = emulatorRunEnv(emulator);
    const result = await healthCheck({
      inputs: { service: 'api', region: 'europe-west1', 'bearer-token': TOKEN },
      env,
      secrets: [TOKEN],
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      `Cloud Run reported the plain http:// URL "http://api.example.invalid/" as the service's URL; the bearer token is sent only over HTTPS or to a loopback address`,
    );
    expect(result.log).not.toContain('::group::GET');
    expect(emulator.requests.filter((r) => r.path.startsWith('/v2/'))).toHaveLength(1);
    expect(result.outputs).toEqual({});
  });

  it('is not sent to a custom domain even when it fails, and the warning shows none of it', async () => {
    const api = await server((_req, res) => json(res, 200, ok));
    const domain = await server((req, res) => json(res, 401, { headers: req.headers }));
    const result = await healthCheck({
      inputs: { url: api.url, 'custom-domain': domain.url, 'bearer-token': TOKEN },
      secrets: [TOKEN],
    });
    expect(result.code).toBe(0);
    expect(domain.requests.length).toBeGreaterThan(0);
    expect(domain.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
    expect(result.log).toMatch(
      /::warning::health-check: the custom domain .* is not healthy \(GET .* answered 401/,
    );
    // Explained as the custom domain's case: the token is never sent there, on purpose.
    const warning = result.log.split('\n').find((line) => line.startsWith('::warning::')) ?? '';
    expect(warning).toContain('The custom domain is checked without "bearer-token"');
    expect(warning).not.toContain('pass input "bearer-token"');
    expect(tokenPieceIn(TOKEN, placesOf(result))).toBeUndefined();
  });

  it.each([
    ['a line break', `${TOKEN.slice(0, 60)}\n::add-mask::main`],
    // (A token split over two lines is refused the same way; the harness cannot run that case:
    // it decodes the runner's one multi-line ::add-mask:: command into lines before it leaves
    // the mask commands out, and then sees the second line as shown.)
    ['a carriage return', `${TOKEN.slice(0, 60)}\r${TOKEN.slice(60)}`],
    ['white space', `${TOKEN.slice(0, 60)} ${TOKEN.slice(60)}`],
  ])('a token holding %s is refused before any request, and not shown', async (_what, token) => {
    const api = await server((_req, res) => json(res, 200, ok));
    const result = await healthCheck({
      inputs: { url: api.url, 'bearer-token': token },
      secrets: [TOKEN.slice(0, 60)],
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain('::error::health-check: invalid configuration: input "bearer-token" holds');
    expect(api.requests).toHaveLength(0);
    expect(result.rawLog.split('\n').filter((line) => line.startsWith('::error file='))).toEqual([]);
    expect(tokenPieceIn(TOKEN.slice(0, 60), placesOf(result))).toBeUndefined();
  });
});

describe('health-check bundle: what Cloud Run and the service answer is checked before it is logged or used', () => {
  const FORGE = '\n::error file=x::forged';
  type Spoil = (service: Record<string, unknown> & { terminalCondition: Record<string, unknown> }) => void;
  it.each<[string, Spoil, string]>([
    [
      'a Ready state with a forged line',
      (s) => (s.terminalCondition['state'] = `CONDITION_RECONCILING${FORGE}`),
      'Cloud Run answered "CONDITION_RECONCILING\\n::error file=x::forged" as the state of the terminal condition, which is not a condition state',
    ],
    [
      'a revision reason with a forged line',
      (s) => (s.terminalCondition['revisionReason'] = `PENDING${FORGE}`),
      'Cloud Run answered "PENDING\\n::error file=x::forged" as the revisionReason of the terminal condition, which is not a reason',
    ],
    [
      'a traffic percent with a forged line',
      (s) =>
        (s['trafficStatuses'] = [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: `100${FORGE}` }]),
      'Cloud Run answered "100\\n::error file=x::forged" as a percent of trafficStatuses, which is not a whole number from 0 to 100',
    ],
    [
      'a generation that masks a word',
      (s) => (s['generation'] = '42\n::add-mask::main'),
      'Cloud Run answered "42\\n::add-mask::main" as the generation, which is not a whole number',
    ],
    [
      'a service URL with a line break in its host',
      (s) => (s['uri'] = 'http://127.0.0.1\n.evil.example'),
      'Cloud Run answered "http://127.0.0.1\\n.evil.example" as the service URL, which is not a URL of printable ASCII',
    ],
    [
      'a ready revision name with a forged line',
      (s) => (s['latestReadyRevision'] = `api-00042-xyz${FORGE}`),
      'Cloud Run answered "api-00042-xyz\\n::error file=x::forged" as the latest ready revision, which is not a revision name',
    ],
  ])('%s fails cleanly, forges nothing and calls no URL', async (_what, spoil, message) => {
    const api = await server((_req, res) => json(res, 200, ok));
    const emulator = await cloudRunAt(api.url);
    const service = emulator.service(emulator.project, emulator.region, 'api') as Parameters<Spoil>[0];
    spoil(service);
    answerServiceGets(emulator, 200, service);
    const result = await healthCheck({
      inputs: { service: 'api', region: 'europe-west1' },
      env: emulatorRunEnv(emulator),
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(`::error::health-check: ${message}`);
    const commands = workflowCommands(result.rawLog);
    expect(commands.filter((c) => /^::(error|warning|notice)/.test(c))).toHaveLength(1);
    expect(commands).not.toContain('::add-mask::main');
    expect(result.rawLog.split('\n').filter((line) => line.startsWith('::error file='))).toEqual([]);
    expect(api.requests).toHaveLength(0);
    expect(result.outputs).toEqual({});
  });

  it('a Google error with a forged line stays inside the one error', async () => {
    const api = await server((_req, res) => json(res, 200, ok));
    const emulator = await cloudRunAt(api.url);
    answerServiceGets(
      emulator,
      404,
      googleError(
        404,
        `Resource 'projects/my-project/locations/europe-west1/services/api' was not found${FORGE}\n::add-mask::main`,
      ),
    );
    const result = await healthCheck({
      inputs: { service: 'api', region: 'europe-west1' },
      env: emulatorRunEnv(emulator),
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      'was answered 404 NOT_FOUND: "Resource \'projects/my-project/locations/europe-west1/services/api\' was not found ::error file=x::forged ::add-mask::main"',
    );
    const commands = workflowCommands(result.rawLog);
    expect(commands.filter((c) => /^::(error|warning|notice)/.test(c))).toHaveLength(1);
    expect(commands).not.toContain('::add-mask::main');
    expect(result.rawLog.split('\n').filter((line) => line.startsWith('::error file='))).toEqual([]);
    expect(api.requests).toHaveLength(0);
  });

  it('a revision in the /health body that is not a revision name is not set as the output', async () => {
    const api = await server((_req, res) => json(res, 200, { status: 'ok', revision: `api-1${FORGE}` }));
    const result = await healthCheck({ inputs: { url: api.url } });
    expect(result.code).toBe(0);
    expect(result.outputs).toEqual({ url: api.url, 'tag-url': '', revision: '', attempts: '1' });
    expect(workflowCommands(result.rawLog).filter((c) => c.startsWith('::error'))).toEqual([]);
  });

  it('a url with a line break is refused, not silently joined into another host', async () => {
    const api = await server((_req, res) => json(res, 200, ok));
    // Node's URL parser would drop the line break and call 127.0.0.1.
    const result = await healthCheck({ inputs: { url: api.url.replace('127.0.', '127.0.\n') } });
    expect(result.code).toBe(1);
    expect(result.log).toContain('input "url" holds white space, a control character');
    expect(api.requests).toHaveLength(0);
  });

  it.each([
    'API.example.com\n::error file=x::forged',
    'example.com\n::add-mask::main',
    '-h',
    '--project=attacker-proj',
    '::warning::x',
    'аpi.example.com', // U+0430
    "api'; rm -rf /",
    `${'a'.repeat(64)}.example.com`,
  ])('custom-domain = %j is refused, forging nothing, before any request', async (domain) => {
    const api = await server((_req, res) => json(res, 200, ok));
    const result = await healthCheck({ inputs: { url: api.url, 'custom-domain': domain } });
    expect(result.code).toBe(1);
    expect(result.log).toContain('::error::health-check: invalid configuration: input "custom-domain" is "');
    const commands = workflowCommands(result.rawLog);
    expect(commands.filter((c) => /^::(error|warning|notice)/.test(c))).toHaveLength(1);
    expect(commands).not.toContain('::add-mask::main');
    expect(result.rawLog.split('\n').filter((line) => line.startsWith('::error file='))).toEqual([]);
    expect(api.requests).toHaveLength(0);
  });
});
