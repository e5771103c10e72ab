// A stand-in for the GitHub REST API's "Compare two commits" endpoint
// (GET /repos/{owner}/{repo}/compare/{basehead}, https://docs.github.com/rest/commits/commits#compare-two-commits),
// a real HTTP server on 127.0.0.1. It answers from a small commit graph, so that `status`,
// `ahead_by`, `behind_by`, `merge_base_commit` and `commits` are computed as git computes them,
// with GitHub's JSON shapes and headers. Requests are recorded; answers can be scripted
// (5xx, 401, 403, rate limits) ahead of the real ones.
import { createHash } from 'node:crypto';
import type * as http from 'node:http';
import { startServer } from './servers.js';

/** A 40-hex SHA made from a name, so that tests can name commits. */
export const commitSha = (name: string): string => createHash('sha1').update(name).digest('hex');

export interface CommitGraph {
  /** The default branch's commits, oldest first. */
  main: string[];
  /** Side branches: each starts from a commit of `main` (or of an earlier branch) and adds its own. */
  branches?: { name?: string; from: string; commits: string[] }[];
}

export interface RecordedRequest {
  method: string;
  /** Path and query, as requested. */
  url: string;
  authorization: string | undefined;
  accept: string | undefined;
  apiVersion: string | undefined;
  userAgent: string | undefined;
  /** The status this server answered. */
  status: number;
  /** The JSON body of a POST or PATCH, parsed. */
  body?: unknown;
}

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: http.OutgoingHttpHeaders;
}

export interface GitHubApiOptions {
  /** `owner/name`; other repositories are 404, as GitHub answers for a repository one cannot see. */
  repository: string;
  /** The commits compare answers from (default: none). */
  graph?: CommitGraph;
  /** Issue numbers that are pull requests (their comments live on the issue of that number). */
  pullRequests?: number[];
  /** Who the token acts as: the author of what it writes (default github-actions[bot]). */
  actor?: { login: string; type: 'User' | 'Bot' };
  /** When set, a request must carry `Authorization: token <it>` (or `Bearer`): else 401. */
  token?: string;
  /** Delay before each answer (to test timeouts). */
  delayMs?: number;
}

export interface GitHubApi {
  url: string;
  requests: RecordedRequest[];
  /** Answers the next `times` compare requests with this status (500, 502, 503, 401, 403, 429…). */
  failNext: (status: number, times?: number, extra?: Omit<ScriptedAnswer, 'status'>) => void;
  /** Answers the next request with a primary rate limit (403, x-ratelimit-remaining 0) that resets after `resetInSeconds`. */
  rateLimitNext: (resetInSeconds: number, retryAfterSeconds?: number) => void;
  /**
   * Answers the next `times` requests of the issues API whose `METHOD /path` matches `pattern`
   * with this status (the compare script is separate), e.g. `failWhen(/^POST .*\/comments$/, 403)`.
   */
  failWhen: (pattern: RegExp, status: number, times?: number, extra?: Omit<ScriptedAnswer, 'status'>) => void;
  /** The repository's issues and pull requests by number, their comments by id, its labels by name. */
  issues: Map<number, IssueRecord>;
  comments: Map<number, CommentRecord>;
  labels: Map<string, LabelRecord>;
  /** Adds a comment as someone else would (another user, another bot), bypassing the API. */
  seedComment: (issue: number, body: string, login?: string) => CommentRecord;
  close: () => Promise<void>;
}

export interface IssueRecord {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  stateReason: string | null;
  labels: string[];
  pullRequest: boolean;
  /** How many times its body, title or state was changed after creation. */
  updates: number;
}

export interface CommentRecord {
  id: number;
  issue: number;
  body: string;
  login: string;
  /** How many times its body was changed after creation. */
  updates: number;
}

export interface LabelRecord {
  name: string;
  color: string;
  description: string | null;
}

/** GitHub's limit on an issue, pull request or comment body, in characters. */
export const MAX_BODY_CHARACTERS = 65_536;

const DOCS_COMPARE = 'https://docs.github.com/rest/commits/commits#compare-two-commits';
const HTML_BASE = 'https://github.com';
const RATE_LIMIT = 1000;

