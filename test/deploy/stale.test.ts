// The stale-commit guard's parts: the running commit read from the plan, when the guard asks
// GitHub, what the answers mean, and the GitHub client against a local compare API.
import { afterEach, describe, expect, it } from 'vitest';
import { compareCommits, readComparison, type Comparison } from '../../src/deploy/github-compare.js';
import { rateLimitWaitMs } from '../../src/lib/http.js';
import { runningCommits, sameCommit, type RunningCommit } from '../../src/deploy/running-commit.js';
import { checkStaleCommit, decideStale, describeRunning, planStaleCheck } from '../../src/deploy/stale.js';
import { ConfigurationError } from '../../src/lib/errors.js';
import { parsePlan, type TerraformPlan } from '../../src/deploy/terraform-plan.js';
import { commitSha, compareJson, startGitHubApi, type GitHubApi } from '../../testkit/github-api.js';
import { platformPlan, servicePlan, type ServicePlanOptions } from '../../testkit/deploy-scenarios.js';

const plan = (options: ServicePlanOptions = {}): TerraformPlan =>
  parsePlan(JSON.stringify(servicePlan(options)));
const RUNNING = commitSha('running');
const HEAD = commitSha('head');
const V2 = 'google_cloud_run_v2_service.api';

/** A plan with one Cloud Run change whose `before` is given as it is. */
function rawPlan(type: string, before: unknown, mode = 'managed'): TerraformPlan {
  return {
    format_version: '1.2',
    resource_changes: [
      { address: `${type}.api`, mode, type, name: 'api', change: { actions: ['update'], before, after: {} } },
    ],
  };
}

describe('runningCommits: the commit label of the live service, from the plan', () => {
  it.each<[string, TerraformPlan, RunningCommit[]]>([
    [
      'v2, labels (the reference stack)',
      plan({ previousCommitSha: RUNNING }),
      [{ address: V2, kind: 'found', sha: RUNNING, from: 'labels' }],
    ],
    ['v2, an abbreviated SHA', plan(), [{ address: V2, kind: 'found', sha: '9d8e7f6', from: 'labels' }]],
    [
      'v2, only in template[0].labels (the revision)',
      plan({ previousCommitSha: RUNNING, previousLabelPlace: 'template' }),
      [{ address: V2, kind: 'found', sha: RUNNING, from: 'template[0].labels' }],
    ],
    [
      'v2, only in effective_labels (labels set by the provider default_labels)',
      rawPlan('google_cloud_run_v2_service', { labels: null, effective_labels: { 'commit-sha': RUNNING } }),
      [{ address: V2, kind: 'found', sha: RUNNING, from: 'effective_labels' }],
    ],
    [
      'v2, labels win over the template',
      rawPlan('google_cloud_run_v2_service', {
        labels: { 'commit-sha': RUNNING },
        template: [{ labels: { 'commit-sha': HEAD } }],
      }),
      [{ address: V2, kind: 'found', sha: RUNNING, from: 'labels' }],
    ],
    [
      'v2, upper-case hex is read as lower case',
      rawPlan('google_cloud_run_v2_service', { labels: { 'commit-sha': RUNNING.toUpperCase() } }),
      [{ address: V2, kind: 'found', sha: RUNNING, from: 'labels' }],
    ],
    [
      'v1, metadata[0].labels',
      plan({ v1: true, previousCommitSha: RUNNING }),
      [{ address: 'google_cloud_run_service.api', kind: 'found', sha: RUNNING, from: 'metadata[0].labels' }],
    ],
    [
      'v1, only in template[0].metadata[0].labels',
      plan({ v1: true, previousCommitSha: RUNNING, previousLabelPlace: 'template' }),
      [
        {
          address: 'google_cloud_run_service.api',
          kind: 'found',
          sha: RUNNING,
          from: 'template[0].metadata[0].labels',
        },
      ],
    ],
    [
      'a first deploy: no before',
      plan({ action: 'create' }),
      [{ address: V2, kind: 'none', reason: 'first deploy' }],
    ],
    [
      'a service without the label',
      plan({ previousCommitSha: null }),
      [{ address: V2, kind: 'none', reason: 'no label' }],
    ],
    [
      'a v1 service without the label',
      plan({ v1: true, previousCommitSha: null }),
      [{ address: 'google_cloud_run_service.api', kind: 'none', reason: 'no label' }],
    ],
    [
      'a label that is a word',
      plan({ previousCommitSha: 'latest' }),
      [{ address: V2, kind: 'invalid', value: 'latest', from: 'labels' }],
    ],
    [
      'a label too short to be a SHA',
      plan({ previousCommitSha: '9d8e7f' }),
      [{ address: V2, kind: 'invalid', value: '9d8e7f', from: 'labels' }],
    ],
    [
      'a label longer than a SHA-1',
      plan({ previousCommitSha: `${RUNNING}0` }),
      [{ address: V2, kind: 'invalid', value: `${RUNNING}0`, from: 'labels' }],
    ],
    [
      'a label that is not text',
      rawPlan('google_cloud_run_v2_service', { labels: { 'commit-sha': 42 } }),
      [{ address: V2, kind: 'invalid', value: '42', from: 'labels' }],
    ],
    ['a data source is no running service', rawPlan('google_cloud_run_v2_service', null, 'data'), []],
    ['a stack without Cloud Run (the platform stack)', parsePlan(JSON.stringify(platformPlan())), []],
  ])('%s', (_name, document, expected) => {
    expect(runningCommits(document)).toEqual(expected);
  });

  it('tells a full SHA from its abbreviation', () => {
    expect(sameCommit(HEAD.slice(0, 7), HEAD)).toBe(true);
    expect(sameCommit(HEAD, HEAD.slice(0, 12))).toBe(true);
    expect(sameCommit(HEAD.toUpperCase(), HEAD)).toBe(true);
    expect(sameCommit(RUNNING.slice(0, 7), HEAD)).toBe(false);
  });
});

