// The Cloud Run Admin API v2 client (src/lib/cloud-run.ts): the names that go into a path are
// checked before any request, a revision or operation name from an answer is taken only when it
// is one, and services, revisions and operations against the local Google emulator.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CloudRun,
  operationPath,
  revisionShortName,
  RUN_TYPE_LATEST,
  RUN_TYPE_REVISION,
  serviceName,
  servicePath,
  type RunService,
  type ServiceRef,
} from '../../src/lib/cloud-run.js';
import { ConfigurationError } from '../../src/lib/errors.js';
import { GoogleApi, GoogleApiError } from '../../src/lib/google-api.js';
import { registerSecret } from '../../src/lib/secrets.js';
import { startEmulator, type GoogleEmulator } from '../../testkit/google.js';

const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const REF: ServiceRef = { project: 'acme-dev', region: 'europe-west1', service: 'api' };

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error('expected a rejection, the call resolved');
}

/** `error` as the API's error: fails the test when it is another kind. */
function asApiError(error: unknown): GoogleApiError {
  if (error instanceof GoogleApiError) return error;
  throw new Error(`expected a GoogleApiError, got ${String(error)}`);
}

describe('servicePath', () => {
  it('is the path segments of the service', () => {
    expect(servicePath(REF)).toEqual([
      'v2',
      'projects',
      'acme-dev',
      'locations',
      'europe-west1',
      'services',
      'api',
    ]);
    expect(serviceName(REF)).toBe('projects/acme-dev/locations/europe-west1/services/api');
  });

  it.each([
    [{ project: 'Acme-Dev' }, 'input "project" is "Acme-Dev", which is not a Google Cloud project id'],
    [
      { project: '123456789012' },
      'input "project" is "123456789012", which is not a Google Cloud project id',
    ],
    [{ project: 'acme-dev/../x' }, 'input "project" is "acme-dev/../x"'],
    [{ region: 'europe-west1-b' }, 'input "region" is "europe-west1-b", which is not a Google Cloud region'],
    [{ region: '..' }, 'input "region" is "..", which is not a Google Cloud region'],
    [{ service: '../x' }, 'input "service" is "../x", which is not a Cloud Run service name'],
    [{ service: 'api-' }, 'input "service" is "api-", which is not a Cloud Run service name'],
    [{ service: 'api:wait' }, 'input "service" is "api:wait"'],
    [
      { service: 'api\n::error::x' },
      'input "service" is "api\\n::error::x", which is not a Cloud Run service name (it holds a line break',
    ],
    [{ service: 'a'.repeat(50) }, '(50 characters, at most 49)'],
    [{ service: '' }, 'input "service" is "", which is not a Cloud Run service name'],
  ])('refuses %j', (change, message) => {
    const error = thrown(() => servicePath({ ...REF, ...change }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain(message);
  });

  it("names the stage's own inputs in its message", () => {
    const error = thrown(() =>
      servicePath(
        { ...REF, service: 'API' },
        { project: 'project', region: 'region', service: 'service-name' },
      ),
    );
    expect(error.message).toContain('input "service-name" is "API"');
    expect(error.message).toContain('(it holds upper-case letters)');
  });
});

describe('revisionShortName', () => {
  it.each([
    ['projects/acme-dev/locations/europe-west1/services/api/revisions/api-00002-xyz', 'api-00002-xyz'],
    ['api-00002-xyz', 'api-00002-xyz'],
    ['projects/123/locations/r/services/api/revisions/api-green', 'api-green'],
  ])('takes %j as %j', (full, short) => {
    expect(revisionShortName(full)).toBe(short);
  });

  it.each([
    ['a forged name', 'projects/p/locations/r/services/api/revisions/API_00002'],
    ['a trailing slash', 'projects/p/locations/r/services/api/revisions/'],
    ['a path', '../api-00001-abc'],
    ['a line break', 'api-00001-abc\n::error::x'],
    ['an empty string', ''],
    ['a number', 2],
    ['null', null],
    ['undefined', undefined],
    ['an object', { name: 'api-00001-abc' }],
  ])('is undefined for %s', (_what, value) => {
    expect(revisionShortName(value)).toBeUndefined();
  });
});

describe('operationPath', () => {
  it('splits an operation name into path segments under v2', () => {
    expect(
      operationPath(
        'projects/acme-dev/locations/europe-west1/operations/0f3c6f2e-1b7a-4c3e-9d1e-2a4b6c8d0e1f',
      ),
    ).toEqual([
      'v2',
      'projects',
      'acme-dev',
      'locations',
      'europe-west1',
      'operations',
      '0f3c6f2e-1b7a-4c3e-9d1e-2a4b6c8d0e1f',
    ]);
  });

  it.each([
    'projects/acme-dev/locations/europe-west1/operations/../../../v1/projects/acme-dev/secrets/x',
    'projects/acme-dev/locations/europe-west1/operations/op/extra',
    'projects/acme-dev/locations/europe-west1/operations/op:cancel',
    'projects/acme-dev/locations/europe-west1/services/api',
    'projects/Acme/locations/europe-west1/operations/op',
    'projects/acme-dev/locations/europe-west1/operations/',
    '/projects/acme-dev/locations/europe-west1/operations/op',
    'projects/acme-dev/locations/europe-west1/operations/op\n::error::x',
    'https://evil.example/projects/a/locations/b/operations/c',
    '',
    42,
    undefined,
    null,
  ])('refuses %j', (name) => {
    const error = thrown(() => operationPath(name));
    expect(error.message).toMatch(/^Cloud Run answered ".*" as an operation name, which is not one$/);
    expect(error.message).not.toContain('\n');
  });
});

describe('CloudRun against the emulator', () => {
  let emulator: GoogleEmulator;
  let cloudRun: CloudRun;
  let tokensAsked = 0;
  let ref: ServiceRef;
  const deadline = () => Date.now() + 15_000;

  beforeAll(async () => {
    emulator = await startEmulator(cleanups, {
      project: 'acme-dev',
      region: 'europe-west1',
      readyAfterMs: 300,
    });
    const token = emulator.issueToken();
    registerSecret(token);
    cloudRun = new CloudRun(
      new GoogleApi({
        env: emulator.env(),
        token: () => {
          tokensAsked++;
          return Promise.resolve(token);
        },
        backoff: { initialMs: 20, factor: 2, maxMs: 80, jitter: 0 },
      }),
    );
    ref = { project: emulator.project, region: emulator.region, service: 'api' };
  });
  afterEach(() => {
    emulator.resetScripts();
    tokensAsked = 0;
  });

  const paths = () => emulator.requests.map((r: { method: string; path: string }) => `${r.method} ${r.path}`);

  it.each([
    ['getService', (run: CloudRun) => run.getService({ ...REF, project: 'ACME' }, Date.now() + 5_000)],
    [
      'getRevision',
      (run: CloudRun) => run.getRevision({ ...REF, region: 'mars' }, 'api-00001-abc', Date.now() + 5_000),
    ],
    [
      'getRevision (revision)',
      (run: CloudRun) => run.getRevision(REF, '../../secrets/x', Date.now() + 5_000),
    ],
    ['listRevisions', (run: CloudRun) => run.listRevisions({ ...REF, service: '../x' }, Date.now() + 5_000)],
    [
      'patchService',
      (run: CloudRun) => run.patchService({ ...REF, service: 'x/y' }, {}, ['labels'], Date.now() + 5_000),
    ],
  ])('%s refuses a bad name before any request reaches Google', async (_what, call) => {
    // These methods are not async: a bad name throws at the call (an await turns it into a rejection).
    const error = await rejection((async () => call(cloudRun))());
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(/^input "(project|region|service|revision)" is /);
    expect(emulator.requests).toHaveLength(0);
    expect(tokensAsked).toBe(0);
  });

  it('getOperation and waitOperation refuse a forged operation name before any request', async () => {
    const forged = 'projects/acme-dev/locations/europe-west1/operations/../../services/api';
    expect((await rejection((async () => cloudRun.getOperation(forged, deadline()))())).message).toContain(
      'is not one',
    );
    expect(
      (await rejection(cloudRun.waitOperation({ name: forged, done: false }, deadline()))).message,
    ).toContain('is not one');
    expect(emulator.requests).toHaveLength(0);
  });

  it('getService returns the v2 Service as Google sends it', async () => {
    emulator.putService({
      name: 'api',
      revisions: [{ name: 'api-00001-abc' }, { name: 'api-00002-def' }],
    });
    const service = await cloudRun.getService(ref, deadline());
    expect(service.name).toBe('projects/acme-dev/locations/europe-west1/services/api');
    expect(service.generation).toBe('2');
    expect(service.observedGeneration).toBe('2');
    expect(service.reconciling).toBe(false);
    expect(service.terminalCondition).toMatchObject({ type: 'Ready', state: 'CONDITION_SUCCEEDED' });
    expect(service.latestReadyRevision).toBe(`${service.name}/revisions/api-00002-def`);
    expect(revisionShortName(service.latestCreatedRevision)).toBe('api-00002-def');
    expect(service.traffic).toEqual([{ type: RUN_TYPE_LATEST, percent: 100 }]);
    expect(service.trafficStatuses).toEqual([
      { type: RUN_TYPE_LATEST, revision: 'api-00002-def', percent: 100 },
    ]);
    expect(paths()).toEqual(['GET /v2/projects/acme-dev/locations/europe-west1/services/api']);
  });

  it('getService of a missing service is a 404, asked once', async () => {
    const error = await rejection(cloudRun.getService({ ...ref, service: 'missing' }, deadline()));
    expect(error).toBeInstanceOf(GoogleApiError);
    expect(asApiError(error).httpStatus).toBe(404);
    expect(error.message).toContain(
      'Cloud Run Admin API: get service projects/acme-dev/locations/europe-west1/services/missing was answered 404 NOT_FOUND',
    );
    expect(emulator.requests).toHaveLength(1);
  });

  it('getRevision returns one revision by its short name', async () => {
    emulator.putService({
      name: 'api',
      revisions: [
        { name: 'api-00001-abc' },
        { name: 'api-00002-def', fails: { reason: 'CONTAINER_MISSING' } },
      ],
      traffic: [{ type: RUN_TYPE_REVISION, revision: 'api-00001-abc', percent: 100 }],
    });
    const good = await cloudRun.getRevision(ref, 'api-00001-abc', deadline());
    expect(good.name).toBe('projects/acme-dev/locations/europe-west1/services/api/revisions/api-00001-abc');
    expect(good.conditions?.[0]).toMatchObject({ type: 'Ready', state: 'CONDITION_SUCCEEDED' });
    const failed = await cloudRun.getRevision(ref, 'api-00002-def', deadline());
    expect(failed.conditions?.[0]).toMatchObject({
      type: 'Ready',
      state: 'CONDITION_FAILED',
      reason: 'CONTAINER_MISSING',
    });
    const missing = await rejection(cloudRun.getRevision(ref, 'api-00009-zzz', deadline()));
    expect(asApiError(missing).httpStatus).toBe(404);
    expect(missing.message).toContain(
      'get revision api-00009-zzz of projects/acme-dev/locations/europe-west1/services/api',
    );
    expect(paths()).toEqual([
      'GET /v2/projects/acme-dev/locations/europe-west1/services/api/revisions/api-00001-abc',
      'GET /v2/projects/acme-dev/locations/europe-west1/services/api/revisions/api-00002-def',
      'GET /v2/projects/acme-dev/locations/europe-west1/services/api/revisions/api-00009-zzz',
    ]);
  });

  it('listRevisions follows nextPageToken over every page, newest first', async () => {
    const names = Array.from({ length: 230 }, (_, i) => `api-${String(i + 1).padStart(5, '0')}-rev`);
    emulator.putService({ name: 'api', revisions: names.map((name) => ({ name })) });
    const revisions = await cloudRun.listRevisions(ref, deadline());
    expect(revisions.map((r) => revisionShortName(r.name))).toEqual([...names].reverse());
    const lists = emulator.requests.filter((r: { path: string }) => r.path.endsWith('/revisions'));
    expect(lists).toHaveLength(3);
    expect(lists.map((r: { query: Record<string, string> }) => r.query['pageSize'])).toEqual([
      '100',
      '100',
      '100',
    ]);
    expect(lists[0]?.query['pageToken']).toBeUndefined();
    expect(lists[1]?.query['pageToken']).toEqual(expect.any(String));
    expect(lists[2]?.query['pageToken']).not.toBe(lists[1]?.query['pageToken']);
  });

  it('listRevisions stops at maxPages', async () => {
    const names = Array.from({ length: 230 }, (_, i) => `api-${String(i + 1).padStart(5, '0')}-rev`);
    emulator.putService({ name: 'api', revisions: names.map((name) => ({ name })) });
    const revisions = await cloudRun.listRevisions(ref, deadline(), 2);
    expect(revisions).toHaveLength(200);
    expect(revisionShortName(revisions[0]?.name)).toBe('api-00230-rev');
    expect(emulator.requests).toHaveLength(2);
  });

  it('listRevisions of a service with one revision is one request', async () => {
    emulator.putService({ name: 'api', revisions: [{ name: 'api-00001-abc' }] });
    const revisions = await cloudRun.listRevisions(ref, deadline());
    expect(revisions.map((r) => r.name)).toEqual([
      'projects/acme-dev/locations/europe-west1/services/api/revisions/api-00001-abc',
    ]);
    expect(emulator.requests).toHaveLength(1);
  });

  it('patchService with an update mask, then waitOperation until the new revision serves', async () => {
    emulator.putService({
      name: 'api',
      revisions: [{ name: 'api-00001-abc', image: 'europe-docker.pkg.dev/acme-dev/app/api:1' }],
    });
    const current = await cloudRun.getService(ref, deadline());
    const template = {
      ...current.template,
      containers: [
        { ...current.template?.containers?.[0], image: 'europe-docker.pkg.dev/acme-dev/app/api:2' },
      ],
    };
    const operation = await cloudRun.patchService(ref, { template }, ['template'], deadline());
    expect(operation.done).toBe(false);
    expect(operation.name).toMatch(/^projects\/acme-dev\/locations\/europe-west1\/operations\/[0-9a-f-]+$/);
    const started = Date.now();
    const service: RunService = await cloudRun.waitOperation(operation, deadline());
    // The emulator's revision takes 300 ms to be ready; the wait returned when it was.
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(service.template?.containers?.[0]?.image).toBe('europe-docker.pkg.dev/acme-dev/app/api:2');
    const created = revisionShortName(service.latestReadyRevision);
    expect(created).toMatch(/^api-00002-[a-z]{3}$/);
    expect(service.trafficStatuses).toEqual([{ type: RUN_TYPE_LATEST, revision: created, percent: 100 }]);
    const patch = emulator.requests.find((r: { method: string }) => r.method === 'PATCH');
    expect(patch?.query).toEqual({ updateMask: 'template' });
    const waits = paths().filter((p: string) => p.endsWith(':wait'));
    expect(waits.length).toBeGreaterThanOrEqual(1);
    expect(waits[0]).toBe(`POST /v2/${operation.name}:wait`);
    const op = await cloudRun.getOperation<RunService>(operation.name, deadline());
    expect(op.done).toBe(true);
    expect(op.response?.latestReadyRevision).toBe(service.latestReadyRevision);
  });

  it('waitOperation of a change without a new revision returns at once, without :wait', async () => {
    emulator.putService({ name: 'api', revisions: [{ name: 'api-00001-abc' }, { name: 'api-00002-def' }] });
    const operation = await cloudRun.patchService(
      ref,
      { traffic: [{ type: RUN_TYPE_REVISION, revision: 'api-00001-abc', percent: 100 }] },
      ['traffic'],
      deadline(),
    );
    expect(operation.done).toBe(true);
    const service = await cloudRun.waitOperation(operation, deadline());
    expect(service.traffic).toEqual([{ type: RUN_TYPE_REVISION, revision: 'api-00001-abc', percent: 100 }]);
    expect(paths().some((p: string) => p.endsWith(':wait'))).toBe(false);
  });

  it("waitOperation throws the operation's error when the new revision fails", async () => {
    emulator.putService({ name: 'api', revisions: [{ name: 'api-00001-abc' }] });
    emulator.scriptDeploy({
      readyAfterMs: 100,
      fails: {
        reason: 'CONTAINER_MISSING',
        message: "Image 'europe-docker.pkg.dev/acme-dev/app/api:3' not found.",
        code: 5,
      },
    });
    const operation = await cloudRun.patchService(
      ref,
      { template: { containers: [{ image: 'europe-docker.pkg.dev/acme-dev/app/api:3' }] } },
      ['template'],
      deadline(),
    );
    const error = await rejection(cloudRun.waitOperation(operation, deadline()));
    expect(error.message).toBe(
      `Cloud Run operation ${operation.name} failed: "Image 'europe-docker.pkg.dev/acme-dev/app/api:3' not found."`,
    );
  });

  it('waitOperation stops at the deadline', async () => {
    emulator.putService({ name: 'api', revisions: [{ name: 'api-00001-abc' }] });
    emulator.scriptDeploy({ readyAfterMs: 60_000 });
    const operation = await cloudRun.patchService(
      ref,
      { template: { containers: [{ image: 'europe-docker.pkg.dev/acme-dev/app/api:4' }] } },
      ['template'],
      deadline(),
    );
    const started = Date.now();
    const end = started + 1_500;
    const error = await rejection(cloudRun.waitOperation(operation, end));
    expect(Date.now()).toBeLessThanOrEqual(end + 400);
    // The last :wait is cut by the deadline (its request's own limit) or the loop sees none left.
    expect(error.message).toMatch(/was not done before the deadline|no time left before the deadline/);
    expect(error.message).toContain(operation.name);
    // An operation already past its deadline asks nothing.
    emulator.resetScripts();
    const late = await rejection(cloudRun.waitOperation(operation, Date.now() - 1));
    expect(late.message).toBe(`Cloud Run operation ${operation.name} was not done before the deadline`);
    expect(emulator.requests).toHaveLength(0);
  });

  it('patchService of a missing service is a 404 naming the fields', async () => {
    const error = await rejection(
      cloudRun.patchService(
        { ...ref, service: 'missing' },
        { labels: {} },
        ['labels', 'traffic'],
        deadline(),
      ),
    );
    expect(asApiError(error).httpStatus).toBe(404);
    expect(error.message).toContain(
      'update labels, traffic of service projects/acme-dev/locations/europe-west1/services/missing was answered 404',
    );
  });

  it('a 403 names the permission and the role', async () => {
    emulator.putService({ name: 'api' });
    emulator.fault({ method: 'PATCH', status: 403, permission: 'run.services.update' });
    const error = await rejection(cloudRun.patchService(ref, { labels: {} }, ['labels'], deadline()));
    expect(asApiError(error).permission).toBe('run.services.update');
    expect(error.message).toContain('grant it roles/run.developer');
  });
});
