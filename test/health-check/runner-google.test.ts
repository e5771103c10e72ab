// actions/health-check as the runner runs it against the local Google emulator: the bundled
// dist/index.js started as a process with no gcloud on PATH, the Workload Identity credentials
// file google-github-actions/auth writes (its token exchange runs against the emulator), the
// Cloud Run Admin API v2 at CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN, and the service's URL (what
// the emulator reports) pointing at a /health server on 127.0.0.1.
import * as http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  classifyLines,
  registeredSecrets,
  runAction,
  workflowCommands,
} from '../../testkit/local-runner.mjs';
import { json, startServer, type TestServer } from '../../testkit/servers.js';
import {
  emulatorRunEnv,
  requestsTo,
  startEmulator,
  type GoogleEmulator,
  type GoogleEmulatorOptions,
} from '../../testkit/google.js';
import { waitFor } from '../../testkit/process.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Handler = Parameters<typeof startServer>[0];
const ok = { status: 'ok', commit: '3f2a9c8' };

async function server(handler: Handler): Promise<TestServer> {
  const started = await startServer(handler);
  cleanups.push(() => started.close());
  return started;
}

/** A /health server, and an emulator whose service `api` (one ready revision) has its URL. */
async function googleCloud(
  health: Handler = (_req, res) => json(res, 200, ok),
  options: GoogleEmulatorOptions = {},
) {
  const api = await server(health);
  const emulator = await startEmulator(cleanups, { serviceUrl: () => api.url, ...options });
  const first = emulator.putService({ name: 'api' });
  const firstRevision = String(first['latestReadyRevision']).split('/').pop() ?? '';
  return { api, emulator, firstRevision };
}

async function healthCheck(options: Omit<Parameters<typeof runAction>[0], 'stage'>) {
  const result = await runAction({ stage: 'health-check', ...options });
  cleanups.push(result.cleanup);
  return result;
}

/** The GETs of the service resource the action made. */
const serviceGets = (emulator: GoogleEmulator) =>
  requestsTo(emulator, /^\/v2\/projects\/[^/]+\/locations\/[^/]+\/services\/api$/).filter(
    (request) => request.method === 'GET',
  );

const deployed = (emulator: GoogleEmulator, how: Parameters<GoogleEmulator['deployRevision']>[3]) =>
  emulator.deployRevision(emulator.project, emulator.region, 'api', how);

const target = { service: 'api', region: 'us-central1', project: 'my-project' };

/** The ::error:: lines of a run's log. */
const errors = (log: string) => log.split('\n').filter((line) => line.startsWith('::error'));

