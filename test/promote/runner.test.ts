// actions/promote as the runner runs it: the bundled dist/index.js started as a process with no
// gcloud on PATH, the Workload Identity credentials file (its exchange against the local Google
// emulator), the Cloud Run Admin API v2 of the emulator, and the service's URL on a real HTTP
// server on 127.0.0.1 that answers as the revision the emulator routes to. Every traffic change
// the emulator records (emulator.trafficChanges) is checked in order.
import { afterEach, describe, expect, it } from 'vitest';
import { runAction, workflowCommands, type RunOptions } from '../../testkit/local-runner.mjs';
import { json, startServer } from '../../testkit/servers.js';
import { emulatorRunEnv, startEmulator, type GoogleEmulator } from '../../testkit/google.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PROJECT = 'acme-prod';
const REGION = 'europe-west1';
const OLD = 'api-00041-abc';
const NEW = 'api-00042-xyz';
const BY_NAME = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';
const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';

interface Service {
  emulator: GoogleEmulator;
  /** The new revision's share now, as the emulator serves it. */
  share: () => number;
  /** GETs of /health the server answered. */
  hits: () => number;
}

/**
 * The emulator with service api: OLD serving 100 % by name and NEW ready at 0 % with the tag
 * `candidate` (as deploy with traffic: hold and health-check with tag leave it). The service URL
 * answers 200 unless `unhealthyFrom` says from which share of NEW on it answers 500.
 */
async function pinnedService(
  options: { unhealthyFrom?: number; traffic?: { revision: string; percent?: number; tag?: string }[] } = {},
): Promise<Service> {
  // The server asks the emulator, which is started after it (it needs the server's URL).
  const started: { emulator?: GoogleEmulator } = {};
  let hits = 0;
  const share = (): number => {
    const service = started.emulator?.service(PROJECT, REGION, 'api') as
      { trafficStatuses?: { revision?: string; percent?: number }[] } | undefined;
    return (service?.trafficStatuses ?? [])
      .filter((status) => status.revision === NEW)
      .reduce((sum, status) => sum + (status.percent ?? 0), 0);
  };
  const api = await startServer((_req, res) => {
    hits++;
    if (options.unhealthyFrom !== undefined && share() >= options.unhealthyFrom) {
      json(res, 500, { status: 'error', detail: 'database pool exhausted' });
    } else json(res, 200, { status: 'ok' });
  });
  cleanups.push(() => api.close());
  const emulator = await startEmulator(cleanups, {
    project: PROJECT,
    region: REGION,
    serviceUrl: () => api.url,
  });
  started.emulator = emulator;
  emulator.putService({
    name: 'api',
    revisions: [{ name: OLD }, { name: NEW }],
    traffic: (
      options.traffic ?? [
        { revision: OLD, percent: 100 },
        { revision: NEW, tag: 'candidate' },
      ]
    ).map((target) => ({ type: BY_NAME, ...target })),
  });
  emulator.resetScripts();
  return { emulator, share, hits: () => hits };
}

async function promote(
  service: Service,
  inputs: Record<string, string>,
  extra: Partial<Pick<RunOptions, 'cancel' | 'timeoutMs'>> = {},
) {
  const result = await runAction({
    stage: 'promote',
    inputs: { service: 'api', region: REGION, revision: NEW, 'step-wait': '1s', ...inputs },
    env: emulatorRunEnv(service.emulator),
    ...extra,
  });
  cleanups.push(result.cleanup);
  return result;
}

/** The traffic changes the emulator saw, each as `rev=percent[:tag]` entries. */
function changes(emulator: GoogleEmulator): string[] {
  return emulator.trafficChanges.map((change) =>
    change.traffic
      .map((target) => {
        const name = target.type === LATEST ? 'LATEST' : (target.revision ?? '?');
        return `${name}=${target.percent ?? 0}${target.tag ? `:${target.tag}` : ''}`;
      })
      .join(' '),
  );
}

const errors = (log: string) => log.split('\n').filter((line) => line.startsWith('::error'));

