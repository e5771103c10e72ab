// The candidate's tag: tagsWith on v2 service answers, then tagRevision and waitForTag against the
// local Google emulator (real HTTP, etags, trafficStatuses with per-tag URLs).
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_CONFLICT_RETRIES, tagRevision, tagsWith } from '../../src/health-check/tag.js';
import { CloudRun, RUN_TYPE_REVISION, type RunService } from '../../src/lib/cloud-run.js';
import { DeadlineError } from '../../src/lib/errors.js';
import { GoogleApi } from '../../src/lib/google-api.js';
import { waitForTag, type Tagged } from '../../src/lib/traffic.js';
import { runService } from '../../testkit/cloud-run-fixtures.js';
import { requestsTo, startEmulator } from '../../testkit/google.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The tags without their URLs. */
const names = (tags: readonly Tagged[]) => tags.map(({ revision, tag }) => ({ revision, tag }));

describe('tagsWith', () => {
  it('adds the tag on the revision and keeps every other tag', () => {
    const service = runService({
      traffic: [
        { revision: 'api-00041-abc', percent: 100 },
        { revision: 'api-00040-old', tag: 'stable' },
      ],
    });
    expect(names(tagsWith(service, 'api-00042-xyz', 'candidate'))).toEqual([
      { revision: 'api-00040-old', tag: 'stable' },
      { revision: 'api-00042-xyz', tag: 'candidate' },
    ]);
  });

  it('moves a tag of the same name from another revision, and only that one', () => {
    const service = runService({
      traffic: [
        { revision: 'api-00041-abc', percent: 100, tag: 'stable' },
        { revision: 'api-00040-old', tag: 'candidate' },
      ],
    });
    expect(names(tagsWith(service, 'api-00042-xyz', 'candidate'))).toEqual([
      { revision: 'api-00041-abc', tag: 'stable' },
      { revision: 'api-00042-xyz', tag: 'candidate' },
    ]);
  });
});

describe('tagRevision and waitForTag against the Google emulator', () => {
  async function setUp() {
    const emulator = await startEmulator(cleanups, {
      serviceUrl: (service, tag) =>
        `https://${tag === undefined ? '' : `${tag}---`}${service}.example.run.app`,
    });
    emulator.putService({ name: 'api', revisions: [{ name: 'api-00001-one' }] });
    const token = emulator.issueToken();
    const api = new GoogleApi({
      env: { CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: `${emulator.url}/` },
      token: () => Promise.resolve(token),
    });
    const ref = { service: 'api', region: emulator.region, project: emulator.project };
    const revision = emulator.deployRevision(emulator.project, emulator.region, 'api', {
      revision: 'api-00002-two',
      noTraffic: true,
      readyAfterMs: 0,
    });
    return { emulator, cloudRun: new CloudRun(api), ref, revision };
  }

  it('tags the revision at 0 % with the split pinned as it was, and returns the tag URL', async () => {
    const { emulator, cloudRun, ref, revision } = await setUp();
    const lines: string[] = [];
    const before = emulator.trafficChanges.length;
    const result = await tagRevision(
      cloudRun,
      ref,
      { revision, tag: 'candidate' },
      Date.now() + 15_000,
      (line) => lines.push(line),
    );
    expect(result).toEqual({
      uri: 'https://candidate---api.example.run.app',
      patched: true,
      split: 'api-00001-one 100%',
    });
    expect(emulator.trafficChanges.slice(before).map((change) => change.traffic)).toEqual([
      [
        { type: RUN_TYPE_REVISION, revision: 'api-00001-one', percent: 100 },
        { type: RUN_TYPE_REVISION, revision, tag: 'candidate' },
      ],
    ]);
    expect(lines).toEqual([`tagging ${revision} candidate, the traffic kept at api-00001-one 100%`]);
    // Again: the tag is there, so nothing is sent.
    const again = await tagRevision(
      cloudRun,
      ref,
      { revision, tag: 'candidate' },
      Date.now() + 15_000,
      () => {},
    );
    expect(again.patched).toBe(false);
    expect(requestsTo(emulator, /\/services\/api$/).filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it(`retries a 409 at most ${MAX_CONFLICT_RETRIES} times, then fails naming the conflict`, async () => {
    const { emulator, cloudRun, ref, revision } = await setUp();
    const conflict = emulator.fault({ method: 'PATCH', path: /\/services\/api$/, status: 409 });
    const lines: string[] = [];
    const error = await tagRevision(
      cloudRun,
      ref,
      { revision, tag: 'candidate' },
      Date.now() + 15_000,
      (line) => lines.push(line),
    ).catch((e: unknown) => e);
    expect((error as Error).message).toContain('4 times refused with 409 for a stale etag');
    expect(conflict.hits).toBe(MAX_CONFLICT_RETRIES + 1);
    expect(lines.filter((line) => line.includes('409'))).toHaveLength(MAX_CONFLICT_RETRIES);
  });

  it('other errors are not retried', async () => {
    const { emulator, cloudRun, ref, revision } = await setUp();
    const denied = emulator.fault({
      method: 'PATCH',
      path: /\/services\/api$/,
      status: 403,
      permission: 'run.services.update',
    });
    await expect(
      tagRevision(cloudRun, ref, { revision, tag: 'candidate' }, Date.now() + 15_000, () => {}),
    ).rejects.toThrow('403 PERMISSION_DENIED');
    expect(denied.hits).toBe(1);
  });

  it('waitForTag gives up at the deadline when the tag never comes', async () => {
    const { cloudRun, ref, revision, emulator } = await setUp();
    const error = await waitForTag(cloudRun, ref, { revision, tag: 'candidate' }, Date.now() + 800).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeadlineError);
    expect(requestsTo(emulator, /\/services\/api$/).length).toBeGreaterThanOrEqual(2);
  });
});

describe('waitForTag: why it waits', () => {
  /** A client that answers each GET with the next of `answers` (the last one again at the end). */
  const answering = (...answers: RunService[]) =>
    ({
      getService: () => Promise.resolve(answers.length > 1 ? answers.shift()! : answers[0]!),
    }) as unknown as CloudRun;
  const ref = { service: 'api', region: 'europe-west1', project: 'acme-dev' };
  const wanted = { revision: 'api-00042-xyz', tag: 'candidate' };
  const held = { revision: 'api-00041-abc', percent: 100 };

  it.each([
    ['no tag yet', [held], 'is not in its traffic yet'],
    [
      'the tag on another revision',
      [held, { revision: 'api-00040-old', tag: 'candidate' }],
      'is on api-00040-old',
    ],
  ])('%s: says so at the deadline', async (_what, traffic, where) => {
    const error = await waitForTag(answering(runService({ traffic })), ref, wanted, Date.now() + 400).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toContain(
      `last: the tag candidate of projects/acme-dev/locations/europe-west1/services/api ${where}, not yet on api-00042-xyz`,
    );
  });

  it('returns the URL once trafficStatuses shows the tag on the revision', async () => {
    const before = runService({ traffic: [held] });
    const after = runService({ traffic: [held, { ...wanted }] });
    const uri = after.trafficStatuses?.find((t) => t.tag === 'candidate')?.uri;
    const result = await waitForTag(answering(before, after), ref, wanted, Date.now() + 5_000);
    expect(uri).toBeTruthy();
    expect(result.uri).toBe(uri);
  });
});
