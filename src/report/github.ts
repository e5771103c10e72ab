// The GitHub REST API calls of the report: the comments of a pull request (found again by the
// marker across every page), the issues with a label, labels. main.ts loads this module lazily
// and it loads @actions/github lazily in turn: both are large. Every call is retried on a lost
// connection, 408, 429, 5xx and rate limits (their own wait honoured) until the deadline.
import type { getOctokit } from '@actions/github';
import { DeadlineError, messageOf } from '../lib/errors.js';
import { excerpt, formatMs } from '../lib/format.js';
import { rateLimitWaitMs } from '../lib/http.js';
import { poll, type Attempt, type Backoff } from '../lib/poll.js';

type Octokit = ReturnType<typeof getOctokit>;

export interface ClientOptions {
  token: string;
  /** `owner/name`. */
  repository: string;
  /** GITHUB_API_URL, checked. */
  apiUrl: string;
  /** No request starts after this instant (`Date.now()`-based). */
  deadline: number;
  signal?: AbortSignal;
  requestTimeoutMs?: number;
  backoff?: Backoff;
  /** Told of every retry. */
  onRetry?: (reason: string) => void;
}

export const API_BACKOFF: Backoff = { initialMs: 500, factor: 2, maxMs: 8_000, jitter: 0.2 };
const REQUEST_TIMEOUT_MS = 15_000;
const PER_PAGE = 100;
/** No pull request has more comments worth reading: past this many pages the search stops. */
const MAX_PAGES = 100;

/** An answer the API gave that is no reason to try again: its status and GitHub's message. */
export class GitHubApiError extends Error {
  override name = 'GitHubApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A create that got no clear answer (a lost connection, a timeout, a 5xx): it may have been
 * done. It is not repeated blindly: the caller looks again for what it would have created.
 */
export class UncertainError extends Error {
  override name = 'UncertainError';
}

interface HttpFailure {
  status?: number;
  response?: { status: number; headers: Record<string, string | undefined>; data: unknown };
}

export interface Comment {
  id: number;
  url: string;
  body: string;
}

export interface Issue {
  number: number;
  url: string;
  body: string;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const id = (value: unknown): number =>
  typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0;

let loading: Promise<typeof import('@actions/github')> | undefined;

export class GitHubClient {
  private constructor(
    private readonly octokit: Octokit,
    private readonly options: ClientOptions,
    private readonly owner: string,
    private readonly repo: string,
  ) {}

  static async connect(options: ClientOptions): Promise<GitHubClient> {
    loading ??= import('@actions/github');
    const { getOctokit } = await loading;
    // baseUrl given explicitly: @actions/github reads GITHUB_API_URL once, when it is loaded.
    const octokit = getOctokit(options.token, {
      baseUrl: options.apiUrl,
      userAgent: 'cloud-run-deploy-actions',
    });
    const [owner = '', repo = ''] = options.repository.split('/');
    return new GitHubClient(octokit, options, owner, repo);
  }