describe('health-check bundle: Cloud Run readiness over the Cloud Run Admin API v2', () => {
  it('passes at once on a ready revision: outputs, summary and one GET, with Workload Identity and no gcloud', async () => {
    const { api, emulator, firstRevision } = await googleCloud();
    const env = emulatorRunEnv(emulator);
    expect(env['PATH']?.split(':').some((folder) => folder.includes('standins'))).toBe(false);
    const result = await healthCheck({ inputs: target, env });
    expect(result.code, result.log).toBe(0);
    expect(result.outputs).toEqual({ url: api.url, 'tag-url': '', revision: firstRevision, attempts: '1' });
    expect(result.log).toContain(`revision ${firstRevision} is ready and takes 100% of the traffic`);
    expect(result.summary).toContain('### ✅ health-check: healthy in');
    expect(result.summary).toContain('| Service | api (us-central1, my-project) |');
    expect(result.summary).toContain(`| Revision | ${firstRevision} (100% of traffic) |`);
    expect(result.summary).toContain(`| URL | ${api.url}/health |`);
    expect(serviceGets(emulator)).toHaveLength(1);
    expect(api.requests.map((r) => r.url)).toEqual(['/health']);
    // The token came from the auth action's file: GitHub's OIDC token, STS, then impersonation.
    expect(emulator.tokensIssued).toMatchObject({ oidc: 1, sts: 1, iam: 1, direct: 0 });
    expect(
      emulator.requests.map(
        (r) => `${r.method} ${r.path.replace(/serviceAccounts\/[^:]+/, 'serviceAccounts/SA')}`,
      ),
    ).toEqual([
      'GET /github-oidc/token',
      'POST /sts/v1/token',
      'POST /iamcredentials/v1/projects/-/serviceAccounts/SA:generateAccessToken',
      'GET /v2/projects/my-project/locations/us-central1/services/api',
    ]);
    expect(
      serviceGets(emulator).every((r) => (r as unknown as { authorization: boolean }).authorization),
    ).toBe(true);
  });

  it('waits while the new revision reconciles (about 1 s), then checks the URL Cloud Run reports', async () => {
    const { api, emulator } = await googleCloud();
    const revision = deployed(emulator, { readyAfterMs: 1_000 });
    const result = await healthCheck({
      inputs: { ...target, timeout: '30s' },
      env: emulatorRunEnv(emulator),
    });
    expect(result.code, result.log).toBe(0);
    expect(result.outputs).toEqual({ url: api.url, 'tag-url': '', revision, attempts: '1' });
    const waiting = 'Cloud Run has not yet reconciled generation 2 (observed 1)';
    // Each reason to wait is logged once, however many GETs saw it.
    expect(result.log.split('\n').filter((line) => line === waiting)).toHaveLength(1);
    expect(serviceGets(emulator).length).toBeGreaterThanOrEqual(2);
    expect(result.summary).toContain(`| Revision | ${revision} (100% of traffic) |`);
    // /health is called once the revision is ready, not before.
    expect(api.requests).toHaveLength(1);
  });

  it('waits for the revision it was given, deployed while it waits', async () => {
    const { api, emulator, firstRevision } = await googleCloud();
    const running = healthCheck({
      inputs: { ...target, revision: 'api-v2', timeout: '30s' },
      env: emulatorRunEnv(emulator),
    });
    await waitFor('the first GET of the service', () => serviceGets(emulator).length > 0, 20_000);
    deployed(emulator, { revision: 'api-v2', readyAfterMs: 300 });
    const result = await running;
    expect(result.code, result.log).toBe(0);
    expect(result.outputs).toEqual({ url: api.url, 'tag-url': '', revision: 'api-v2', attempts: '1' });
    expect(result.log).toContain(`the latest created revision is ${firstRevision}, not api-v2`);
  });

  it('fails at once when the revision cannot become ready (Ready=False), quoting Cloud Run, without calling /health', async () => {
    const { api, emulator } = await googleCloud();
    const revision = deployed(emulator, {
      readyAfterMs: 0,
      fails: { reason: 'HEALTH_CHECK_CONTAINER_ERROR' },
    });
    const result = await healthCheck({ inputs: { ...target, timeout: '5m' }, env: emulatorRunEnv(emulator) });
    expect(result.code).toBe(1);
    expect(errors(result.log)).toEqual([
      `::error::health-check: revision ${revision} cannot become ready: HEALTH_CHECK_CONTAINER_ERROR: Revision '${revision}' is not ready and cannot serve traffic. The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable within the allocated timeout.`,
    ]);
    expect(serviceGets(emulator)).toHaveLength(1);
    expect(api.requests).toHaveLength(0);
    expect(result.durationMs).toBeLessThan(10_000);
    expect(result.outputs).toEqual({});
    expect(result.summary).toContain('### ❌ health-check: not healthy');
    expect(result.summary).toContain(`cannot become ready: HEALTH_CHECK_CONTAINER_ERROR`);
  });

  it('fails at once when the ready revision receives no traffic, naming it', async () => {
    const { api, emulator, firstRevision } = await googleCloud();
    const revision = deployed(emulator, { readyAfterMs: 0, noTraffic: true });
    const result = await healthCheck({ inputs: target, env: emulatorRunEnv(emulator) });
    expect(result.code).toBe(1);
    expect(errors(result.log)).toEqual([
      `::error::health-check: revision ${revision} is ready but receives no traffic (${firstRevision} 100%); route traffic to it, e.g. gcloud run services update-traffic api --to-revisions=${revision}=100`,
    ]);
    expect(serviceGets(emulator)).toHaveLength(1);
    expect(api.requests).toHaveLength(0);
  });

  it('fails naming Google NOT_FOUND when the service does not exist', async () => {
    const { api, emulator } = await googleCloud();
    const result = await healthCheck({
      inputs: { ...target, service: 'web' },
      env: emulatorRunEnv(emulator),
    });
    expect(result.code).toBe(1);
    expect(errors(result.log)).toEqual([
      '::error::health-check: Cloud Run Admin API: get service projects/my-project/locations/us-central1/services/web was answered 404 NOT_FOUND: "Resource \'projects/my-project/locations/us-central1/services/web\' was not found"',
    ]);
    expect(requestsTo(emulator, /\/services\/web$/)).toHaveLength(1);
    expect(api.requests).toHaveLength(0);
  });
});

