// Tests of the local Google Cloud emulator (testkit/google-emulator.mjs): every answer is checked
// field by field against the API definitions the Cloud SDK ships (run_v2_messages.py,
// secretmanager_v1_messages.py: names, enum values, int64 as JSON strings), then the readiness
// timeline, traffic, operations, auth, faults, and google-auth-library end to end.
import { existsSync, readFileSync, statSync } from 'node:fs';
import {
  ExternalAccountClient,
  GoogleAuth,
  type AuthClient,
  type ExternalAccountClientOptions,
} from 'google-auth-library';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CONDITION_REASONS,
  REVISION_REASONS,
  SECRET_VERSION_STATES,
  startGoogleEmulator,
  stateFilter,
  type GoogleEmulator,
} from '../../testkit/google-emulator.mjs';

const APIS = '/usr/lib/google-cloud-sdk/lib/googlecloudsdk/generated_clients/apis';
const RUN_MESSAGES = `${APIS}/run/v2/run_v2_messages.py`;
const SECRET_MESSAGES = `${APIS}/secretmanager/v1/secretmanager_v1_messages.py`;
const HAVE_SDK = existsSync(RUN_MESSAGES) && existsSync(SECRET_MESSAGES);
const SKIP_SDK = HAVE_SDK ? '' : ` (skipped: ${RUN_MESSAGES} is absent, install google-cloud-cli)`;
const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

interface FieldSpec {
  kind: string;
  type?: string;
  repeated: boolean;
  int32: boolean;
}
interface MessageSpec {
  fields: Map<string, FieldSpec>;
  enums: Map<string, string[]>;
  nested: Set<string>;
}

/** Parses the message classes of an apitools *_messages.py: fields, nested enums and maps. */
function parseMessages(file: string): Map<string, MessageSpec> {
  const classes = new Map<string, MessageSpec>();
  const source = readFileSync(file, 'utf8');
  for (const block of source.split(/^(?=class )/m)) {
    const name = /^class (\w+)\(_messages\.Message\)/.exec(block)?.[1];
    if (!name) continue;
    const spec: MessageSpec = { fields: new Map(), enums: new Map(), nested: new Set() };
    for (const nested of block.split(/^(?= {2}class )/m).slice(1)) {
      const head = /^ {2}class (\w+)\(_messages\.(Enum|Message)\)/.exec(nested);
      if (!head) continue;
      if (head[2] === 'Enum') {
        spec.enums.set(
          head[1]!,
          [...nested.matchAll(/^ {4}(\w+) = \d+$/gm)].map((m) => m[1]!),
        );
      } else spec.nested.add(head[1]!);
    }
    for (const m of block.matchAll(/^ {2}(\w+) = _messages\.(\w+)\((.*)\)$/gm)) {
      spec.fields.set(m[1]!, {
        kind: m[2]!,
        type: /^'(\w+)'/.exec(m[3]!)?.[1],
        repeated: m[3]!.includes('repeated=True'),
        int32: m[3]!.includes('Variant.INT32'),
      });
    }
    classes.set(name, spec);
  }
  return classes;
}

const run = HAVE_SDK ? parseMessages(RUN_MESSAGES) : new Map<string, MessageSpec>();
const secretManager = HAVE_SDK ? parseMessages(SECRET_MESSAGES) : new Map<string, MessageSpec>();

/**
 * Every key of `value` must be a declared field of `className` with the right JSON type, recursively;
 * returns the problems found (empty when the value fits).
 */
