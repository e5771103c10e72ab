export const id = 170;
export const ids = [170];
export const modules = {

/***/ 170:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   compareCommits: () => (/* binding */ compareCommits)
/* harmony export */ });
/* unused harmony exports COMPARE_BACKOFF, REQUEST_TIMEOUT_MS, readComparison */
/* harmony import */ var _lib_errors_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7268);
/* harmony import */ var _lib_format_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(432);
/* harmony import */ var _lib_http_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1931);
/* harmony import */ var _lib_poll_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3962);
/* harmony import */ var _constants_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(802);
/* harmony import */ var _running_commit_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(1600);






/** Waits between retries of a 5xx or a lost connection: 0.5 s, 1 s, 2 s … up to 8 s. */
const COMPARE_BACKOFF = { initialMs: 500, factor: 2, maxMs: 8_000, jitter: 0.2 };
const REQUEST_TIMEOUT_MS = 10_000;
const STATUSES = new Set(['ahead', 'behind', 'identical', 'diverged']);
/** The fields of a commit comparison this action needs, checked. */
function readComparison(data) {
    const body = (typeof data === 'object' && data !== null ? data : {});
    const { status, ahead_by: aheadBy, behind_by: behindBy } = body;
    if (typeof status !== 'string' || !STATUSES.has(status)) {
        throw new Error(`the GitHub API answered the comparison without a known status (${typeof status === 'string' ? (0,_lib_format_js__WEBPACK_IMPORTED_MODULE_0__/* .excerpt */ .K)(status, 40) : typeof status})`);
    }
    return {
        status: status,
        aheadBy: typeof aheadBy === 'number' ? aheadBy : 0,
        behindBy: typeof behindBy === 'number' ? behindBy : 0,
    };
}
function permissionError(status, message, repository) {
    return new _lib_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .ConfigurationError */ .j1(`the GitHub API refused the comparison of commits in ${repository} (${status}: ${(0,_lib_format_js__WEBPACK_IMPORTED_MODULE_0__/* .excerpt */ .K)(message, 160)}): ` +
        `input "${_constants_js__WEBPACK_IMPORTED_MODULE_3__/* .Inputs */ .G0.GithubToken}" must be a token that can read the repository; the job's GITHUB_TOKEN needs the permission contents: read`);
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
    const what = `${(0,_running_commit_js__WEBPACK_IMPORTED_MODULE_5__/* .shortSha */ .Fu)(base)}...${(0,_running_commit_js__WEBPACK_IMPORTED_MODULE_5__/* .shortSha */ .Fu)(head)}`;
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
                    ? `within ${(0,_lib_format_js__WEBPACK_IMPORTED_MODULE_0__/* .formatMs */ ._)(requestTimeoutMs)}`
                    : (0,_lib_format_js__WEBPACK_IMPORTED_MODULE_0__/* .excerpt */ .K)((0,_lib_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .messageOf */ .bD)(error), 200);
                return { done: false, reason: `no answer (${reason})` };
            }
            const status = response.status;
            const message = (0,_lib_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .messageOf */ .bD)(error);
            if (status === 404)
                return { done: true, value: { status: 'not-found' } };
            if (status === 401)
                throw permissionError(status, message, options.repository);
            if (status === 403 || status === 429) {
                const wait = (0,_lib_http_js__WEBPACK_IMPORTED_MODULE_1__/* .rateLimitWaitMs */ .JR)(response.headers);
                if (wait !== undefined || status === 429 || /rate limit/i.test(message)) {
                    return {
                        done: false,
                        reason: `rate limited (${status}: ${(0,_lib_format_js__WEBPACK_IMPORTED_MODULE_0__/* .excerpt */ .K)(message, 160)})`,
                        ...(wait === undefined ? {} : { retryAfterMs: wait }),
                    };
                }
                throw permissionError(status, message, options.repository);
            }
            if (status === 408 || status >= 500) {
                return { done: false, reason: `${status} ${(0,_lib_format_js__WEBPACK_IMPORTED_MODULE_0__/* .excerpt */ .K)(message, 160)}` };
            }
            const unexpected = `the GitHub API answered ${status} to the comparison ${what}: ${(0,_lib_format_js__WEBPACK_IMPORTED_MODULE_0__/* .excerpt */ .K)(message, 200)}`;
            throw new Error(unexpected, { cause: error });
        }
    };
    try {
        const { value } = await (0,_lib_poll_js__WEBPACK_IMPORTED_MODULE_2__/* .poll */ .wt)(attempt, {
            deadline: options.deadline,
            what: `the GitHub API to compare ${what}`,
            backoff: options.backoff ?? COMPARE_BACKOFF,
            ...(options.signal ? { signal: options.signal } : {}),
        });
        return value;
    }
    catch (error) {
        if (error instanceof _lib_errors_js__WEBPACK_IMPORTED_MODULE_4__/* .DeadlineError */ .j3) {
            throw new Error(`could not reach the GitHub API at ${options.apiUrl} to tell whether this run's commit is behind the running one (${error.message}); nothing was applied; re-run the job`, { cause: error });
        }
        throw error;
    }
}


/***/ })

};

//# sourceMappingURL=170.index.js.map