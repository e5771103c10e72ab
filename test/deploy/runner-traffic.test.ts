// Input `traffic` as the runner runs it: the deploy bundle started as a process against the local
// Google emulator (Cloud Run Admin API v2) and the Terraform stand-in in emulator mode, whose
// apply writes the service into the same emulator as the Google provider would (and, as
// `lifecycle { ignore_changes = [traffic] }` makes it, sends `traffic` only when the plan changes
// it). Every traffic change is recorded in order (emulator.trafficChanges): `hold` pins the split
// by name before the plan so that the new revision starts at 0 %, a run that ends before the
// apply puts the targets back exactly as found, `latest` ends at 100 % LATEST.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runAction, type RunOptions } from '../../testkit/local-runner.mjs';
import {
  devDeployInputs,
  referenceBypass,
  serviceOutputs,
  servicePlan,
  standinRunEnv,
  standinsDir,
  terraformCalls,
  useDeployGitHubApi,
  writeTerraformScenario,
  type JsonObject,
  type TerraformScenario,
} from '../../testkit/deploy-scenarios.js';
import {
  emulatorRunEnv,
  putSecrets,
  requestsTo,
  startEmulator,
  type GoogleEmulator,
} from '../../testkit/google.js';

const GITHUB_TOKEN = 'ghs_RunnerTrafficToken5c1d9e7a3b2f8e4d6a0c';
const PROJECT = 'acme-dev';
const REGION = 'europe-west1';
const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
const BY_NAME = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';
const R1 = 'api-00001-aaa';
const R2 = 'api-00002-bbb';
const HOLD = { traffic: 'hold', service: 'api', region: REGION };
const SERVICE_PATH = /^\/v2\/projects\/acme-dev\/locations\/europe-west1\/services\//;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const githubApi = useDeployGitHubApi(GITHUB_TOKEN);

interface TrafficCase {
  /** The service before the run (none: a first deploy). */
  service?: Parameters<GoogleEmulator['putService']>[0];
  inputs?: Record<string, string>;
  /** The plan document (default an update of the service `api`). */
  document?: JsonObject;
  plan?: Partial<NonNullable<TerraformScenario['plan']>>;
  faults?: (emulator: GoogleEmulator) => void;
  cancel?: RunOptions['cancel'];
}