describe('promote bundle: a verified rollout in steps', () => {
  it('moves the traffic 10 → 50 → 100, each step confirmed and watched, the tag removed with the last', async () => {
    const service = await pinnedService();
    const result = await promote(service, { steps: '10,50,100', 'previous-revision': OLD, tag: 'candidate' });
    expect(result.code, result.log).toBe(0);
    expect(changes(service.emulator)).toEqual([
      `${OLD}=90 ${NEW}=10:candidate`,
      `${OLD}=50 ${NEW}=50:candidate`,
      `${NEW}=100`,
    ]);
    expect(result.outputs).toEqual({ 'previous-revision': OLD, revision: NEW, 'rolled-back': 'false' });
    expect(service.share()).toBe(100);
    // Each step watched for its second: at least two checks each.
    expect(service.hits()).toBeGreaterThanOrEqual(6);
    expect(result.summary).toContain(`### ✅ promote: ${NEW} serves 100% after 3 steps`);
    expect(result.summary).toContain(`| found | ${OLD} 100% |  | found |`);
    expect(result.summary).toMatch(
      new RegExp(`\\| step 2 of 3 \\(50%\\) \\| ${OLD} 50%, ${NEW} 50% \\| (\\d+) of \\1 healthy \\| ✅`),
    );
    expect(result.summary).toContain('```mermaid\nxychart-beta\n');
    expect(result.summary).toContain('    bar [0, 10, 50, 100]');
    expect(errors(result.log)).toEqual([]);
  });

  it('puts back exactly the split it found when the second step fails, and removes the tag', async () => {
    const service = await pinnedService({ unhealthyFrom: 50 });
    const result = await promote(service, { steps: '10,50,100', tag: 'candidate' });
    expect(result.code).toBe(1);
    expect(changes(service.emulator)).toEqual([
      `${OLD}=90 ${NEW}=10:candidate`,
      `${OLD}=50 ${NEW}=50:candidate`,
      `${OLD}=100`,
    ]);
    expect(service.share()).toBe(0);
    expect(result.outputs).toEqual({ 'previous-revision': OLD, revision: OLD, 'rolled-back': 'true' });
    expect(errors(result.log)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^::error::promote: step 2 of 3 \\(50%\\): check 1 of http://127\\.0\\.0\\.1:\\d+/health failed: 500: .*database pool exhausted.*; the traffic is back to ${OLD} 100%$`,
        ),
      ),
    ]);
    expect(result.summary).toContain('### ❌ promote: rolled back');
    expect(result.summary).toContain(`| restored | ${OLD} 100% |  | restored |`);
    expect(result.summary).toContain('    bar [0, 10, 50, 0]');
  });

  it('restores a split it found (90/10 by name) exactly, not as 100 %', async () => {
    const third = 'api-00043-new';
    const service = await pinnedService({ unhealthyFrom: 1 });
    service.emulator.deployRevision(PROJECT, REGION, 'api', {
      revision: third,
      noTraffic: true,
      readyAfterMs: 0,
    });
    // OLD and NEW share the traffic; the rollout of `third` fails at its first step.
    const split = [
      { type: BY_NAME, revision: OLD, percent: 90 },
      { type: BY_NAME, revision: NEW, percent: 10 },
    ];
    const ref = `/v2/projects/${PROJECT}/locations/${REGION}/services/api`;
    const token = service.emulator.issueToken();
    const patched = await fetch(`${service.emulator.url}${ref}?updateMask=traffic`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ traffic: split }),
    });
    expect(patched.status).toBe(200);
    service.emulator.trafficChanges.length = 0;
    const result = await promote(service, { revision: third, steps: '20,100' });
    expect(result.code).toBe(1);
    expect(changes(service.emulator)).toEqual([`${OLD}=72 ${third}=20 ${NEW}=8`, `${OLD}=90 ${NEW}=10`]);
    expect(result.outputs['previous-revision']).toBe(
      JSON.stringify([
        { revision: OLD, percent: 90 },
        { revision: NEW, percent: 10 },
      ]),
    );
    expect(result.outputs['rolled-back']).toBe('true');
  });

  it('restores the split when the timeout ends a watch before its end', async () => {
    const service = await pinnedService();
    const result = await promote(service, { steps: '10,100', 'step-wait': '3s', timeout: '4s' });
    expect(result.code).toBe(1);
    // No `tag` input: the candidate tag is one of the targets found, and it is put back too.
    expect(changes(service.emulator)).toEqual([
      `${OLD}=90 ${NEW}=10:candidate`,
      `${NEW}=100:candidate`,
      `${OLD}=100 ${NEW}=0:candidate`,
    ]);
    expect(errors(result.log)).toEqual([
      expect.stringMatching(
        /^::error::promote: step 2 of 2 \(100%\): the timeout ended the watch \d+ s before its end \(raise "timeout" or shorten "step-wait"\); the traffic is back to api-00041-abc 100%$/,
      ),
    ]);
  });

  it('restores the split when the step is cancelled during its watch', async () => {
    const service = await pinnedService();
    const result = await promote(
      service,
      { steps: '10,100', 'step-wait': '30s', tag: 'candidate' },
      { cancel: { when: () => service.share() === 10, signal: 'SIGINT' }, timeoutMs: 30_000 },
    );
    expect(result.code).toBe(1);
    expect(changes(service.emulator)).toEqual([`${OLD}=90 ${NEW}=10:candidate`, `${OLD}=100`]);
    expect(service.share()).toBe(0);
    expect(result.summary).toContain('cancelled: the traffic is back to');
    expect(result.durationMs).toBeLessThan(10_000);
  });

  it('refuses to start when someone else moved the traffic since deploy pinned it, changing nothing', async () => {
    const service = await pinnedService({
      traffic: [
        { revision: OLD, percent: 50 },
        { revision: 'api-00042-xyz', tag: 'candidate' },
        { revision: OLD, percent: 50, tag: 'someone' },
      ],
    });
    // deploy saw OLD at 100 %; someone pinned a third of it elsewhere since.
    service.emulator.deployRevision(PROJECT, REGION, 'api', { revision: 'api-00043-hot', readyAfterMs: 0 });
    const ref = `/v2/projects/${PROJECT}/locations/${REGION}/services/api`;
    await fetch(`${service.emulator.url}${ref}?updateMask=traffic`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${service.emulator.issueToken()}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        traffic: [
          { type: BY_NAME, revision: OLD, percent: 70 },
          { type: BY_NAME, revision: 'api-00043-hot', percent: 30 },
        ],
      }),
    });
    service.emulator.trafficChanges.length = 0;
    const result = await promote(service, { steps: '10,100', 'previous-revision': OLD });
    expect(result.code).toBe(1);
    expect(service.emulator.trafficChanges).toEqual([]);
    expect(errors(result.log)).toEqual([
      `::error::promote: the traffic changed since deploy pinned it: deploy found ${OLD} 100%, it serves ${OLD} 70%, api-00043-hot 30% now; someone else moved it, and promote changed nothing. Look at the service's traffic, then run promote again without "previous-revision" to start from the split as it is`,
    ]);
  });

  it('converges on a rerun after a lost runner: the steps already done are not repeated', async () => {
    // The first run reached 50 % and its runner was lost.
    const service = await pinnedService({
      traffic: [
        { revision: NEW, percent: 50, tag: 'candidate' },
        { revision: OLD, percent: 50 },
      ],
    });
    const result = await promote(service, { steps: '10,50,100', 'previous-revision': OLD, tag: 'candidate' });
    expect(result.code, result.log).toBe(0);
    expect(changes(service.emulator)).toEqual([`${NEW}=100`]);
    expect(result.log).toContain(`${NEW} already serves 50%: the steps at or below it are done`);
    expect(result.summary).toContain('after 1 step');
  });

  it('is a manual rollback with an older revision: 100 % to it, watched', async () => {
    const service = await pinnedService({ traffic: [{ revision: NEW, percent: 100 }] });
    const result = await promote(service, { revision: OLD });
    expect(result.code, result.log).toBe(0);
    expect(changes(service.emulator)).toEqual([`${OLD}=100`]);
    expect(result.outputs).toEqual({ 'previous-revision': NEW, revision: OLD, 'rolled-back': 'false' });
  });

  it('changes nothing for a revision that already serves 100 % (a first deploy)', async () => {
    const service = await pinnedService({ traffic: [{ revision: NEW, percent: 100 }] });
    const result = await promote(service, { steps: '10,100' });
    expect(result.code, result.log).toBe(0);
    expect(service.emulator.trafficChanges).toEqual([]);
    expect(result.summary).toContain(`### ✅ promote: ${NEW} already served 100%`);
  });
});

