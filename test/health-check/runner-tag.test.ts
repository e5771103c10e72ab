// actions/health-check with `tag`, as the runner runs it against the local Google emulator: the
// candidate revision (deployed with its traffic held, so at 0 %) gets the tag by one PATCH of the
// traffic that keeps the serving split and every other tag, and /health is checked on the tag's
// own URL. Two real HTTP servers on 127.0.0.1 stand for the revisions: the service URL reaches the
// one answering as the serving revisions, the tag URL the one answering as the candidate, so a
// check that reached the wrong URL would see the wrong revision in the body.
import { afterEach, describe, expect, it } from 'vitest';
import { runAction } from '../../testkit/local-runner.mjs';
import { json, startServer, type TestServer } from '../../testkit/servers.js';
import { emulatorRunEnv, requestsTo, startEmulator, type GoogleEmulator } from '../../testkit/google.js';
import { waitFor } from '../../testkit/process.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const REVISION = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';
const ONE = 'api-00001-one';
const TWO = 'api-00002-two';
const NEW = 'api-00003-new';
const target = { service: 'api', region: 'us-central1', project: 'my-project' };
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.an-id-token-for-the-tag.c2lnbmF0dXJl';

/** A /health server answering as `revision`. */
async function revisionServer(revision: string): Promise<TestServer> {
  const started = await startServer((_req, res) => json(res, 200, { status: 'ok', revision }));
  cleanups.push(() => started.close());
  return started;
}

/**
 * The emulator with service `api`: ONE serving 90 %, TWO 10 %, the tag `stable` on ONE and a
 * `candidate` tag left on TWO by an earlier run; the service URL (and every tag but `candidate`)
 * reaches `serving`, the `candidate` URL reaches `candidate`.
 */
async function googleCloud() {
  const serving = await revisionServer(ONE);
  const candidate = await revisionServer(NEW);
  const emulator = await startEmulator(cleanups, {
    serviceUrl: (_service, tag) => (tag === 'candidate' ? candidate.url : serving.url),
  });
  emulator.putService({
    name: 'api',
    revisions: [{ name: ONE }, { name: TWO }],
    traffic: [
      { type: REVISION, revision: ONE, percent: 90 },
      { type: REVISION, revision: TWO, percent: 10 },
      { type: REVISION, revision: ONE, tag: 'stable' },
      { type: REVISION, revision: TWO, tag: 'candidate' },
    ],
  });
  return { emulator, serving, candidate };
}

/** Deploys NEW as deploy with `traffic: hold` does: the split pinned, the new revision at 0 %. */
const deployHeld = (emulator: GoogleEmulator, how: Parameters<GoogleEmulator['deployRevision']>[3] = {}) =>
  emulator.deployRevision(emulator.project, emulator.region, 'api', {
    revision: NEW,
    noTraffic: true,
    readyAfterMs: 300,
    ...how,
  });

async function healthCheck(options: Omit<Parameters<typeof runAction>[0], 'stage'>) {
  const result = await runAction({ stage: 'health-check', ...options });
  cleanups.push(result.cleanup);
  return result;
}

const servicePath = /^\/v2\/projects\/my-project\/locations\/us-central1\/services\/api$/;
const patches = (emulator: GoogleEmulator) =>
  requestsTo(emulator, servicePath).filter((request) => request.method === 'PATCH');

/** The split (revision=percent, sorted) and the tags (tag=revision, sorted) of a traffic list. */
function splitAndTags(traffic: { revision?: string; percent?: number; tag?: string }[]) {
  const split = new Map<string, number>();
  for (const entry of traffic) {
    if (entry.percent) {
      split.set(entry.revision ?? '', (split.get(entry.revision ?? '') ?? 0) + entry.percent);
    }
  }
  return {
    split: [...split].map(([revision, percent]) => `${revision}=${percent}`).sort(),
    tags: traffic
      .filter((entry) => entry.tag)
      .map((entry) => `${entry.tag}=${entry.revision}`)
      .sort(),
  };
}

const servingNow = (emulator: GoogleEmulator) => {
  const service = emulator.service(emulator.project, emulator.region, 'api')!;
  return splitAndTags(service['trafficStatuses'] as { revision?: string; percent?: number; tag?: string }[]);
};

/** The ::error:: lines of a run's log. */
const errors = (log: string) => log.split('\n').filter((line) => line.startsWith('::error'));

const EXPECT_NEW = JSON.stringify({ revision: NEW });