interface Node {
  sha: string;
  parent: string | undefined;
  /** Position in creation order: a topological order of the graph. */
  order: number;
  message: string;
}

function buildGraph(graph: CommitGraph): Map<string, Node> {
  const nodes = new Map<string, Node>();
  const add = (sha: string, parent: string | undefined, message: string): void => {
    if (!/^[0-9a-f]{40}$/.test(sha)) throw new Error(`commit ${sha} is not 40 hex digits`);
    if (nodes.has(sha)) throw new Error(`commit ${sha} twice in the graph`);
    nodes.set(sha, { sha, parent, order: nodes.size, message });
  };
  graph.main.forEach((sha, i) => add(sha, graph.main[i - 1], `main commit ${i + 1}`));
  for (const branch of graph.branches ?? []) {
    if (!nodes.has(branch.from)) throw new Error(`branch start ${branch.from} is not in the graph`);
    branch.commits.forEach((sha, i) =>
      add(sha, i === 0 ? branch.from : branch.commits[i - 1], `${branch.name ?? 'side'} commit ${i + 1}`),
    );
  }
  return nodes;
}

/** The commit and all its ancestors. */
function ancestors(nodes: Map<string, Node>, sha: string): Set<string> {
  const found = new Set<string>();
  for (let at: string | undefined = sha; at !== undefined; at = nodes.get(at)?.parent) found.add(at);
  return found;
}

/** A ref as GitHub resolves it here: a full or abbreviated SHA (unique, 4+ digits) or `main`. */
function resolve(nodes: Map<string, Node>, graph: CommitGraph, ref: string): string | undefined {
  if (ref === 'main') return graph.main.at(-1);
  for (const branch of graph.branches ?? []) if (branch.name === ref) return branch.commits.at(-1);
  if (!/^[0-9a-f]{4,40}$/i.test(ref)) return undefined;
  const matches = [...nodes.keys()].filter((sha) => sha.startsWith(ref.toLowerCase()));
  return matches.length === 1 ? matches[0] : undefined;
}

const stamp = (order: number): string =>
  new Date(Date.UTC(2026, 10, 1, 8, 0, 0) + order * 3_600_000).toISOString().replace('.000', '');

const user = (api: string) => ({
  login: 'octocat',
  id: 583231,
  node_id: 'MDQ6VXNlcjU4MzIzMQ==',
  avatar_url: 'https://avatars.githubusercontent.com/u/583231?v=4',
  gravatar_id: '',
  url: `${api}/users/octocat`,
  html_url: `${HTML_BASE}/octocat`,
  followers_url: `${api}/users/octocat/followers`,
  following_url: `${api}/users/octocat/following{/other_user}`,
  gists_url: `${api}/users/octocat/gists{/gist_id}`,
  starred_url: `${api}/users/octocat/starred{/owner}{/repo}`,
  subscriptions_url: `${api}/users/octocat/subscriptions`,
  organizations_url: `${api}/users/octocat/orgs`,
  repos_url: `${api}/users/octocat/repos`,
  events_url: `${api}/users/octocat/events{/privacy}`,
  received_events_url: `${api}/users/octocat/received_events`,
  type: 'User',
  user_view_type: 'public',
  site_admin: false,
});

/** GitHub's "commit" schema, as the compare answer lists them. */
function commitJson(node: Node, api: string, repository: string) {
  const repoApi = `${api}/repos/${repository}`;
  const repoHtml = `${HTML_BASE}/${repository}`;
  const signature = { name: 'The Octocat', email: 'octocat@github.com', date: stamp(node.order) };
  const tree = createHash('sha1').update(`tree ${node.sha}`).digest('hex');
  return {
    sha: node.sha,
    node_id: `C_kwDOABCDEF${Buffer.from(node.sha.slice(0, 12)).toString('base64url')}`,
    commit: {
      author: signature,
      committer: { ...signature, name: 'GitHub', email: 'noreply@github.com' },
      message: node.message,
      tree: { sha: tree, url: `${repoApi}/git/trees/${tree}` },
      url: `${repoApi}/git/commits/${node.sha}`,
      comment_count: 0,
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
        verified_at: null,
      },
    },
    url: `${repoApi}/commits/${node.sha}`,
    html_url: `${repoHtml}/commit/${node.sha}`,
    comments_url: `${repoApi}/commits/${node.sha}/comments`,
    author: user(api),
    committer: { ...user(api), login: 'web-flow', id: 19864447, node_id: 'MDQ6VXNlcjE5ODY0NDQ3' },
    parents:
      node.parent === undefined
        ? []
        : [
            {
              sha: node.parent,
              url: `${repoApi}/commits/${node.parent}`,
              html_url: `${repoHtml}/commit/${node.parent}`,
            },
          ],
  };
}

