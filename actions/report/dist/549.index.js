export const id = 549;
export const ids = [549];
export const modules = {

/***/ 1549:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  GitHubApiError: () => (/* binding */ GitHubApiError),
  GitHubClient: () => (/* binding */ GitHubClient),
  UncertainError: () => (/* binding */ UncertainError)
});

// UNUSED EXPORTS: API_BACKOFF

// EXTERNAL MODULE: ./src/lib/errors.ts
var errors = __webpack_require__(7268);
// EXTERNAL MODULE: ./src/lib/format.ts
var format = __webpack_require__(432);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
;// CONCATENATED MODULE: ./src/lib/http.ts


/** A request that got no HTTP answer: refused, reset, TLS failure, DNS or timeout. */
class RequestError extends Error {
    code;
    name = 'RequestError';
    constructor(message, code) {
        super(message);
        this.code = code;
    }
}
const DEFAULT_MAX_BODY = (/* unused pure expression or super */ null && (64 * 1024));
/** One GET: see `httpRequest`. */
function httpGet(url, options) {
    return httpRequest(url, { ...options, method: 'GET' });
}
/**
 * One request: no redirects followed (a 3xx is returned as it is), a deadline over the whole
 * exchange, and a body read only up to the cap. Node's own `http`/`https` on purpose: `fetch`
 * follows redirects by default and costs a large module load at start.
 */