const found = (sha: string, address = V2): RunningCommit => ({ address, kind: 'found', sha, from: 'labels' });

describe('planStaleCheck: when the guard asks GitHub', () => {
  const base = { applying: true, planOnly: false, head: HEAD, token: 'ghs_token' };
  it.each<[string, Parameters<typeof planStaleCheck>[0], string[], string, string[]]>([
    [
      'a newer-or-older running commit is compared',
      { ...base, running: [found(RUNNING)] },
      [RUNNING],
      '',
      [],
    ],
    [
      'two services on one commit: one request',
      { ...base, running: [found(RUNNING), found(RUNNING, 'google_cloud_run_v2_service.worker')] },
      [RUNNING],
      '',
      [],
    ],
    [
      'plan-only: no request',
      { ...base, applying: false, planOnly: true, running: [found(RUNNING)] },
      [],
      'not needed: plan-only',
      [],
    ],
    [
      'no changes: no request',
      { ...base, applying: false, running: [found(RUNNING)] },
      [],
      'not needed: no changes',
      [],
    ],
    [
      "the running commit is this run's: no request",
      { ...base, running: [found(HEAD.slice(0, 7))] },
      [],
      "same commit as this run's",
      [`info: ${V2} already runs this run's commit ${HEAD.slice(0, 7)}`],
    ],
    [
      'a first deploy: no request',
      { ...base, running: [{ address: V2, kind: 'none', reason: 'first deploy' }] },
      [],
      'nothing to compare',
      [`info: ${V2} does not run yet (first deploy): no running commit to compare with`],
    ],
    [
      'no label: no request, and how to set one',
      { ...base, running: [{ address: V2, kind: 'none', reason: 'no label' }] },
      [],
      'nothing to compare',
      [
        `info: ${V2} carries no commit-sha label: no running commit to compare with; set labels = { "commit-sha" = var.commit_sha } on the service to turn the stale-commit guard on`,
      ],
    ],
    [
      'an invalid label is skipped with a warning; the valid one is compared',
      {
        ...base,
        running: [
          { address: V2, kind: 'invalid', value: 'latest', from: 'labels' },
          found(RUNNING, 'google_cloud_run_v2_service.worker'),
        ],
      },
      [RUNNING],
      '',
      [
        `warning: ${V2}: label commit-sha (in labels) is "latest", which is no git commit SHA (7 to 40 hex digits): stale check skipped for this service`,
      ],
    ],
    [
      'an empty token: a warning, no request',
      { ...base, token: '', running: [found(RUNNING)] },
      [],
      'skipped: github-token is empty',
      ['warning: stale check skipped: github-token is empty'],
    ],
    [
      'an empty token does not matter when nothing would be compared',
      { ...base, token: '', running: [found(HEAD)] },
      [],
      "same commit as this run's",
      [`info: ${V2} already runs this run's commit ${HEAD.slice(0, 7)}`],
    ],
  ])('%s', (_name, need, compare, result, notes) => {
    const planned = planStaleCheck(need);
    expect(planned.compare).toEqual(compare);
    expect(planned.result).toBe(result);
    expect(planned.notes.map((n) => `${n.level}: ${n.message}`)).toEqual(notes);
  });

  it('needs GITHUB_SHA when there is a running commit to compare', () => {
    expect(() => planStaleCheck({ ...base, head: '', running: [found(RUNNING)] })).toThrow(
      ConfigurationError,
    );
    expect(() => planStaleCheck({ ...base, head: '', running: [found(RUNNING)] })).toThrow(
      /GITHUB_SHA is "", not a commit SHA/,
    );
    // …but not when nothing would be compared.
    expect(planStaleCheck({ ...base, head: '', running: [] }).compare).toEqual([]);
    expect(planStaleCheck({ ...base, head: '', applying: false, running: [found(RUNNING)] }).compare).toEqual(
      [],
    );
  });
});

