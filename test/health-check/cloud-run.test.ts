// Readiness from the Cloud Run Admin API v2 service resource: evaluateService / checkAnswer /
// servedPercent on GoogleCloudRunV2Service answers, then waitForRevision against the local
// Google emulator (real HTTP, the API's own readiness timeline).
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateService, waitForRevision } from '../../src/health-check/cloud-run.js';
import { checkAnswer, RevisionFailedError, servedPercent } from '../../src/lib/run-service.js';
import type { CloudRunTarget } from '../../src/health-check/inputs.js';
import { CloudRun, RUN_TYPE_LATEST, RUN_TYPE_REVISION, type RunService } from '../../src/lib/cloud-run.js';
import { DeadlineError } from '../../src/lib/errors.js';
import { GoogleApi } from '../../src/lib/google-api.js';
import { revisionResourceName, runService } from '../../testkit/cloud-run-fixtures.js';
import { requestsTo, startEmulator, type GoogleEmulator } from '../../testkit/google.js';

const URI = 'https://api-q7h2kq3zaa-ew.a.run.app';

/** The message evaluateService throws for `service`, or fails the test when it throws none. */
function refusal(service: unknown, wanted = ''): string {
  try {
    evaluateService(service as RunService, wanted, 'api');
  } catch (error) {
    expect(error).toBeInstanceOf(RevisionFailedError);
    return (error as Error).message;
  }
  throw new Error('evaluateService accepted the answer');
}