  /** One request, retried while retrying can help; `what` names it in errors. */
  private async call<T>(
    what: string,
    request: (signal: AbortSignal) => Promise<T>,
    idempotent = true,
  ): Promise<T> {
    const timeoutMs = this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    const attempt = async ({ remainingMs }: { remainingMs: number }): Promise<Attempt<T>> => {
      const timeout = AbortSignal.timeout(Math.max(1, Math.min(timeoutMs, remainingMs)));
      const signal = this.options.signal ? AbortSignal.any([timeout, this.options.signal]) : timeout;
      try {
        return { done: true, value: await request(signal) };
      } catch (error) {
        this.options.signal?.throwIfAborted();
        const failure = error as HttpFailure;
        const response = failure.response;
        if (response === undefined) {
          if (typeof failure.status !== 'number') throw error;
          const reason = timeout.aborted ? `within ${formatMs(timeoutMs)}` : excerpt(messageOf(error), 200);
          if (!idempotent) throw new UncertainError(`no answer to ${what} (${reason})`);
          return this.retry(`no answer to ${what} (${reason})`);
        }
        const status = response.status;
        const message = excerpt(messageOf(error), 300);
        if (status === 403 || status === 429) {
          const wait = rateLimitWaitMs(response.headers);
          if (wait !== undefined || status === 429 || /rate limit/i.test(message)) {
            return this.retry(`${what} was rate limited (${status}: ${message})`, wait);
          }
        }
        if (status === 408 || status >= 500) {
          if (!idempotent) throw new UncertainError(`${what} answered ${status} ${message}`);
          return this.retry(`${what} answered ${status} ${message}`);
        }
        throw new GitHubApiError(status, `the GitHub API answered ${status} to ${what}: ${message}`);
      }
    };
    try {
      const { value } = await poll(attempt, {
        deadline: this.options.deadline,
        what: `the GitHub API (${what})`,
        backoff: this.options.backoff ?? API_BACKOFF,
        ...(this.options.signal ? { signal: this.options.signal } : {}),
      });
      return value;
    } catch (error) {
      if (error instanceof DeadlineError) {
        throw new Error(
          `could not reach the GitHub API at ${this.options.apiUrl}: ${error.message}; re-run the job`,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  private retry<T>(reason: string, waitMs?: number): Attempt<T> {
    this.options.onRetry?.(reason);
    return { done: false, reason, ...(waitMs === undefined ? {} : { retryAfterMs: waitMs }) };
  }

  /** The first comment of the issue or pull request whose body starts with `marker`, all pages read. */
  async findComment(issue: number, marker: string): Promise<Comment | undefined> {
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { data, more } = await this.call(
        `listing the comments of #${issue} (page ${page})`,
        async (signal) => {
          const response = await this.octokit.rest.issues.listComments({
            owner: this.owner,
            repo: this.repo,
            issue_number: issue,
            per_page: PER_PAGE,
            page,
            headers: { 'x-github-api-version': '2022-11-28' },
            request: { signal },
          });
          return { data: response.data, more: /rel="next"/.test(response.headers.link ?? '') };
        },
      );
      for (const entry of data) {
        const comment = entry as { id?: unknown; html_url?: unknown; body?: unknown };
        if (text(comment.body).startsWith(marker) && id(comment.id) > 0) {
          return { id: id(comment.id), url: text(comment.html_url), body: text(comment.body) };
        }
      }
      if (!more) return undefined;
    }
    return undefined;
  }

  async createComment(issue: number, body: string): Promise<Comment> {
    return this.call(
      `creating a comment on #${issue}`,
      async (signal) => {
        const { data } = await this.octokit.rest.issues.createComment({
          owner: this.owner,
          repo: this.repo,
          issue_number: issue,
          body,
          headers: { 'x-github-api-version': '2022-11-28' },
          request: { signal },
        });
        return { id: id(data.id), url: text(data.html_url), body: text(data.body) };
      },
      false,
    );
  }

  async updateComment(commentId: number, body: string): Promise<Comment> {
    return this.call(`updating comment ${commentId}`, async (signal) => {
      const { data } = await this.octokit.rest.issues.updateComment({
        owner: this.owner,
        repo: this.repo,
        comment_id: commentId,
        body,
        headers: { 'x-github-api-version': '2022-11-28' },
        request: { signal },
      });
      return { id: id(data.id), url: text(data.html_url), body: text(data.body) };
    });
  }

  /** The first open issue (not a pull request) with `label` whose body starts with `marker`. */
  async findIssue(label: string, marker: string): Promise<Issue | undefined> {
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { data, more } = await this.call(
        `listing the open issues labelled ${label} (page ${page})`,
        async (signal) => {
          const response = await this.octokit.rest.issues.listForRepo({
            owner: this.owner,
            repo: this.repo,
            labels: label,
            state: 'open',
            per_page: PER_PAGE,
            page,
            headers: { 'x-github-api-version': '2022-11-28' },
            request: { signal },
          });
          return { data: response.data, more: /rel="next"/.test(response.headers.link ?? '') };
        },
      );
      for (const entry of data) {
        const issue = entry as {
          number?: unknown;
          html_url?: unknown;
          body?: unknown;
          pull_request?: unknown;
        };
        if (issue.pull_request !== undefined) continue;
        if (text(issue.body).startsWith(marker) && id(issue.number) > 0) {
          return { number: id(issue.number), url: text(issue.html_url), body: text(issue.body) };
        }
      }
      if (!more) return undefined;
    }
    return undefined;
  }

  /** Creates the label unless it exists (a 422 "already_exists" from a concurrent run is fine). */
  async ensureLabel(name: string, color: string, description: string): Promise<void> {
    const exists = await this.call(`reading label ${name}`, async (signal) => {
      try {
        await this.octokit.rest.issues.getLabel({
          owner: this.owner,
          repo: this.repo,
          name,
          headers: { 'x-github-api-version': '2022-11-28' },
          request: { signal },
        });
        return true;
      } catch (error) {
        if ((error as HttpFailure).response?.status === 404) return false;
        throw error;
      }
    });
    if (exists) return;
    await this.call(`creating label ${name}`, async (signal) => {
      try {
        await this.octokit.rest.issues.createLabel({
          owner: this.owner,
          repo: this.repo,
          name,
          color,
          description,
          headers: { 'x-github-api-version': '2022-11-28' },
          request: { signal },
        });
      } catch (error) {
        const failure = error as HttpFailure;
        if (
          failure.response?.status === 422 &&
          /already_exists/.test(JSON.stringify(failure.response.data))
        ) {
          return;
        }
        throw error;
      }
    });
  }

  async createIssue(title: string, body: string, labels: string[]): Promise<Issue> {
    return this.call(
      'creating an issue',
      async (signal) => {
        const { data } = await this.octokit.rest.issues.create({
          owner: this.owner,
          repo: this.repo,
          title,
          body,
          labels,
          headers: { 'x-github-api-version': '2022-11-28' },
          request: { signal },
        });
        return { number: id(data.number), url: text(data.html_url), body: text(data.body) };
      },
      false,
    );
  }

  async updateIssue(
    number: number,
    change: { body?: string; state?: 'open' | 'closed'; state_reason?: 'completed' },
  ): Promise<Issue> {
    return this.call(`updating issue #${number}`, async (signal) => {
      const { data } = await this.octokit.rest.issues.update({
        owner: this.owner,
        repo: this.repo,
        issue_number: number,
        ...change,
        headers: { 'x-github-api-version': '2022-11-28' },
        request: { signal },
      });
      return { number: id(data.number), url: text(data.html_url), body: text(data.body) };
    });
  }
}