describe('decideStale: what the comparison means', () => {
  const behind: Comparison = { status: 'behind', aheadBy: 0, behindBy: 3 };
  const ahead: Comparison = { status: 'ahead', aheadBy: 2, behindBy: 0 };
  const decide = (comparison: Comparison, onStale: 'fail' | 'skip' = 'fail') =>
    decideStale(
      [found(RUNNING)],
      HEAD,
      new Map([[RUNNING, comparison]]),
      onStale,
      'example-org/fastapi-service',
    );
  const r = RUNNING.slice(0, 7);
  const h = HEAD.slice(0, 7);

  it.each<[string, Comparison, 'fail' | 'skip', string, string[]]>([
    [
      'ahead: this run is newer',
      ahead,
      'fail',
      'apply',
      [`info: ${V2} runs ${r}, 2 commits older than this run's ${h}: the run goes on`],
    ],
    [
      'identical',
      { status: 'identical', aheadBy: 0, behindBy: 0 },
      'fail',
      'apply',
      [`info: ${V2} runs ${r}, the same commit as this run's ${h}`],
    ],
    ['behind, on-stale fail', behind, 'fail', 'fail', []],
    ['behind, on-stale skip', behind, 'skip', 'skip', []],
    [
      'diverged: cannot tell, warn and go on',
      { status: 'diverged', aheadBy: 1, behindBy: 2 },
      'fail',
      'apply',
      [
        `warning: ${V2} runs ${r}, and neither it nor this run's commit ${h} contains the other (2 commits only there, 1 commit only here; history rewritten?): cannot tell which is newer, so the run goes on`,
      ],
    ],
    [
      'unknown to the repository (404): warn and go on',
      { status: 'not-found' },
      'fail',
      'apply',
      [
        `warning: ${V2} runs ${r}, a commit that example-org/fastapi-service does not know (from another repository, or gone after a force-push): cannot tell which is newer, so the run goes on`,
      ],
    ],
  ])('%s', (_name, comparison, onStale, outcome, notes) => {
    const decision = decide(comparison, onStale);
    expect(decision.outcome).toBe(outcome);
    expect(decision.notes.map((n) => `${n.level}: ${n.message}`)).toEqual(notes);
  });

  it('a stale run fails with the commits, the service and both ways out', () => {
    const decision = decide(behind, 'fail');
    expect(decision.message).toBe(
      `this run's commit ${h} is 3 commits behind ${r}, which ${V2} already runs (a newer run deployed it first); nothing was applied. Re-run the newest run, or set on-stale: skip to let stale runs finish without applying`,
    );
    expect(decision.result).toBe(`stale: 3 commits behind ${r}; nothing applied`);
  });

  it('a stale run with on-stale skip says nothing is applied', () => {
    const decision = decide({ status: 'behind', aheadBy: 0, behindBy: 1 }, 'skip');
    expect(decision.message).toBe(
      `this run's commit ${h} is 1 commit behind ${r}, which ${V2} already runs (a newer run deployed it first); on-stale is skip: nothing is applied, and the outputs describe the running service`,
    );
    expect(decision.result).toBe(`stale: 1 commit behind ${r}; not applied (on-stale: skip)`);
  });

  it('one stale service among fine ones makes the run stale, naming the newest commit', () => {
    const worker = 'google_cloud_run_v2_service.worker';
    const other = commitSha('other');
    const decision = decideStale(
      [found(RUNNING), found(other, worker), found(commitSha('old'), 'google_cloud_run_v2_service.jobs')],
      HEAD,
      new Map<string, Comparison>([
        [RUNNING, { status: 'behind', aheadBy: 0, behindBy: 1 }],
        [other, { status: 'behind', aheadBy: 0, behindBy: 4 }],
        [commitSha('old'), ahead],
      ]),
      'fail',
      'example-org/fastapi-service',
    );
    expect(decision.outcome).toBe('fail');
    expect(decision.message).toMatch(
      new RegExp(
        `^this run's commit ${h} is 4 commits behind ${other.slice(0, 7)}, which ${worker} already runs .*; ${V2} also runs a newer commit; nothing was applied`,
      ),
    );
  });

  it('describes the running commits for the summary', () => {
    expect(describeRunning([found(RUNNING)])).toBe(r);
    expect(describeRunning([{ address: V2, kind: 'none', reason: 'first deploy' }])).toBe(
      'none (first deploy)',
    );
    expect(describeRunning([{ address: V2, kind: 'none', reason: 'no label' }])).toBe(
      'unknown (no commit-sha label)',
    );
    expect(
      describeRunning([found(RUNNING), { address: 'x.y', kind: 'invalid', value: 'v1', from: 'labels' }]),
    ).toBe(`${r} (${V2}); "v1" (no commit SHA) (x.y)`);
  });
});

