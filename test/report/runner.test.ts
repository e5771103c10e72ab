// actions/report as the runner runs it: the bundle started as a process, GITHUB_API_URL at the
// GitHub REST API stand-in (comments, issues, labels), the reports written as actions/deploy
// writes them. The token is a secret of every run: the harness fails a test if it shows anywhere.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { MAX_BODY_CHARACTERS, startGitHubApi, type GitHubApi } from '../../testkit/github-api.js';
import { repoRoot, runAction, type RunResult } from '../../testkit/local-runner.mjs';
import { bigReport, changesReport, cleanReport, writeReports, type ReportJson } from './fixtures.js';

const REPOSITORY = 'example-org/fastapi-service';
const TOKEN = 'ghs_ReportActionToken5c8e1a7b3d9f2e4a6c0b';
const PR = 42;
const MARKER = '<!-- cloud-run-deploy-actions:pull-request:plan -->';

beforeAll(() => {
  if (process.env['SKIP_BUNDLE_REBUILD'] === '1') {
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), 'report'], { stdio: 'ignore' });
  }
}, 120_000);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function githubApi(): Promise<GitHubApi> {
  const api = await startGitHubApi({ repository: REPOSITORY, token: TOKEN, pullRequests: [PR, 43] });
  cleanups.push(api.close);
  return api;
}

interface RunCase {
  api: GitHubApi;
  reports?: ReportJson[];
  inputs?: Record<string, string>;
  /** The event's pull request: its number and head repository (a fork when not REPOSITORY). */
  event?: { number: number; head: string };
  /** The reports as an absolute glob (as the workflows pass `${{ runner.temp }}/…/*.json`). */
  absolute?: boolean;
}

async function report(test: RunCase): Promise<RunResult> {
  const home = mkdtempSync(join(tmpdir(), 'report-workspace-'));
  cleanups.push(() => rmSync(home, { recursive: true, force: true }));
  const eventPath = join(home, 'event.json');
  const event = test.event ?? { number: PR, head: REPOSITORY };
  writeFileSync(
    eventPath,
    JSON.stringify({
      number: event.number,
      pull_request: { number: event.number, head: { repo: { full_name: event.head } } },
    }),
  );
  writeReports(home, test.reports ?? []);
  const result = await runAction({
    stage: 'report',
    cwd: home,
    inputs: {
      mode: 'pull-request',
      ...(test.reports === undefined
        ? {}
        : { reports: test.absolute === true ? `${home}/reports/*.json` : 'reports/*.json' }),
      'github-token': TOKEN,
      ...test.inputs,
    },
    env: {
      GITHUB_API_URL: test.api.url,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
    },
    secrets: [TOKEN],
  });
  cleanups.push(result.cleanup);
  return result;
}

const commentsWithMarker = (api: GitHubApi, marker = MARKER) =>
  [...api.comments.values()].filter((comment) => comment.body.startsWith(marker));

