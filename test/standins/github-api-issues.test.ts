// The GitHub REST API stand-in's issues API answers as GitHub does: paginated lists with a Link
// header, comments and issues created and updated, labels, bodies over 65,536 characters refused
// with 422, the token checked, scripted failures.
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_BODY_CHARACTERS, startGitHubApi, type GitHubApi } from '../../testkit/github-api.js';

const REPOSITORY = 'example-org/fastapi-service';
const TOKEN = 'ghs_StandInIssuesToken0123456789abcdef';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function start(): Promise<GitHubApi> {
  const api = await startGitHubApi({ repository: REPOSITORY, token: TOKEN, pullRequests: [7] });
  cleanups.push(api.close);
  return api;
}

/** The fields the tests read, of an object answer or of each entry of a list. */
interface Answer {
  id: number;
  number: number;
  html_url: string;
  body: string;
  message: string;
  color: string;
  user: { login: string };
  errors: { message: string; code: string }[];
  pull_request?: unknown;
}

async function call(api: GitHubApi, method: string, path: string, body?: unknown) {
  const response = await fetch(`${api.url}/repos/${REPOSITORY}${path}`, {
    method,
    headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    link: response.headers.get('link'),
    json: (await response.json()) as Answer & Answer[],
  };
}

describe('the issues API of the stand-in', () => {
  it('pages the comments of a pull request with a Link header', async () => {
    const api = await start();
    for (let i = 0; i < 5; i++) api.seedComment(7, `comment ${i}`);
    const first = await call(api, 'GET', '/issues/7/comments?per_page=2');
    expect(first.json.map((comment: { body: string }) => comment.body)).toEqual(['comment 0', 'comment 1']);
    expect(first.link).toMatch(
      /<http:\/\/127\.0\.0\.1:\d+\/repos\/example-org\/fastapi-service\/issues\/7\/comments\?per_page=2&page=2>; rel="next"/,
    );
    expect(first.link).toMatch(/page=3>; rel="last"/);
    const last = await call(api, 'GET', '/issues/7/comments?per_page=2&page=3');
    expect(last.json).toHaveLength(1);
    expect(last.link).not.toMatch(/rel="next"/);
    expect(last.link).toMatch(/rel="prev"/);
  });

  it('creates and updates a comment, and refuses a body over 65,536 characters with 422', async () => {
    const api = await start();
    const created = await call(api, 'POST', '/issues/7/comments', { body: 'hello' });
    expect(created.status).toBe(201);
    expect(created.json.html_url).toBe(
      `https://github.com/${REPOSITORY}/pull/7#issuecomment-${created.json.id}`,
    );
    expect(created.json.user.login).toBe('github-actions[bot]');
    const updated = await call(api, 'PATCH', `/issues/comments/${created.json.id}`, { body: 'again' });
    expect(updated.status).toBe(200);
    expect(api.comments.get(created.json.id)).toMatchObject({ body: 'again', updates: 1 });
    // GitHub counts characters: 65,536 emoji are within the limit, one more is not.
    const atLimit = await call(api, 'PATCH', `/issues/comments/${created.json.id}`, {
      body: '🙂'.repeat(MAX_BODY_CHARACTERS),
    });
    expect(atLimit.status).toBe(200);
    const over = await call(api, 'POST', '/issues/7/comments', { body: 'x'.repeat(MAX_BODY_CHARACTERS + 1) });
    expect(over.status).toBe(422);
    expect(over.json.errors[0]?.message).toBe('body is too long (maximum is 65536 characters)');
    const someoneElses = api.seedComment(7, 'mine');
    expect((await call(api, 'PATCH', `/issues/comments/${someoneElses.id}`, { body: 'x' })).status).toBe(403);
    expect((await call(api, 'POST', '/issues/99/comments', { body: 'x' })).status).toBe(404);
  });

  it('lists issues by label and state, pull requests among them, and updates and closes one', async () => {
    const api = await start();
    const label = await call(api, 'POST', '/labels', {
      name: 'drift',
      color: 'd93f0b',
      description: 'drift',
    });
    expect(label.status).toBe(201);
    expect((await call(api, 'POST', '/labels', { name: 'Drift' })).json.errors[0]?.code).toBe(
      'already_exists',
    );
    expect((await call(api, 'GET', '/labels/drift')).json.color).toBe('d93f0b');
    expect((await call(api, 'GET', '/labels/other')).status).toBe(404);
    const issue = await call(api, 'POST', '/issues', { title: 'Drift', body: 'b', labels: ['drift'] });
    expect(issue.status).toBe(201);
    expect(issue.json.number).toBe(8);
    await call(api, 'POST', '/issues', { title: 'Other', body: 'b', labels: ['bug'] });
    const drift = await call(api, 'GET', '/issues?labels=drift&state=open&per_page=100');
    expect(drift.json.map((entry: { number: number }) => entry.number)).toEqual([8]);
    const open = await call(api, 'GET', '/issues?state=open');
    expect(
      open.json.map((entry: { number: number; pull_request?: unknown }) => [
        entry.number,
        entry.pull_request !== undefined,
      ]),
    ).toEqual([
      [9, false],
      [8, false],
      [7, true],
    ]);
    const closed = await call(api, 'PATCH', '/issues/8', { state: 'closed', state_reason: 'completed' });
    expect(closed.json).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect((await call(api, 'GET', '/issues?labels=drift&state=open')).json).toEqual([]);
    expect((await call(api, 'GET', '/issues?labels=drift&state=closed')).json).toHaveLength(1);
    expect(
      (await call(api, 'PATCH', '/issues/8', { body: 'y'.repeat(MAX_BODY_CHARACTERS + 1) })).status,
    ).toBe(422);
  });

  it('checks the token, the repository, and answers scripted failures first', async () => {
    const api = await start();
    const anonymous = await fetch(`${api.url}/repos/${REPOSITORY}/issues/7/comments`);
    expect(anonymous.status).toBe(401);
    expect((await call(api, 'GET', '/issues/7/comments')).status).toBe(200);
    const other = await fetch(`${api.url}/repos/someone/else/issues/7/comments`, {
      headers: { authorization: `token ${TOKEN}` },
    });
    expect(other.status).toBe(404);
    api.failWhen(/^POST .*\/comments$/, 403);
    expect((await call(api, 'GET', '/issues/7/comments')).status).toBe(200);
    const refused = await call(api, 'POST', '/issues/7/comments', { body: 'x' });
    expect(refused.status).toBe(403);
    expect(refused.json.message).toBe('Resource not accessible by integration');
    expect((await call(api, 'POST', '/issues/7/comments', { body: 'x' })).status).toBe(201);
    expect(api.requests.map((request) => request.status)).toEqual([401, 200, 404, 200, 403, 201]);
    expect(api.requests.at(-1)?.body).toEqual({ body: 'x' });
  });
});