describe('checkStaleCommit: asks once per distinct commit, concurrently', () => {
  const base = {
    applying: true,
    planOnly: false,
    head: HEAD,
    token: 'ghs_token',
    onStale: 'fail' as const,
    repository: 'example-org/fastapi-service',
  };

  it('compares each distinct running commit once, all at the same time', async () => {
    const other = commitSha('other');
    const asked: string[] = [];
    let inFlight = 0;
    let most = 0;
    const decision = await checkStaleCommit({
      ...base,
      running: [found(RUNNING), found(RUNNING, 'a.b'), found(other, 'c.d')],
      compare: async (running, head) => {
        asked.push(`${running}...${head}`);
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 50));
        inFlight--;
        return { status: 'ahead', aheadBy: 1, behindBy: 0 };
      },
    });
    expect(decision.outcome).toBe('apply');
    expect(asked.sort()).toEqual([`${RUNNING}...${HEAD}`, `${other}...${HEAD}`].sort());
    expect(most).toBe(2);
  });

  it('makes no request when nothing needs comparing', async () => {
    let asked = 0;
    const decision = await checkStaleCommit({
      ...base,
      running: [found(HEAD.slice(0, 7))],
      compare: () => {
        asked++;
        return Promise.resolve({ status: 'ahead', aheadBy: 1, behindBy: 0 });
      },
    });
    expect(asked).toBe(0);
    expect(decision).toMatchObject({ outcome: 'apply', result: "same commit as this run's" });
  });

  it('needs GITHUB_REPOSITORY as owner/name before it asks', async () => {
    await expect(
      checkStaleCommit({
        ...base,
        repository: '',
        running: [found(RUNNING)],
        compare: () => Promise.reject(new Error('not called')),
      }),
    ).rejects.toThrow(/GITHUB_REPOSITORY is "", not owner\/name/);
  });

  it('one failed comparison ends the others at once', async () => {
    const other = commitSha('other');
    let abortedOther = false;
    await expect(
      checkStaleCommit({
        ...base,
        running: [found(RUNNING), found(other, 'c.d')],
        compare: (running, _head, signal) =>
          running === RUNNING
            ? Promise.reject(new Error('401'))
            : new Promise((_resolve, reject) => {
                signal.addEventListener('abort', () => {
                  abortedOther = true;
                  reject(signal.reason as Error);
                });
              }),
      }),
    ).rejects.toThrow('401');
    expect(abortedOther).toBe(true);
  });
});

describe('readComparison and rateLimitWaitMs', () => {
  it('reads status and counts, and refuses an answer without a known status', () => {
    expect(readComparison({ status: 'behind', ahead_by: 0, behind_by: 5, total_commits: 0 })).toEqual({
      status: 'behind',
      aheadBy: 0,
      behindBy: 5,
    });
    expect(() => readComparison({ message: 'Not Found' })).toThrow(/without a known status \(undefined\)/);
    expect(() => readComparison('<html>')).toThrow(/without a known status/);
  });

  it('waits for Retry-After, else for the primary limit reset, else names no time', () => {
    const now = Date.UTC(2026, 10, 28, 10, 0, 0);
    expect(rateLimitWaitMs({ 'retry-after': '30' }, now)).toBe(30_000);
    expect(rateLimitWaitMs({ 'retry-after': new Date(now + 5_000).toUTCString() }, now)).toBe(5_000);
    expect(
      rateLimitWaitMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 90) }, now),
    ).toBe(90_000);
    expect(
      rateLimitWaitMs({ 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': String(now / 1000) }, now),
    ).toBe(undefined);
    expect(rateLimitWaitMs({}, now)).toBe(undefined);
  });
});

