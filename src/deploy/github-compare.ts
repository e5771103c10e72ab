// Asks the GitHub REST API how two commits of the repository relate ("Compare two commits",
// GET /repos/{owner}/{repo}/compare/{base}...{head}). main.ts imports this module lazily, and
// it loads @actions/github lazily in turn: both are large, and only a deploy that would change a
// running service needs them.
import type { getOctokit } from '@actions/github';
import { ConfigurationError, DeadlineError, messageOf } from '../lib/errors.js';
import { excerpt, formatMs } from '../lib/format.js';
import { rateLimitWaitMs } from '../lib/http.js';
import { poll, type Attempt, type Backoff } from '../lib/poll.js';
import { Inputs } from './constants.js';
import { shortSha } from './running-commit.js';

/** How `head` relates to `base`, as the API reports it; `not-found`: the API knows no such commit. */
export type Comparison =
  | { status: 'ahead' | 'behind' | 'identical' | 'diverged'; aheadBy: number; behindBy: number }
  | { status: 'not-found' };

export interface CompareOptions {
  token: string;
  /** `owner/name`, as GITHUB_REPOSITORY. */
  repository: string;
  /** The API's base URL, as GITHUB_API_URL (`https://api.github.com`, or GHES's `…/api/v3`). */
  apiUrl: string;
  /** `Date.now()`-based instant after which no request starts. */
  deadline: number;
  /** Each request's own limit (default 10 s). */
  requestTimeoutMs?: number;
  backoff?: Backoff;
  /** Ends the retries (and a request in flight) early, e.g. when a concurrent comparison failed. */
  signal?: AbortSignal;
}

/** Waits between retries of a 5xx or a lost connection: 0.5 s, 1 s, 2 s … up to 8 s. */
export const COMPARE_BACKOFF: Backoff = { initialMs: 500, factor: 2, maxMs: 8_000, jitter: 0.2 };
export const REQUEST_TIMEOUT_MS = 10_000;

type Octokit = ReturnType<typeof getOctokit>;

/** What @octokit/request throws: a status, and the response when there was one. */
interface HttpFailure {
  status?: number;
  response?: { status: number; headers: Record<string, string | undefined>; data: unknown };
}

const STATUSES = new Set(['ahead', 'behind', 'identical', 'diverged']);

/** The fields of a commit comparison this action needs, checked. */
export function readComparison(data: unknown): Comparison {
  const body = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const { status, ahead_by: aheadBy, behind_by: behindBy } = body;
  if (typeof status !== 'string' || !STATUSES.has(status)) {
    throw new Error(
      `the GitHub API answered the comparison without a known status (${typeof status === 'string' ? excerpt(status, 40) : typeof status})`,
    );
  }
  return {
    status: status as 'ahead' | 'behind' | 'identical' | 'diverged',
    aheadBy: typeof aheadBy === 'number' ? aheadBy : 0,
    behindBy: typeof behindBy === 'number' ? behindBy : 0,
  };
}

function permissionError(status: number, message: string, repository: string): ConfigurationError {
  return new ConfigurationError(
    `the GitHub API refused the comparison of commits in ${repository} (${status}: ${excerpt(message, 160)}): ` +
      `input "${Inputs.GithubToken}" must be a token that can read the repository; the job's GITHUB_TOKEN needs the permission contents: read`,
  );
}

let loading: Promise<typeof import('@actions/github')> | undefined;

/** The client, from @actions/github loaded on first use. */
async function client(token: string, apiUrl: string): Promise<Octokit> {
  loading ??= import('@actions/github');
  const { getOctokit } = await loading;
  // baseUrl given explicitly: @actions/github reads GITHUB_API_URL once, when it is loaded.
  return getOctokit(token, { baseUrl: apiUrl.replace(/\/+$/, ''), userAgent: 'cloud-run-deploy-actions' });
}

/**
 * Compares `base...head` (commit SHAs, full or abbreviated). Lost connections, timeouts, 408,
 * 429 and 5xx are retried with backoff until the deadline (a rate limit's own wait honoured);
 * 404 is `not-found`; 401 and a 403 that is no rate limit name the token's permission.
 */
export async function compareCommits(
  base: string,
  head: string,
  options: CompareOptions,
): Promise<Comparison> {
  const [owner = '', repo = ''] = options.repository.split('/');
  const octokit = await client(options.token, options.apiUrl);
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const what = `${shortSha(base)}...${shortSha(head)}`;

  const attempt = async ({ remainingMs }: { remainingMs: number }): Promise<Attempt<Comparison>> => {
    const timeout = AbortSignal.timeout(Math.max(1, Math.min(requestTimeoutMs, remainingMs)));
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    try {
      const response = await octokit.rest.repos.compareCommitsWithBasehead({
        owner,
        repo,
        basehead: `${base}...${head}`,
        // One commit a page keeps the answer small: the status and counts cover the whole range.
        per_page: 1,
        headers: { 'x-github-api-version': '2022-11-28' },
        request: { signal },
      });
      return { done: true, value: readComparison(response.data) };
    } catch (error) {
      options.signal?.throwIfAborted();
      const failure = error as HttpFailure;
      const response = failure.response;
      if (response === undefined) {
        // Not from the request at all (a bug here): no retry hides it.
        if (typeof failure.status !== 'number') throw error;
        // No HTTP answer: refused, reset, DNS, or this request's own timeout.
        const reason = timeout.aborted
          ? `within ${formatMs(requestTimeoutMs)}`
          : excerpt(messageOf(error), 200);
        return { done: false, reason: `no answer (${reason})` };
      }
      const status = response.status;
      const message = messageOf(error);
      if (status === 404) return { done: true, value: { status: 'not-found' } };
      if (status === 401) throw permissionError(status, message, options.repository);
      if (status === 403 || status === 429) {
        const wait = rateLimitWaitMs(response.headers);
        if (wait !== undefined || status === 429 || /rate limit/i.test(message)) {
          return {
            done: false,
            reason: `rate limited (${status}: ${excerpt(message, 160)})`,
            ...(wait === undefined ? {} : { retryAfterMs: wait }),
          };
        }
        throw permissionError(status, message, options.repository);
      }
      if (status === 408 || status >= 500) {
        return { done: false, reason: `${status} ${excerpt(message, 160)}` };
      }
      const unexpected = `the GitHub API answered ${status} to the comparison ${what}: ${excerpt(message, 200)}`;
      throw new Error(unexpected, { cause: error });
    }
  };

  try {
    const { value } = await poll(attempt, {
      deadline: options.deadline,
      what: `the GitHub API to compare ${what}`,
      backoff: options.backoff ?? COMPARE_BACKOFF,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return value;
  } catch (error) {
    if (error instanceof DeadlineError) {
      throw new Error(
        `could not reach the GitHub API at ${options.apiUrl} to tell whether this run's commit is behind the running one (${error.message}); nothing was applied; re-run the job`,
        { cause: error },
      );
    }
    throw error;
  }
}