describe('evaluateService: readiness of the v2 service resource', () => {
  it('is done when the latest created revision is ready and LATEST serves it', () => {
    expect(evaluateService(runService(), '', 'api')).toEqual({
      done: true,
      value: { revision: 'api-00042-xyz', url: URI, trafficPercent: 100 },
    });
  });

  it('waits while Cloud Run has not reconciled the newest generation (observedGeneration behind)', () => {
    const service = runService({ generation: 43, observedGeneration: 42, state: 'CONDITION_RECONCILING' });
    expect(evaluateService(service, '', 'api')).toEqual({
      done: false,
      reason: 'Cloud Run has not yet reconciled generation 43 (observed 42)',
    });
  });

  it('waits while the service is reconciling, even with the generation observed', () => {
    const service = runService({ state: 'CONDITION_RECONCILING', created: 'api-00042-xyz' });
    expect(service.reconciling).toBe(true);
    expect(evaluateService(service, '', 'api')).toEqual({
      done: false,
      reason: 'the service is reconciling (CONDITION_RECONCILING)',
    });
  });

  it('waits while another revision is still the latest ready one, naming the state and reason', () => {
    const service = runService({
      created: 'api-00042-xyz',
      readyRevision: 'api-00041-abc',
      state: 'CONDITION_RECONCILING',
      reconciling: false,
      reason: 'WAITING_FOR_OPERATION',
    });
    expect(evaluateService(service, '', 'api')).toEqual({
      done: false,
      reason:
        'revision api-00042-xyz is not ready yet: Ready=CONDITION_RECONCILING (WAITING_FOR_OPERATION), latest ready api-00041-abc',
    });
  });

  it('fails at once on a failed terminal condition, with the reason named and the message quoted', () => {
    const message =
      "Revision 'api-00042-xyz' is not ready and cannot serve traffic. The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable within the allocated timeout.";
    const service = runService({
      state: 'CONDITION_FAILED',
      reason: 'CONTAINER_MISSING',
      message,
    });
    expect(refusal(service)).toBe(
      `revision api-00042-xyz cannot become ready: CONTAINER_MISSING: ${message}`,
    );
    expect(refusal(service, 'api-00042-xyz')).toContain('CONTAINER_MISSING');
  });

  it('names the revision reason when the condition has no reason (as Cloud Run sets a health check failure)', () => {
    const service = runService({
      state: 'CONDITION_FAILED',
      revisionReason: 'HEALTH_CHECK_CONTAINER_ERROR',
      message: 'The user-provided container failed the configured startup probe checks.',
    });
    expect(refusal(service)).toBe(
      'revision api-00042-xyz cannot become ready: HEALTH_CHECK_CONTAINER_ERROR: The user-provided container failed the configured startup probe checks.',
    );
  });

  it('keeps a failure message with line breaks on one line', () => {
    const service = runService({
      state: 'CONDITION_FAILED',
      reason: 'REVISION_FAILED',
      message: 'failed\n::error file=x::forged\r\n::add-mask::main',
    });
    const message = refusal(service);
    expect(message).toBe(
      'revision api-00042-xyz cannot become ready: REVISION_FAILED: failed ::error file=x::forged ::add-mask::main',
    );
    expect(message).not.toMatch(/[\r\n]/);
  });

  it('does not fail the wait for an older revision given when the newest one failed', () => {
    const service = runService({
      created: 'api-00042-xyz',
      readyRevision: 'api-00041-abc',
      state: 'CONDITION_FAILED',
      reason: 'REVISION_FAILED',
    });
    expect(evaluateService(service, 'api-00041-abc', 'api')).toEqual({
      done: true,
      value: { revision: 'api-00041-abc', url: URI, trafficPercent: 100 },
    });
  });

  it('is done for an older revision given that serves the traffic (after a rollback)', () => {
    // api-00042-xyz is the latest created and ready one; promote moved the traffic back to 41.
    const service = runService({
      created: 'api-00042-xyz',
      traffic: [{ revision: 'api-00041-abc', percent: 100 }],
    });
    expect(evaluateService(service, 'api-00041-abc', 'api')).toEqual({
      done: true,
      value: { revision: 'api-00041-abc', url: URI, trafficPercent: 100 },
    });
  });

  it('waits for the revision given while the service still shows an older one', () => {
    const service = runService({ created: 'api-00041-abc' });
    expect(evaluateService(service, 'api-00042-xyz', 'api')).toEqual({
      done: false,
      reason: 'the latest created revision is api-00041-abc, not api-00042-xyz',
    });
  });

  it('is done for the revision given once it is created, ready and served', () => {
    const result = evaluateService(runService({ created: 'api-00042-xyz' }), 'api-00042-xyz', 'api');
    expect(result).toEqual({
      done: true,
      value: { revision: 'api-00042-xyz', url: URI, trafficPercent: 100 },
    });
  });

  it('counts traffic routed to the revision by name, from trafficStatuses (what is served)', () => {
    const service = runService({
      traffic: [
        { revision: 'api-00042-xyz', percent: 10 },
        { revision: 'api-00041-abc', percent: 80 },
        { revision: 'api-00042-xyz', percent: 10, tag: 'canary' },
      ],
    });
    expect(service.trafficStatuses?.every((t) => t.type === RUN_TYPE_REVISION)).toBe(true);
    const result = evaluateService(service, '', 'api');
    expect(result.done && result.value.trafficPercent).toBe(20);
  });

  it('fails at once when the ready revision receives no traffic, naming it and how to route to it', () => {
    const service = runService({ traffic: [{ revision: 'api-00041-abc', percent: 100 }] });
    expect(refusal(service)).toBe(
      'revision api-00042-xyz is ready but receives no traffic (api-00041-abc 100%); route traffic to it, e.g. gcloud run services update-traffic api --to-revisions=api-00042-xyz=100',
    );
  });

  describe('with noTrafficExpected (the revision is checked on a tag of its own)', () => {
    const held = { traffic: [{ revision: 'api-00041-abc', percent: 100 }] };

    it('is done for a ready revision at 0 %, which is then expected, not an error', () => {
      expect(evaluateService(runService(held), '', 'api', { noTrafficExpected: true })).toEqual({
        done: true,
        value: { revision: 'api-00042-xyz', url: URI, trafficPercent: 0 },
      });
      // Without the option the same answer is still the refusal above.
      expect(refusal(runService(held))).toContain('is ready but receives no traffic');
    });

    it('still reports the share of a revision that serves', () => {
      const result = evaluateService(runService(), 'api-00042-xyz', 'api', { noTrafficExpected: true });
      expect(result.done && result.value.trafficPercent).toBe(100);
    });

    it('still waits while the revision is not ready', () => {
      const service = runService({
        ...held,
        readyRevision: 'api-00041-abc',
        state: 'CONDITION_RECONCILING',
        reconciling: false,
      });
      expect(evaluateService(service, '', 'api', { noTrafficExpected: true })).toEqual({
        done: false,
        reason:
          'revision api-00042-xyz is not ready yet: Ready=CONDITION_RECONCILING, latest ready api-00041-abc',
      });
    });

    it('still fails at once on Ready=False, quoting Cloud Run', () => {
      const service = runService({
        ...held,
        readyRevision: 'api-00041-abc',
        state: 'CONDITION_FAILED',
        revisionReason: 'HEALTH_CHECK_CONTAINER_ERROR',
        message: 'The user-provided container failed the configured startup probe checks.',
      });
      expect(() => evaluateService(service, '', 'api', { noTrafficExpected: true })).toThrow(
        new RevisionFailedError(
          'revision api-00042-xyz cannot become ready: HEALTH_CHECK_CONTAINER_ERROR: The user-provided container failed the configured startup probe checks.',
        ),
      );
    });
  });

  it('believes trafficStatuses over traffic: asked for is not served yet', () => {
    const service = runService({
      traffic: [{ revision: 'api-00042-xyz', percent: 100 }],
      trafficStatuses: [{ revision: 'api-00041-abc', percent: 100 }],
    });
    expect(refusal(service)).toContain('receives no traffic (api-00041-abc 100%)');
  });

  it('waits when the service has no revision yet', () => {
    const service = runService();
    delete service.latestCreatedRevision;
    delete service.latestReadyRevision;
    expect(evaluateService(service, '', 'api')).toEqual({
      done: false,
      reason: 'the service has no revision yet',
    });
  });
});