function conformance(
  classes: Map<string, MessageSpec>,
  className: string,
  value: unknown,
  path = className,
): string[] {
  const spec = classes.get(className);
  if (!spec) return [`${path}: unknown message ${className}`];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: not an object`];
  const problems: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (key === '@type') continue;
    const field = spec.fields.get(key);
    if (!field) {
      problems.push(`${path}.${key}: not a field of ${className}`);
      continue;
    }
    const items: unknown[] = field.repeated
      ? Array.isArray(item)
        ? item
        : [Symbol('not an array')]
      : [item];
    for (const [index, element] of items.entries()) {
      const at = field.repeated ? `${path}.${key}[${index}]` : `${path}.${key}`;
      problems.push(...fieldProblems(classes, spec, field, element, at));
    }
  }
  return problems;
}

function fieldProblems(
  classes: Map<string, MessageSpec>,
  spec: MessageSpec,
  field: FieldSpec,
  value: unknown,
  at: string,
): string[] {
  switch (field.kind) {
    case 'StringField':
      return typeof value === 'string' ? [] : [`${at}: expected a string, got ${JSON.stringify(value)}`];
    case 'BooleanField':
      return typeof value === 'boolean' ? [] : [`${at}: expected a boolean`];
    case 'IntegerField':
      if (field.int32) return Number.isInteger(value) ? [] : [`${at}: int32 must be a JSON number`];
      return typeof value === 'string' && /^-?\d+$/.test(value) ? [] : [`${at}: int64 must be a JSON string`];
    case 'EnumField': {
      const values = spec.enums.get(field.type ?? '') ?? [];
      return values.includes(String(value))
        ? []
        : [`${at}: ${String(value)} is not a value of ${field.type}`];
    }
    case 'MessageField':
      if (spec.nested.has(field.type ?? '')) {
        return typeof value === 'object' && value !== null ? [] : [`${at}: expected an object`];
      }
      return conformance(classes, field.type ?? '', value, at);
    default:
      return [`${at}: unhandled field kind ${field.kind}`];
  }
}

const expectRunShape = (className: string, value: unknown) =>
  expect(conformance(run, className, value)).toEqual([]);
const expectSecretShape = (className: string, value: unknown) =>
  expect(conformance(secretManager, className, value)).toEqual([]);

let emulator: GoogleEmulator;
let token: string;
const P = 'my-project';
const R = 'us-central1';
const base = () => `${emulator.url}/v2/projects/${P}/locations/${R}`;

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(
  url: string,
  init: RequestInit & { json?: unknown } = {},
  bearer = token,
): Promise<Answer> {
  const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    ...init,
    headers,
    body: init.json === undefined ? init.body : JSON.stringify(init.json),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

const deployOverHttp = (service: string, image: string, extra: Record<string, unknown> = {}) =>
  call(`${base()}/services/${service}`, {
    method: 'PATCH',
    json: { template: { containers: [{ image }] }, ...extra },
  });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const shortName = (full: unknown) => String(full).split('/').pop();

/**
 * The three ways google-auth-library takes the credentials file: Application Default
 * Credentials from GOOGLE_APPLICATION_CREDENTIALS (what the actions will do), the parsed JSON
 * through ExternalAccountClient.fromJSON, and `keyFile`, which 11.x marks deprecated.
 */
async function clientFor(way: 'adc' | 'fromJSON' | 'keyFile', keyFile: string): Promise<AuthClient> {
  if (way === 'fromJSON') {
    const json = JSON.parse(readFileSync(keyFile, 'utf8')) as ExternalAccountClientOptions;
    const client = ExternalAccountClient.fromJSON({ ...json, scopes: [SCOPE] });
    if (!client) throw new Error('not an external_account file');
    return client;
  }
  if (way === 'keyFile') {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the form the brief names; it still works in 11.3.4
    return new GoogleAuth({ keyFile, scopes: SCOPE }).getClient();
  }
  // as google-github-actions/auth exports them; without GOOGLE_CLOUD_PROJECT, ADC asks Cloud
  // Resource Manager (cloudresourcemanager.googleapis.com) for the project of the pool's number
  const variables = { GOOGLE_APPLICATION_CREDENTIALS: keyFile, GOOGLE_CLOUD_PROJECT: P };
  const saved = Object.fromEntries(Object.keys(variables).map((key) => [key, process.env[key]]));
  Object.assign(process.env, variables);
  try {
    return await new GoogleAuth({ scopes: SCOPE }).getClient();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) Reflect.deleteProperty(process.env, key);
      else process.env[key] = value;
    }
  }
}

beforeAll(async () => {
  emulator = await startGoogleEmulator({ readyAfterMs: 150 });
  token = emulator.issueToken();
});
afterAll(() => emulator.close());
afterEach(() => emulator.resetScripts());

describe('shapes against the Cloud SDK definitions' + SKIP_SDK, () => {
  it.skipIf(!HAVE_SDK)('our enum lists are the definitions', () => {
    const conditionEnums = run.get('GoogleCloudRunV2Condition')!.enums;
    expect(conditionEnums.get('ReasonValueValuesEnum')).toEqual([...CONDITION_REASONS]);
    expect(conditionEnums.get('RevisionReasonValueValuesEnum')).toEqual([...REVISION_REASONS]);
    expect(secretManager.get('SecretVersion')!.enums.get('StateValueValuesEnum')).toEqual([
      'STATE_UNSPECIFIED',
      ...SECRET_VERSION_STATES,
    ]);
  });

  it.skipIf(!HAVE_SDK)('the checker catches wrong names, enum values and int64 numbers', () => {
    expect(conformance(run, 'GoogleCloudRunV2Service', { generation: 2 })).toHaveLength(1);
    expect(conformance(run, 'GoogleCloudRunV2Service', { generations: '2' })).toHaveLength(1);
    expect(
      conformance(run, 'GoogleCloudRunV2Service', { terminalCondition: { state: 'READY' } }),
    ).toHaveLength(1);
    expect(conformance(run, 'GoogleCloudRunV2TrafficTargetStatus', { percent: '100' })).toHaveLength(1);
  });

  it.skipIf(!HAVE_SDK)('service, revisions, operation and errors', async () => {
    emulator.putService({
      name: 'shape',
      revisions: [{ name: 'shape-00001-abc' }, { name: 'shape-00002-def', image: 'example/app:2' }],
      traffic: [
        { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 },
        { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'shape-00001-abc', tag: 'old' },
      ],
    });
    const got = await call(`${base()}/services/shape`);
    expect(got.status).toBe(200);
    expectRunShape('GoogleCloudRunV2Service', got.body);
    expect(got.body.generation).toBe('2');

    const patched = await deployOverHttp('shape', 'example/app:3');
    expectRunShape('GoogleLongrunningOperation', patched.body);
    const metadata = patched.body.metadata as Record<string, unknown>;
    expect(metadata['@type']).toBe('type.googleapis.com/google.cloud.run.v2.Service');
    expectRunShape('GoogleCloudRunV2Service', metadata);
    const waited = await call(`${emulator.url}/v2/${String(patched.body.name)}:wait`, {
      method: 'POST',
      json: { timeout: '10s' },
    });
    expect(waited.body.done).toBe(true);
    expectRunShape('GoogleLongrunningOperation', waited.body);
    expectRunShape('GoogleCloudRunV2Service', waited.body.response);

    const list = await call(`${base()}/services/shape/revisions`);
    expectRunShape('GoogleCloudRunV2ListRevisionsResponse', list.body);
    const revision = await call(`${base()}/services/shape/revisions/shape-00001-abc`);
    expectRunShape('GoogleCloudRunV2Revision', revision.body);

    emulator.scriptDeploy({ service: 'shape', readyAfterMs: 0, fails: { reason: 'CONTAINER_MISSING' } });
    const failing = await deployOverHttp('shape', 'example/missing:1');
    const failed = await call(`${emulator.url}/v2/${String(failing.body.name)}`);
    expect(failed.body.error).toMatchObject({ code: 13 });
    expectRunShape('GoogleLongrunningOperation', failed.body);
    expectRunShape('GoogleRpcStatus', failed.body.error);
    const failedService = await call(`${base()}/services/shape`);
    expectRunShape('GoogleCloudRunV2Service', failedService.body);
    expectRunShape(
      'GoogleCloudRunV2Revision',
      (
        await call(
          `${base()}/services/shape/revisions/${shortName(failedService.body.latestCreatedRevision)}`,
        )
      ).body,
    );

    const missing = await call(`${base()}/services/nothing`);
    expect(missing.status).toBe(404);
    // Google's JSON error envelope is google.rpc.Status plus the code's name in `status`
    const { status, ...rpcStatus } = missing.body.error as Record<string, unknown>;
    expect(status).toBe('NOT_FOUND');
    expectRunShape('GoogleRpcStatus', rpcStatus);
  });

  it.skipIf(!HAVE_SDK)('secret, versions list and version', async () => {
    emulator.putSecret({ id: 'db-password', versions: [{ state: 'DESTROYED' }, { state: 'ENABLED' }] });
    const secret = await call(`${emulator.url}/v1/projects/${P}/secrets/db-password`);
    expectSecretShape('Secret', secret.body);
    const list = await call(`${emulator.url}/v1/projects/${P}/secrets/db-password/versions?pageSize=1`);
    expectSecretShape('ListSecretVersionsResponse', list.body);
    const version = await call(`${emulator.url}/v1/projects/${P}/secrets/db-password/versions/1`);
    expectSecretShape('SecretVersion', version.body);
  });
});

describe('Cloud Run readiness and traffic', () => {
  it('a deploy reconciles, then becomes ready and takes the LATEST traffic', async () => {
    emulator.putService({ name: 'api', revisions: [{ name: 'api-00001-abc', image: 'example/api:1' }] });
    const started = Date.now();
    const op = await deployOverHttp('api', 'example/api:2');
    expect(op.status).toBe(200);
    expect(op.body.done).toBe(false);

    const during = await call(`${base()}/services/api`);
    const latest = shortName(during.body.latestCreatedRevision);
    expect(latest).toMatch(/^api-00002-[a-z]{3}$/);
    expect(during.body).toMatchObject({
      generation: '2',
      observedGeneration: '1',
      reconciling: true,
      terminalCondition: { type: 'Ready', state: 'CONDITION_RECONCILING' },
      latestReadyRevision: `projects/${P}/locations/${R}/services/api/revisions/api-00001-abc`,
      trafficStatuses: [
        { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', revision: 'api-00001-abc', percent: 100 },
      ],
    });
    expect((during.body.template as { containers: { image: string }[] }).containers[0]!.image).toBe(
      'example/api:2',
    );

    const opId = String(op.body.name).split('/').pop()!;
    const waited = await call(`${base()}/operations/${opId}:wait`, {
      method: 'POST',
      json: { timeout: '10s' },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(waited.body.done).toBe(true);
    const after = await call(`${base()}/services/api`);
    expect(after.body).toMatchObject({
      observedGeneration: '2',
      reconciling: false,
      terminalCondition: { state: 'CONDITION_SUCCEEDED' },
      latestReadyRevision: `projects/${P}/locations/${R}/services/api/revisions/${latest}`,
      trafficStatuses: [{ revision: latest, percent: 100 }],
    });
    const revisions = await call(`${base()}/services/api/revisions`);
    expect((revisions.body.revisions as { name: string }[]).map((r) => shortName(r.name))).toEqual([
      latest,
      'api-00001-abc',
    ]);
  });

  it('a failing revision never takes traffic; its reason and message are scripted', async () => {
    emulator.putService({ name: 'bad', revisions: [{ name: 'bad-00001-abc' }] });
    const revision = emulator.deployRevision(P, R, 'bad', {
      image: 'example/bad:2',
      readyAfterMs: 50,
      fails: { reason: 'HEALTH_CHECK_CONTAINER_ERROR', message: 'The container failed to start.' },
    });
    expect(emulator.service(P, R, 'bad')).toMatchObject({ reconciling: true });
    await sleep(80);
    const service = (await call(`${base()}/services/bad`)).body;
    expect(service).toMatchObject({
      reconciling: false,
      observedGeneration: '2',
      terminalCondition: {
        state: 'CONDITION_FAILED',
        revisionReason: 'HEALTH_CHECK_CONTAINER_ERROR',
        message: 'The container failed to start.',
      },
      latestCreatedRevision: `projects/${P}/locations/${R}/services/bad/revisions/${revision}`,
      latestReadyRevision: `projects/${P}/locations/${R}/services/bad/revisions/bad-00001-abc`,
      trafficStatuses: [{ revision: 'bad-00001-abc', percent: 100 }],
    });
    const rev = (await call(`${base()}/services/bad/revisions/${revision}`)).body;
    expect(rev.conditions).toContainEqual(
      expect.objectContaining({
        type: 'Ready',
        state: 'CONDITION_FAILED',
        revisionReason: 'HEALTH_CHECK_CONTAINER_ERROR',
      }),
    );
    expect(() => emulator.deployRevision(P, R, 'bad', { fails: { reason: 'NotAnEnum' } })).toThrow(/reason/);
  });

  it('putService scripts a service that is still reconciling or has failed', () => {
    emulator.putService({ name: 'slow', ready: false });
    expect(emulator.service(P, R, 'slow')).toMatchObject({
      reconciling: true,
      terminalCondition: { state: 'CONDITION_RECONCILING' },
    });
    emulator.putService({
      name: 'broken',
      failure: { reason: 'CONTAINER_MISSING', message: 'Image not found.' },
    });
    const broken = emulator.service(P, R, 'broken')!;
    expect(broken.terminalCondition).toMatchObject({
      state: 'CONDITION_FAILED',
      reason: 'CONTAINER_MISSING',
    });
    expect(broken.latestReadyRevision).toBeUndefined();
    expect(broken.trafficStatuses).toEqual([{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }]);
  });

  it('tags get a run.app uri; --no-traffic keeps traffic on the serving revision', async () => {
    emulator.putService({ name: 'web', revisions: [{ name: 'web-00001-aaa' }] });
    const revision = emulator.deployRevision(P, R, 'web', { noTraffic: true, readyAfterMs: 0 });
    const tagged = await call(`${base()}/services/web?updateMask=traffic`, {
      method: 'PATCH',
      json: {
        traffic: [
          { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'web-00001-aaa', percent: 100 },
          { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision, tag: 'candidate' },
        ],
      },
    });
    expect(tagged.status).toBe(200);
    expect(tagged.body.done).toBe(true);
    const service = (await call(`${base()}/services/web`)).body;
    const statuses = service.trafficStatuses as Record<string, unknown>[];
    expect(statuses[0]).toEqual({
      type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION',
      revision: 'web-00001-aaa',
      percent: 100,
    });
    expect(statuses[1]).toMatchObject({ revision, tag: 'candidate' });
    expect(String(statuses[1]!.uri)).toMatch(/^https:\/\/candidate---web-[0-9a-z]{10}-uc\.a\.run\.app$/);
    expect(String(service.uri)).toBe(String(statuses[1]!.uri).replace('candidate---', ''));
    // a traffic-only change makes no revision
    expect(shortName(service.latestCreatedRevision)).toBe(revision);

    const unknown = await call(`${base()}/services/web`, {
      method: 'PATCH',
      json: {
        traffic: [
          { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'web-09999-zzz', percent: 100 },
        ],
      },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
  });

  it('serviceUrl points the uris at a chosen server', async () => {
    const local = await startGoogleEmulator({
      serviceUrl: (s, tag) => `http://127.0.0.1:9/${s}/${tag ?? ''}`,
    });
    try {
      local.putService({
        name: 'app',
        traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100, tag: 'blue' }],
      });
      const service = local.service(local.project, local.region, 'app')!;
      expect(service.uri).toBe('http://127.0.0.1:9/app/');
      expect(service.trafficStatuses).toEqual([
        expect.objectContaining({ tag: 'blue', uri: 'http://127.0.0.1:9/app/blue' }),
      ]);
    } finally {
      await local.close();
    }
  });

  it('create names the first revision, refuses a duplicate, honours template.revision', async () => {
    const created = await call(`${base()}/services?serviceId=fresh`, {
      method: 'POST',
      json: { template: { revision: 'fresh-v1', containers: [{ image: 'example/fresh:1' }] } },
    });
    expect(created.status).toBe(200);
    expect(String(created.body.name)).toMatch(
      new RegExp(`^projects/${P}/locations/${R}/operations/[0-9a-f-]{36}$`),
    );
    const service = emulator.service(P, R, 'fresh')!;
    expect(service).toMatchObject({
      generation: '1',
      latestCreatedRevision: expect.stringMatching(/\/revisions\/fresh-v1$/) as unknown,
    });
    expect((await call(`${base()}/services?serviceId=fresh`, { method: 'POST', json: {} })).status).toBe(409);
    expect((await call(`${base()}/services`, { method: 'POST', json: {} })).status).toBe(400);
    const noSuch = await call(`${base()}/services/absent`, { method: 'PATCH', json: {} });
    expect(noSuch.status).toBe(404);
    const upsert = await call(`${base()}/services/absent?allowMissing=true`, {
      method: 'PATCH',
      json: { template: { containers: [{ image: 'example/x:1' }] } },
    });
    expect(upsert.status).toBe(200);
    expect(emulator.service(P, R, 'absent')?.latestCreatedRevision).toMatch(
      /\/revisions\/absent-00001-[a-z]{3}$/,
    );
  });

  it('revisions list pages, newest first; operations get and a wait that times out', async () => {
    emulator.putService({ name: 'paged', revisions: [{}, {}, {}] });
    const first = await call(`${base()}/services/paged/revisions?pageSize=2`);
    const names = (first.body.revisions as { name: string }[]).map((r) => shortName(r.name));
    expect(names).toEqual([expect.stringMatching(/^paged-00003-/), expect.stringMatching(/^paged-00002-/)]);
    const second = await call(
      `${base()}/services/paged/revisions?pageSize=2&pageToken=${String(first.body.nextPageToken)}`,
    );
    expect((second.body.revisions as { name: string }[]).map((r) => shortName(r.name))).toEqual([
      expect.stringMatching(/^paged-00001-/),
    ]);
    expect(second.body.nextPageToken).toBeUndefined();

    emulator.scriptDeploy({ service: 'paged', readyAfterMs: 5000 });
    const op = await deployOverHttp('paged', 'example/slow:1');
    const opPath = `${emulator.url}/v2/${String(op.body.name)}`;
    const t0 = Date.now();
    const waited = await call(`${opPath}:wait`, { method: 'POST', json: { timeout: '0.2s' } });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(180);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(waited.body.done).toBe(false);
    expect((await call(opPath)).body).toMatchObject({ name: op.body.name, done: false });
    expect((await call(`${base()}/operations/0000`)).status).toBe(404);
  });
});