/** GitHub's "diff-entry": one changed file per commit of the range, so that `files` is real-shaped. */
function fileJson(node: Node, api: string, repository: string) {
  const filename = `changes/${node.sha.slice(0, 7)}.md`;
  const blob = createHash('sha1').update(`blob ${node.sha}`).digest('hex');
  return {
    sha: blob,
    filename,
    status: 'added',
    additions: 1,
    deletions: 0,
    changes: 1,
    blob_url: `${HTML_BASE}/${repository}/blob/${node.sha}/${filename}`,
    raw_url: `${HTML_BASE}/${repository}/raw/${node.sha}/${filename}`,
    contents_url: `${api}/repos/${repository}/contents/${filename}?ref=${node.sha}`,
    patch: `@@ -0,0 +1 @@\n+${node.message}`,
  };
}

/** The compare answer for base...head: git's `base..head` commits, in chronological order. */
export function compareJson(
  graph: CommitGraph,
  api: string,
  repository: string,
  basehead: string,
  paging: { page?: number; perPage?: number },
): unknown {
  const nodes = buildGraph(graph);
  const [baseRef = '', headRef = ''] = basehead.split('...');
  const base = resolve(nodes, graph, baseRef);
  const head = resolve(nodes, graph, headRef);
  if (base === undefined || head === undefined) return undefined;
  const fromBase = ancestors(nodes, base);
  const fromHead = ancestors(nodes, head);
  const byOrder = (a: string, b: string): number => (nodes.get(a)?.order ?? 0) - (nodes.get(b)?.order ?? 0);
  const aheadOnly = [...fromHead].filter((sha) => !fromBase.has(sha)).sort(byOrder);
  const behindOnly = [...fromBase].filter((sha) => !fromHead.has(sha));
  const mergeBase = [...fromBase]
    .filter((sha) => fromHead.has(sha))
    .sort(byOrder)
    .at(-1);
  if (mergeBase === undefined) return undefined;
  const status =
    aheadOnly.length === 0 && behindOnly.length === 0
      ? 'identical'
      : behindOnly.length === 0
        ? 'ahead'
        : aheadOnly.length === 0
          ? 'behind'
          : 'diverged';
  // Without paging the list is the last 250; with it, pages of per_page from the earliest.
  const paged = paging.page !== undefined || paging.perPage !== undefined;
  const perPage = Math.min(100, paging.perPage ?? 30);
  const page = Math.max(1, paging.page ?? 1);
  const listed = paged ? aheadOnly.slice((page - 1) * perPage, page * perPage) : aheadOnly.slice(-250);
  const node = (sha: string): Node => nodes.get(sha) as Node;
  const repoHtml = `${HTML_BASE}/${repository}`;
  const owner = repository.split('/')[0] ?? '';
  return {
    url: `${api}/repos/${repository}/compare/${basehead}`,
    html_url: `${repoHtml}/compare/${basehead}`,
    permalink_url: `${repoHtml}/compare/${owner}:${base}...${owner}:${head}`,
    diff_url: `${repoHtml}/compare/${basehead}.diff`,
    patch_url: `${repoHtml}/compare/${basehead}.patch`,
    base_commit: commitJson(node(base), api, repository),
    merge_base_commit: commitJson(node(mergeBase), api, repository),
    status,
    ahead_by: aheadOnly.length,
    behind_by: behindOnly.length,
    total_commits: aheadOnly.length,
    commits: listed.map((sha) => commitJson(node(sha), api, repository)),
    // The files of the whole comparison, on the first page only.
    ...(page === 1 ? { files: aheadOnly.map((sha) => fileJson(node(sha), api, repository)) } : {}),
  };
}