describe('promote bundle: Cloud Run refusing', () => {
  const servicePatch = { method: 'PATCH', path: /\/services\/api$/ };

  it('retries a 503 burst and a 429 while moving the traffic, inside the deadline', async () => {
    const service = await pinnedService();
    service.emulator.fault({ ...servicePatch, status: 503, times: 2 });
    service.emulator.fault({ ...servicePatch, status: 429, headers: { 'retry-after': '1' }, times: 1 });
    const result = await promote(service, { steps: '100', tag: 'candidate' });
    expect(result.code, result.log).toBe(0);
    expect(changes(service.emulator)).toEqual([`${NEW}=100`]);
    expect(result.log).toMatch(/503.*trying again in/);
  });

  it('when the split cannot be put back, says what serves now and the command that restores it', async () => {
    const service = await pinnedService({ unhealthyFrom: 10 });
    // The first step's PATCH goes through (the first fault only delays it); every later PATCH,
    // the restore's, is refused for a missing permission.
    service.emulator.fault({ ...servicePatch, delayMs: 1, times: 1 });
    service.emulator.fault({ ...servicePatch, status: 403, permission: 'run.services.update' });
    const result = await promote(service, { steps: '10,100', tag: 'candidate' });
    expect(result.code).toBe(1);
    expect(changes(service.emulator)).toEqual([`${OLD}=90 ${NEW}=10:candidate`]);
    const [error] = errors(result.log);
    expect(error).toMatch(
      /^::error::promote: step 1 of 2 \(10%\): check 1 of .* failed: 500: .*; and the traffic could not be put back/,
    );
    expect(error).toContain('run.services.update');
    expect(error).toContain(`it serves ${OLD} 90%, ${NEW} 10%`);
    expect(error).toContain(
      `Restore it with: gcloud run services update-traffic api --region=${REGION} --project=${PROJECT} --to-revisions=${OLD}=100`,
    );
    expect(result.outputs['rolled-back']).toBe('false');
    expect(result.summary).toContain('### ❌ promote: failed, and the traffic is not back');
  });
});

