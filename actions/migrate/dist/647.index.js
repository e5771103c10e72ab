export const id = 647;
export const ids = [647];
export const modules = {

/***/ 2647:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   post: () => (/* binding */ post)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6058);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _constants_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4352);



const GRACE_MS = 5_000;
/**
 * Whether the process still runs. An exited process nobody has reaped yet (a zombie) has
 * stopped: in a container job the proxy's new parent, the container's PID 1, may never reap it,
 * and waiting for `kill(pid, 0)` to fail would wait out the whole grace.
 */
function alive(pid) {
    try {
        process.kill(pid, 0);
    }
    catch {
        return false;
    }
    let stat;
    try {
        stat = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(`/proc/${pid}/stat`, 'utf8');
    }
    catch {
        // Gone in between on Linux; no /proc at all (macOS): the signal's answer stands.
        return !(0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)('/proc');
    }
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
}
/**
 * The `post:` step: when the main step died before stopping the proxy (a crash, a runner
 * timeout), stop its process group: SIGTERM, then SIGKILL after a grace. Never fails the job.
 */
async function post() {
    const pid = Number(_actions_core__WEBPACK_IMPORTED_MODULE_0__/* .getState */ .Gu(_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .State */ .Uw.ProxyPid));
    if (!Number.isInteger(pid) || pid <= 0 || !alive(pid))
        return;
    // A reused pid is someone else's process: on Linux, check that it is still the proxy.
    const cmdline = `/proc/${pid}/cmdline`;
    if ((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)(cmdline) && !(0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(cmdline, 'utf8').includes('cloud-sql-proxy'))
        return;
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`${_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .STAGE */ .Ld}: stopping the Cloud SQL Auth Proxy left running (pid ${pid})`);
    try {
        process.kill(-pid, 'SIGTERM');
    }
    catch {
        process.kill(pid, 'SIGTERM');
    }
    const deadline = Date.now() + GRACE_MS;
    while (alive(pid) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
    if (alive(pid)) {
        try {
            process.kill(-pid, 'SIGKILL');
        }
        catch {
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`${_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .STAGE */ .Ld}: the proxy (pid ${pid}) could not be stopped`);
        }
    }
}


/***/ })

};

//# sourceMappingURL=647.index.js.map