let requestCounter = 0x1a2b;

export async function startGitHubApi(options: GitHubApiOptions): Promise<GitHubApi> {
  // Checked once, at start: a bad graph is the test's mistake.
  const graph = options.graph ?? { main: [] };
  buildGraph(graph);
  const issueScript: (ScriptedAnswer & { pattern: RegExp })[] = [];
  const state = newIssueState(options);
  const script: ScriptedAnswer[] = [];
  const requests: RecordedRequest[] = [];
  let used = 0;

  const answer = (
    res: http.ServerResponse,
    status: number,
    body: unknown,
    extra: http.OutgoingHttpHeaders = {},
  ) => {
    used++;
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const payload = JSON.stringify(body);
    res.writeHead(status, {
      server: 'github.com',
      date: new Date().toUTCString(),
      'content-type': 'application/json; charset=utf-8',
      'cache-control': status === 200 ? 'private, max-age=60, s-maxage=60' : 'no-cache',
      vary: 'Accept, Authorization, Cookie, X-GitHub-OTP,Accept-Encoding, Accept, X-Requested-With',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-api-version-selected': '2022-11-28',
      'x-ratelimit-limit': String(RATE_LIMIT),
      'x-ratelimit-remaining': String(Math.max(0, RATE_LIMIT - used)),
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-used': String(used),
      'x-ratelimit-resource': 'core',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'deny',
      'x-xss-protection': '0',
      'x-github-request-id': `C0DE:${(requestCounter++).toString(16).toUpperCase()}:3D4E5F:6A7B8C:674811A0`,
      'content-length': Buffer.byteLength(payload),
      ...extra,
    });
    res.end(payload);
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record = (status: number): void => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        accept: req.headers.accept,
        apiVersion: req.headers['x-github-api-version'] as string | undefined,
        userAgent: req.headers['user-agent'],
        status,
      });
    };
    // The API's own address in the URLs it answers, as GitHub names api.github.com.
    const api = `http://${req.headers.host ?? '127.0.0.1'}`;
    const notFound = (): void => {
      record(404);
      answer(res, 404, { message: 'Not Found', documentation_url: DOCS_COMPARE, status: '404' });
    };
    const match = /^\/repos\/([^/]+)\/([^/]+)\/compare\/(.+)$/.exec(url.pathname);
    if (match === null && /^\/repos\/[^/]+\/[^/]+\/(?:issues|labels)(?:\/|$)/.test(url.pathname)) {
      void handleIssues(req, res, url, api, {
        options,
        state,
        script: issueScript,
        answer: (status, body, extra) => answer(res, status, body, extra),
        requests,
      });
      return;
    }
    if (req.method !== 'GET' || match === null) {
      notFound();
      return;
    }
    const scripted = script.shift();
    if (scripted !== undefined) {
      record(scripted.status);
      answer(res, scripted.status, scripted.body ?? defaultBody(scripted.status), scripted.headers);
      return;
    }
    if (options.token !== undefined) {
      const presented = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (presented !== options.token) {
        record(401);
        answer(res, 401, {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
          status: '401',
        });
        return;
      }
    }
    const [, owner = '', repo = '', basehead = ''] = match;
    if (`${owner}/${repo}`.toLowerCase() !== options.repository.toLowerCase()) {
      notFound();
      return;
    }
    const page = url.searchParams.get('page');
    const perPage = url.searchParams.get('per_page');
    const body = compareJson(graph, api, options.repository, decodeURIComponent(basehead), {
      ...(page === null ? {} : { page: Number(page) }),
      ...(perPage === null ? {} : { perPage: Number(perPage) }),
    });
    if (body === undefined) {
      notFound();
      return;
    }
    record(200);
    answer(res, 200, body, { etag: `W/"${createHash('sha1').update(JSON.stringify(body)).digest('hex')}"` });
  };

  const server = await startServer((req, res) => {
    if (options.delayMs === undefined) handle(req, res);
    else setTimeout(() => handle(req, res), options.delayMs);
  });
  return {
    url: server.url,
    requests,
    failNext: (status, times = 1, extra = {}) => {
      for (let i = 0; i < times; i++) script.push({ status, ...extra });
    },
    rateLimitNext: (resetInSeconds, retryAfterSeconds) => {
      script.push({
        status: 403,
        body: {
          message: 'API rate limit exceeded for installation ID 12345678.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
          status: '403',
        },
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + resetInSeconds),
          ...(retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) }),
        },
      });
    },
    failWhen: (pattern, status, times = 1, extra = {}) => {
      for (let i = 0; i < times; i++) issueScript.push({ pattern, status, ...extra });
    },
    issues: state.issues,
    comments: state.comments,
    labels: state.labels,
    seedComment: (issue, body, login = 'someone') => {
      const comment = { id: state.nextComment++, issue, body, login, updates: 0 };
      state.comments.set(comment.id, comment);
      return comment;
    },
    close: server.close,
  };
}