describe('mode pull-request', () => {
  it('keeps one comment across 3 pushes, found again by its marker on a later page', async () => {
    const api = await githubApi();
    // 150 comments of people before the first run: the action's is on page 2 of 100.
    for (let i = 0; i < 150; i++) {
      api.seedComment(PR, i === 7 ? `quoting: ${MARKER}` : `review comment ${i}`, 'reviewer');
    }
    const first = await report({ api, reports: [changesReport()] });
    expect(first.code, first.log).toBe(0);
    const [comment] = commentsWithMarker(api);
    expect(comment).toBeDefined();
    expect(first.outputs['comment-id']).toBe(String(comment!.id));
    expect(first.outputs['comment-url']).toBe(
      `https://github.com/${REPOSITORY}/pull/${PR}#issuecomment-${comment!.id}`,
    );
    for (const push of [2, 3]) {
      const next = await report({
        api,
        reports: [changesReport({ counts: { add: push, change: 1, destroy: 0, replace: 0 } })],
      });
      expect(next.code, next.log).toBe(0);
      expect(next.outputs['comment-id']).toBe(String(comment!.id));
      expect(next.summary).toContain('updated the comment');
    }
    expect(commentsWithMarker(api)).toHaveLength(1);
    expect(comment!.updates).toBe(2);
    expect(comment!.body).toContain('**3** to add');
    expect([...api.comments.values()].filter((c) => c.issue === PR)).toHaveLength(151);
    const reads = api.requests.filter((request) => request.method === 'GET');
    expect(reads.some((request) => /page=2/.test(request.url))).toBe(true);
    expect(api.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
    expect(api.requests.filter((request) => request.method === 'PATCH')).toHaveLength(2);
    expect(api.requests.every((request) => request.authorization === `token ${TOKEN}`)).toBe(true);
  });

  it('fits a plan of 200 resources into one comment, the marker intact, the summary whole', async () => {
    const api = await githubApi();
    const big = bigReport(200);
    const result = await report({ api, reports: [big] });
    expect(result.code, result.log).toBe(0);
    const [comment] = commentsWithMarker(api);
    expect(comment!.body.length).toBeLessThanOrEqual(MAX_BODY_CHARACTERS);
    expect(comment!.body.startsWith(MARKER)).toBe(true);
    expect(comment!.body).toMatch(/… \d+ more lines in the run's summary/);
    expect(result.summary).toContain(big.planText.split('\n').at(-1));
    expect(result.summary).not.toMatch(/more lines? in the run's summary/);
  });

  it('shows the error of a plan that failed because a variable is missing', async () => {
    const api = await githubApi();
    const error =
      'No value for required variable "database_tier": pass it with the "vars" input as database_tier=VALUE, or set TF_VAR_database_tier in the step\'s env';
    const result = await report({
      api,
      reports: [
        changesReport({
          outcome: 'failed',
          counts: { add: 0, change: 0, destroy: 0, replace: 0 },
          changes: [],
          planText: '',
          error,
        }),
      ],
    });
    expect(result.code, result.log).toBe(0);
    const [comment] = commentsWithMarker(api);
    expect(comment!.body).toContain('**The plan failed.**');
    expect(comment!.body).toContain(error);
    expect(comment!.body).toContain('1 stack in dev: 1 failed');
  });

  it('writes the not-planned text of a fork to the summary with a notice when the token is read-only (403)', async () => {
    const api = await githubApi();
    api.failWhen(/^POST .*\/comments$/, 403);
    const reason = 'it comes from a fork, which gets no credentials';
    const result = await report({
      api,
      inputs: { 'not-planned': reason },
      event: { number: PR, head: 'someone/fastapi-service' },
    });
    expect(result.code, result.log).toBe(0);
    expect(result.log).toMatch(
      /::notice::report: no comment was written on #42: the GitHub API refused it \(403\)/,
    );
    expect(result.summary).toContain(`This pull request was not planned: ${reason}`);
    expect(result.summary).toContain('written to the job summary only');
    expect(result.outputs['comment-id'] ?? '').toBe('');
    expect(commentsWithMarker(api)).toHaveLength(0);
  });

  it('writes the not-planned comment when the token may', async () => {
    const api = await githubApi();
    const result = await report({ api, inputs: { 'not-planned': 'it comes from a fork' } });
    expect(result.code, result.log).toBe(0);
    expect(commentsWithMarker(api)[0]!.body).toContain(
      'This pull request was not planned: it comes from a fork',
    );
  });

  it('fails naming the permission when a pull request of the repository itself gets 403', async () => {
    const api = await githubApi();
    api.failWhen(/^POST .*\/comments$/, 403);
    const result = await report({ api, reports: [changesReport()] });
    expect(result.code).toBe(1);
    expect(result.log).toMatch(/permissions: pull-requests: write/);
    expect(result.summary).toContain('NEW\\_FLAG is not in the contract');
  });

  it('names the input when the pull request does not exist', async () => {
    const api = await githubApi();
    const result = await report({ api, reports: [changesReport()], inputs: { 'pull-request': '4242' } });
    expect(result.code).toBe(1);
    expect(result.log).toMatch(/knows no pull request #4242 in example-org\/fastapi-service/);
    expect(api.comments.size).toBe(0);
  });

  it('retries a 502 on reading, and looks again after a create with no clear answer', async () => {
    const api = await githubApi();
    api.failWhen(/^GET .*\/comments$/, 502);
    api.failWhen(/^POST .*\/comments$/, 502);
    const result = await report({ api, reports: [changesReport()] });
    expect(result.code, result.log).toBe(0);
    expect(commentsWithMarker(api)).toHaveLength(1);
  });
});

describe('mode drift', () => {
  it('opens an issue with the label, updates it once, then comments and closes it when clean', async () => {
    const api = await githubApi();
    const inputs = { mode: 'drift', environment: 'prod' };
    const drift = changesReport({ environment: 'prod' });
    const first = await report({
      api,
      reports: [drift, cleanReport({ environment: 'prod', stack: 'infra/platform' })],
      inputs,
    });
    expect(first.code).toBe(1);
    expect(first.log).toMatch(/drift in prod: 1 of 2 stacks would change/);
    expect(first.outputs['drift']).toBe('true');
    const issue = api.issues.get(Number(first.outputs['issue-number']))!;
    expect(issue.labels).toEqual(['drift']);
    expect(api.labels.get('drift')?.color).toBe('d93f0b');
    expect(issue.body.startsWith('<!-- cloud-run-deploy-actions:drift:plan:prod -->')).toBe(true);
    expect(issue.title).toBe('Plan: drift in prod');
    expect(first.outputs['issue-url']).toBe(`https://github.com/${REPOSITORY}/issues/${issue.number}`);

    const second = await report({
      api,
      reports: [
        changesReport({ environment: 'prod', counts: { add: 2, change: 1, destroy: 0, replace: 0 } }),
      ],
      inputs,
    });
    expect(second.code).toBe(1);
    expect(second.outputs['issue-number']).toBe(String(issue.number));
    expect(issue.updates).toBe(1);
    expect(issue.body).toContain('**2** to add');
    expect([...api.issues.values()].filter((entry) => !entry.pullRequest)).toHaveLength(1);

    const third = await report({ api, reports: [cleanReport({ environment: 'prod' })], inputs });
    expect(third.code, third.log).toBe(0);
    expect(third.outputs['drift']).toBe('false');
    expect(third.outputs['issue-number']).toBe(String(issue.number));
    expect(issue.state).toBe('closed');
    expect(issue.stateReason).toBe('completed');
    const closing = [...api.comments.values()].filter((comment) => comment.issue === issue.number);
    expect(closing).toHaveLength(1);
    expect(closing[0]!.body).toMatch(
      /^No drift in \[run 1234567890\]\(https:\/\/github\.com\/example-org\/fastapi-service\/actions\/runs\/1234567890\)/,
    );

    // Clean again: nothing open, nothing written.
    const writes = api.requests.filter((request) => request.method !== 'GET').length;
    const fourth = await report({ api, reports: [cleanReport({ environment: 'prod' })], inputs });
    expect(fourth.code, fourth.log).toBe(0);
    expect(fourth.outputs['issue-number'] ?? '').toBe('');
    expect(api.requests.filter((request) => request.method !== 'GET')).toHaveLength(writes);
  });

  it('keeps the step green with fail-on-drift: false, and takes the environment from the reports', async () => {
    const api = await githubApi();
    const result = await report({
      api,
      reports: [changesReport({ environment: 'dev' })],
      absolute: true,
      inputs: { mode: 'drift', 'fail-on-drift': 'false', label: 'infra drift' },
    });
    expect(result.code, result.log).toBe(0);
    expect(result.outputs['drift']).toBe('true');
    expect(api.labels.has('infra drift')).toBe(true);
  });
});

describe('bad inputs are refused before any request', () => {
  it.each([
    [{ mode: 'comment' }, /input "mode" is "comment": use one of pull-request, drift/],
    [{ 'pull-request': '4x2' }, /input "pull-request" is "4x2": use a whole number/],
    [{ mode: 'drift', label: 'a,b' }, /input "label" is "a,b"/],
    [{ mode: 'drift', 'fail-on-drift': 'yes' }, /input "fail-on-drift" is "yes": use true or false/],
    [{ mode: 'drift', environment: 'Prod!' }, /input "environment" is "Prod!"/],
    [{ mode: 'drift', environment: 'prod' }, /report of dev, not of prod/],
    [{ reports: 'nothing/*.json' }, /input "reports" names no report file that exists/],
    [{ title: '!!!' }, /input "title" is "!!!": it must hold a letter or a digit/],
    [{ 'github-token': '' }, /input "github-token" is empty/],
    [{ mode: 'drift', 'not-planned': 'fork' }, /input "not-planned" is only for mode pull-request/],
  ])('%o', async (inputs, message) => {
    const api = await githubApi();
    const result = await report({ api, reports: [changesReport()], inputs });
    expect(result.code).toBe(1);
    expect(result.log).toMatch(message);
    expect(result.summary).toContain('report: invalid input');
    expect(api.requests).toHaveLength(0);
  });

  it('refuses a report that is not a version-1 deploy report', async () => {
    const api = await githubApi();
    const result = await report({ api, reports: [{ ...changesReport(), version: 2 as 1 }] });
    expect(result.code).toBe(1);
    expect(result.log).toMatch(/is not a deploy report \(version 1\): its version is "2"/);
    expect(api.requests).toHaveLength(0);
  });

  it('refuses a pull-request run without a pull request', async () => {
    const api = await githubApi();
    const result = await report({ api, reports: [changesReport()], event: { number: 0, head: REPOSITORY } });
    expect(result.code).toBe(1);
    expect(result.log).toMatch(/carries no pull request/);
    expect(api.requests).toHaveLength(0);
  });
});