describe('health-check bundle: Google answers that are worth another try', () => {
  it('429 with Retry-After, twice: waits as asked, logs each retry, then succeeds', async () => {
    const { emulator, firstRevision } = await googleCloud();
    const quota = emulator.fault({
      method: 'GET',
      path: /\/services\/api$/,
      times: 2,
      status: 429,
      headers: { 'retry-after': '1' },
    });
    const result = await healthCheck({
      inputs: { ...target, timeout: '30s' },
      env: emulatorRunEnv(emulator),
    });
    expect(result.code, result.log).toBe(0);
    expect(result.outputs['revision']).toBe(firstRevision);
    expect(quota.hits).toBe(2);
    const retries = result.log
      .split('\n')
      .filter((line) =>
        /^Cloud Run Admin API: get service projects\/my-project\/locations\/us-central1\/services\/api: 429; trying again in 1(\.\d)?s$/.test(
          line,
        ),
      );
    expect(retries).toHaveLength(2);
    const gets = serviceGets(emulator) as unknown as { at: number }[];
    expect(gets).toHaveLength(3);
    expect(gets[1]!.at - gets[0]!.at).toBeGreaterThanOrEqual(950);
    expect(gets[2]!.at - gets[1]!.at).toBeGreaterThanOrEqual(950);
  });

  it('a burst of three 503s: retried with backoff, then succeeds', async () => {
    const { api, emulator, firstRevision } = await googleCloud();
    const burst = emulator.fault({ method: 'GET', path: /\/services\/api$/, times: 3, status: 503 });
    const result = await healthCheck({
      inputs: { ...target, timeout: '30s' },
      env: emulatorRunEnv(emulator),
    });
    expect(result.code, result.log).toBe(0);
    expect(result.outputs).toEqual({ url: api.url, 'tag-url': '', revision: firstRevision, attempts: '1' });
    expect(burst.hits).toBe(3);
    expect(serviceGets(emulator)).toHaveLength(4);
    expect(result.log.match(/services\/api: 503; trying again in /g)).toHaveLength(3);
  });

  it('403 for run.services.get: fails at once, naming the permission and roles/run.viewer', async () => {
    const { api, emulator } = await googleCloud();
    emulator.fault({ method: 'GET', path: /\/services\/api$/, status: 403, permission: 'run.services.get' });
    const result = await healthCheck({
      inputs: { ...target, timeout: '30s' },
      env: emulatorRunEnv(emulator),
    });
    expect(result.code).toBe(1);
    const [error, ...more] = errors(result.log);
    expect(more).toEqual([]);
    expect(error).toContain(
      'Cloud Run Admin API: get service projects/my-project/locations/us-central1/services/api was answered 403 PERMISSION_DENIED',
    );
    expect(error).toContain('the deployer lacks run.services.get: grant it roles/run.viewer');
    expect(result.log).not.toContain('trying again');
    expect(serviceGets(emulator)).toHaveLength(1);
    expect(api.requests).toHaveLength(0);
    expect(result.durationMs).toBeLessThan(10_000);
  });
});

/** Forwards every request to `upstream`, recording it (the Authorization header the action sent, say). */
async function recordingProxy(upstream: string): Promise<TestServer> {
  return server((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const forwarded = http.request(
        new URL(req.url ?? '/', upstream),
        { method: req.method ?? 'GET', headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.on('error', () => res.destroy());
      forwarded.end(Buffer.concat(chunks));
    });
  });
}