/** GitHub's bodies for the statuses a test scripts. */
function defaultBody(status: number): unknown {
  switch (status) {
    case 401:
      return { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' };
    case 403:
      return {
        message: 'Resource not accessible by integration',
        documentation_url: DOCS_COMPARE,
        status: '403',
      };
    case 404:
      return { message: 'Not Found', documentation_url: DOCS_COMPARE, status: '404' };
    case 429:
      return {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url:
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        status: '429',
      };
    case 502:
      return { message: 'Server Error' };
    case 503:
      return { message: 'Service Unavailable' };
    default:
      return { message: status >= 500 ? 'Server Error' : 'Error', status: String(status) };
  }
}

// The issues API: comments of an issue or pull request (list, paginated with a Link header;
// create; update), issues (list by label and state, paginated; create; update body, title and
// state), labels (get, create). Bodies over MAX_BODY_CHARACTERS are refused with 422, as GitHub
// refuses them. Pull requests are issues too, as GitHub has them: the issues list shows them
// with a `pull_request` field, and their comments are the issue's.

interface IssueState {
  issues: Map<number, IssueRecord>;
  comments: Map<number, CommentRecord>;
  labels: Map<string, LabelRecord>;
  nextIssue: number;
  nextComment: number;
}

function newIssueState(options: GitHubApiOptions): IssueState {
  const issues = new Map<number, IssueRecord>();
  for (const number of options.pullRequests ?? []) {
    issues.set(number, {
      number,
      title: `Pull request ${number}`,
      body: '',
      state: 'open',
      stateReason: null,
      labels: [],
      pullRequest: true,
      updates: 0,
    });
  }
  const highest = Math.max(0, ...issues.keys());
  return { issues, comments: new Map(), labels: new Map(), nextIssue: highest + 1, nextComment: 1_000_001 };
}

const DOCS_ISSUES = 'https://docs.github.com/rest/issues';
/** More than this is not read: GitHub refuses a request body of several megabytes too. */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

interface IssueContext {
  options: GitHubApiOptions;
  state: IssueState;
  script: (ScriptedAnswer & { pattern: RegExp })[];
  answer: (status: number, body: unknown, extra?: http.OutgoingHttpHeaders) => void;
  requests: RecordedRequest[];
}

async function readJsonBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
  }
  if (size > MAX_REQUEST_BYTES) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** GitHub counts characters, not UTF-16 units: an emoji is one. */
// eslint-disable-next-line @typescript-eslint/no-misused-spread -- code points are what GitHub counts
const characters = (text: string): number => [...text].length;

function tooLong(resource: string): unknown {
  return {
    message: 'Validation Failed',
    errors: [
      {
        resource,
        code: 'custom',
        field: 'body',
        message: `body is too long (maximum is ${MAX_BODY_CHARACTERS} characters)`,
      },
    ],
    documentation_url: `${DOCS_ISSUES}/comments#create-an-issue-comment`,
    status: '422',
  };
}

const actorJson = (api: string, login: string, type: string) => ({
  ...user(api),
  login,
  id: login === 'github-actions[bot]' ? 41898282 : 9_000_000 + login.length,
  url: `${api}/users/${encodeURIComponent(login)}`,
  html_url: `${HTML_BASE}/${login === 'github-actions[bot]' ? 'apps/github-actions' : login}`,
  type,
});