describe('servedPercent', () => {
  const ready = revisionResourceName('api-00042-xyz');

  it('gives LATEST (no revision in the entry) to the latest ready revision only', () => {
    const service: RunService = {
      latestReadyRevision: ready,
      traffic: [{ type: RUN_TYPE_LATEST, percent: 100 }],
    };
    expect(servedPercent(service, 'api-00042-xyz')).toBe(100);
    expect(servedPercent(service, 'api-00041-abc')).toBe(0);
  });

  it('adds up entries by revision name, short or full', () => {
    const service: RunService = {
      latestReadyRevision: ready,
      trafficStatuses: [
        { type: RUN_TYPE_REVISION, revision: 'api-00042-xyz', percent: 25 },
        { type: RUN_TYPE_REVISION, revision: revisionResourceName('api-00042-xyz'), percent: 25 },
        { type: RUN_TYPE_REVISION, revision: 'api-00041-abc', percent: 50 },
      ],
    };
    expect(servedPercent(service, 'api-00042-xyz')).toBe(50);
    expect(servedPercent(service, 'api-00041-abc')).toBe(50);
  });

  it('reads trafficStatuses before traffic, and a missing percent as 0', () => {
    const service: RunService = {
      latestReadyRevision: ready,
      traffic: [{ type: RUN_TYPE_LATEST, percent: 100 }],
      trafficStatuses: [{ type: RUN_TYPE_REVISION, revision: 'api-00042-xyz', tag: 'canary' }],
    };
    expect(servedPercent(service, 'api-00042-xyz')).toBe(0);
    expect(servedPercent({}, 'api-00042-xyz')).toBe(0);
  });
});