describe('health-check bundle: the Google access token', () => {
  it('is sent to the Cloud Run API, registered as a secret, and never shown in the log, outputs or summary', async () => {
    const { emulator, firstRevision } = await googleCloud();
    // One 503 first: the retry's log line and the summary are places a token could leak into.
    emulator.fault({ method: 'GET', path: /\/services\/api$/, times: 1, status: 503 });
    const proxy = await recordingProxy(emulator.url);
    const result = await healthCheck({
      inputs: { ...target, timeout: '30s' },
      env: emulatorRunEnv(emulator, { CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: `${proxy.url}/` }),
    });
    expect(result.code, result.log).toBe(0);
    expect(result.outputs['revision']).toBe(firstRevision);
    const sent = [...new Set(proxy.requests.map((r) => r.headers.authorization ?? ''))];
    expect(proxy.requests).toHaveLength(2);
    expect(sent).toHaveLength(1);
    const token = /^Bearer (ya29\.c\.iam-\S+)$/.exec(sent[0]!)?.[1];
    expect(token, 'the token the emulator issued after impersonation').toBeDefined();
    expect(emulator.tokensIssued.iam).toBe(1);
    // The action registered it before use (runAction then checked that it appears nowhere else).
    expect(registeredSecrets(result.rawLog)).toContain(token);
    const shown = classifyLines(result.rawLog)
      .filter((entry) => !(entry.command && entry.line.startsWith('::add-mask::')))
      .map((entry) => entry.line)
      .join('\n');
    for (const piece of [token!, token!.slice(0, 20), token!.slice(-16)]) {
      expect(shown).not.toContain(piece);
      expect(result.log.replace(/^::add-mask::.*$/gm, '')).not.toContain(piece);
      expect(JSON.stringify(result.outputs)).not.toContain(piece);
      expect(result.summary).not.toContain(piece);
    }
  });
});

describe('health-check bundle: the project', () => {
  it('comes from GOOGLE_CLOUD_PROJECT (the auth action exports it) when the input is empty', async () => {
    const { emulator, firstRevision } = await googleCloud();
    const env = {
      ...emulatorRunEnv(emulator, { GOOGLE_CLOUD_PROJECT: 'my-project' }),
      CLOUDSDK_CORE_PROJECT: undefined,
      CLOUDSDK_PROJECT: undefined,
      GCLOUD_PROJECT: undefined,
    };
    const result = await healthCheck({ inputs: { service: 'api', region: 'us-central1' }, env });
    expect(result.code, result.log).toBe(0);
    expect(result.outputs['revision']).toBe(firstRevision);
    expect(result.summary).toContain('| Service | api (us-central1, my-project) |');
    expect(serviceGets(emulator).map((r) => r.path)).toEqual([
      '/v2/projects/my-project/locations/us-central1/services/api',
    ]);
  });

  it('is a clear invalid input naming "project" when neither the input nor a variable is set, before any request', async () => {
    const { api, emulator } = await googleCloud();
    const env = {
      ...emulatorRunEnv(emulator),
      GOOGLE_CLOUD_PROJECT: undefined,
      CLOUDSDK_CORE_PROJECT: undefined,
      CLOUDSDK_PROJECT: undefined,
      GCLOUD_PROJECT: undefined,
    };
    const result = await healthCheck({ inputs: { service: 'api', region: 'us-central1' }, env });
    expect(result.code).toBe(1);
    expect(errors(result.log)).toEqual([
      '::error::health-check: invalid configuration: input "project" is empty and none of CLOUDSDK_CORE_PROJECT, GOOGLE_CLOUD_PROJECT, GCLOUD_PROJECT is set: set "project" to the service\'s project id (google-github-actions/auth exports it too)',
    ]);
    expect(result.summary).toContain('### ❌ health-check: invalid input');
    expect(result.outputs).toEqual({});
    expect(emulator.requests).toHaveLength(0);
    expect(api.requests).toHaveLength(0);
  });
});