describe('promote bundle: refused before any change', () => {
  it.each([
    [{ steps: '50,10,100' }, 'input "steps" goes from 50 to 10: the percentages must increase'],
    [{ steps: '10,50' }, 'input "steps" ends at 50%, not 100'],
    [{ steps: '10.5,100' }, 'input "steps" holds "10.5", which is not a whole percent from 1 to 100'],
    [{ tag: 'Candidate' }, 'input "tag" is "Candidate", which is not a Cloud Run traffic tag'],
    [{ 'step-wait': '10m', timeout: '5m' }, 'input "step-wait" (600 s) is longer than "timeout" (300 s)'],
    [{ revision: 'api\n::error::forged' }, 'input "revision" is "api\\n::error::forged"'],
    [
      { 'previous-revision': '[{"revision":"api-1","percent":60}]' },
      'input "previous-revision" adds up to 60%',
    ],
  ])('%j', async (inputs, message) => {
    const service = await pinnedService();
    const result = await promote(service, inputs);
    expect(result.code).toBe(1);
    expect(errors(result.log)).toHaveLength(1);
    expect(errors(result.log)[0]).toContain(`::error::promote: invalid configuration: ${message}`);
    expect(service.emulator.requests).toEqual([]);
    expect(workflowCommands(result.rawLog).some((command) => command.startsWith('::error::forged'))).toBe(
      false,
    );
  });

  it('refuses a revision that is not the service’s, before any traffic change', async () => {
    const service = await pinnedService();
    const result = await promote(service, { revision: 'api-00099-zzz' });
    expect(result.code).toBe(1);
    expect(errors(result.log)).toEqual([
      '::error::promote: invalid configuration: input "revision" is "api-00099-zzz", which is not a revision of service api in europe-west1: give one of its revisions (the deploy stage\'s revision output, or an older one to roll back)',
    ]);
    expect(service.emulator.trafficChanges).toEqual([]);
  });
});