describe('the compare API stand-in computes what GitHub answers', () => {
  const a = commitSha('a');
  const b = commitSha('b');
  const c = commitSha('c');
  const d = commitSha('d');
  const x = commitSha('x');
  const graph = { main: [a, b, c, d], branches: [{ name: 'rewritten', from: b, commits: [x] }] };
  const at = (basehead: string, paging = {}) =>
    compareJson(graph, 'http://api', 'o/r', basehead, paging) as Record<string, unknown> | undefined;

  it.each([
    [`${a}...${d}`, 'ahead', 3, 0, b],
    [`${d}...${a}`, 'behind', 0, 3, a],
    [`${c}...${c}`, 'identical', 0, 0, c],
    [`${d}...${x}`, 'diverged', 1, 2, b],
    [`${d.slice(0, 7)}...${b.slice(0, 7)}`, 'behind', 0, 2, b],
  ])('%s', (basehead, status, aheadBy, behindBy, mergeBase) => {
    const body = at(basehead);
    expect(body).toMatchObject({ status, ahead_by: aheadBy, behind_by: behindBy, total_commits: aheadBy });
    expect((body?.['merge_base_commit'] as { sha: string }).sha).toBe(status === 'ahead' ? a : mergeBase);
  });

  it('lists the range chronologically, paged, with files on page 1 only', () => {
    const all = at(`${a}...${d}`);
    expect((all?.['commits'] as { sha: string }[]).map((commit) => commit.sha)).toEqual([b, c, d]);
    const first = at(`${a}...${d}`, { perPage: 1 });
    expect((first?.['commits'] as { sha: string }[]).map((commit) => commit.sha)).toEqual([b]);
    expect(first?.['files']).toHaveLength(3);
    expect(at(`${a}...${d}`, { perPage: 1, page: 2 })?.['files']).toBeUndefined();
  });

  it('knows no other commit', () => {
    expect(at(`${commitSha('elsewhere')}...${d}`)).toBeUndefined();
  });
});