async function deploy(test: TrafficCase) {
  const terraform = writeTerraformScenario({
    plan: {
      document: test.document ?? servicePlan({ environment: 'dev' }),
      requiredVariables: ['image'],
      bypass: referenceBypass('dev'),
      ...test.plan,
    },
    output: serviceOutputs(),
  });
  cleanups.push(() => rmSync(terraform.dir, { recursive: true, force: true }));
  const emulator = await startEmulator(cleanups, { project: PROJECT, region: REGION, readyAfterMs: 100 });
  putSecrets(emulator, {
    'database-url-dev': { project: PROJECT, versions: [{ version: 1, state: 'ENABLED' }] },
    'clerk-secret-key-dev': { project: PROJECT, versions: [{ version: 1, state: 'ENABLED' }] },
    'admin-api-key-dev': { project: PROJECT, versions: [{ version: 1, state: 'ENABLED' }] },
  });
  if (test.service !== undefined) emulator.putService(test.service);
  test.faults?.(emulator);
  const google = emulatorRunEnv(emulator, {}, [standinsDir]);
  const result = await runAction({
    stage: 'deploy',
    inputs: devDeployInputs(GITHUB_TOKEN, test.inputs),
    env: standinRunEnv(
      { env: { ...terraform.env, TERRAFORM_STANDIN_CLOUD_RUN_API: emulator.url } },
      { env: google },
      githubApi.url,
    ),
    secrets: [GITHUB_TOKEN, google['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] ?? ''],
    ...(test.cancel === undefined ? {} : { cancel: test.cancel, timeoutMs: 30_000 }),
  });
  cleanups.push(result.cleanup);
  const commands = terraformCalls(terraform.log).map(
    (call) => call.argv.find((arg) => !arg.startsWith('-')) ?? '',
  );
  return {
    result,
    commands,
    emulator,
    /** Each traffic change as `by: traffic` (what was stored), in order. */
    changes: emulator.trafficChanges.map((change) => ({ by: change.by, traffic: change.traffic })),
    service: (): Record<string, unknown> | undefined => emulator.service(PROJECT, REGION, 'api'),
    warnings: result.log.split('\n').filter((line) => line.startsWith('::warning::')),
    errors: result.log.split('\n').filter((line) => line.startsWith('::error::')),
  };
}

const shortName = (revision: unknown) => String(revision).split('/').at(-1) ?? '';

/** The split trafficStatuses reports, by revision name, as `name=percent`. */
function served(service: Record<string, unknown> | undefined): string[] {
  const latestReady = shortName(service?.['latestReadyRevision']);
  const statuses = (service?.['trafficStatuses'] ?? []) as {
    type?: string;
    revision?: string;
    percent?: number;
  }[];
  return statuses
    .filter((status) => (status.percent ?? 0) > 0)
    .map((status) => `${status.type === LATEST ? latestReady : String(status.revision)}=${status.percent}`)
    .sort();
}

/** One revision serving 100 % as Cloud Run's default (type LATEST). */
const oneRevision = { name: 'api', revisions: [{ name: R1 }] };

describe('deploy bundle: traffic hold and latest against the Cloud Run emulator', () => {
  it('hold: pins the split by name before the plan; the apply adds a revision at 0 %, the old one keeps 100 %', async () => {
    const { result, commands, changes, service } = await deploy({ service: oneRevision, inputs: HOLD });
    expect(result.code, result.log).toBe(0);
    expect(commands).toEqual(['init', 'plan', 'show', 'apply', 'output']);
    // One change: the pin (the apply's PATCH carried no traffic, as ignore_changes makes it).
    expect(changes).toEqual([{ by: 'PATCH', traffic: [{ type: BY_NAME, revision: R1, percent: 100 }] }]);
    const now = service();
    const created = shortName(now?.['latestCreatedRevision']);
    expect(created).toMatch(/^api-\d{5}-[a-z]{3}$/);
    expect(created).not.toBe(R1);
    expect(served(now)).toEqual([`${R1}=100`]);
    expect(result.outputs['previous-revision']).toBe(R1);
    expect(result.outputs['revision']).toBe(created);
    expect(result.log).toContain(`pinned by name: ${R1} 100%`);
    expect(result.log).toContain(`held: ${R1} 100%; the new revision ${created} serves 0 %`);
    expect(result.summary).toContain(`| Serving before | ${R1} 100% |`);
  });

  it('hold: the pin happens before the plan (init, pin, plan), so the refresh reads it', async () => {
    const { result, emulator } = await deploy({ service: oneRevision, inputs: HOLD });
    expect(result.code, result.log).toBe(0);
    const patches = requestsTo(emulator, SERVICE_PATH).filter((request) => request.method === 'PATCH');
    // The pin (updateMask traffic) first, then the apply's PATCH (the whole service).
    expect(patches.map((request) => request.query['updateMask'] ?? '(none)')).toEqual(['traffic', '(none)']);
    const pinAt = patches[0]?.at ?? 0;
    const log = result.log;
    expect(log.indexOf('pinned by name')).toBeLessThan(log.indexOf('::group::terraform plan'));
    expect(log.indexOf('::group::terraform init')).toBeLessThan(log.indexOf('pinned by name'));
    expect(pinAt).toBeGreaterThan(0);
  });

  it('hold on a split service (90/10): nothing to pin, the split intact, previous-revision as JSON', async () => {
    const { result, changes, service } = await deploy({
      service: {
        name: 'api',
        revisions: [{ name: R1 }, { name: R2 }],
        traffic: [
          { type: BY_NAME, revision: R1, percent: 90 },
          { type: BY_NAME, revision: R2, percent: 10 },
        ],
      },
      inputs: HOLD,
    });
    expect(result.code, result.log).toBe(0);
    // Already by name: no change before the apply, none by it.
    expect(changes).toEqual([]);
    expect(served(service())).toEqual([`${R1}=90`, `${R2}=10`]);
    expect(JSON.parse(result.outputs['previous-revision'] ?? '')).toEqual([
      { revision: R1, percent: 90 },
      { revision: R2, percent: 10 },
    ]);
    expect(result.log).toContain(`already pinned by name: ${R1} 90%, ${R2} 10%`);
  });

  it('hold, first deploy (no service yet): nothing to pin, the new revision takes 100 %', async () => {
    const { result, changes, service, emulator } = await deploy({
      document: servicePlan({ environment: 'dev', action: 'create' }),
      inputs: HOLD,
    });
    expect(result.code, result.log).toBe(0);
    expect(changes).toEqual([]);
    const now = service();
    expect(served(now)).toEqual([`${shortName(now?.['latestCreatedRevision'])}=100`]);
    expect(result.outputs['previous-revision']).toBe('');
    expect(result.log).toContain('no such service yet (a first deploy)');
    expect(result.summary).toContain('a first deploy');
    // The action asked once (404) and changed nothing itself: the apply created the service.
    const asked = requestsTo(emulator, SERVICE_PATH).map((request) => request.method);
    expect(asked.filter((method) => method === 'PATCH')).toEqual([]);
  });

  it('hold and a plan that fails the checks: the pin is undone exactly (LATEST and the tag restored)', async () => {
    const found = [
      { type: LATEST, percent: 100 },
      { type: BY_NAME, revision: R1, tag: 'stable' },
    ];
    const { result, commands, changes, service, errors } = await deploy({
      service: { name: 'api', revisions: [{ name: R1 }], traffic: found },
      // A replacement of the service without allow-destroy: refused before apply.
      document: servicePlan({ environment: 'dev', action: 'replace' }),
      inputs: HOLD,
    });
    expect(result.code).toBe(1);
    expect(commands).toEqual(['init', 'plan', 'show']);
    expect(changes).toEqual([
      { by: 'PATCH', traffic: [{ type: BY_NAME, revision: R1, percent: 100, tag: 'stable' }] },
      { by: 'PATCH', traffic: found },
    ]);
    expect(service()?.['traffic']).toEqual(found);
    expect(errors.some((line) => line.includes('nothing was applied'))).toBe(true);
    expect(result.log).toContain(`traffic put back as found: ${R1} 100%`);
    expect(result.summary).toContain('traffic put back as found');
    expect(result.outputs).toEqual({});
  });

  it('hold and a plan naming another service: an error naming both, the pin undone', async () => {
    const { result, commands, changes, errors } = await deploy({
      service: oneRevision,
      document: servicePlan({ environment: 'dev', name: 'web' }),
      inputs: HOLD,
    });
    expect(result.code).toBe(1);
    expect(commands).toEqual(['init', 'plan', 'show']);
    expect(errors.join('\n')).toContain(
      `the plan's Cloud Run service is google_cloud_run_v2_service.web (web in ${REGION}), but inputs "service" and "region" name api in ${REGION}`,
    );
    expect(changes.map((change) => change.traffic)).toEqual([
      [{ type: BY_NAME, revision: R1, percent: 100 }],
      [{ type: LATEST, percent: 100 }],
    ]);
  });

  it('hold, cancelled during the plan: the pin is undone before the step ends', async () => {
    const { result, commands, changes, service } = await deploy({
      service: oneRevision,
      inputs: HOLD,
      // Someone else holds the state lock for 20 s: the plan waits, and the run is cancelled.
      plan: {
        lock: {
          id: 'c0ffee00-1111-2222-3333-444455556666',
          who: 'runner@ci',
          operation: 'OperationTypeApply',
          created: '2026-12-04 10:00:00.000000000 +0000 UTC',
          releaseAfterMs: 20_000,
        },
      },
      cancel: { whenLog: /pinned by name/ },
    });
    expect(result.code).not.toBe(0);
    expect(result.log).toContain('deploy: cancelled (SIGINT)');
    expect(commands).not.toContain('apply');
    expect(changes.map((change) => change.traffic)).toEqual([
      [{ type: BY_NAME, revision: R1, percent: 100 }],
      [{ type: LATEST, percent: 100 }],
    ]);
    expect(service()?.['traffic']).toEqual([{ type: LATEST, percent: 100 }]);
    expect(result.summary).toContain('traffic put back as found');
  });

  it('latest after an earlier hold: the new revision takes 100 % (type LATEST), confirmed', async () => {
    const { result, changes, service } = await deploy({
      service: {
        name: 'api',
        revisions: [{ name: R1 }],
        traffic: [{ type: BY_NAME, revision: R1, percent: 100 }],
      },
      inputs: { traffic: 'latest', service: 'api', region: REGION },
    });
    expect(result.code, result.log).toBe(0);
    expect(changes).toEqual([{ by: 'PATCH', traffic: [{ type: LATEST, percent: 100 }] }]);
    const now = service();
    const created = shortName(now?.['latestCreatedRevision']);
    expect(created).not.toBe(R1);
    expect(served(now)).toEqual([`${created}=100`]);
    expect(result.outputs['previous-revision']).toBe(R1);
    expect(result.log).toContain(
      `traffic sent to the latest revision ${created}: 100 % (type LATEST), was ${R1} 100%`,
    );
  });

  it('latest without service: no Cloud Run request of its own, previous-revision empty', async () => {
    const { result, emulator, changes } = await deploy({ service: oneRevision });
    expect(result.code, result.log).toBe(0);
    expect(changes).toEqual([]);
    expect(result.outputs['previous-revision']).toBe('');
    // Only the stand-in's apply (PATCH, operations, GET for the outputs) reached Cloud Run.
    const patches = requestsTo(emulator, SERVICE_PATH).filter((request) => request.method === 'PATCH');
    expect(patches.map((request) => request.query['updateMask'] ?? '(none)')).toEqual(['(none)']);
  });

  it('a 429 during the pin is retried after its Retry-After, then the run goes on', async () => {
    let quota: ReturnType<GoogleEmulator['fault']> | undefined;
    const { result, changes } = await deploy({
      service: oneRevision,
      inputs: HOLD,
      faults: (emulator) => {
        quota = emulator.fault({
          method: 'PATCH',
          path: SERVICE_PATH,
          times: 1,
          status: 429,
          headers: { 'retry-after': '1' },
        });
      },
    });
    expect(result.code, result.log).toBe(0);
    expect(quota?.hits).toBe(1);
    expect(changes).toEqual([{ by: 'PATCH', traffic: [{ type: BY_NAME, revision: R1, percent: 100 }] }]);
    expect(result.log).toMatch(/update traffic of service .*: 429; trying again in 1s/);
  });

  it('hold and a plan that changes traffic (no ignore_changes): a warning naming the lifecycle rule', async () => {
    const document = servicePlan({ environment: 'dev' });
    // The refreshed state holds the pin; the configuration says LATEST 100: the plan moves it.
    const change = (document['resource_changes'] as { change: { before: JsonObject } }[])[0]!.change;
    change.before['traffic'] = [{ percent: 100, revision: R1, tag: '', type: BY_NAME }];
    const { result, changes, warnings, service } = await deploy({
      service: oneRevision,
      document,
      inputs: HOLD,
    });
    expect(result.code, result.log).toBe(0);
    expect(warnings).toContainEqual(
      expect.stringContaining(
        'google_cloud_run_v2_service.api: the plan changes its traffic, so Terraform and the pipeline would fight over it',
      ),
    );
    expect(warnings.join('\n')).toContain('lifecycle { ignore_changes = [traffic] }');
    // What the warning is about: the apply sent the traffic back to LATEST.
    expect(changes.map((c) => c.traffic)).toEqual([
      [{ type: BY_NAME, revision: R1, percent: 100 }],
      [{ type: LATEST, percent: 100 }],
    ]);
    expect(served(service())).toEqual([`${shortName(service()?.['latestCreatedRevision'])}=100`]);
  });

  it.each([
    [{ traffic: 'hold' }, 'input "service" is required with traffic: hold'],
    [{ traffic: 'hold', service: 'api' }, 'input "region" is required with input "service"'],
    [
      { traffic: 'hold', service: 'api\n::set-output name=x::y', region: REGION },
      'input "service" is "api\\n::set-output',
    ],
    [{ traffic: 'hold', service: '--project=evil', region: REGION }, 'it starts with a hyphen'],
    [{ traffic: 'hold', service: 'api', region: 'europe-west1/../x' }, 'input "region" is'],
    [{ traffic: 'sometimes' }, 'input "traffic" is "sometimes": use one of latest, hold'],
  ])('refuses %j before terraform or any request', async (inputs, message) => {
    const { result, commands, emulator } = await deploy({ service: oneRevision, inputs });
    expect(result.code).toBe(1);
    expect(commands).toEqual([]);
    expect(emulator.requests.filter((request) => /^\/v[12]\//.test(request.path))).toEqual([]);
    expect(emulator.trafficChanges).toEqual([]);
    expect(result.log).toContain(message);
    expect(result.outputs).toEqual({});
  });
});