describe('health-check bundle with a tag: the candidate is checked on its own URL', () => {
  it('tags the held revision by one PATCH that keeps the split and the other tags, and checks /health there only', async () => {
    const { emulator, serving, candidate } = await googleCloud();
    deployHeld(emulator);
    const before = emulator.trafficChanges.length;
    expect(servingNow(emulator)).toEqual({
      split: [`${ONE}=90`, `${TWO}=10`],
      tags: [`candidate=${TWO}`, `stable=${ONE}`],
    });
    const result = await healthCheck({
      inputs: { ...target, tag: 'candidate', expect: EXPECT_NEW, timeout: '30s' },
      env: emulatorRunEnv(emulator),
    });
    expect(result.code, result.log).toBe(0);
    expect(result.outputs).toEqual({
      url: serving.url,
      'tag-url': candidate.url,
      revision: NEW,
      attempts: '1',
    });
    // The answer came from the candidate's URL; the serving revisions were never asked.
    expect(candidate.requests.map((r) => r.url)).toEqual(['/health']);
    expect(serving.requests).toHaveLength(0);
    // Exactly one traffic change, the tag's: the split exactly as it was, `stable` kept, and
    // `candidate` moved from TWO to the new revision.
    const changes = emulator.trafficChanges.slice(before);
    expect(changes.map((change) => change.by)).toEqual(['PATCH']);
    expect(splitAndTags(changes[0]!.traffic)).toEqual({
      split: [`${ONE}=90`, `${TWO}=10`],
      tags: [`candidate=${NEW}`, `stable=${ONE}`],
    });
    expect(servingNow(emulator)).toEqual({
      split: [`${ONE}=90`, `${TWO}=10`],
      tags: [`candidate=${NEW}`, `stable=${ONE}`],
    });
    const [patch, ...more] = patches(emulator);
    expect(more).toEqual([]);
    expect(patch?.query).toEqual({ updateMask: 'traffic' });
    expect(result.log).toContain(
      `tagging ${NEW} candidate (moved from ${TWO}), the traffic kept at ${ONE} 90%, ${TWO} 10%`,
    );
    expect(result.log).toContain(`revision ${NEW} is ready and takes 0% of the traffic`);
    expect(result.summary).toContain('### ✅ health-check: healthy in');
    expect(result.summary).toContain(`| Revision | ${NEW} (0% of traffic) |`);
    expect(result.summary).toContain(`| Tag | candidate → ${NEW} |`);
    expect(result.summary).toContain(`| Tag URL | ${candidate.url} |`);
    expect(result.summary).toContain(`| URL | ${candidate.url}/health |`);
  });

  it('the control: the service URL answers as the serving revision, so the same expect fails there', async () => {
    const { emulator, serving } = await googleCloud();
    deployHeld(emulator);
    const result = await healthCheck({
      inputs: { url: serving.url, expect: EXPECT_NEW, timeout: '2s' },
      env: emulatorRunEnv(emulator),
    });
    expect(result.code).toBe(1);
    expect(serving.requests.length).toBeGreaterThanOrEqual(1);
    expect(errors(result.log).join('\n')).toContain(
      `200, but the body does not contain ${EXPECT_NEW}: {"status":"ok","revision":"${ONE}"}`,
    );
  });

  it('needs no PATCH when the revision has the tag already', async () => {
    const { emulator, serving, candidate } = await googleCloud();
    emulator.putService({
      name: 'api',
      revisions: [{ name: ONE }, { name: NEW }],
      traffic: [
        { type: REVISION, revision: ONE, percent: 100 },
        { type: REVISION, revision: NEW, tag: 'candidate' },
      ],
    });
    const before = emulator.trafficChanges.length;
    const result = await healthCheck({
      inputs: { ...target, tag: 'candidate', expect: EXPECT_NEW, timeout: '30s' },
      env: emulatorRunEnv(emulator),
    });
    expect(result.code, result.log).toBe(0);
    expect(result.outputs).toMatchObject({ 'tag-url': candidate.url, revision: NEW });
    expect(patches(emulator)).toHaveLength(0);
    expect(emulator.trafficChanges.slice(before)).toEqual([]);
    expect(result.log).toContain(`the tag candidate is on ${NEW} already: no traffic change`);
    expect(result.summary).toContain(`| Tag | candidate → ${NEW} (already tagged) |`);
    expect(candidate.requests.map((r) => r.url)).toEqual(['/health']);
    expect(serving.requests).toHaveLength(0);
  });

  it('without a tag the output tag-url is empty and the service URL is checked, as before', async () => {
    const { emulator, serving } = await googleCloud();
    const result = await healthCheck({
      inputs: { ...target, timeout: '30s' },
      env: emulatorRunEnv(emulator),
    });
    expect(result.code, result.log).toBe(0);
    expect(result.outputs['url']).toBe(serving.url);
    expect(result.outputs['tag-url']).toBe('');
    expect(patches(emulator)).toHaveLength(0);
    expect(result.summary).not.toContain('| Tag');
  });
});