function httpRequest(url, options) {
    const started = performance.now();
    const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
        let settled = false;
        const fail = (error) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            options.signal?.removeEventListener('abort', onAbort);
            request.destroy();
            reject(error);
        };
        const onAbort = () => fail(new RequestError('the request was aborted', 'ABORTED'));
        const body = options.body === undefined ? undefined : Buffer.from(options.body, 'utf8');
        const request = client.request(url, {
            method: options.method,
            headers: {
                'user-agent': 'cloud-run-deploy-actions',
                accept: '*/*',
                ...(body === undefined ? {} : { 'content-length': String(body.length) }),
                ...options.headers,
            },
            agent: false,
        }, (response) => {
            const chunks = [];
            let kept = 0;
            let truncated = false;
            const finish = () => {
                if (settled)
                    return;
                settled = true;
                clearTimeout(timer);
                options.signal?.removeEventListener('abort', onAbort);
                response.destroy();
                request.destroy();
                resolve({
                    status: response.statusCode ?? 0,
                    headers: response.headers,
                    body: Buffer.concat(chunks).toString('utf8'),
                    truncated,
                    durationMs: performance.now() - started,
                });
            };
            response.on('data', (chunk) => {
                const room = maxBody - kept;
                if (chunk.length > room) {
                    chunks.push(chunk.subarray(0, room));
                    kept = maxBody;
                    truncated = true;
                    finish();
                    return;
                }
                chunks.push(chunk);
                kept += chunk.length;
            });
            response.once('end', finish);
            response.once('error', (error) => fail(new RequestError(`the response broke off: ${error.message}`, error.code ?? 'ERESPONSE')));
            response.once('aborted', () => fail(new RequestError('the response broke off', 'ECONNRESET')));
        });
        request.once('error', (error) => fail(new RequestError(error.message === '' ? (error.code ?? 'request failed') : error.message, error.code ?? 'EREQUEST')));
        const timer = setTimeout(() => fail(new RequestError(`no complete answer within ${options.timeoutMs} ms`, 'ETIMEDOUT')), options.timeoutMs);
        if (options.signal?.aborted === true)
            onAbort();
        else
            options.signal?.addEventListener('abort', onAbort, { once: true });
        request.end(body);
    });
}
/** `Retry-After` in milliseconds: delta-seconds or an HTTP date; undefined when absent or invalid. */
function parseRetryAfter(value, now = Date.now()) {
    const text = (Array.isArray(value) ? value[0] : value)?.trim();
    if (text === undefined || text === '')
        return undefined;
    if (/^\d+$/.test(text))
        return Number(text) * 1000;
    const at = Date.parse(text);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
/**
 * How long a rate-limited GitHub API answer asks to wait: `Retry-After` (secondary limits), else until
 * `x-ratelimit-reset` when `x-ratelimit-remaining` is 0 (the primary limit); undefined when the
 * answer names no time.
 */
function rateLimitWaitMs(headers, now = Date.now()) {
    const retryAfter = parseRetryAfter(headers['retry-after'], now);
    if (retryAfter !== undefined)
        return retryAfter;
    const reset = Number(headers['x-ratelimit-reset']);
    if (headers['x-ratelimit-remaining'] === '0' && Number.isFinite(reset) && reset > 0) {
        return Math.max(0, reset * 1000 - now);
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/lib/poll.ts


/** From about 250 ms up to 2.5 s: quick to notice a service that just came up, gentle on one that did not. */
const DEFAULT_BACKOFF = { initialMs: 250, factor: 1.25, maxMs: 2_500, jitter: 0.2 };
/** An attempt with less time than this left is not started: it could only time out. */
const MIN_ATTEMPT_MS = 100;
/** The nominal wait after attempt `n` (1-based), with jitter, capped at `maxMs`. */
function backoffDelay(n, backoff, random = Math.random) {
    const nominal = backoff.initialMs * backoff.factor ** (n - 1);
    const spread = 1 - backoff.jitter + 2 * backoff.jitter * random();
    return Math.min(backoff.maxMs, Math.round(nominal * spread));
}
const defaultSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** A wait that ends early, with a rejection, when the signal aborts. */
function abortable(wait, signal) {
    if (signal === undefined)
        return wait;
    return new Promise((resolve, reject) => {
        const onAbort = () => reject(signal.reason);
        if (signal.aborted) {
            onAbort();
            return;
        }
        signal.addEventListener('abort', onAbort, { once: true });
        void wait.then(() => {
            signal.removeEventListener('abort', onAbort);
            resolve();
        });
    });
}
/**
 * Calls `attempt` until it is done, waiting with backoff and jitter between tries, never past
 * the deadline: the last wait is cut so that a final attempt still fits. A `retryAfterMs`
 * longer than the backoff is honoured; one that ends past the deadline ends the polling at once.
 * An attempt that throws ends the polling at once (the error is final); the deadline ends it
 * with a `DeadlineError` carrying the last reason.
 */
async function poll(attempt, options) {
    const backoff = options.backoff ?? DEFAULT_BACKOFF;
    const random = options.random ?? Math.random;
    const sleep = options.sleep ?? defaultSleep;
    const started = Date.now();
    const minAttemptMs = options.minAttemptMs ?? MIN_ATTEMPT_MS;
    let lastReason = 'no attempt could start';
    const giveUp = (attempts) => new errors/* DeadlineError */.j3(`gave up waiting for ${options.what} after ${(0,format/* formatMs */._)(Date.now() - started)} and ${attempts} attempt${attempts === 1 ? '' : 's'}; last: ${lastReason}`);
    for (let n = 1;; n++) {
        options.signal?.throwIfAborted();
        const remainingMs = options.deadline - Date.now();
        if (remainingMs < minAttemptMs)
            throw giveUp(n - 1);
        const result = await attempt({ attempt: n, remainingMs });
        if (result.done)
            return { value: result.value, attempts: n };
        lastReason = result.reason;
        // Room for the wait: one more attempt must still fit before the deadline.
        const room = options.deadline - Date.now() - minAttemptMs;
        if (result.retryAfterMs !== undefined && result.retryAfterMs > room) {
            // The server said when to come back, and that is past the deadline: sleeping first helps no one.
            lastReason += ` (asked to retry after ${(0,format/* formatMs */._)(result.retryAfterMs)}, past the deadline)`;
            throw giveUp(n);
        }
        if (room <= 0)
            throw giveUp(n);
        const wait = Math.max(backoffDelay(n, backoff, random), result.retryAfterMs ?? 0);
        await abortable(sleep(Math.min(wait, room)), options.signal);
    }
}

;// CONCATENATED MODULE: ./src/report/github.ts




const API_BACKOFF = { initialMs: 500, factor: 2, maxMs: 8_000, jitter: 0.2 };
const REQUEST_TIMEOUT_MS = 15_000;
const PER_PAGE = 100;
/** No pull request has more comments worth reading: past this many pages the search stops. */
const MAX_PAGES = 100;
/** An answer the API gave that is no reason to try again: its status and GitHub's message. */
class GitHubApiError extends Error {
    status;
    name = 'GitHubApiError';
    constructor(status, message) {
        super(message);
        this.status = status;
    }
}
/**
 * A create that got no clear answer (a lost connection, a timeout, a 5xx): it may have been
 * done. It is not repeated blindly: the caller looks again for what it would have created.
 */
class UncertainError extends Error {
    name = 'UncertainError';
}
const github_text = (value) => (typeof value === 'string' ? value : '');
const id = (value) => typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0;
let loading;
class GitHubClient {
    octokit;
    options;
    owner;
    repo;
    constructor(octokit, options, owner, repo) {
        this.octokit = octokit;
        this.options = options;
        this.owner = owner;
        this.repo = repo;
    }
    static async connect(options) {
        loading ??= __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 2413));
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
    async call(what, request, idempotent = true) {
        const timeoutMs = this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
        const attempt = async ({ remainingMs }) => {
            const timeout = AbortSignal.timeout(Math.max(1, Math.min(timeoutMs, remainingMs)));
            const signal = this.options.signal ? AbortSignal.any([timeout, this.options.signal]) : timeout;
            try {
                return { done: true, value: await request(signal) };
            }
            catch (error) {
                this.options.signal?.throwIfAborted();
                const failure = error;
                const response = failure.response;
                if (response === undefined) {
                    if (typeof failure.status !== 'number')
                        throw error;
                    const reason = timeout.aborted ? `within ${(0,format/* formatMs */._)(timeoutMs)}` : (0,format/* excerpt */.K)((0,errors/* messageOf */.bD)(error), 200);
                    if (!idempotent)
                        throw new UncertainError(`no answer to ${what} (${reason})`);
                    return this.retry(`no answer to ${what} (${reason})`);
                }
                const status = response.status;
                const message = (0,format/* excerpt */.K)((0,errors/* messageOf */.bD)(error), 300);
                if (status === 403 || status === 429) {
                    const wait = rateLimitWaitMs(response.headers);
                    if (wait !== undefined || status === 429 || /rate limit/i.test(message)) {
                        return this.retry(`${what} was rate limited (${status}: ${message})`, wait);
                    }
                }
                if (status === 408 || status >= 500) {
                    if (!idempotent)
                        throw new UncertainError(`${what} answered ${status} ${message}`);
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
        }
        catch (error) {
            if (error instanceof errors/* DeadlineError */.j3) {
                throw new Error(`could not reach the GitHub API at ${this.options.apiUrl}: ${error.message}; re-run the job`, {
                    cause: error,
                });
            }
            throw error;
        }
    }
    retry(reason, waitMs) {
        this.options.onRetry?.(reason);
        return { done: false, reason, ...(waitMs === undefined ? {} : { retryAfterMs: waitMs }) };
    }
    /** The first comment of the issue or pull request whose body starts with `marker`, all pages read. */
    async findComment(issue, marker) {
        for (let page = 1; page <= MAX_PAGES; page++) {
            const { data, more } = await this.call(`listing the comments of #${issue} (page ${page})`, async (signal) => {
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
            });
            for (const entry of data) {
                const comment = entry;
                if (github_text(comment.body).startsWith(marker) && id(comment.id) > 0) {
                    return { id: id(comment.id), url: github_text(comment.html_url), body: github_text(comment.body) };
                }
            }
            if (!more)
                return undefined;
        }
        return undefined;
    }
    async createComment(issue, body) {
        return this.call(`creating a comment on #${issue}`, async (signal) => {
            const { data } = await this.octokit.rest.issues.createComment({
                owner: this.owner,
                repo: this.repo,
                issue_number: issue,
                body,
                headers: { 'x-github-api-version': '2022-11-28' },
                request: { signal },
            });
            return { id: id(data.id), url: github_text(data.html_url), body: github_text(data.body) };
        }, false);
    }
    async updateComment(commentId, body) {
        return this.call(`updating comment ${commentId}`, async (signal) => {
            const { data } = await this.octokit.rest.issues.updateComment({
                owner: this.owner,
                repo: this.repo,
                comment_id: commentId,
                body,
                headers: { 'x-github-api-version': '2022-11-28' },
                request: { signal },
            });
            return { id: id(data.id), url: github_text(data.html_url), body: github_text(data.body) };
        });
    }
    /** The first open issue (not a pull request) with `label` whose body starts with `marker`. */
    async findIssue(label, marker) {
        for (let page = 1; page <= MAX_PAGES; page++) {
            const { data, more } = await this.call(`listing the open issues labelled ${label} (page ${page})`, async (signal) => {
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
            });
            for (const entry of data) {
                const issue = entry;
                if (issue.pull_request !== undefined)
                    continue;
                if (github_text(issue.body).startsWith(marker) && id(issue.number) > 0) {
                    return { number: id(issue.number), url: github_text(issue.html_url), body: github_text(issue.body) };
                }
            }
            if (!more)
                return undefined;
        }
        return undefined;
    }
    /** Creates the label unless it exists (a 422 "already_exists" from a concurrent run is fine). */
    async ensureLabel(name, color, description) {
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
            }
            catch (error) {
                if (error.response?.status === 404)
                    return false;
                throw error;
            }
        });
        if (exists)
            return;
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
            }
            catch (error) {
                const failure = error;
                if (failure.response?.status === 422 &&
                    /already_exists/.test(JSON.stringify(failure.response.data))) {
                    return;
                }
                throw error;
            }
        });
    }
    async createIssue(title, body, labels) {
        return this.call('creating an issue', async (signal) => {
            const { data } = await this.octokit.rest.issues.create({
                owner: this.owner,
                repo: this.repo,
                title,
                body,
                labels,
                headers: { 'x-github-api-version': '2022-11-28' },
                request: { signal },
            });
            return { number: id(data.number), url: github_text(data.html_url), body: github_text(data.body) };
        }, false);
    }
    async updateIssue(number, change) {
        return this.call(`updating issue #${number}`, async (signal) => {
            const { data } = await this.octokit.rest.issues.update({
                owner: this.owner,
                repo: this.repo,
                issue_number: number,
                ...change,
                headers: { 'x-github-api-version': '2022-11-28' },
                request: { signal },
            });
            return { number: id(data.number), url: github_text(data.html_url), body: github_text(data.body) };
        });
    }
}


/***/ })

};

//# sourceMappingURL=549.index.js.map