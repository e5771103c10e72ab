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
}

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: http.OutgoingHttpHeaders;
}

export interface GitHubApiOptions {
  /** `owner/name`; other repositories are 404, as GitHub answers for a repository one cannot see. */
  repository: string;
  graph: CommitGraph;
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
  close: () => Promise<void>;
}

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
  buildGraph(options.graph);
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
    const body = compareJson(options.graph, api, options.repository, decodeURIComponent(basehead), {
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