describe('health-check bundle: the endpoint override', () => {
  it.each([
    ['plain http to another host', 'http://example.com/'],
    ['a user in the URL', 'https://user:pw@run.example.com/'],
    ['not a URL', 'run.googleapis.com'],
  ])('%s is refused before any request (no token is fetched for it)', async (_what, override) => {
    const { api, emulator } = await googleCloud();
    const result = await healthCheck({
      inputs: target,
      env: emulatorRunEnv(emulator, { CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: override }),
    });
    expect(result.code).toBe(1);
    const [error, ...more] = errors(result.log);
    expect(more).toEqual([]);
    expect(error).toMatch(
      /^::error::health-check: invalid configuration: CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN /,
    );
    expect(emulator.requests).toHaveLength(0);
    expect(emulator.tokensIssued).toMatchObject({ oidc: 0, sts: 0, iam: 0 });
    expect(api.requests).toHaveLength(0);
    expect(result.outputs).toEqual({});
  });

  it('names why plain http to another host is refused', async () => {
    const { emulator } = await googleCloud();
    const result = await healthCheck({
      inputs: target,
      env: emulatorRunEnv(emulator, { CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: 'http://example.com/' }),
    });
    expect(result.log).toContain(
      'CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN is "http://example.com/": use https:// (plain http:// only to 127.0.0.1, ::1 or localhost), since an access token is sent there',
    );
  });
});

describe('health-check bundle: cancelled while it waits for the revision', () => {
  it('ends promptly with the cancelled summary, and asks Cloud Run nothing after', async () => {
    const { api, emulator } = await googleCloud();
    deployed(emulator, { readyAfterMs: 3_600_000 });
    let getsAtCancel = -1;
    const result = await healthCheck({
      inputs: { ...target, timeout: '5m' },
      env: emulatorRunEnv(emulator),
      cancel: {
        when: () => {
          if (serviceGets(emulator).length < 2) return false;
          getsAtCancel = serviceGets(emulator).length;
          return true;
        },
        signal: 'SIGINT',
      },
      timeoutMs: 20_000,
    });
    const getsAtExit = serviceGets(emulator).length;
    expect(result.code).toBe(1);
    expect(result.log).toContain('health-check: cancelled (SIGINT)');
    expect(result.durationMs).toBeLessThan(10_000);
    expect(result.summary).toContain('### ❌ health-check: cancelled');
    expect(result.summary).toContain('| Service | api (us-central1, my-project) |');
    expect(result.summary).toContain(
      '| Cancelled | SIGINT during "Waiting for revision (latest) of api to be ready" |',
    );
    expect(result.summary.match(/^### /gm)).toHaveLength(1);
    expect(result.outputs).toEqual({});
    expect(api.requests).toHaveLength(0);
    // At most the GET already on its way when the signal landed: the wait stopped there.
    expect(getsAtCancel).toBeGreaterThanOrEqual(2);
    expect(getsAtExit - getsAtCancel).toBeLessThanOrEqual(1);
  });
});

describe('health-check bundle: what Cloud Run answers is checked before it is logged or used', () => {
  it('a revision name with a line break fails cleanly, forges nothing and calls no URL', async () => {
    const { api, emulator } = await googleCloud();
    const answer = emulator.service(emulator.project, emulator.region, 'api')!;
    answer['latestCreatedRevision'] = 'api-00042-xyz\n::error file=x::forged';
    emulator.fault({ method: 'GET', path: /\/services\/api$/, status: 200, body: answer });
    const result = await healthCheck({ inputs: target, env: emulatorRunEnv(emulator) });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      'Cloud Run answered "api-00042-xyz\\n::error file=x::forged" as the latest created revision, which is not a revision name',
    );
    expect(workflowCommands(result.rawLog).filter((c) => c.startsWith('::error'))).toHaveLength(1);
    expect(result.rawLog.split('\n').filter((line) => line.startsWith('::error file='))).toEqual([]);
    expect(api.requests).toHaveLength(0);
    expect(result.outputs).toEqual({});
  });
});
