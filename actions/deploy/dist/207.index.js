export const id = 207;
export const ids = [207];
export const modules = {

/***/ 3207:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  compareCommits: () => (/* binding */ compareCommits)
});

// UNUSED EXPORTS: COMPARE_BACKOFF, REQUEST_TIMEOUT_MS, rateLimitWaitMs, readComparison

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
/**
 * One GET: no redirects followed (a 3xx is returned as it is), a deadline over the whole
 * exchange, and a body read only up to the cap. Node's own `http`/`https` on purpose: `fetch`
 * follows redirects by default and costs a large module load at start.
 */
function httpGet(url, options) {
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
            request.destroy();
            reject(error);
        };
        const request = client.get(url, {
            headers: { 'user-agent': 'cloud-run-deploy-actions', accept: '*/*', ...options.headers },
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
    let lastReason = 'no attempt could start';
    const giveUp = (attempts) => new errors/* DeadlineError */.j3(`gave up waiting for ${options.what} after ${(0,format/* formatMs */._)(Date.now() - started)} and ${attempts} attempt${attempts === 1 ? '' : 's'}; last: ${lastReason}`);
    for (let n = 1;; n++) {
        options.signal?.throwIfAborted();
        const remainingMs = options.deadline - Date.now();
        if (remainingMs < MIN_ATTEMPT_MS)
            throw giveUp(n - 1);
        const result = await attempt({ attempt: n, remainingMs });
        if (result.done)
            return { value: result.value, attempts: n };
        lastReason = result.reason;
        // Room for the wait: one more attempt must still fit before the deadline.
        const room = options.deadline - Date.now() - MIN_ATTEMPT_MS;
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

// EXTERNAL MODULE: ./src/deploy/constants.ts
var constants = __webpack_require__(802);
// EXTERNAL MODULE: ./src/deploy/running-commit.ts
var running_commit = __webpack_require__(1600);
;// CONCATENATED MODULE: ./src/deploy/github-compare.ts






/** Waits between retries of a 5xx or a lost connection: 0.5 s, 1 s, 2 s … up to 8 s. */
const COMPARE_BACKOFF = { initialMs: 500, factor: 2, maxMs: 8_000, jitter: 0.2 };
const REQUEST_TIMEOUT_MS = 10_000;
const STATUSES = new Set(['ahead', 'behind', 'identical', 'diverged']);
/** The fields of a commit comparison this action needs, checked. */
function readComparison(data) {
    const body = (typeof data === 'object' && data !== null ? data : {});
    const { status, ahead_by: aheadBy, behind_by: behindBy } = body;
    if (typeof status !== 'string' || !STATUSES.has(status)) {
        throw new Error(`the GitHub API answered the comparison without a known status (${typeof status === 'string' ? (0,format/* excerpt */.K)(status, 40) : typeof status})`);
    }
    return {
        status: status,
        aheadBy: typeof aheadBy === 'number' ? aheadBy : 0,
        behindBy: typeof behindBy === 'number' ? behindBy : 0,
    };
}
/**
 * How long a rate-limited answer asks to wait: `Retry-After` (secondary limits), else until
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
function permissionError(status, message, repository) {
    return new errors/* ConfigurationError */.j1(`the GitHub API refused the comparison of commits in ${repository} (${status}: ${(0,format/* excerpt */.K)(message, 160)}): ` +
        `input "${constants/* Inputs */.G0.GithubToken}" must be a token that can read the repository; the job's GITHUB_TOKEN needs the permission contents: read`);
}
let loading;
/** The client, from @actions/github loaded on first use. */
async function client(token, apiUrl) {
    loading ??= __webpack_require__.e(/* import() */ 413).then(__webpack_require__.bind(__webpack_require__, 2413));
    const { getOctokit } = await loading;
    // baseUrl given explicitly: @actions/github reads GITHUB_API_URL once, when it is loaded.
    return getOctokit(token, { baseUrl: apiUrl.replace(/\/+$/, ''), userAgent: 'cloud-run-deploy-actions' });
}
/**
 * Compares `base...head` (commit SHAs, full or abbreviated). Lost connections, timeouts, 408,
 * 429 and 5xx are retried with backoff until the deadline (a rate limit's own wait honoured);
 * 404 is `not-found`; 401 and a 403 that is no rate limit name the token's permission.
 */
async function compareCommits(base, head, options) {
    const [owner = '', repo = ''] = options.repository.split('/');
    const octokit = await client(options.token, options.apiUrl);
    const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    const what = `${(0,running_commit/* shortSha */.Fu)(base)}...${(0,running_commit/* shortSha */.Fu)(head)}`;
    const attempt = async ({ remainingMs }) => {
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
        }
        catch (error) {
            options.signal?.throwIfAborted();
            const failure = error;
            const response = failure.response;
            if (response === undefined) {
                // Not from the request at all (a bug here): no retry hides it.
                if (typeof failure.status !== 'number')
                    throw error;
                // No HTTP answer: refused, reset, DNS, or this request's own timeout.
                const reason = timeout.aborted
                    ? `within ${(0,format/* formatMs */._)(requestTimeoutMs)}`
                    : (0,format/* excerpt */.K)((0,errors/* messageOf */.bD)(error), 200);
                return { done: false, reason: `no answer (${reason})` };
            }
            const status = response.status;
            const message = (0,errors/* messageOf */.bD)(error);
            if (status === 404)
                return { done: true, value: { status: 'not-found' } };
            if (status === 401)
                throw permissionError(status, message, options.repository);
            if (status === 403 || status === 429) {
                const wait = rateLimitWaitMs(response.headers);
                if (wait !== undefined || status === 429 || /rate limit/i.test(message)) {
                    return {
                        done: false,
                        reason: `rate limited (${status}: ${(0,format/* excerpt */.K)(message, 160)})`,
                        ...(wait === undefined ? {} : { retryAfterMs: wait }),
                    };
                }
                throw permissionError(status, message, options.repository);
            }
            if (status === 408 || status >= 500) {
                return { done: false, reason: `${status} ${(0,format/* excerpt */.K)(message, 160)}` };
            }
            const unexpected = `the GitHub API answered ${status} to the comparison ${what}: ${(0,format/* excerpt */.K)(message, 200)}`;
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
    }
    catch (error) {
        if (error instanceof errors/* DeadlineError */.j3) {
            throw new Error(`could not reach the GitHub API at ${options.apiUrl} to tell whether this run's commit is behind the running one (${error.message}); nothing was applied; re-run the job`, { cause: error });
        }
        throw error;
    }
}


/***/ })

};

//# sourceMappingURL=207.index.js.map