function labelJson(api: string, repository: string, label: LabelRecord) {
  return {
    id: 208045946 + label.name.length,
    node_id: 'MDU6TGFiZWwyMDgwNDU5NDY=',
    url: `${api}/repos/${repository}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    description: label.description,
    color: label.color,
    default: false,
  };
}

function commentJson(api: string, repository: string, state: IssueState, comment: CommentRecord) {
  const kind = state.issues.get(comment.issue)?.pullRequest === true ? 'pull' : 'issues';
  return {
    id: comment.id,
    node_id: `IC_kwDOABCDEF${comment.id}`,
    url: `${api}/repos/${repository}/issues/comments/${comment.id}`,
    html_url: `${HTML_BASE}/${repository}/${kind}/${comment.issue}#issuecomment-${comment.id}`,
    body: comment.body,
    user: actorJson(api, comment.login, comment.login.endsWith('[bot]') ? 'Bot' : 'User'),
    created_at: stamp(comment.id - 1_000_000),
    updated_at: stamp(comment.id - 1_000_000 + comment.updates),
    issue_url: `${api}/repos/${repository}/issues/${comment.issue}`,
    author_association: comment.login.endsWith('[bot]') ? 'NONE' : 'MEMBER',
    performed_via_github_app: null,
  };
}

function issueJson(api: string, repository: string, state: IssueState, issue: IssueRecord, actor: string) {
  const repoApi = `${api}/repos/${repository}`;
  return {
    url: `${repoApi}/issues/${issue.number}`,
    repository_url: repoApi,
    labels_url: `${repoApi}/issues/${issue.number}/labels{/name}`,
    comments_url: `${repoApi}/issues/${issue.number}/comments`,
    html_url: `${HTML_BASE}/${repository}/${issue.pullRequest ? 'pull' : 'issues'}/${issue.number}`,
    id: 1_000_000 + issue.number,
    node_id: `I_kwDOABCDEF${issue.number}`,
    number: issue.number,
    title: issue.title,
    user: actorJson(api, actor, actor.endsWith('[bot]') ? 'Bot' : 'User'),
    labels: issue.labels.map((name) =>
      labelJson(api, repository, state.labels.get(name) ?? { name, color: 'ededed', description: null }),
    ),
    state: issue.state,
    state_reason: issue.stateReason,
    locked: false,
    comments: [...state.comments.values()].filter((comment) => comment.issue === issue.number).length,
    created_at: stamp(issue.number),
    updated_at: stamp(issue.number + issue.updates),
    closed_at: issue.state === 'closed' ? stamp(issue.number + issue.updates) : null,
    author_association: 'NONE',
    body: issue.body,
    ...(issue.pullRequest
      ? {
          pull_request: {
            url: `${repoApi}/pulls/${issue.number}`,
            html_url: `${HTML_BASE}/${repository}/pull/${issue.number}`,
            diff_url: `${HTML_BASE}/${repository}/pull/${issue.number}.diff`,
            patch_url: `${HTML_BASE}/${repository}/pull/${issue.number}.patch`,
          },
        }
      : {}),
  };
}