describe('compareCommits against the local compare API', () => {
  const TOKEN = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';
  const repository = 'example-org/fastapi-service';
  const older = commitSha('older');
  const newer = commitSha('newer');
  const side = commitSha('side');
  let api: GitHubApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });
  const start = async (delayMs?: number): Promise<GitHubApi> => {
    api = await startGitHubApi({
      repository,
      graph: { main: [older, newer], branches: [{ from: older, commits: [side] }] },
      token: TOKEN,
      ...(delayMs === undefined ? {} : { delayMs }),
    });
    return api;
  };
  const fast = { initialMs: 20, factor: 1, maxMs: 20, jitter: 0 };
  const options = (server: GitHubApi, extra: Partial<Parameters<typeof compareCommits>[2]> = {}) => ({
    token: TOKEN,
    repository,
    apiUrl: server.url,
    deadline: Date.now() + 5_000,
    backoff: fast,
    ...extra,
  });

  it('asks GET /repos/{owner}/{repo}/compare/{base}...{head} with the token, per_page=1 and the API version', async () => {
    const server = await start();
    expect(await compareCommits(older, newer, options(server))).toEqual({
      status: 'ahead',
      aheadBy: 1,
      behindBy: 0,
    });
    expect(server.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        url: `/repos/${repository}/compare/${older}...${newer}?per_page=1`,
        authorization: `token ${TOKEN}`,
        accept: 'application/vnd.github.v3+json',
        apiVersion: '2022-11-28',
        status: 200,
      }),
    ]);
    expect(server.requests[0]?.userAgent).toMatch(/^cloud-run-deploy-actions /);
  });

  it.each([
    ['behind', newer, older, { status: 'behind', aheadBy: 0, behindBy: 1 }],
    ['diverged', newer, side, { status: 'diverged', aheadBy: 1, behindBy: 1 }],
    ['identical', newer, newer, { status: 'identical', aheadBy: 0, behindBy: 0 }],
    ['an abbreviated base', newer.slice(0, 7), older, { status: 'behind', aheadBy: 0, behindBy: 1 }],
    ['unknown (404)', commitSha('elsewhere'), newer, { status: 'not-found' }],
  ])('%s', async (_name, base, head, expected) => {
    const server = await start();
    expect(await compareCommits(base, head, options(server))).toEqual(expected);
  });

  it('retries 500 and 503, then answers', async () => {
    const server = await start();
    server.failNext(500);
    server.failNext(503);
    expect(await compareCommits(older, newer, options(server))).toMatchObject({ status: 'ahead' });
    expect(server.requests.map((r) => r.status)).toEqual([500, 503, 200]);
  });

  it('gives up at the deadline: nothing was applied, re-run', async () => {
    const server = await start();
    server.failNext(502, 100);
    await expect(
      compareCommits(older, newer, options(server, { deadline: Date.now() + 600 })),
    ).rejects.toThrow(
      /^could not reach the GitHub API at http:\/\/127\.0\.0\.1:\d+ to tell whether this run's commit is behind the running one \(gave up waiting for the GitHub API to compare .* attempts; last: 502 Server Error\); nothing was applied; re-run the job$/,
    );
    expect(server.requests.length).toBeGreaterThan(2);
  });

  it('times each request out on its own, and retries', async () => {
    const server = await start(400);
    const started = Date.now();
    await expect(
      compareCommits(older, newer, options(server, { requestTimeoutMs: 100, deadline: Date.now() + 700 })),
    ).rejects.toThrow(/last: no answer \(within 100ms\)/);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.requests.length).toBeGreaterThanOrEqual(1);
  });

  it('a closed port is retried until the deadline', async () => {
    const server = await start();
    const url = server.url;
    await server.close();
    api = undefined;
    await expect(
      compareCommits(older, newer, {
        token: TOKEN,
        repository,
        apiUrl: url,
        deadline: Date.now() + 300,
        backoff: fast,
      }),
    ).rejects.toThrow(/could not reach the GitHub API .*last: no answer \(/);
  });

  it.each([
    [
      401,
      /\(401: Bad credentials - https:\/\/docs\.github\.com\/rest\): input "github-token" must be a token that can read the repository; the job's GITHUB_TOKEN needs the permission contents: read$/,
    ],
    [
      403,
      /\(403: Resource not accessible by integration - .*\): input "github-token" must be .* contents: read$/,
    ],
  ])('%i fails at once, naming github-token and contents: read', async (status, message) => {
    const server = await start();
    server.failNext(status);
    const failure = await compareCommits(older, newer, options(server)).catch(
      (error: unknown) => error as Error,
    );
    expect(failure).toBeInstanceOf(ConfigurationError);
    expect((failure as Error).message).toMatch(message);
    expect(server.requests).toHaveLength(1);
  });

  it("another client error fails at once with the status and GitHub's message", async () => {
    const server = await start();
    server.failNext(422, 1, { body: { message: 'Validation Failed', status: '422' } });
    await expect(compareCommits(older, newer, options(server))).rejects.toThrow(
      `the GitHub API answered 422 to the comparison ${older.slice(0, 7)}...${newer.slice(0, 7)}: Validation Failed`,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('a wrong token is a 401 from the API itself, and the token never shows in the message', async () => {
    const server = await start();
    const failure = await compareCommits(older, newer, {
      ...options(server),
      token: 'ghs_wrong_token_value',
    }).catch((error: unknown) => error as Error);
    expect(failure).toBeInstanceOf(ConfigurationError);
    expect((failure as Error).message).not.toContain('ghs_wrong_token_value');
    expect(server.requests[0]?.status).toBe(401);
  });

  it('honours a rate limit that resets within the deadline', async () => {
    const server = await start();
    server.rateLimitNext(2);
    const started = Date.now();
    expect(await compareCommits(older, newer, options(server))).toMatchObject({ status: 'ahead' });
    expect(server.requests.map((r) => r.status)).toEqual([403, 200]);
    // Waited for the reset (whole seconds, 1 to 2 s away), not the 20 ms backoff.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('a secondary rate limit (429 with Retry-After) is waited out', async () => {
    const server = await start();
    server.failNext(429, 1, { headers: { 'retry-after': '1' } });
    const started = Date.now();
    expect(await compareCommits(older, newer, options(server))).toMatchObject({ status: 'ahead' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('a rate limit that resets after the deadline ends at once', async () => {
    const server = await start();
    server.rateLimitNext(3600);
    const started = Date.now();
    await expect(compareCommits(older, newer, options(server))).rejects.toThrow(
      /last: rate limited \(403: API rate limit exceeded .*\) \(asked to retry after .*, past the deadline\)\); nothing was applied; re-run the job/,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