describe('health-check bundle with a tag: refused before any request', () => {
  it.each([
    [
      'a tag Cloud Run refuses',
      { ...target, tag: 'Candidate' },
      'input "tag" is "Candidate", which is not a Cloud Run traffic tag (it holds upper-case letters)',
    ],
    [
      'a tag too long with the service name',
      { ...target, tag: `c${'a'.repeat(43)}` },
      'it makes 47 characters, and Cloud Run allows at most 46 for the two together',
    ],
    [
      'a tag with url',
      { ...target, tag: 'candidate', url: 'https://api.example.com' },
      'inputs "tag" and "url" exclude each other',
    ],
    [
      'a tag without service',
      { tag: 'candidate', url: 'https://api.example.com' },
      'input "tag" needs "service"',
    ],
  ])('%s', async (_what, inputs, message) => {
    const { emulator, serving, candidate } = await googleCloud();
    const before = emulator.trafficChanges.length;
    const result = await healthCheck({ inputs, env: emulatorRunEnv(emulator) });
    expect(result.code).toBe(1);
    const [error, ...more] = errors(result.log);
    expect(more).toEqual([]);
    expect(error).toMatch(/^::error::health-check: invalid configuration: /);
    expect(error).toContain(message);
    expect(result.summary).toContain('### ❌ health-check: invalid input');
    expect(emulator.requests).toEqual([]);
    expect(emulator.trafficChanges.length).toBe(before);
    expect(serving.requests).toHaveLength(0);
    expect(candidate.requests).toHaveLength(0);
    expect(result.outputs).toEqual({});
  });
});