describe('checkAnswer: a hostile answer is refused, the value escaped, before any use', () => {
  const FORGE = '\n::error file=x::forged';
  const full = revisionResourceName('api-00042-xyz');
  type Spoil = (service: RunService) => void;

  it.each<[string, Spoil, string]>([
    [
      'a created revision with /.. after its name',
      (s) => (s.latestCreatedRevision = `${full}/..`),
      `Cloud Run answered "${full}/.." as the latest created revision, which is not a revision name`,
    ],
    [
      'a created revision that climbs out of its service',
      (s) => (s.latestCreatedRevision = 'projects/acme-dev/locations/europe-west1/services/api/revisions/..'),
      'Cloud Run answered "projects/acme-dev/locations/europe-west1/services/api/revisions/.." as the latest created revision, which is not a revision name',
    ],
    [
      'a ready revision with a line break',
      (s) => (s.latestReadyRevision = `api-00042-xyz${FORGE}`),
      'Cloud Run answered "api-00042-xyz\\n::error file=x::forged" as the latest ready revision, which is not a revision name',
    ],
    [
      'a revision name in upper case',
      (s) => (s.latestCreatedRevision = revisionResourceName('API-00042-XYZ')),
      'as the latest created revision, which is not a revision name',
    ],
    [
      'a revision that is a number',
      (s) => ((s as Record<string, unknown>)['latestCreatedRevision'] = 42),
      'Cloud Run answered "42" as the latest created revision, which is not a revision name',
    ],
    [
      'a served revision with a line break',
      (s) =>
        (s.trafficStatuses = [{ type: RUN_TYPE_REVISION, revision: `api-00042-xyz${FORGE}`, percent: 100 }]),
      'Cloud Run answered "api-00042-xyz\\n::error file=x::forged" as a revision of trafficStatuses, which is not a revision name',
    ],
    [
      'an asked-for revision that is an option',
      (s) => (s.traffic = [{ type: RUN_TYPE_REVISION, revision: '--project=attacker-proj', percent: 100 }]),
      'Cloud Run answered "--project=attacker-proj" as a revision of traffic, which is not a revision name',
    ],
    [
      'a percent of 101',
      (s) => (s.trafficStatuses = [{ type: RUN_TYPE_LATEST, revision: 'api-00042-xyz', percent: 101 }]),
      'Cloud Run answered "101" as a percent of trafficStatuses, which is not a whole number from 0 to 100',
    ],
    [
      'a percent that is the text "50"',
      (s) =>
        ((s.trafficStatuses as Record<string, unknown>[]) = [
          { type: RUN_TYPE_LATEST, revision: 'api-00042-xyz', percent: '50' },
        ]),
      'Cloud Run answered "50" as a percent of trafficStatuses, which is not a whole number from 0 to 100',
    ],
    [
      'a percent with a fraction',
      (s) => (s.traffic = [{ type: RUN_TYPE_LATEST, percent: 99.5 }]),
      'Cloud Run answered "99.5" as a percent of traffic',
    ],
    [
      'a percent that is text with a line break',
      (s) => ((s.traffic as Record<string, unknown>[]) = [{ type: RUN_TYPE_LATEST, percent: `100${FORGE}` }]),
      'Cloud Run answered "100\\n::error file=x::forged" as a percent of traffic',
    ],
    [
      'a generation that is a JSON number, not an int64 string',
      (s) => ((s as Record<string, unknown>)['generation'] = 42),
      'Cloud Run answered "42" as the generation, which is not a whole number',
    ],
    [
      'a generation that is negative',
      (s) => (s.generation = '-1'),
      'Cloud Run answered "-1" as the generation, which is not a whole number',
    ],
    [
      'a generation past int64',
      (s) => (s.generation = '99999999999999999999'),
      'Cloud Run answered "99999999999999999999" as the generation, which is not a whole number',
    ],
    [
      'an observed generation with a line break',
      (s) => (s.observedGeneration = `42${FORGE}`),
      'Cloud Run answered "42\\n::error file=x::forged" as the observedGeneration, which is not a whole number',
    ],
    [
      'reconciling as text',
      (s) => ((s as Record<string, unknown>)['reconciling'] = 'false'),
      'Cloud Run answered "false" as reconciling, which is not true or false',
    ],
    [
      'a URL with a control character',
      (s) => (s.uri = 'https://api.example\u0007.com'),
      'Cloud Run answered "https://api.example\\u0007.com" as the service URL, which is not a URL of printable ASCII',
    ],
    [
      'a URL with a line break in the host',
      (s) => (s.uri = 'http://127.0.0.1\n.evil.example'),
      'Cloud Run answered "http://127.0.0.1\\n.evil.example" as the service URL',
    ],
    [
      'a URL with a space',
      (s) => (s.uri = 'https://api.example.com/ x'),
      'Cloud Run answered "https://api.example.com/ x" as the service URL',
    ],
    [
      'a URL outside ASCII',
      (s) => (s.uri = 'https://аpi.example.com'), // U+0430
      'Cloud Run answered "https://\\u0430pi.example.com" as the service URL',
    ],
    [
      'a condition state that is not an enum value',
      (s) => (s.terminalCondition = { type: 'Ready', state: 'READY' }),
      'Cloud Run answered "READY" as the state of the terminal condition, which is not a condition state',
    ],
    [
      'a condition state with a line break',
      (s) => (s.terminalCondition = { type: 'Ready', state: `CONDITION_SUCCEEDED${FORGE}` }),
      'Cloud Run answered "CONDITION_SUCCEEDED\\n::error file=x::forged" as the state of the terminal condition',
    ],
    [
      'a reason that is not an enum value',
      (s) => (s.terminalCondition = { type: 'Ready', state: 'CONDITION_FAILED', reason: 'ContainerError x' }),
      'Cloud Run answered "ContainerError x" as the reason of the terminal condition, which is not a reason',
    ],
    [
      'a revision reason with a line break',
      (s) =>
        (s.terminalCondition = {
          type: 'Ready',
          state: 'CONDITION_FAILED',
          revisionReason: `HEALTH_CHECK_CONTAINER_ERROR${FORGE}`,
        }),
      'Cloud Run answered "HEALTH_CHECK_CONTAINER_ERROR\\n::error file=x::forged" as the revisionReason of the terminal condition',
    ],
    [
      'a message that is an object',
      (s) =>
        ((s as Record<string, unknown>)['terminalCondition'] = {
          state: 'CONDITION_FAILED',
          message: { text: 'x' },
        }),
      'Cloud Run answered "{\\"text\\":\\"x\\"}" as the message of the terminal condition, which is not text',
    ],
    [
      'a terminal condition that is a list',
      (s) => ((s as Record<string, unknown>)['terminalCondition'] = ['Ready']),
      'Cloud Run answered "[\\"Ready\\"]" as the terminal condition, which is not an object',
    ],
    [
      'a traffic type with a line break',
      (s) => (s.trafficStatuses = [{ type: `${RUN_TYPE_LATEST}${FORGE}`, percent: 100 }]),
      'Cloud Run answered "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST\\n::error file=x::forged" as a type of trafficStatuses, which is not a traffic type',
    ],
    [
      'traffic that is not a list',
      (s) => ((s as Record<string, unknown>)['trafficStatuses'] = 'all'),
      'Cloud Run answered "all" as the trafficStatuses, which is not a list',
    ],
    [
      'a traffic entry that is not an object',
      (s) => ((s as Record<string, unknown>)['traffic'] = [100]),
      'Cloud Run answered "100" as an entry of traffic, which is not an object',
    ],
  ])('%s', (_what, spoil, message) => {
    const service = runService();
    spoil(service);
    const thrown = refusal(service);
    expect(thrown).toContain(message);
    // One line that no value can end or turn into a workflow command.
    expect(thrown.includes('\u0007')).toBe(false);
    expect(thrown).not.toMatch(/[\r\n]/);
    expect(() => checkAnswer(service)).toThrow(RevisionFailedError);
  });

  it.each([null, 'ready', ['a'], 42])('a service that is %j, not an object', (answer) => {
    expect(() => checkAnswer(answer)).toThrow(
      /^Cloud Run answered .* as the service, which is not a JSON object$/,
    );
  });

  it('accepts the answer the fixture builds (so the refusals above are about the spoiled field)', () => {
    expect(() => checkAnswer(runService())).not.toThrow();
    expect(() =>
      checkAnswer(
        runService({
          state: 'CONDITION_FAILED',
          reason: 'REVISION_FAILED',
          revisionReason: 'HEALTH_CHECK_CONTAINER_ERROR',
        }),
      ),
    ).not.toThrow();
  });
});