/** One page of `items` and GitHub's Link header (first, prev, next, last) for the request's URL. */
function paginate<T>(items: T[], url: URL, api: string): { page: T[]; link: string | undefined } {
  const perPage = Math.max(1, Math.min(100, Number(url.searchParams.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const at = (n: number): string => {
    const next = new URL(`${api}${url.pathname}${url.search}`);
    next.searchParams.set('per_page', String(perPage));
    next.searchParams.set('page', String(n));
    return next.toString();
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${at(page - 1)}>; rel="prev"`);
  if (page < last) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
  if (page > 1) links.push(`<${at(1)}>; rel="first"`);
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    link: links.length === 0 ? undefined : links.join(', '),
  };
}

async function handleIssues(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  api: string,
  context: IssueContext,
): Promise<void> {
  const { options, state } = context;
  const method = req.method ?? '';
  const body = method === 'POST' || method === 'PATCH' ? await readJsonBody(req) : undefined;
  const record = (status: number): void => {
    context.requests.push({
      method,
      url: req.url ?? '',
      authorization: req.headers.authorization,
      accept: req.headers.accept,
      apiVersion: req.headers['x-github-api-version'] as string | undefined,
      userAgent: req.headers['user-agent'],
      status,
      ...(body === undefined ? {} : { body }),
    });
  };
  const send = (status: number, payload: unknown, extra?: http.OutgoingHttpHeaders): void => {
    record(status);
    context.answer(status, payload, extra);
  };
  const fail = (status: number, message: string, docs = DOCS_ISSUES): void =>
    send(status, { message, documentation_url: docs, status: String(status) });

  const route = `${method} ${url.pathname}`;
  const scriptedAt = context.script.findIndex((entry) => entry.pattern.test(route));
  if (scriptedAt >= 0) {
    const [scripted] = context.script.splice(scriptedAt, 1);
    if (scripted !== undefined) {
      send(scripted.status, scripted.body ?? defaultBody(scripted.status), scripted.headers);
      return;
    }
  }
  if (options.token !== undefined) {
    const presented = /^(?:token|bearer)\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (presented !== options.token) {
      fail(401, 'Bad credentials', 'https://docs.github.com/rest');
      return;
    }
  }
  const parts = /^\/repos\/([^/]+)\/([^/]+)\/(.*)$/.exec(url.pathname);
  const [, owner = '', repo = '', rest = ''] = parts ?? [];
  if (`${owner}/${repo}`.toLowerCase() !== options.repository.toLowerCase()) {
    fail(404, 'Not Found');
    return;
  }
  if (body === undefined && (method === 'POST' || method === 'PATCH')) {
    fail(400, 'Problems parsing JSON');
    return;
  }
  const fields = (body ?? {}) as Record<string, unknown>;
  const repository = options.repository;
  const actor = options.actor?.login ?? 'github-actions[bot]';
  const segments = rest.split('/').map((segment) => decodeURIComponent(segment));

  // GET|POST /issues/{n}/comments
  if (segments.length === 3 && segments[0] === 'issues' && segments[2] === 'comments') {
    const number = Number(segments[1]);
    if (!state.issues.has(number)) {
      fail(404, 'Not Found');
      return;
    }
    if (method === 'GET') {
      const all = [...state.comments.values()].filter((comment) => comment.issue === number);
      const { page, link } = paginate(all, url, api);
      send(
        200,
        page.map((comment) => commentJson(api, repository, state, comment)),
        link === undefined ? {} : { link },
      );
      return;
    }
    if (method === 'POST') {
      if (typeof fields['body'] !== 'string' || fields['body'] === '') {
        fail(422, 'Invalid request.\n\n"body" wasn\'t supplied.');
        return;
      }
      if (characters(fields['body']) > MAX_BODY_CHARACTERS) {
        send(422, tooLong('IssueComment'));
        return;
      }
      const comment = {
        id: state.nextComment++,
        issue: number,
        body: fields['body'],
        login: actor,
        updates: 0,
      };
      state.comments.set(comment.id, comment);
      send(201, commentJson(api, repository, state, comment), {
        location: `${api}/repos/${repository}/issues/comments/${comment.id}`,
      });
      return;
    }
  }
  // PATCH|GET /issues/comments/{id}
  if (segments.length === 3 && segments[0] === 'issues' && segments[1] === 'comments') {
    const comment = state.comments.get(Number(segments[2]));
    if (comment === undefined) {
      fail(404, 'Not Found');
      return;
    }
    if (method === 'GET') {
      send(200, commentJson(api, repository, state, comment));
      return;
    }
    if (method === 'PATCH') {
      if (comment.login !== actor) {
        fail(403, 'Resource not accessible by integration');
        return;
      }
      if (typeof fields['body'] !== 'string' || fields['body'] === '') {
        fail(422, 'Invalid request.\n\n"body" wasn\'t supplied.');
        return;
      }
      if (characters(fields['body']) > MAX_BODY_CHARACTERS) {
        send(422, tooLong('IssueComment'));
        return;
      }
      comment.body = fields['body'];
      comment.updates++;
      send(200, commentJson(api, repository, state, comment));
      return;
    }
  }
  // GET|POST /issues
  if (segments.length === 1 && segments[0] === 'issues') {
    if (method === 'GET') {
      const wantedState = url.searchParams.get('state') ?? 'open';
      const labels = (url.searchParams.get('labels') ?? '')
        .split(',')
        .map((label) => label.trim())
        .filter((label) => label !== '');
      const all = [...state.issues.values()]
        .filter((issue) => wantedState === 'all' || issue.state === wantedState)
        .filter((issue) =>
          labels.every((label) => issue.labels.some((name) => name.toLowerCase() === label.toLowerCase())),
        )
        // Newest first, as GitHub sorts by default (created, desc).
        .sort((a, b) => b.number - a.number);
      const { page, link } = paginate(all, url, api);
      send(
        200,
        page.map((issue) => issueJson(api, repository, state, issue, actor)),
        link === undefined ? {} : { link },
      );
      return;
    }
    if (method === 'POST') {
      if (typeof fields['title'] !== 'string' || fields['title'].trim() === '') {
        fail(422, 'Validation Failed');
        return;
      }
      const text = typeof fields['body'] === 'string' ? fields['body'] : '';
      if (characters(text) > MAX_BODY_CHARACTERS) {
        send(422, tooLong('Issue'));
        return;
      }
      const labels = Array.isArray(fields['labels'])
        ? fields['labels'].filter((label): label is string => typeof label === 'string')
        : [];
      // GitHub creates a label it does not know when an issue is created with it.
      for (const name of labels) {
        if (!state.labels.has(name)) state.labels.set(name, { name, color: 'ededed', description: null });
      }
      const issue: IssueRecord = {
        number: state.nextIssue++,
        title: fields['title'],
        body: text,
        state: 'open',
        stateReason: null,
        labels,
        pullRequest: false,
        updates: 0,
      };
      state.issues.set(issue.number, issue);
      send(201, issueJson(api, repository, state, issue, actor), {
        location: `${api}/repos/${repository}/issues/${issue.number}`,
      });
      return;
    }
  }
  // GET|PATCH /issues/{n}
  if (segments.length === 2 && segments[0] === 'issues' && /^\d+$/.test(segments[1] ?? '')) {
    const issue = state.issues.get(Number(segments[1]));
    if (issue === undefined) {
      fail(404, 'Not Found');
      return;
    }
    if (method === 'GET') {
      send(200, issueJson(api, repository, state, issue, actor));
      return;
    }
    if (method === 'PATCH') {
      if (typeof fields['body'] === 'string') {
        if (characters(fields['body']) > MAX_BODY_CHARACTERS) {
          send(422, tooLong('Issue'));
          return;
        }
        issue.body = fields['body'];
      }
      if (typeof fields['title'] === 'string') issue.title = fields['title'];
      if (fields['state'] === 'open' || fields['state'] === 'closed') {
        issue.state = fields['state'];
        issue.stateReason =
          fields['state'] === 'closed'
            ? typeof fields['state_reason'] === 'string'
              ? fields['state_reason']
              : 'completed'
            : 'reopened';
      }
      issue.updates++;
      send(200, issueJson(api, repository, state, issue, actor));
      return;
    }
  }
  // GET /labels/{name}, POST /labels
  if (segments[0] === 'labels') {
    if (method === 'GET' && segments.length === 2) {
      const wanted = (segments[1] ?? '').toLowerCase();
      const label = [...state.labels.values()].find((entry) => entry.name.toLowerCase() === wanted);
      if (label === undefined) fail(404, 'Not Found', `${DOCS_ISSUES}/labels#get-a-label`);
      else send(200, labelJson(api, repository, label));
      return;
    }
    if (method === 'POST' && segments.length === 1) {
      const name = fields['name'];
      if (typeof name !== 'string' || name.trim() === '') {
        fail(422, 'Validation Failed');
        return;
      }
      if ([...state.labels.keys()].some((known) => known.toLowerCase() === name.toLowerCase())) {
        send(422, {
          message: 'Validation Failed',
          errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }],
          documentation_url: `${DOCS_ISSUES}/labels#create-a-label`,
          status: '422',
        });
        return;
      }
      const label: LabelRecord = {
        name,
        color: typeof fields['color'] === 'string' ? fields['color'] : 'ededed',
        description: typeof fields['description'] === 'string' ? fields['description'] : null,
      };
      state.labels.set(name, label);
      send(201, labelJson(api, repository, label));
      return;
    }
  }
  fail(404, 'Not Found');
}