describe('Secret Manager', () => {
  beforeAll(() => {
    emulator.putSecret({
      id: 'api-key',
      versions: [{ state: 'DESTROYED' }, { state: 'ENABLED' }, { state: 'DISABLED' }, { state: 'ENABLED' }],
    });
  });

  it('lists versions newest first, filtered and paged; names use the project number', async () => {
    const all = await call(`${emulator.url}/v1/projects/${P}/secrets/api-key/versions`);
    expect(all.body.totalSize).toBe(4);
    const versions = all.body.versions as { name: string; state: string }[];
    expect(versions.map((v) => [v.name, v.state])).toEqual([
      ['projects/123456789012/secrets/api-key/versions/4', 'ENABLED'],
      ['projects/123456789012/secrets/api-key/versions/3', 'DISABLED'],
      ['projects/123456789012/secrets/api-key/versions/2', 'ENABLED'],
      ['projects/123456789012/secrets/api-key/versions/1', 'DESTROYED'],
    ]);
    const enabled = await call(
      `${emulator.url}/v1/projects/123456789012/secrets/api-key/versions?filter=${encodeURIComponent('state:ENABLED')}&pageSize=1`,
    );
    expect((enabled.body.versions as { name: string }[]).map((v) => shortName(v.name))).toEqual(['4']);
    expect(enabled.body.totalSize).toBe(2);
    const next = await call(
      `${emulator.url}/v1/projects/${P}/secrets/api-key/versions?filter=state%3AENABLED&pageSize=1&pageToken=${String(enabled.body.nextPageToken)}`,
    );
    expect((next.body.versions as { name: string }[]).map((v) => shortName(v.name))).toEqual(['2']);
    expect(next.body.nextPageToken).toBeUndefined();
    expect(stateFilter('NOT state:DESTROYED')('DESTROYED')).toBe(false);
    expect(stateFilter('state:ENABLED OR state:DISABLED')('DISABLED')).toBe(true);
    expect(
      (await call(`${emulator.url}/v1/projects/${P}/secrets/api-key/versions?filter=name:x`)).status,
    ).toBe(400);
  });

  it('gets a version, latest whatever its state, and 404s in Google’s words', async () => {
    const latest = await call(`${emulator.url}/v1/projects/${P}/secrets/api-key/versions/latest`);
    expect(latest.body).toMatchObject({
      name: 'projects/123456789012/secrets/api-key/versions/4',
      state: 'ENABLED',
    });
    const destroyed = await call(`${emulator.url}/v1/projects/${P}/secrets/api-key/versions/1`);
    expect(destroyed.body).toMatchObject({ state: 'DESTROYED', destroyTime: expect.any(String) as unknown });
    const secret = await call(`${emulator.url}/v1/projects/123456789012/secrets/api-key`);
    expect(secret.body).toMatchObject({
      name: 'projects/123456789012/secrets/api-key',
      replication: { automatic: {} },
    });
    const missing = await call(`${emulator.url}/v1/projects/${P}/secrets/nope/versions`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: {
        code: 404,
        message: 'Secret [projects/123456789012/secrets/nope] not found or has no versions.',
        status: 'NOT_FOUND',
        details: [],
      },
    });
    expect((await call(`${emulator.url}/v1/projects/${P}/secrets/api-key/versions/9`)).status).toBe(404);
  });
});