describe('health-check bundle with a tag: failures', () => {
  it('an unhealthy candidate gets no traffic, and the tag it was given is taken off again', async () => {
    const serving = await revisionServer(ONE);
    const sick = await startServer((_req, res) => json(res, 503, { status: 'starting', revision: NEW }));
    cleanups.push(() => sick.close());
    const emulator = await startEmulator(cleanups, {
      serviceUrl: (_service, tag) => (tag === 'candidate' ? sick.url : serving.url),
    });
    emulator.putService({
      name: 'api',
      revisions: [{ name: ONE }],
      traffic: [
        { type: REVISION, revision: ONE, percent: 100 },
        { type: REVISION, revision: ONE, tag: 'stable' },
      ],
    });
    deployHeld(emulator, { readyAfterMs: 0 });
    const before = emulator.trafficChanges.length;
    const result = await healthCheck({
      inputs: { ...target, tag: 'candidate', timeout: '3s' },
      env: emulatorRunEnv(emulator),
    });
    expect(result.code).toBe(1);
    expect(sick.requests.length).toBeGreaterThan(0);
    expect(serving.requests).toHaveLength(0);
    // Two changes: the tag, then the tag taken off; the split never moved.
    const changes = emulator.trafficChanges.slice(before).map((change) => splitAndTags(change.traffic));
    expect(changes).toEqual([
      { split: [`${ONE}=100`], tags: [`candidate=${NEW}`, `stable=${ONE}`] },
      { split: [`${ONE}=100`], tags: [`stable=${ONE}`] },
    ]);
    expect(servingNow(emulator)).toEqual({ split: [`${ONE}=100`], tags: [`stable=${ONE}`] });
    expect(result.log).toContain('removed the tag candidate: the revision did not pass its check');
    expect(result.summary).toContain('| Tag | candidate removed again (the check did not pass) |');
  });

  it('a revision with Ready=False still fails at once, without a tag or any /health call', async () => {
    const { emulator, serving, candidate } = await googleCloud();
    deployHeld(emulator, { readyAfterMs: 0, fails: { reason: 'HEALTH_CHECK_CONTAINER_ERROR' } });
    const before = emulator.trafficChanges.length;
    const result = await healthCheck({
      inputs: { ...target, tag: 'candidate', timeout: '5m' },
      env: emulatorRunEnv(emulator),
    });
    expect(result.code).toBe(1);
    const [error, ...more] = errors(result.log);
    expect(more).toEqual([]);
    expect(error).toContain(`revision ${NEW} cannot become ready: HEALTH_CHECK_CONTAINER_ERROR`);
    expect(result.durationMs).toBeLessThan(10_000);
    expect(patches(emulator)).toHaveLength(0);
    expect(emulator.trafficChanges.length).toBe(before);
    expect(serving.requests).toHaveLength(0);
    expect(candidate.requests).toHaveLength(0);
    expect(result.outputs).toEqual({});
  });

  it('a 409 (someone changed the service in between): read again, their change kept, then tagged', async () => {
    const { emulator, candidate } = await googleCloud();
    deployHeld(emulator, { readyAfterMs: 0 });
    const before = emulator.trafficChanges.length;
    // The action's PATCH waits a moment in the emulator; meanwhile someone else tags ONE `hotfix`.
    const slow = emulator.fault({ method: 'PATCH', path: servicePath, times: 1, delayMs: 700 });
    const running = healthCheck({
      inputs: { ...target, tag: 'candidate', expect: EXPECT_NEW, timeout: '30s' },
      env: emulatorRunEnv(emulator),
    });
    await waitFor("the action's first PATCH", () => slow.hits === 1, 20_000);
    const theirs = await fetch(
      `${emulator.url}/v2/projects/my-project/locations/us-central1/services/api?updateMask=traffic`,
      {
        method: 'PATCH',
        headers: { authorization: `Bearer ${emulator.issueToken()}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          traffic: [
            { type: REVISION, revision: ONE, percent: 90 },
            { type: REVISION, revision: TWO, percent: 10 },
            { type: REVISION, revision: ONE, tag: 'stable' },
            { type: REVISION, revision: TWO, tag: 'candidate' },
            { type: REVISION, revision: ONE, tag: 'hotfix' },
          ],
        }),
      },
    );
    expect(theirs.status).toBe(200);
    const result = await running;
    expect(result.code, result.log).toBe(0);
    expect(result.log).toContain('the service changed since it was read (409, stale etag): reading it again');
    // The action's PATCH, theirs, the action's again after reading the service anew.
    expect(patches(emulator)).toHaveLength(3);
    const changes = emulator.trafficChanges.slice(before);
    expect(changes).toHaveLength(2);
    expect(splitAndTags(changes[1]!.traffic)).toEqual({
      split: [`${ONE}=90`, `${TWO}=10`],
      tags: [`candidate=${NEW}`, `hotfix=${ONE}`, `stable=${ONE}`],
    });
    expect(result.outputs).toMatchObject({ 'tag-url': candidate.url, revision: NEW });
    expect(candidate.requests.map((r) => r.url)).toEqual(['/health']);
  });

  it('a 409 every time: gives up after 3 retries, clearly, with no traffic changed and no /health call', async () => {
    const { emulator, serving, candidate } = await googleCloud();
    deployHeld(emulator, { readyAfterMs: 0 });
    const before = emulator.trafficChanges.length;
    const conflict = emulator.fault({ method: 'PATCH', path: servicePath, status: 409 });
    const result = await healthCheck({
      inputs: { ...target, tag: 'candidate', timeout: '30s' },
      env: emulatorRunEnv(emulator),
    });
    expect(result.code).toBe(1);
    expect(conflict.hits).toBe(4);
    const [error, ...more] = errors(result.log);
    expect(more).toEqual([]);
    expect(error).toBe(
      `::error::health-check: the service api changed between each read and the PATCH that tags ${NEW} (4 times refused with 409 for a stale etag): someone else is changing it now; let that finish, then run the check again`,
    );
    expect(emulator.trafficChanges.length).toBe(before);
    expect(serving.requests).toHaveLength(0);
    expect(candidate.requests).toHaveLength(0);
    expect(result.outputs).toEqual({});
  });
});

describe('health-check bundle with a tag: the bearer token', () => {
  it('goes to the tag URL only (loopback here), and never shows in the log, outputs or summary', async () => {
    const { emulator, serving, candidate } = await googleCloud();
    deployHeld(emulator, { readyAfterMs: 0 });
    const result = await healthCheck({
      inputs: { ...target, tag: 'candidate', 'bearer-token': TOKEN, timeout: '30s' },
      env: emulatorRunEnv(emulator),
      // runAction fails the test if the token (or anything the step masked) shows anywhere.
      secrets: [TOKEN],
    });
    expect(result.code, result.log).toBe(0);
    expect(candidate.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`]);
    expect(serving.requests).toHaveLength(0);
    const printed = result.log.split('\n').filter((line) => !line.startsWith('::add-mask::'));
    for (const piece of [TOKEN, TOKEN.slice(0, 20), TOKEN.slice(-16)]) {
      expect(printed.join('\n')).not.toContain(piece);
      expect(JSON.stringify(result.outputs)).not.toContain(piece);
      expect(result.summary).not.toContain(piece);
    }
  });
});