describe('waitForRevision against the Google emulator', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** An emulator with service api (one ready revision), and a client whose requests `signal` aborts. */
  async function setUp(
    signal?: AbortSignal,
  ): Promise<{ emulator: GoogleEmulator; cloudRun: CloudRun; target: CloudRunTarget }> {
    const emulator = await startEmulator(cleanups, {
      serviceUrl: (service) => `https://${service}-emulated.a.run.app`,
    });
    emulator.putService({ name: 'api' });
    const token = emulator.issueToken();
    const api = new GoogleApi({
      env: { CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: `${emulator.url}/` },
      token: () => Promise.resolve(token),
      ...(signal === undefined ? {} : { signal }),
    });
    const target = {
      service: 'api',
      region: emulator.region,
      project: emulator.project,
      revision: '',
      tag: '',
    };
    return { emulator, cloudRun: new CloudRun(api), target };
  }

  const gets = (emulator: GoogleEmulator) =>
    requestsTo(emulator, /^\/v2\/projects\/my-project\/locations\/us-central1\/services\/api$/).filter(
      (r) => r.method === 'GET',
    );

  it('returns the new revision once it is ready (readyAfterMs), having waited while it reconciled', async () => {
    const { emulator, cloudRun, target } = await setUp();
    const started = Date.now();
    const revision = emulator.deployRevision(emulator.project, emulator.region, 'api', { readyAfterMs: 800 });
    const reasons: string[] = [];
    const ready = await waitForRevision(cloudRun, target, Date.now() + 15_000, (r) => reasons.push(r));
    expect(ready).toEqual({ revision, url: 'https://api-emulated.a.run.app', trafficPercent: 100 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons[0]).toBe('Cloud Run has not yet reconciled generation 2 (observed 1)');
    expect(gets(emulator).length).toBe(reasons.length + 1);
  });

  it('waits for the revision given, which the emulator names', async () => {
    const { emulator, cloudRun, target } = await setUp();
    emulator.deployRevision(emulator.project, emulator.region, 'api', {
      readyAfterMs: 300,
      revision: 'api-v2',
    });
    const ready = await waitForRevision(
      cloudRun,
      { ...target, revision: 'api-v2' },
      Date.now() + 15_000,
      () => {},
    );
    expect(ready.revision).toBe('api-v2');
  });

  it('with a tag to check it on, returns a ready revision deployed without traffic (0 %)', async () => {
    const { emulator, cloudRun, target } = await setUp();
    const revision = emulator.deployRevision(emulator.project, emulator.region, 'api', {
      readyAfterMs: 300,
      noTraffic: true,
    });
    const tagged = { ...target, tag: 'candidate' };
    const ready = await waitForRevision(cloudRun, tagged, Date.now() + 15_000, () => {});
    expect(ready).toEqual({ revision, url: 'https://api-emulated.a.run.app', trafficPercent: 0 });
    // Without the tag the same service is refused: the revision gets no traffic.
    await expect(waitForRevision(cloudRun, target, Date.now() + 15_000, () => {})).rejects.toThrow(
      `revision ${revision} is ready but receives no traffic`,
    );
  });

  it('gives up at the deadline, naming the last reason', async () => {
    const { emulator, cloudRun, target } = await setUp();
    emulator.deployRevision(emulator.project, emulator.region, 'api', { readyAfterMs: 60_000 });
    const started = Date.now();
    const error = await waitForRevision(cloudRun, target, Date.now() + 1_500, () => {}).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toMatch(
      /^gave up waiting for revision latest of api to be ready after [\d.]+m?s and \d+ attempts; last: Cloud Run has not yet reconciled generation 2 \(observed 1\)$/,
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(gets(emulator).length).toBeGreaterThanOrEqual(2);
  });

  it('fails at once when the new revision fails, with the emulator reason and message', async () => {
    const { emulator, cloudRun, target } = await setUp();
    emulator.deployRevision(emulator.project, emulator.region, 'api', {
      readyAfterMs: 0,
      fails: { reason: 'CONTAINER_MISSING', message: 'Image us-docker.pkg.dev/x/y:z not found.' },
    });
    await expect(waitForRevision(cloudRun, target, Date.now() + 15_000, () => {})).rejects.toThrow(
      /^revision api-00002-[a-z]{3} cannot become ready: CONTAINER_MISSING: Image us-docker\.pkg\.dev\/x\/y:z not found\.$/,
    );
    expect(gets(emulator)).toHaveLength(1);
  });

  it('stops at once when the signal aborts, with no request after', async () => {
    const controller = new AbortController();
    const { emulator, cloudRun, target } = await setUp(controller.signal);
    emulator.deployRevision(emulator.project, emulator.region, 'api', { readyAfterMs: 60_000 });
    let abortedAt = 0;
    let requestsAtAbort = 0;
    const waiting = waitForRevision(
      cloudRun,
      target,
      Date.now() + 30_000,
      () => {
        if (abortedAt !== 0) return;
        requestsAtAbort = gets(emulator).length;
        abortedAt = Date.now();
        controller.abort(new Error('cancelled (SIGINT)'));
      },
      controller.signal,
    );
    await expect(waiting).rejects.toThrow('cancelled (SIGINT)');
    expect(Date.now() - abortedAt).toBeLessThan(100);
    expect(requestsAtAbort).toBe(1);
    // Longer than the readiness backoff's first waits: a poll that went on would have asked again.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(gets(emulator)).toHaveLength(1);
  });

  it('stops a GET in flight when the signal aborts (the client and the wait share it, as the stage does)', async () => {
    const controller = new AbortController();
    const { emulator, cloudRun, target } = await setUp(controller.signal);
    emulator.fault({ method: 'GET', path: /\/services\/api$/, delayMs: 30_000 });
    const waiting = waitForRevision(cloudRun, target, Date.now() + 60_000, () => {}, controller.signal);
    const started = Date.now();
    while (gets(emulator).length === 0 && Date.now() - started < 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(gets(emulator)).toHaveLength(1);
    const abortedAt = Date.now();
    controller.abort(new Error('cancelled (SIGTERM)'));
    await expect(waiting).rejects.toThrow('cancelled (SIGTERM)');
    expect(Date.now() - abortedAt).toBeLessThan(500);
    expect(gets(emulator)).toHaveLength(1);
  });
});