describe('authentication', () => {
  it('every /v1 and /v2 request needs a token the emulator issued', async () => {
    emulator.putService({ name: 'guarded' });
    const none = await call(`${base()}/services/guarded`, {}, '');
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({
      code: 401,
      status: 'UNAUTHENTICATED',
      details: [expect.objectContaining({ reason: 'CREDENTIALS_MISSING' })],
    });
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const forged = await call(`${emulator.url}/v1/projects/${P}/secrets/api-key`, {}, 'ya29.forged');
    expect(forged.status).toBe(401);
    expect(forged.body.error).toMatchObject({ status: 'UNAUTHENTICATED' });
    expect((await call(`${base()}/services/guarded`, {}, emulator.issueToken())).status).toBe(200);
    expect(emulator.requests.filter((r) => r.path.endsWith('/guarded')).map((r) => r.authorization)).toEqual([
      false,
      true,
    ]);
  });

  it('the OIDC endpoint wants its request token; STS checks subject token and audience', async () => {
    const oidcUrl = `${emulator.url}/github-oidc/token?audience=x`;
    expect((await call(oidcUrl, {}, '')).status).toBe(401);
    const oidc = await call(oidcUrl, {}, emulator.oidcRequestToken);
    expect(String(oidc.body.value).split('.')).toHaveLength(3);
    const exchange = (fields: Record<string, string>) =>
      call(
        `${emulator.url}/sts/v1/token`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
            audience: emulator.audience,
            scope: SCOPE,
            requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
            subject_token: String(oidc.body.value),
            subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
            ...fields,
          }).toString(),
        },
        '',
      );
    const forged = await exchange({ subject_token: 'a.b.c' });
    expect(forged.status).toBe(400);
    expect(forged.body).toEqual({ error: 'invalid_grant', error_description: expect.any(String) as unknown });
    expect((await exchange({ audience: '//iam.googleapis.com/projects/1/x' })).body.error).toBe(
      'invalid_target',
    );
    const good = await exchange({});
    expect(good.body).toEqual({
      access_token: expect.any(String) as unknown,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: 3600,
    });
    const iam = await call(
      `${emulator.url}/iamcredentials/v1/projects/-/serviceAccounts/${emulator.serviceAccount}:generateAccessToken`,
      { method: 'POST', json: { scope: [SCOPE], lifetime: '3600s' } },
      String(good.body.access_token),
    );
    expect(iam.body).toEqual({
      accessToken: expect.any(String) as unknown,
      expireTime: expect.stringMatching(/Z$/) as unknown,
    });
    const other = await call(
      `${emulator.url}/iamcredentials/v1/projects/-/serviceAccounts/someone@else.iam.gserviceaccount.com:generateAccessToken`,
      { method: 'POST', json: { scope: [SCOPE] } },
      String(good.body.access_token),
    );
    expect(other.status).toBe(403);
  });

  it('writes the credentials file google-github-actions/auth writes, mode 0600', () => {
    const file = emulator.writeCredentials();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const credentials = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(credentials).toEqual({
      type: 'external_account',
      audience:
        '//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/providers/github',
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      token_url: `${emulator.url}/sts/v1/token`,
      service_account_impersonation_url: `${emulator.url}/iamcredentials/v1/projects/-/serviceAccounts/${emulator.serviceAccount}:generateAccessToken`,
      credential_source: {
        url: expect.stringContaining(`${emulator.url}/github-oidc/token?`) as unknown,
        headers: { Authorization: `Bearer ${emulator.oidcRequestToken}` },
        format: { type: 'json', subject_token_field_name: 'value' },
      },
    });
    const direct = JSON.parse(
      readFileSync(emulator.writeCredentials({ serviceAccount: null }), 'utf8'),
    ) as object;
    expect(direct).not.toHaveProperty('service_account_impersonation_url');
    const env = emulator.env({ EXTRA: '1' });
    expect(env).toMatchObject({
      CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: `${emulator.url}/`,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER: `${emulator.url}/`,
      GOOGLE_CLOUD_PROJECT: P,
      CLOUDSDK_CORE_PROJECT: P,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: emulator.oidcRequestToken,
      EXTRA: '1',
    });
    expect(existsSync(env.GOOGLE_APPLICATION_CREDENTIALS!)).toBe(true);
  });

  it.each([
    ['service account impersonation', 'adc', undefined],
    ['service account impersonation', 'fromJSON', undefined],
    ['service account impersonation', 'keyFile', undefined],
    ['direct Workload Identity Federation', 'adc', null],
    ['direct Workload Identity Federation', 'fromJSON', null],
    ['direct Workload Identity Federation', 'keyFile', null],
  ] as const)(
    'google-auth-library gets a token by %s (%s), accepted on /v2',
    async (_label, way, account) => {
      emulator.putService({ name: 'authed' });
      const before = { ...emulator.tokensIssued };
      const client = await clientFor(way, emulator.writeCredentials({ serviceAccount: account }));
      const { token: accessToken } = await client.getAccessToken();
      expect(accessToken).toMatch(account === null ? /^ya29\.sts-/ : /^ya29\.c\.iam-/);
      expect(emulator.tokensIssued.oidc).toBe(before.oidc + 1);
      expect(emulator.tokensIssued.sts).toBe(before.sts + 1);
      expect(emulator.tokensIssued.iam).toBe(before.iam + (account === null ? 0 : 1));
      const answer = await client.request<{ name: string }>({ url: `${base()}/services/authed` });
      expect(answer.data.name).toBe(`projects/${P}/locations/${R}/services/authed`);
      // the cached token serves the next call without another exchange
      await client.request({ url: `${base()}/services/authed` });
      expect(emulator.tokensIssued.sts).toBe(before.sts + 1);
    },
  );
});

describe('faults', () => {
  it('429 with Retry-After once, then the real answer', async () => {
    emulator.putService({ name: 'flaky' });
    const handle = emulator.fault({
      path: /\/services\/flaky$/,
      times: 1,
      status: 429,
      headers: { 'retry-after': '2' },
    });
    const first = await call(`${base()}/services/flaky`);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('2');
    expect(first.body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect((await call(`${base()}/services/flaky`)).status).toBe(200);
    expect(handle.hits).toBe(1);
  });

  it('a 503 burst of three, only for GET', async () => {
    emulator.putService({ name: 'burst' });
    emulator.fault({ method: 'GET', path: /burst/, times: 3, status: 503 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(`${base()}/services/burst`)).status);
    expect(statuses).toEqual([503, 503, 503, 200]);
  });

  it('403 with a missing permission in Google’s shape', async () => {
    emulator.fault({ path: /services\/locked$/, status: 403, permission: 'run.services.get' });
    const denied = await call(`${base()}/services/locked`);
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({
      error: {
        code: 403,
        message: `Permission 'run.services.get' denied on resource 'projects/${P}/locations/${R}/services/locked' (or it may not exist).`,
        status: 'PERMISSION_DENIED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'IAM_PERMISSION_DENIED',
            domain: 'iam.googleapis.com',
            metadata: {
              permission: 'run.services.get',
              resource: `projects/${P}/locations/${R}/services/locked`,
            },
          },
        ],
      },
    });
  });

  it('a slow answer, a connection reset, and a fault on STS', async () => {
    emulator.putService({ name: 'slowly' });
    emulator.fault({ path: /slowly/, times: 1, delayMs: 250 });
    const t0 = Date.now();
    expect((await call(`${base()}/services/slowly`)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
    emulator.fault({ path: /slowly/, times: 1, reset: true });
    await expect(call(`${base()}/services/slowly`)).rejects.toThrow();
    const stsDown = emulator.fault({ path: /^\/sts\//, status: 503 });
    const auth = await clientFor('fromJSON', emulator.writeCredentials({ serviceAccount: null }));
    await expect(auth.getAccessToken()).rejects.toThrow();
    expect(stsDown.hits).toBeGreaterThanOrEqual(1);
    console.log(`google-auth-library tried STS ${stsDown.hits} times on a 503 before giving up`);
    stsDown.remove();
    expect((await auth.getAccessToken()).token).toMatch(/^ya29\./);
  });

  it('close() never hangs on a pending slow answer or a keep-alive socket', async () => {
    const other = await startGoogleEmulator();
    other.fault({ delayMs: 60_000 });
    const pending = fetch(`${other.url}/v1/anything`).catch(() => 'reset');
    await sleep(50);
    const t0 = Date.now();
    await other.close();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await pending).toBe('reset');
  });
});

describe('control over HTTP', () => {
  it('POST /emulator/v1/state puts services, secrets, scripted deploys and faults', async () => {
    const answer = await call(
      `${emulator.url}/emulator/v1/state`,
      {
        method: 'POST',
        json: {
          services: [{ name: 'remote', revisions: [{ name: 'remote-00001-abc' }] }],
          secrets: [{ id: 'remote-secret', versions: [{ state: 'ENABLED' }] }],
          deploys: [{ service: 'remote', readyAfterMs: 0, fails: { reason: 'CONTAINER_MISSING' } }],
          faults: [{ path: '^/v1/projects/[^/]+/secrets/remote-secret$', times: 1, status: 503 }],
          issueToken: true,
        },
      },
      '',
    );
    expect(answer.status).toBe(200);
    const remoteToken = String(answer.body.token);
    expect(
      (await call(`${emulator.url}/v1/projects/${P}/secrets/remote-secret`, {}, remoteToken)).status,
    ).toBe(503);
    expect(
      (await call(`${emulator.url}/v1/projects/${P}/secrets/remote-secret`, {}, remoteToken)).status,
    ).toBe(200);
    await deployOverHttp('remote', 'example/gone:1');
    expect(emulator.service(P, R, 'remote')).toMatchObject({
      terminalCondition: { state: 'CONDITION_FAILED', reason: 'CONTAINER_MISSING' },
      trafficStatuses: [expect.objectContaining({ revision: 'remote-00001-abc' })],
    });
  });

  it('anything unknown is a 404 in Google’s shape', async () => {
    const unknown = await call(`${emulator.url}/v3/whatever`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
    expect((await call(`${emulator.url}/v2/projects/${P}/locations/${R}/jobs/x`)).status).toBe(404);
  });
});
