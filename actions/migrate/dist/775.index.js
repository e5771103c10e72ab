export const id = 775;
export const ids = [775];
export const modules = {

/***/ 7775:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 8 modules
var core = __webpack_require__(6058);
;// CONCATENATED MODULE: ./src/lib/errors.ts
/** A mistake in the action's inputs or the user's files: the message says what to change. */
class errors_ConfigurationError extends Error {
    name = 'ConfigurationError';
}
/** A wait that ran past its deadline. */
class DeadlineError extends Error {
    name = 'DeadlineError';
}
/** The step was cancelled (the runner sent SIGINT or SIGTERM). */
class CancelledError extends Error {
    name = 'CancelledError';
}
/** The message of anything thrown, `Error` or not. */
function messageOf(error) {
    if (error instanceof Error)
        return error.message;
    if (typeof error === 'string')
        return error;
    try {
        // JSON.stringify returns undefined for undefined, functions and symbols.
        const text = JSON.stringify(error);
        return typeof text === 'string' ? text : String(error);
    }
    catch {
        return String(error);
    }
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ./src/lib/secrets.ts

/**
 * Every value registered here is masked by the runner (`::add-mask::`) and removed by
 * `redact()` from anything this code prints itself, because the runner's masking only
 * protects the log: outputs, summaries and annotations written before registration are not.
 */
const registered = new Set();
/** Lines of a multi-line secret shorter than this (trimmed) are not registered on their own. */
const MIN_LINE_LENGTH = 6;
/**
 * The forms in which a secret can leak: as given, percent-encoded or -decoded (also in the form
 * of an HTML form or Python's `quote_plus`, a space as `+`), base64.
 */
function derivedForms(value) {
    const forms = new Set([value]);
    const encoded = encodeURIComponent(value);
    forms.add(encoded);
    forms.add(encoded.replace(/%20/g, '+'));
    forms.add(quotePlus(value));
    try {
        forms.add(decodeURIComponent(value));
        forms.add(decodeURIComponent(value.replace(/\+/g, ' ')));
    }
    catch {
        // Not percent-encoded: nothing to add.
    }
    const bytes = Buffer.from(value, 'utf8');
    forms.add(bytes.toString('base64'));
    forms.add(bytes.toString('base64url'));
    // A multi-line secret leaks line by line; the runner masks each line it is told about. Very
    // short lines (a JSON brace, `},`) are no secret on their own, and masking them would blank
    // every such character in the whole log.
    if (/[\r\n]/.test(value)) {
        for (const line of value.split(/\r?\n/))
            if (line.trim().length >= MIN_LINE_LENGTH)
                forms.add(line);
    }
    return [...forms].filter((form) => form !== '');
}
/**
 * Python's `urllib.parse.quote_plus`: every byte but letters, digits and `_.-~` percent-encoded
 * (upper-case hex), a space as `+`. It encodes more than encodeURIComponent (`!'()*`).
 */
function quotePlus(value) {
    return encodeURIComponent(value)
        .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%20/g, '+');
}
/** Registers a secret and its derived forms, before anything that could print them. */
function registerSecret(value) {
    if (value === undefined || value === '')
        return;
    for (const form of derivedForms(value)) {
        if (registered.has(form))
            continue;
        registered.add(form);
        core/* setSecret */.Pq(form);
    }
}
/** Replaces every registered secret in `text` with `***`, longest first. */
function secrets_redact(text) {
    if (registered.size === 0 || text === '')
        return text;
    let result = text;
    for (const secret of [...registered].sort((a, b) => b.length - a.length)) {
        if (result.includes(secret))
            result = result.split(secret).join('***');
    }
    return result;
}
/** The length of the longest registered form: text held back at a cut must be at least this long. */
function longestSecretLength() {
    let longest = 0;
    for (const secret of registered)
        longest = Math.max(longest, secret.length);
    return longest;
}

;// CONCATENATED MODULE: ./src/lib/format.ts

/** `1500` → `1.5s`, `90000` → `1m30s`. */
function formatMs(ms) {
    if (ms < 1000)
        return `${Math.round(ms)}ms`;
    if (ms < 60_000)
        return `${Number((ms / 1000).toFixed(1))}s`;
    // Round once, on whole seconds, so that 119.5 s carries into the minutes ("2m", not "1m60s").
    const totalSeconds = Math.round(ms / 1000);
    const minutes = Math.floor(totalSeconds / 60);
    const seconds = totalSeconds % 60;
    return seconds === 0 ? `${minutes}m` : `${minutes}m${seconds}s`;
}
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;
/**
 * A short, single-line excerpt of a body for messages: secrets removed **before** it is cut (a
 * cut secret is no longer recognised, by this code or the runner), control characters escaped.
 */
function excerpt(text, max = 200) {
    const flat = redact(text).replace(/\s+/g, ' ').replace(CONTROL_CHARACTERS, '?').trim();
    return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/lib/names.ts


const NameRules = {
    /** Cloud Run Admin API v2 `serviceId`: starts with a letter, fewer than 50 characters. */
    service: {
        what: 'a Cloud Run service name',
        pattern: /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/,
        maxLength: 49,
        rule: 'lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 49 characters (e.g. api)',
    },
    /** A revision name: the service name and a suffix, one DNS label. */
    revision: {
        what: 'a Cloud Run revision name',
        pattern: /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/,
        maxLength: 63,
        rule: 'lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 63 characters (e.g. api-00042-xuz)',
    },
    /** A traffic tag: it becomes the first part of a host name (`TAG---service-….run.app`). */
    tag: {
        what: 'a Cloud Run traffic tag',
        pattern: /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/,
        maxLength: 46,
        rule: 'lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen, at most 46 characters (e.g. candidate)',
    },
    /** A Google Cloud region: `europe-west1`, `us-central1`, `northamerica-northeast1`. */
    region: {
        what: 'a Google Cloud region',
        pattern: /^[a-z]+(?:-[a-z]+)+[0-9]{1,2}$/,
        maxLength: 32,
        rule: 'a region id such as europe-west1 or us-central1 (lower case, no zone suffix)',
    },
    /** A project id: 6 to 30 characters, starts with a letter, no trailing hyphen. */
    project: {
        what: 'a Google Cloud project id',
        pattern: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
        maxLength: 30,
        rule: 'the project id (not its name or number): 6 to 30 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen (e.g. acme-prod)',
    },
    /** A Secret Manager secret id. */
    secret: {
        what: 'a Secret Manager secret id',
        pattern: /^[A-Za-z0-9_][A-Za-z0-9_-]*$/,
        maxLength: 255,
        rule: 'letters, digits, underscores and hyphens, not starting with a hyphen (never read as an option), at most 255 characters (e.g. database-url)',
    },
    /** A Cloud SQL instance id (the last part of PROJECT:REGION:INSTANCE). */
    instance: {
        what: 'a Cloud SQL instance id',
        pattern: /^[a-z](?:[a-z0-9-]*[a-z0-9])?$/,
        maxLength: 98,
        rule: 'lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen (e.g. main)',
    },
};
/** Whether `value` follows the rule of `kind`. */
function isName(kind, value) {
    const rule = NameRules[kind];
    return value.length > 0 && value.length <= rule.maxLength && rule.pattern.test(value);
}
/**
 * `value` as `kind`, or a ConfigurationError that names the input, says what is wrong with the
 * value (shown escaped, so that it cannot start a log line or forge a command) and gives the rule.
 */
function checkName(kind, input, value) {
    if (isName(kind, value))
        return value;
    const rule = NameRules[kind];
    throw new ConfigurationError(`input "${input}" is ${names_shown(value)}, which is not ${rule.what}${why(value, rule)}: use ${rule.rule}`);
}
function why(value, rule) {
    if (value.length > rule.maxLength)
        return ` (${value.length} characters, at most ${rule.maxLength})`;
    if (value.startsWith('-'))
        return ' (it starts with a hyphen, like an option)';
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    if (/[\u0000-\u001f\u007f]/.test(value))
        return ' (it holds a line break or another control character)';
    if (/[^\u0020-\u007e]/.test(value)) {
        return ' (it holds a character outside ASCII, e.g. a look-alike letter)';
    }
    if (/\s/.test(value))
        return ' (it holds white space)';
    if (/[A-Z]/.test(value) && rule.pattern.test(value.toLowerCase()))
        return ' (it holds upper-case letters)';
    return '';
}
/**
 * Cloud Run's limit on a tag and its service's name together: both go into the first DNS label
 * of the tag's URL (`TAG---SERVICE-….run.app`), so Cloud Run refuses a longer pair.
 */
const MAX_TAG_WITH_SERVICE = 46;
/**
 * `tag` (input `input`) as a traffic tag of `service`: the tag rule, and with the service's name
 * at most MAX_TAG_WITH_SERVICE characters, else a ConfigurationError naming both inputs.
 */
function checkTag(input, tag, service, serviceInput) {
    checkName('tag', input, tag);
    const length = tag.length + service.length;
    if (length > MAX_TAG_WITH_SERVICE) {
        throw new ConfigurationError(`input "${input}" is ${names_shown(tag)}: with the service name ${names_shown(service)} (input "${serviceInput}") it makes ${length} characters, and Cloud Run allows at most ${MAX_TAG_WITH_SERVICE} for the two together (they form the tag URL's host name); use a shorter tag, e.g. candidate`);
    }
    return tag;
}
/** Where gcloud and Google's libraries read the project when none is given (the auth action sets them). */
const PROJECT_VARIABLES = (/* unused pure expression or super */ null && (['CLOUDSDK_CORE_PROJECT', 'GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT']));
/**
 * The project from the environment, for an empty input `input`: the first variable that is set,
 * checked to be a project id; '' when none is set.
 */
function projectFromEnvironment(input, env) {
    for (const variable of PROJECT_VARIABLES) {
        const value = env[variable]?.trim() ?? '';
        if (value === '')
            continue;
        if (!isName('project', value)) {
            throw new ConfigurationError(`${variable} is ${names_shown(value)}, which is not ${NameRules.project.what} (input "${input}" is empty, so it would be used): set input "${input}" to ${NameRules.project.rule}`);
        }
        return value;
    }
    return '';
}
/** Longest host name in DNS, and longest label. */
const MAX_HOST = 253;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/**
 * A bare DNS host name (`api.example.com`): ASCII letters, digits and hyphens in labels of 1 to
 * 63 characters, at least two labels, at most 253 characters, a top-level label that is not all
 * digits. No scheme, port, path, user or IP address; an internationalised name is given in its
 * `xn--` form. Returned in lower case.
 */
function checkHostName(input, value) {
    const host = value.toLowerCase().replace(/\.$/, '');
    const labels = host.split('.');
    const ok = host.length > 0 &&
        host.length <= MAX_HOST &&
        labels.length >= 2 &&
        labels.every((label) => LABEL.test(label)) &&
        !/^[0-9]+$/.test(labels[labels.length - 1] ?? '');
    if (ok)
        return host;
    throw new ConfigurationError(`input "${input}" is ${names_shown(value)}, which is not a host name${hostWhy(value)}: give the bare name, e.g. api.example.com (no https://, path or port; an internationalised name in its xn-- form)`);
}
function hostWhy(value) {
    if (/[/?#@:\\]/.test(value))
        return ' (it holds a scheme, port, path or user part)';
    if (/\.\./.test(value) || value.startsWith('.'))
        return ' (it has an empty label)';
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    if (/[\u0000-\u001f\u007f\s]/.test(value))
        return ' (it holds white space or a control character)';
    if (/[^\u0020-\u007e]/.test(value))
        return ' (it holds a character outside ASCII)';
    if (!value.includes('.'))
        return ' (it has a single label)';
    return '';
}
const SHOWN_MAX = 80;
/** `\u000a` for a character that must not reach a log line as itself. */
const escapeChar = (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
// eslint-disable-next-line no-control-regex -- escaping control characters is the point
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
/**
 * A plain log line built from what a tool or a service handed over (addresses, secret ids):
 * secrets removed, every control character escaped (`\u000a`), so it stays one line, and a
 * leading `::` escaped, so the runner never reads it as a workflow command. Unlike `shown`, the
 * text keeps its characters outside ASCII and is not quoted or cut. Annotations need none of
 * this: @actions/core escapes their text itself.
 */
function logLine(text) {
    const line = redact(text).replace(LINE_BREAKING, escapeChar);
    return line.startsWith('::') ? `\\u003a${line.slice(1)}` : line;
}
/**
 * A value for a message or a log line: secrets removed first, then every character outside
 * printable ASCII escaped (`\n`, `\u0430`), then cut, in double quotes. What it returns is one
 * line that starts with a quote, so a value can never start a line with `::` or break one.
 */
function names_shown(value, max = SHOWN_MAX) {
    const escaped = JSON.stringify(secrets_redact(value)).slice(1, -1);
    const ascii = escaped.replace(/[^\u0020-\u007e]/g, escapeChar);
    return `"${ascii.length > max ? `${cutEscaped(ascii, max)}…` : ascii}"`;
}
/** Cuts escaped text without leaving half an escape at the end. */
function cutEscaped(text, max) {
    const cut = text.slice(0, max);
    const lastEscape = cut.lastIndexOf('\\');
    if (lastEscape < 0)
        return cut;
    // A backslash that is itself escaped ends a full escape: count the run of backslashes.
    let run = 0;
    for (let i = lastEscape; i >= 0 && cut.charAt(i) === '\\'; i--)
        run++;
    if (run % 2 === 0)
        return cut;
    const rest = cut.slice(lastEscape + 1);
    const needed = rest.startsWith('u') ? 5 : 1;
    return rest.length >= needed ? cut : cut.slice(0, lastEscape);
}
/**
 * Whether a host (a URL's `hostname`, or a `host[:port]` such as a registry; IPv6 in brackets
 * or bare) is this machine's loopback: `localhost`, `127.x.x.x` or `::1`. The one test for
 * where plain HTTP, an unverified TLS peer or a token over HTTP may go.
 */
function isLoopbackHost(host) {
    if (host === '::1')
        return true;
    const bare = /^\[([^\]]*)\](?::\d+)?$/.exec(host)?.[1] ?? host.replace(/:\d+$/, '');
    return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

;// CONCATENATED MODULE: ./src/lib/processes.ts



/**
 * Finding every process a tool started, also those that left its process group. A tool runs in
 * a session and process group of its own (spawned detached), and a kill of the group reaches
 * most of what it starts; but `setsid` (a daemon, `pg_ctl start`) makes a new session, and a
 * process that left the group outlives the kill and, when it holds the tool's output, keeps the
 * tool from ever finishing. So, as the runner tracks a job's processes by a variable in their
 * environment, each tool gets a random mark in its environment that every descendant inherits;
 * `/proc` then shows who carries it, who is in the tool's session or group, whose parent is one
 * of those, and who holds the tool's output open. Without `/proc` (not Linux) only the group
 * is found.
 */
/** The environment variable that marks a tool's processes: its value is random per tool. */
const TOOL_MARK_VARIABLE = 'CLOUD_RUN_ACTIONS_TOOL_MARK';
function newToolMark() {
    return (0,external_node_crypto_.randomUUID)();
}
/** `/proc/<pid>/stat`; the command name in parentheses may hold spaces and parentheses. */
function readStat(pid) {
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(`/proc/${pid}/stat`, 'utf8');
    }
    catch {
        return undefined;
    }
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // Fields after the name, from 3 (state) on: state ppid pgrp session … starttime is field 22.
    const [state = '', ppid = '0', pgrp = '0', session = '0'] = fields;
    return {
        pid,
        ppid: Number(ppid),
        pgrp: Number(pgrp),
        session: Number(session),
        state,
        startTime: fields[19] ?? '',
    };
}
function processIds() {
    try {
        return (0,external_node_fs_.readdirSync)('/proc')
            .filter((name) => /^\d+$/.test(name))
            .map(Number);
    }
    catch {
        return [];
    }
}
function carriesMark(pid, needle) {
    try {
        const environ = (0,external_node_fs_.readFileSync)(`/proc/${pid}/environ`);
        const at = environ.indexOf(needle);
        // The variable starts the block or follows the NUL that ends the one before.
        return at >= 0 && (at === 0 || environ[at - 1] === 0);
    }
    catch {
        return false;
    }
}
function holdsAny(pid, links) {
    let fds;
    try {
        fds = (0,external_node_fs_.readdirSync)(`/proc/${pid}/fd`);
    }
    catch {
        return false;
    }
    for (const fd of fds) {
        try {
            if (links.has((0,external_node_fs_.readlinkSync)(`/proc/${pid}/fd/${fd}`)))
                return true;
        }
        catch {
            // Closed meanwhile.
        }
    }
    return false;
}
function commandOf(pid) {
    try {
        const words = (0,external_node_fs_.readFileSync)(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
        if (words.length > 0)
            return { command: names_shown(words.join(' '), 60), shortName: false };
    }
    catch {
        // Gone, or not ours to read.
    }
    try {
        return { command: names_shown((0,external_node_fs_.readFileSync)(`/proc/${pid}/comm`, 'utf8').trim(), 60), shortName: true };
    }
    catch {
        return { command: '"?"', shortName: true };
    }
}
/**
 * The `/proc/<pid>/fd` links of a process's stdout and stderr, read right after it started. A
 * tool that exits within the moment spawning takes (`bash -c 'x &'`) has none left: then what
 * it started is found by its mark, session, group and parents only.
 */
/** A process's start time in clock ticks since boot (undefined when it cannot be read). */
function startTimeOf(pid) {
    if (pid === undefined)
        return undefined;
    const stat = readStat(pid);
    return stat === undefined || stat.startTime === '' ? undefined : Number(stat.startTime);
}
function outputLinks(pid) {
    if (pid === undefined)
        return [];
    const links = [];
    for (const fd of [1, 2]) {
        try {
            links.push((0,external_node_fs_.readlinkSync)(`/proc/${pid}/fd/${fd}`));
        }
        catch {
            // Not on Linux, or the process is gone.
        }
    }
    return links;
}
/**
 * The running processes (zombies are gone) of a tool: its session and group, what carries its
 * mark, their children, and, with `withOutputs`, whoever holds the tool's output open. This
 * process (which reads the output) is never one.
 */
function findToolProcesses(tool, withOutputs = false) {
    const needle = tool.mark === undefined ? undefined : Buffer.from(`${TOOL_MARK_VARIABLE}=${tool.mark}\0`);
    const links = new Set(withOutputs ? (tool.outputs ?? []) : []);
    const stats = processIds()
        .filter((pid) => pid !== process.pid)
        .map(readStat)
        .filter((stat) => stat !== undefined && stat.state !== 'Z' && stat.state !== 'X');
    // Only a process as young as the tool can carry its mark or hold its output.
    const young = (stat) => tool.startTime === undefined || Number(stat.startTime) >= tool.startTime;
    // The tool's pid names its group and session only while it is the tool: once it exited, the
    // kernel may give the pid to another process, which may lead a group and session of its own.
    const holder = stats.find((stat) => stat.pid === tool.leader);
    const ownIds = holder === undefined ||
        tool.startTime === undefined ||
        (Number(holder.startTime) === tool.startTime && holder.pgrp === tool.leader);
    const members = new Map();
    for (const stat of stats) {
        if ((ownIds && young(stat) && (stat.pgrp === tool.leader || stat.session === tool.leader)) ||
            (needle !== undefined && young(stat) && carriesMark(stat.pid, needle))) {
            members.set(stat.pid, stat);
        }
    }
    const holders = new Set();
    if (links.size > 0) {
        for (const stat of stats) {
            if (young(stat) && holdsAny(stat.pid, links)) {
                holders.add(stat.pid);
                members.set(stat.pid, stat);
            }
        }
    }
    // Children of members (one that cleared its environment still has its parent).
    for (let grew = true; grew;) {
        grew = false;
        for (const stat of stats) {
            if (!members.has(stat.pid) && members.has(stat.ppid)) {
                members.set(stat.pid, stat);
                grew = true;
            }
        }
    }
    return [...members.values()].map((stat) => ({
        pid: stat.pid,
        startTime: stat.startTime,
        ...commandOf(stat.pid),
        escaped: stat.pgrp !== tool.leader,
        holdsOutput: holders.has(stat.pid),
    }));
}
/** Whether `/proc` shows processes here (Linux): without it only a tool's group is known. */
const processesVisible = (() => {
    try {
        (0,external_node_fs_.readFileSync)('/proc/self/stat');
        return true;
    }
    catch {
        return false;
    }
})();
/** Whether the process still runs as the same process (not exited, not a zombie, pid not reused). */
/**
 * What is known of a process found again by a later scan: one that held the tool's output keeps
 * saying so, and one found again while it exits (its command line reads empty, so only its short
 * name is left) keeps the command line seen before, so a message names `sleep 30`, not `sleep`.
 * A pid with another start time is another process.
 */
function foundAgain(known, entry) {
    if (known === undefined || known.startTime !== entry.startTime)
        return entry;
    const named = entry.shortName && !known.shortName ? { command: known.command, shortName: false } : {};
    return { ...entry, ...named, holdsOutput: known.holdsOutput || entry.holdsOutput };
}
function isAlive(found) {
    const stat = readStat(found.pid);
    return stat !== undefined && stat.startTime === found.startTime && stat.state !== 'Z' && stat.state !== 'X';
}
/** Sends `signal` to each process that is still the one found. */
function signalProcesses(found, signal) {
    for (const entry of found) {
        if (!isAlive(entry))
            continue;
        try {
            process.kill(entry.pid, signal);
        }
        catch {
            // Exited meanwhile, or not ours to signal.
        }
    }
}
/** Resolves once none of `found` runs, or after `timeoutMs`, with those still running. */
async function waitUntilGone(found, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    let running = found.filter(isAlive);
    while (running.length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        running = running.filter(isAlive);
    }
    return running;
}
/** `pid 4242 "sleep 30" (in a session of its own, held its output open)`. */
function describeProcess(found) {
    const traits = [
        ...(found.escaped ? ['outside its process group'] : []),
        ...(found.holdsOutput ? ['held its output open'] : []),
    ];
    return `pid ${found.pid} ${found.command}${traits.length > 0 ? ` (${traits.join(', ')})` : ''}`;
}

;// CONCATENATED MODULE: ./src/lib/relay.ts


/**
 * The one way a child's output reaches the log. Text is cut into whole lines before secrets
 * are removed (a secret written in two pieces is still one line), and every block written sits
 * inside a `::stop-commands::<token>` fence that is resumed right after it, so nothing a child
 * prints (`::add-mask::`, `::error::`, `::stop-commands::`) is taken as a workflow command. The
 * token is random per process: a child cannot know it and resume commands early. Annotations the
 * stage itself makes are written between blocks, outside any fence.
 */
/** A partial line longer than this is written without waiting for its end (memory stays bounded). */
const MAX_PENDING_LINE = 64 * 1024;
const token = (0,external_node_crypto_.randomUUID)().replace(/-/g, '');
/** Writes text as one fenced block: whole lines, never a workflow command. */
function writeFenced(text, write = defaultWrite) {
    if (text === '')
        return;
    const body = text.endsWith('\n') ? text : `${text}\n`;
    write(`::stop-commands::${token}\n${body}::${token}::\n`);
}
function defaultWrite(text) {
    process.stdout.write(text);
}
/**
 * Gathers text into whole lines and hands each batch of them, secrets removed, to `emit`. A line
 * that grows past `MAX_PENDING_LINE` is handed on in part, keeping back as much as the longest
 * secret so that none is cut in two.
 */
class LineBuffer {
    emit;
    pending = '';
    constructor(emit) {
        this.emit = emit;
    }
    push(text) {
        const joined = this.pending + text;
        const end = joined.lastIndexOf('\n') + 1;
        let ready = joined.slice(0, end);
        this.pending = joined.slice(end);
        if (this.pending.length > MAX_PENDING_LINE) {
            const keep = Math.min(this.pending.length, longestSecretLength());
            let cut = this.pending.length - keep;
            // Never between the two halves of a character outside the BMP.
            const before = this.pending.charCodeAt(cut - 1);
            if (before >= 0xd800 && before <= 0xdbff)
                cut -= 1;
            ready += `${this.pending.slice(0, cut)}\n`;
            this.pending = this.pending.slice(cut);
        }
        if (ready !== '')
            this.emit(secrets_redact(ready));
    }
    /** Hands on what is left, as a line of its own. */
    end() {
        const rest = this.pending;
        this.pending = '';
        if (rest !== '')
            this.emit(secrets_redact(`${rest}\n`));
    }
}

;// CONCATENATED MODULE: ./src/lib/exec.ts








/** A tool that failed: its command, exit status and the tail of its stderr, secrets removed. */
class ToolError extends Error {
    result;
    name = 'ToolError';
    constructor(message, result) {
        super(message);
        this.result = result;
    }
}
/** Grace between SIGTERM and SIGKILL when a process group is stopped. */
const KILL_GRACE_MS = 5_000;
/**
 * When a cancellation kills whatever still runs, counted from the runner's first signal. The
 * runner sends SIGINT, SIGTERM 7.5 s later and kills the step 2.5 s after that: what this
 * process started would outlive that kill, so it goes first, with time left for the summary.
 */
const CANCEL_KILL_MS = 8_500;
/**
 * The runner's SIGTERM reaches an interrupted tool no sooner than this after its SIGINT: a
 * second interrupt makes Terraform quit at once, without releasing its state lock, so one that
 * comes right after the first (not the runner's 7.5 s) waits.
 */
const SECOND_SIGNAL_MIN_MS = 5_000;
/** After a tool exited, how long what it started may keep its output open before it is stopped. */
const OUTPUT_GRACE_MS = 1_000;
/** Grace between SIGTERM and SIGKILL for what a tool left running after it exited. */
const LEFTOVER_GRACE_MS = 1_000;
/** Output kept per stream; a tool that prints more keeps its last part. */
const MAX_CAPTURE = 64 * 1024 * 1024;
const STDERR_TAIL_LINES = 20;
/** Output kept as chunks and joined once: appending to one string would copy it at every chunk. */
class Capture {
    limit;
    chunks = [];
    length = 0;
    constructor(limit = MAX_CAPTURE) {
        this.limit = limit;
    }
    add(text) {
        this.chunks.push(text);
        this.length += text.length;
        // Past the cap, keep the tail: the end of a log says most about a failure.
        while (this.length > this.limit && this.chunks.length > 1) {
            this.length -= this.chunks.shift()?.length ?? 0;
        }
    }
    text() {
        return this.chunks.join('');
    }
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
/** Whether `promise` settles within `ms`. */
const within = (promise, ms) => Promise.race([promise.then(() => true), sleep(ms).then(() => false)]);
/**
 * One running tool (or a process tracked like one): its process group, the processes found to
 * belong to it, and how it was stopped.
 */
class Tool {
    child;
    shown;
    onCancel;
    identity;
    /** Resolves when the tool's own process exited. */
    exited;
    /** Resolves when everything about the tool is over: output read, leftovers stopped. */
    finished;
    stop;
    /** The runner's signals on their way to the tool (forwardCancelSignal): each goes once. */
    forwarding = new Set();
    /** What was found outside the tool's group, or left after it exited, by pid: messages name them. */
    others = new Map();
    firstSignalAt;
    terminating;
    constructor(child, shown, onCancel, mark) {
        this.child = child;
        this.shown = shown;
        this.onCancel = onCancel;
        const startTime = startTimeOf(child.pid);
        this.identity = {
            leader: child.pid ?? -1,
            ...(mark === undefined ? {} : { mark }),
            outputs: outputLinks(child.pid),
            ...(startTime === undefined ? {} : { startTime }),
        };
        this.exited = new Promise((resolve) => {
            if (!this.running)
                resolve();
            else
                child.once('exit', () => resolve());
        });
        this.finished = this.exited;
    }
    get running() {
        return this.child.exitCode === null && this.child.signalCode === null;
    }
    record(reason, signal) {
        this.stop ??= { reason, signals: [] };
        this.stop.signals.push(signal);
        if (this.firstSignalAt === undefined) {
            this.firstSignalAt = Date.now();
            const since = this.firstSignalAt;
            const stop = this.stop;
            void this.exited.then(() => (stop.exitedAfterMs = Date.now() - since));
        }
    }
    /** Milliseconds since the first signal this process sent the tool (undefined: none yet). */
    sinceFirstSignal() {
        return this.firstSignalAt === undefined ? undefined : Date.now() - this.firstSignalAt;
    }
    sent(signal) {
        return this.stop?.signals.includes(signal) ?? false;
    }
    /**
     * The processes of the tool now (its own too, while it runs). Those outside its group are
     * remembered: the messages name them.
     */
    scan(withOutputs) {
        if (this.identity.leader < 0)
            return [];
        const found = findToolProcesses(this.identity, withOutputs);
        for (const entry of found)
            if (entry.escaped)
                this.remember(entry);
        return found;
    }
    /** Remembers a process of the tool for the messages (one that held the output keeps saying so). */
    remember(entry) {
        this.others.set(entry.pid, foundAgain(this.others.get(entry.pid), entry));
    }
    /** Resolves once a stop in progress (deadline, failure, cancellation) is over. */
    terminatingDone() {
        return this.terminating ?? Promise.resolve();
    }
    /**
     * A signal to the tool's process group only: what a terminal's Ctrl-C does. Recorded as sent
     * to the tool unless `reason` is undefined (what is left of the group after the tool exited).
     */
    signalGroup(signal, reason) {
        if (this.identity.leader < 0)
            return;
        if (reason !== undefined)
            this.record(reason, signal);
        // Once the tool exited (and was reaped) its pid may name another process's group: what is
        // left of its group is then signalled one by one, as found in /proc. Only without /proc is
        // the group signalled regardless (it outlives its leader while members remain).
        if (!this.running && processesVisible)
            return;
        try {
            // Negative pid: the whole process group the tool leads (it was spawned detached).
            process.kill(-this.identity.leader, signal);
        }
        catch {
            if (!this.running)
                return;
            try {
                this.child.kill(signal);
            }
            catch {
                // Already gone.
            }
        }
    }
    /** A signal to the group and to every process found to belong to the tool outside it. */
    signalAll(signal, reason) {
        this.signalGroup(signal, reason);
        signalProcesses(this.scan(true).filter((entry) => entry.escaped), signal);
    }
    /** SIGTERM to all of the tool, SIGKILL after the grace; what outlived the tool gets no grace. */
    terminate(reason, graceMs = KILL_GRACE_MS) {
        this.terminating ??= (async () => {
            this.signalAll('SIGTERM', reason);
            if (!(await within(this.exited, graceMs)))
                this.signalAll('SIGKILL', reason);
            await this.exited;
            this.killRemains();
        })();
        return this.terminating;
    }
    /** SIGKILL to the tool, if it still runs, and to all it started, at once. */
    kill(reason) {
        if (this.running)
            this.signalAll('SIGKILL', reason);
        else
            this.killRemains();
    }
    /** What outlived the tool gets no grace: SIGKILL to what is left of its group and the rest. */
    killRemains() {
        const rest = this.scan(true);
        if (rest.length === 0)
            return;
        this.signalGroup('SIGKILL', undefined);
        signalProcesses(rest, 'SIGKILL');
    }
    /** What the tool left outside its group, and what outlived it, for messages. */
    notable() {
        return [...this.others.values()];
    }
}
const live = new Set();
/** Set for good once the step is being cancelled: from then on no tool starts. */
const cancellation = { started: false, at: undefined };
/** Whether the step is being cancelled (no tool starts any more). */
function isCancelling() {
    return cancellation.started;
}
/** For tests only: a step is cancelled once, a test file cancels several. */
function resetCancellation() {
    cancellation.started = false;
    cancellation.at = undefined;
}
/** The command line for messages: arguments quoted when needed, secrets removed. */
function describeCommand(command, args) {
    const quote = (arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : JSON.stringify(arg));
    return secrets_redact([command, ...args].map(quote).join(' '));
}
/**
 * The last `lines` lines of `text`, secrets removed before the cut: the window redacted reaches
 * back as far as the longest secret past the first kept line, so a secret across the cut is
 * recognised whole and never leaves a piece in the tail.
 */
function redactedTail(text, lines) {
    const trimmed = text.trimEnd();
    let start = trimmed.length;
    for (let kept = 0; kept < lines && start > 0; kept++)
        start = trimmed.lastIndexOf('\n', start - 1);
    const from = Math.max(0, start - longestSecretLength());
    return secrets_redact(trimmed.slice(from)).split('\n').slice(-lines).join('\n');
}
/**
 * SIGTERM to the process group a child leads (and to what left it, in its session), SIGKILL
 * after the grace; resolves when it exited and nothing of it is left.
 */
async function stopProcessGroup(child, graceMs = KILL_GRACE_MS) {
    const tracked = [...live].find((tool) => tool.child === child);
    await (tracked ?? new Tool(child, 'a process', 'kill')).terminate('failure', graceMs);
}
function stopReport(tool) {
    const signals = tool.stop?.signals ?? [];
    const sent = [...new Set(signals)].join(', ');
    const { exitCode, signalCode } = tool.child;
    const after = tool.stop?.exitedAfterMs;
    const ended = signalCode !== null
        ? `killed by ${signalCode}`
        : exitCode !== null
            ? `exited with code ${exitCode}`
            : 'still running';
    const timing = after === undefined ? '' : ` ${formatMs(after)} after the first signal`;
    const left = tool.notable();
    return {
        command: tool.shown,
        outcome: `${sent === '' ? 'no signal' : sent}; ${ended}${timing}${left.length > 0 ? `; stopped with it: ${left.map(describeProcess).join(', ')}` : ''}`,
    };
}
/**
 * Stops every tool still running: used by the error boundary on failure and on cancellation;
 * resolves when they and what they started are gone.
 *
 * On `cancel` (the runner's first signal, `signal`), tools started with `onCancel: 'interrupt'`
 * get that signal, once, to their group (Terraform releases its state lock that way); the
 * others are stopped as a group (SIGTERM, SIGKILL after the grace). Whatever still runs
 * CANCEL_KILL_MS after the signal is killed, with everything it started, so nothing outlives
 * the step. Returns what was done to each tool.
 */
async function stopAllTools(reason, signal = 'SIGINT') {
    const tools = [...live];
    if (reason === 'failure') {
        await Promise.all(tools.map((tool) => tool.terminate('failure').then(() => tool.finished)));
        return tools.map(stopReport);
    }
    // A step that goes on after its tool was stopped must not start the next one (a push after
    // a build that exited 0 on SIGTERM): that one would outlive the step.
    cancellation.started = true;
    cancellation.at ??= Date.now();
    const killAt = cancellation.at + CANCEL_KILL_MS;
    for (const tool of tools) {
        if (tool.onCancel === 'interrupt')
            tool.signalGroup(signal, 'cancel');
        else
            void tool.terminate('cancel');
    }
    const all = Promise.all(tools.map((tool) => tool.finished));
    if (!(await within(all, killAt - Date.now()))) {
        for (const tool of tools)
            tool.kill('cancel');
        await within(all, 500);
    }
    return tools.map(stopReport);
}
/**
 * Passes a later signal of the runner (its SIGTERM after the SIGINT) on to the tools that take
 * the runner's signals (`onCancel: 'interrupt'`), once each, and no sooner than
 * SECOND_SIGNAL_MIN_MS after their first. Returns the tools it reaches, and when.
 */
function forwardCancelSignal(signal) {
    const forwarded = [];
    for (const tool of live) {
        // Only a tool this cancellation signalled already: the others were not being cancelled.
        const since = tool.sinceFirstSignal();
        if (tool.onCancel !== 'interrupt' ||
            !tool.running ||
            since === undefined ||
            tool.sent(signal) ||
            tool.forwarding.has(signal)) {
            continue;
        }
        tool.forwarding.add(signal);
        const wait = Math.max(0, SECOND_SIGNAL_MIN_MS - since);
        const send = () => {
            if (tool.running && !tool.sent(signal))
                tool.signalGroup(signal, 'cancel');
        };
        if (wait === 0)
            send();
        else
            setTimeout(send, wait).unref();
        forwarded.push({ command: tool.shown, inMs: wait });
    }
    return forwarded;
}
/**
 * Tracks a long-lived process started elsewhere (a proxy), so that failure and cancellation
 * stop it like any tool; returns the function that stops tracking it.
 */
function trackProcess(child, onCancel = 'kill') {
    const tool = new Tool(child, describeCommand(child.spawnfile, child.spawnargs.slice(1)), onCancel);
    live.add(tool);
    // Started while the step is being cancelled: nothing else would stop it.
    if (cancellation.started)
        void tool.terminate('cancel');
    return () => live.delete(tool);
}
/** Number of tools this process is running (for tests of the cleanup). */
function liveToolCount() {
    return live.size;
}
/**
 * Runs a tool with an argument array (never a shell), under a deadline, capturing its output.
 * A non-zero exit (other than `okCodes`), a signal, a spawn failure or the deadline becomes a
 * `ToolError` that names the command and carries the tail of stderr, secrets removed.
 *
 * The deadline holds whatever the tool started: at the deadline its group and every process
 * found to belong to it (its session, its mark, its output) are stopped. Once the tool itself
 * exited, what it left gets OUTPUT_GRACE_MS to close the output, then is stopped, and reading
 * stops; a process it left running is stopped too (a warning names what left the tool's group
 * or held its output open).
 */
async function runTool(command, args, options) {
    const started = performance.now();
    const shown = describeCommand(command, args);
    if (cancellation.started)
        throw new CancelledError(`${shown} was not started: the step is being cancelled`);
    const mark = newToolMark();
    const child = (0,external_node_child_process_.spawn)(command, args, {
        cwd: options.cwd,
        env: { ...(options.env ?? process.env), [TOOL_MARK_VARIABLE]: mark },
        stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        detached: true,
        windowsHide: true,
    });
    const tool = new Tool(child, shown, options.onCancel ?? 'kill', mark);
    const closed = new Promise((resolve) => child.once('close', () => resolve()));
    let finish = () => undefined;
    tool.finished = new Promise((resolve) => (finish = resolve));
    live.add(tool);
    const captured = {
        stdout: new Capture(options.captureLimit),
        stderr: new Capture(options.captureLimit),
    };
    const lines = {
        stdout: new LineBuffer((text) => relay(text, 'stdout')),
        stderr: new LineBuffer((text) => relay(text, 'stderr')),
    };
    function relay(text, stream) {
        if (options.live === true)
            writeFenced(text, writeLive);
        options.onOutput?.(text, stream);
    }
    // The log is a pipe the runner reads at its own pace: when it falls behind, stop reading the
    // tool until it catches up, so the tool waits on its own full pipe instead of this process
    // queueing everything it prints in memory.
    const backpressure = { waiting: false, exited: false };
    function writeLive(block) {
        if (process.stdout.write(block) || backpressure.waiting || backpressure.exited)
            return;
        backpressure.waiting = true;
        child.stdout?.pause();
        child.stderr?.pause();
        process.stdout.once('drain', () => {
            backpressure.waiting = false;
            child.stdout?.resume();
            child.stderr?.resume();
        });
    }
    const relayed = options.live === true || options.onOutput !== undefined;
    const reading = { on: true };
    const capture = (stream) => (text) => {
        if (!reading.on)
            return;
        captured[stream].add(text);
        if (relayed)
            lines[stream].push(text);
    };
    // Decoded by the streams, so that a character split across two chunks stays whole.
    child.stdout?.setEncoding('utf8').on('data', capture('stdout'));
    child.stderr?.setEncoding('utf8').on('data', capture('stderr'));
    if (options.stdin !== undefined && child.stdin !== null) {
        child.stdin.on('error', () => undefined);
        child.stdin.end(options.stdin);
    }
    const deadline = { passed: false };
    const timer = setTimeout(() => {
        deadline.passed = true;
        void tool.terminate('deadline');
    }, options.timeoutMs);
    try {
        const { code, signal } = await new Promise((resolve, reject) => {
            child.once('error', reject);
            child.once('exit', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
        });
        // The tool itself is done, in time or not: the deadline has nothing more to stop.
        clearTimeout(timer);
        // What is left in its pipes is bounded by their size: read it all now, log or no log
        // behind, so that the wait for the pipes to close below does not take a slow log for a
        // process holding them.
        backpressure.exited = true;
        child.stdout?.resume();
        child.stderr?.resume();
        const notes = await collectLeftovers(tool, closed, { code, signal });
        reading.on = false;
        if (relayed) {
            lines.stdout.end();
            lines.stderr.end();
        }
        const stdout = captured.stdout.text();
        const stderr = captured.stderr.text();
        const leftovers = tool.notable().map(describeProcess);
        const result = {
            code: code ?? -1,
            signal,
            stdout,
            stderr,
            durationMs: performance.now() - started,
            ...(tool.stop === undefined ? {} : { stopped: tool.stop }),
            ...(leftovers.length > 0 ? { leftovers } : {}),
        };
        for (const note of notes) {
            if (note.warn)
                core/* warning */.$e(note.text);
            else
                core/* info */.pq(note.text);
        }
        const also = tool.stop !== undefined && leftovers.length > 0 ? `; also stopped: ${leftovers.join(', ')}` : '';
        if (deadline.passed) {
            throw new ToolError(`${shown} did not finish within ${formatMs(options.timeoutMs)} and was stopped${also}${stderrSuffix(stderr)}`, result);
        }
        if (signal !== null) {
            throw new ToolError(`${shown} was killed by ${signal}${also}${stderrSuffix(stderr)}`, result);
        }
        if (code !== 0 && !(options.okCodes ?? []).includes(code ?? -1)) {
            throw new ToolError(`${shown} failed with exit code ${code}${also}${stderrSuffix(stderr)}`, result);
        }
        return result;
    }
    catch (error) {
        if (error instanceof ToolError)
            throw error;
        let reason = 'could not start';
        if (error.code === 'ENOENT') {
            // spawn says ENOENT for a missing working directory too: name the right culprit.
            reason =
                options.cwd !== undefined && !(0,external_node_fs_.existsSync)(options.cwd)
                    ? `could not start: the working directory ${options.cwd} does not exist`
                    : 'was not found on PATH';
        }
        throw new ToolError(`${shown} ${reason}: ${secrets_redact(error.message)}`, undefined);
    }
    finally {
        clearTimeout(timer);
        live.delete(tool);
        finish();
    }
}
/**
 * After the tool's own process exited: waits OUTPUT_GRACE_MS for its output to close, then
 * stops what still holds it and what it left running (SIGTERM, SIGKILL after LEFTOVER_GRACE_MS;
 * at once while cancelling), and stops reading. Returns the log lines that say what it stopped.
 */
async function collectLeftovers(tool, closed, exit) {
    const notes = [];
    // A stop in progress (deadline, failure, cancellation) kills what is left itself.
    await tool.terminatingDone();
    const outputClosed = await within(closed, isCancelling() ? 200 : OUTPUT_GRACE_MS);
    const left = tool.scan(!outputClosed).filter((entry) => entry.pid !== tool.identity.leader);
    const ended = exit.signal !== null ? `was killed by ${exit.signal}` : `exited (code ${exit.code})`;
    for (const entry of left)
        tool.remember(entry);
    if (left.length > 0) {
        const list = left.map(describeProcess).join(', ');
        const holders = left.filter((entry) => entry.holdsOutput);
        if (!outputClosed && holders.length > 0) {
            notes.push({
                text: `${tool.shown} ${ended}, but what it started in the background kept its output open: ${list}. Stopped after ${formatMs(OUTPUT_GRACE_MS)}; what they print is not shown`,
                warn: true,
            });
        }
        else {
            notes.push({
                text: `${tool.shown} ${ended} and left processes running: ${list}. They were stopped`,
                warn: left.some((entry) => entry.escaped),
            });
        }
        if (!isCancelling()) {
            signalProcesses(left, 'SIGTERM');
            const rest = await waitUntilGone(left, LEFTOVER_GRACE_MS);
            signalProcesses(rest, 'SIGKILL');
        }
        else {
            signalProcesses(left, 'SIGKILL');
        }
        await waitUntilGone(left, 1_000);
    }
    else if (tool.stop !== undefined && tool.notable().length > 0) {
        notes.push({
            text: `${tool.shown}: also stopped ${tool.notable().map(describeProcess).join(', ')}`,
            warn: true,
        });
    }
    if (!outputClosed && !(await within(closed, 500))) {
        // Held by something this process cannot stop (another user's process): stop reading.
        for (const stream of [tool.child.stdout, tool.child.stderr])
            stream?.destroy();
    }
    return notes;
}
function stderrSuffix(stderr) {
    const text = redactedTail(stderr, STDERR_TAIL_LINES);
    return text === '' ? '' : `:\n${text}`;
}

;// CONCATENATED MODULE: ./src/lib/outputs.ts



/** A value that does not have the form its output promises: the stage fails rather than set it. */
class OutputError extends Error {
    name = 'OutputError';
}
const MAX_LINE = 4096;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
// registry[:port]/path@sha256:… or registry/path:tag — lower-case repository path, as OCI requires.
const IMAGE = /^[a-z0-9.-]+(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)+(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$/;
// eslint-disable-next-line no-control-regex -- a control character in an output is the thing refused
const CONTROL = /[\u0000-\u001f\u007f]/;
/** Why `value` does not have `form`, or undefined when it does. Empty is always allowed. */
function outputProblem(value, form) {
    if (value === '')
        return undefined;
    if (secrets_redact(value) !== value)
        return 'it holds a secret';
    if (form.kind === 'json') {
        if (value.length > 1024 * 1024)
            return 'it is longer than 1 MiB';
        try {
            JSON.parse(value);
        }
        catch {
            return 'it is not JSON';
        }
        return CONTROL.test(value) ? 'it holds a raw control character' : undefined;
    }
    if (CONTROL.test(value))
        return 'it holds a line break or another control character';
    if (value.length > MAX_LINE)
        return `it is longer than ${MAX_LINE} characters`;
    switch (form.kind) {
        case 'name':
            return isName(form.name, value) ? undefined : `it is not ${NameRules[form.name].what}`;
        case 'url':
            return isHttpUrl(value) ? undefined : 'it is not an http(s) URL without credentials';
        case 'digest':
            return DIGEST.test(value) ? undefined : 'it is not a sha256: digest';
        case 'image':
            return IMAGE.test(value) ? undefined : 'it is not an image reference';
        case 'boolean':
            return value === 'true' || value === 'false' ? undefined : 'it is not true or false';
        case 'count':
            return /^(?:0|[1-9][0-9]{0,15})$/.test(value) ? undefined : 'it is not a whole number';
        case 'line':
            return form.pattern === undefined || form.pattern.test(value) ? undefined : 'it does not have the form';
    }
}
function isHttpUrl(value) {
    try {
        const url = new URL(value);
        return ((url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '');
    }
    catch {
        return false;
    }
}
/** Sets output `name` to `value` once it has `form`; otherwise throws an OutputError naming both. */
function setCheckedOutput(name, value, form) {
    const problem = outputProblem(value, form);
    if (problem !== undefined) {
        throw new OutputError(`output "${name}" was not set: ${problem}. The value came from a tool or a service, not from an input; check what it printed above`);
    }
    core/* setOutput */.uH(name, value);
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
;// CONCATENATED MODULE: ./src/lib/summary.ts


/**
 * Markdown-safe cell text: secrets removed, no pipes or newlines, and no HTML: `<` and `>` as
 * entities, so a tool's or a service's text cannot put a tag (an `<img>` that calls home, a
 * `<details>` that hides the rest) into the job summary. It reads the same.
 */
function cell(text) {
    return secrets_redact(text)
        .replace(/\|/g, '\\|')
        .replace(/\r?\n/g, ' ')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;');
}
/** Inline code that survives backticks in the value. */
function code(text) {
    const safe = redact(text);
    return safe === '' ? '' : `\`${safe.replace(/`/g, "'")}\``;
}
/** A Mermaid fence, or nothing when the text could end the fence or carry a tag. */
function renderMermaid(text) {
    // `-->` is Mermaid's own arrow; any other `<` or `>` could open a tag.
    if (text === undefined || text === '' || /`|<|(?<!--)>/.test(text))
        return [];
    return ['```mermaid', secrets_redact(text), '```', ''];
}
/** Rows shown per table: a job summary is capped at 1 MiB per step, and nobody reads row 2,000. */
const MAX_TABLE_ROWS = 50;
function renderTable(table) {
    if (table.rows.length === 0)
        return [];
    const shown = table.rows.slice(0, MAX_TABLE_ROWS);
    const hidden = table.rows.length - shown.length;
    return [
        `**${cell(table.title)}**`,
        '',
        ...renderMermaid(table.mermaid),
        `| ${table.header.map(cell).join(' | ')} |`,
        `| ${table.header.map(() => '---').join(' | ')} |`,
        ...shown.map((row) => `| ${row.map(cell).join(' | ')} |`),
        ...(hidden > 0
            ? [
                `| … and ${hidden} more | ${table.header
                    .slice(1)
                    .map(() => '')
                    .join(' | ')} |`,
            ]
            : []),
        '',
    ];
}
async function writeSummarySection(section) {
    const file = process.env['GITHUB_STEP_SUMMARY'];
    if (file === undefined || file === '')
        return;
    const lines = [
        `### ${section.ok ? '✅' : '❌'} ${section.stage}: ${cell(section.headline)}`,
        '',
        '| | |',
        '| --- | --- |',
        ...section.rows.map(([key, value]) => `| ${cell(key)} | ${cell(value)} |`),
        '',
        ...(section.tables ?? []).flatMap(renderTable),
        ...(section.notes ?? []).map((note) => `> ${cell(note)}`),
        '',
    ];
    // Appended directly: core.summary caches the file path of its first use.
    await (0,promises_.appendFile)(file, lines.join('\n'), 'utf8');
}

;// CONCATENATED MODULE: ./src/lib/stage.ts









/** How long a cancelled step waits for its steps to unwind (their notes reach the summary). */
const UNWIND_MS = 1_000;
/**
 * A cancelled step ends this long after the runner's first signal at the latest: the runner
 * kills it 10 s after its SIGINT, and the summary must be written before. The tools are killed
 * at CANCEL_KILL_MS (exec.ts); what is left of the unwinding and the cleanups after this is cut.
 */
const CANCEL_END_MS = 9_500;
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
const DEFAULT_HEADLINES = {
    success: 'succeeded',
    failure: 'failed',
    'invalid input': 'invalid input',
    'invalid configuration': 'invalid configuration',
    cancelled: 'cancelled',
};
/** The collected summary and cleanups of one run. */
class StageRun {
    name;
    startedAt = Date.now();
    cancellation = new AbortController();
    cancelled = this.cancellation.signal;
    rows = [];
    tables = [];
    notes = [];
    cleanups = [];
    title;
    /** The log group open now, if any. */
    current;
    constructor(name) {
        this.name = name;
    }
    async group(title, step) {
        const outer = this.current;
        this.current = title;
        try {
            return await core/* group */.Os(title, step);
        }
        finally {
            this.current = outer;
        }
    }
    row(key, value) {
        this.rows.push([key, value]);
    }
    table(table) {
        this.tables.push(table);
    }
    note(text) {
        if (!this.notes.includes(text))
            this.notes.push(text);
    }
    warning(text) {
        core/* warning */.$e(`${this.name}: ${text}`);
        this.note(`warning: ${text}`);
    }
    headline(text) {
        this.title = text;
    }
    defer(cleanup) {
        this.cleanups.push(cleanup);
    }
    tempDir(prefix) {
        const dir = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)(process.env['RUNNER_TEMP'] || (0,external_node_os_.tmpdir)(), prefix));
        this.defer(() => (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true }));
        return dir;
    }
    /** Runs every cleanup once, last first; a failing one is a warning, never the step's failure. */
    async cleanUp() {
        for (const cleanup of this.cleanups.splice(0).reverse()) {
            try {
                await cleanup();
            }
            catch (error) {
                core/* warning */.$e(`${this.name}: cleanup failed: ${secrets_redact(messageOf(error))}`);
            }
        }
    }
    async writeSummary(outcome) {
        const headline = outcome === 'cancelled' || outcome === 'invalid input'
            ? DEFAULT_HEADLINES[outcome]
            : (this.title ?? DEFAULT_HEADLINES[outcome]);
        try {
            await writeSummarySection({
                stage: this.name,
                ok: outcome === 'success',
                headline,
                rows: [...this.rows, ['Time', formatMs(Date.now() - this.startedAt)]],
                tables: this.tables,
                notes: this.notes,
            });
        }
        catch (error) {
            core/* warning */.$e(`${this.name}: the job summary could not be written: ${secrets_redact(messageOf(error))}`);
        }
    }
}
/**
 * The one lifecycle of every stage: reads the inputs, runs the steps, and on every outcome
 * (success, failure, invalid input, cancellation) runs the cleanups and writes the stage's one
 * summary section. It is also the one error boundary: anything thrown, `Error` or not, becomes
 * `core.setFailed('<stage>: <message>')` with secrets removed; tools still running are stopped.
 * On SIGINT/SIGTERM (the runner's cancellation: SIGINT, SIGTERM 7.5 s later, a kill at 10 s) it
 * stops the tools once (`stopAllTools`: the runner's later signal passed on to the tools that take
 * it, everything still running killed at CANCEL_KILL_MS), notes what each tool got and how it
 * ended, and writes the summary and ends the step by CANCEL_END_MS, before the runner's kill.
 */
async function runStage(definition) {
    const stage = new StageRun(definition.name);
    const name = definition.name;
    // Shared with the signal handler, hence fields rather than variables TypeScript would narrow.
    const run = {
        finished: false,
        settled: Promise.resolve(),
        outcome: 'invalid input',
    };
    const cancellation = { started: false };
    const onSignal = (signal) => {
        // The runner sends SIGINT, then SIGTERM 7.5 s later: each reaches the tools that take the
        // runner's signals once, the second no sooner than a few seconds after the first (a second
        // interrupt right away makes Terraform quit without releasing its state lock).
        if (cancellation.started) {
            const forwarded = forwardCancelSignal(signal);
            const to = forwarded
                .map((tool) => `${tool.command}${tool.inMs > 0 ? ` in ${formatMs(tool.inMs)}` : ''}`)
                .join(', ');
            core/* info */.pq(`${name}: ${signal} received while already stopping the tools${to === '' ? '' : `; passed on to ${to}`}`);
            return;
        }
        // The steps are over and the summary is being written: the step ends by itself.
        if (run.finished)
            return;
        cancellation.started = true;
        const endBy = Date.now() + CANCEL_END_MS;
        const during = stage.current;
        stage.cancellation.abort(signal);
        core/* error */.z3(`${name}: cancelled (${signal}); stopping the tools this step started`);
        void (async () => {
            try {
                const stopped = await stopAllTools('cancel', signal);
                // The steps unwind once their tools are gone: give them a moment to add their notes.
                await Promise.race([run.settled, pause(Math.min(UNWIND_MS, endBy - 500 - Date.now()))]);
                run.finished = true;
                stage.row('Cancelled', `${signal}${during === undefined ? '' : ` during "${during}"`}`);
                for (const tool of stopped)
                    stage.note(`stopped ${tool.command}: ${tool.outcome}`);
                await Promise.race([stage.cleanUp(), pause(endBy - 200 - Date.now())]);
                await stage.writeSummary('cancelled');
            }
            finally {
                process.exitCode = 1;
                process.exit();
            }
        })();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
        const body = (async () => {
            const inputs = await definition.readInputs();
            core/* debug */.Yz(`inputs: ${secrets_redact(JSON.stringify(definition.describeInputs(inputs)))}`);
            run.outcome = 'failure';
            await definition.steps(inputs, stage);
            run.outcome = 'success';
        })();
        run.settled = body.catch(() => undefined);
        await body;
    }
    catch (error) {
        const message = secrets_redact(messageOf(error));
        stage.note(message);
        if (!cancellation.started) {
            if (error instanceof errors_ConfigurationError) {
                core/* setFailed */.C1(`${name}: invalid configuration: ${message}`);
                if (run.outcome === 'failure')
                    run.outcome = 'invalid configuration';
            }
            else {
                core/* setFailed */.C1(`${name}: ${message}`);
                // Not the user's mistake, even while reading inputs (a contract file that cannot be read).
                run.outcome = 'failure';
                if (error instanceof Error && error.stack !== undefined)
                    core/* debug */.Yz(secrets_redact(error.stack));
            }
        }
    }
    finally {
        // While cancelling, the signal handler owns the tools, the cleanups and the summary.
        if (!cancellation.started && !run.finished) {
            run.finished = true;
            try {
                await stopAllTools('failure');
            }
            catch (cleanupError) {
                core/* warning */.$e(`${name}: cleanup failed: ${secrets_redact(messageOf(cleanupError))}`);
            }
            await stage.cleanUp();
            await stage.writeSummary(run.outcome);
        }
        if (!cancellation.started) {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
        }
    }
}

;// CONCATENATED MODULE: ./src/migrate/alembic.ts


const SUBCOMMANDS = new Set([
    'upgrade',
    'downgrade',
    'stamp',
    'current',
    'history',
    'heads',
    'revision',
    'merge',
    'show',
    'branches',
]);
/** Alembic's global options that take a value as the next word (`-c alembic.ini`, `-n upgrade`). */
const OPTIONS_WITH_VALUE = new Set(['-c', '--config', '-n', '--name', '-x']);
/**
 * The Alembic invocation within a command (`alembic …` or `python -m alembic …`), as the
 * argument prefix before its subcommand (global options such as `-c` kept, with their values);
 * undefined when the command is not Alembic.
 */
function alembicPrefix(command) {
    const first = command[0] ?? '';
    let index;
    if ((0,external_node_path_.basename)(first) === 'alembic')
        index = 1;
    else if (/^python[\d.]*$/.test((0,external_node_path_.basename)(first)) && command[1] === '-m' && command[2] === 'alembic') {
        index = 3;
    }
    else
        return undefined;
    while (index < command.length && !SUBCOMMANDS.has(command[index] ?? '')) {
        // An option's value is never the subcommand, even when it reads like one (`-n upgrade`).
        index += OPTIONS_WITH_VALUE.has(command[index] ?? '') ? 2 : 1;
    }
    return command.slice(0, Math.min(index, command.length));
}
/** Revision ids from `alembic current` (`9f2c4d5e6a7b (head)`; nothing before the first migration). */
function parseCurrent(stdout) {
    return stdout
        .split('\n')
        .map((line) => /^([0-9a-zA-Z_]+)(?: \(.*\))?\s*$/.exec(line.trim())?.[1])
        .filter((revision) => revision !== undefined);
}
/**
 * The revision(s) `alembic current` reports, comma-separated; '' for none. `live` relays its
 * output to the log as it runs (after a failure, where what it prints is part of the story).
 */
async function currentRevision(prefix, cwd, env, timeoutMs, live = false) {
    const [command = 'alembic', ...args] = prefix;
    const { stdout } = await runTool(command, [...args, 'current'], { cwd, env, timeoutMs, live });
    return parseCurrent(stdout).join(',');
}
/** `9f2c…` for a long revision id (each of several heads), "(empty database)" for none. */
function shortRevision(revision) {
    return revision === ''
        ? '(empty database)'
        : revision
            .split(',')
            .map((r) => (r.length > 8 ? `${r.slice(0, 4)}…` : r))
            .join(',');
}
/** `3a1b… → 9f2c…`, or "already at head (9f2c…)"; an empty database has no revision. */
function describeRevisions(before, after) {
    const short = shortRevision;
    if (before === after) {
        return after === '' ? 'already at head (empty database)' : `already at head (${short(after)})`;
    }
    return `${short(before)} → ${short(after)}`;
}

// EXTERNAL MODULE: ./src/migrate/constants.ts
var constants = __webpack_require__(4352);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
;// CONCATENATED MODULE: ./src/migrate/database-url.ts




/**
 * SQLAlchemy-style database URLs: `scheme://USER:PASSWORD@HOST:PORT/DATABASE?k=v&…`, and the
 * Cloud SQL socket form `scheme://USER:PASSWORD@/DATABASE?host=/cloudsql/PROJECT:REGION:INSTANCE`.
 *
 * Node's `URL` cannot parse the socket form, and its errors carry the whole input, a secret.
 * This parser never puts any part of the input in an error message: each message names the
 * part that is wrong and how to write it.
 *
 * Raw characters, deliberately:
 * - The userinfo ends at the LAST '@' before the host, so a raw '@' in the user name or
 *   password still parses (`sa@project.iam@/db` is the user `sa@project.iam`). SQLAlchemy 1.4+
 *   and libpq end it at the FIRST '@' instead, so `rewriteForProxy` writes such an '@' as %40
 *   and `databaseUrlWarnings` says so.
 * - A raw '/', '?' or '#' in the user name or password cannot be told apart from the start of
 *   the database, the query or a fragment. '#' is refused wherever it is; a raw '/' or '?' is
 *   recognised by the '@' that then follows the host (in the database name, or in the query
 *   followed by what looks like a host and '/' or '?'), and refused with the fix. One shape
 *   cannot be recognised: a password holding a raw '?' followed by '=' and an '@' with no
 *   database after it (`u:1234?a=b@host`).
 * - Percent-escapes in the user name, password and database must be valid UTF-8 (`%` alone is
 *   refused: a literal '%' is %25). '+' is a plus sign, not a space, as in SQLAlchemy.
 * - Query keys and values are kept raw, so that a rewrite keeps them byte for byte.
 * - The text is not trimmed, so that every parsed URL formats back to itself (`core.getInput`
 *   trims already). Leading white space and control characters anywhere (the newline that
 *   `echo` leaves in a secret) are refused; a raw space belongs to the part it is in.
 */
const SUPPORTED_SCHEMES = [
    'postgresql',
    'postgres',
    'postgresql+psycopg2',
    'postgresql+psycopg',
    'postgresql+asyncpg',
    'postgresql+pg8000',
    'mysql',
    'mysql+pymysql',
    'mysql+mysqldb',
];
/**
 * Query parameters that name a Unix socket: `host` (libpq, psycopg, asyncpg), `unix_sock`
 * (pg8000), `unix_socket` (PyMySQL, mysqlclient). Matched case-sensitively, as libpq does.
 */
const SOCKET_PARAMETERS = ['host', 'unix_sock', 'unix_socket'];
/**
 * Query parameters that decide where the driver connects. The driver lets them override the
 * URL's own host and port, so a proxy rewrite that kept any of them would not reach the proxy.
 */
const CONNECTION_PARAMETERS = [...SOCKET_PARAMETERS, 'hostaddr', 'port'];
/** A database URL that cannot be used; the message never holds any part of the URL. */
class DatabaseUrlError extends errors_ConfigurationError {
    name = 'DatabaseUrlError';
}
const EXPECTED = 'postgresql+psycopg2://USER:PASSWORD@/DATABASE?host=/cloudsql/PROJECT:REGION:INSTANCE';
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;
/** Schemes longer than this are not echoed in a message: they are more likely pasted text. */
const MAX_ECHOED_SCHEME = 40;
const HOSTNAME = /^[A-Za-z0-9._~-]*$/;
const IPV6_IN_BRACKETS = /^([0-9A-Fa-f:.]+)(?:%25[A-Za-z0-9._~-]+)?$/;
const PORT = /^\d+$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const database_url_CONTROL = /[\u0000-\u001f\u007f]/;
/**
 * An '@' in the query followed by what looks like `HOST[:PORT]` and then '/' or '?': the end of
 * a userinfo whose password held a raw '?' (`u:pa?ss@/db?host=…`), not an e-mail-like value
 * (`user=sa@project.iam&…`).
 */
const USERINFO_END_IN_QUERY = /@(?:\[[^\]]*\]|[A-Za-z0-9._~-]*)(?::\d*)?[/?]/;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
const POSTGRES_SOCKET_FILE = /\/\.s\.PGSQL\.\d+$/;
/**
 * A Cloud SQL instance connection name, `PROJECT:REGION:INSTANCE`, the one rule for the
 * `instance` input and for the name in a URL's socket path. PROJECT is a project id (lower case
 * letters, digits and hyphens, starting with a letter, not ending with a hyphen), possibly
 * domain-scoped (`example.com:project`); REGION is a Cloud region (`europe-west1`,
 * `northamerica-northeast1`); INSTANCE an instance id (lower case letters, digits and hyphens,
 * starting with a letter). Lengths are left to Google: the rule catches a misplaced part, a
 * missing part or a capital letter, not every name Google would refuse.
 */
const INSTANCE_CONNECTION_NAME = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)+:)?[a-z](?:[a-z0-9-]*[a-z0-9])?:[a-z]+-[a-z]+\d+:[a-z][a-z0-9-]*$/;
/** Whether `name` is a Cloud SQL instance connection name (see INSTANCE_CONNECTION_NAME). */
function isInstanceConnectionName(name) {
    return INSTANCE_CONNECTION_NAME.test(name);
}
const MISPLACED_USERINFO = "there is an '@' after the host, so the user name or password holds a raw '/' or '?' " +
    "(or the database name a raw '@'): percent-encode them in the secret ('/' as %2F, '?' as %3F, '@' as %40)";
/**
 * Parses a SQLAlchemy-style database URL. `inputName` is the input that held it, for messages.
 * Throws `DatabaseUrlError` with a message that names the wrong part and never quotes the URL.
 */
function parseDatabaseUrl(text, inputName = constants/* Inputs */.G0.DatabaseUrl) {
    const failure = (message) => new DatabaseUrlError(`input "${inputName}": ${message}`);
    if (text === '')
        throw failure(`the URL is empty (expected ${EXPECTED})`);
    if (/^\s/.test(text))
        throw failure('the URL starts with white space: store the secret without it');
    if (database_url_CONTROL.test(text)) {
        throw failure('the URL contains a line break or another control character: store the secret without it');
    }
    const schemeEnd = text.indexOf('://');
    const scheme = schemeEnd === -1 ? '' : text.slice(0, schemeEnd);
    if (!SCHEME.test(scheme))
        throw failure(`the URL has no scheme (expected ${EXPECTED})`);
    if (!SUPPORTED_SCHEMES.includes(scheme)) {
        const named = scheme.length <= MAX_ECHOED_SCHEME ? `'${scheme}'` : '(a long name)';
        const lower = SUPPORTED_SCHEMES.includes(scheme.toLowerCase())
            ? ' (schemes are written in lower case)'
            : '';
        throw failure(`unsupported driver ${named}${lower}; supported: ${SUPPORTED_SCHEMES.join(', ')}`);
    }
    const rest = text.slice(schemeEnd + 3);
    if (rest.includes('#')) {
        throw failure("the URL contains a raw '#', which would end it: percent-encode it as %23 (in the password, user name, database name or a query value)");
    }
    const authorityEnd = rest.search(/[/?]/);
    const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
    const tail = authorityEnd === -1 ? '' : rest.slice(authorityEnd);
    let databaseRaw = '';
    let queryText;
    if (tail.startsWith('/')) {
        const queryStart = tail.indexOf('?');
        databaseRaw = queryStart === -1 ? tail.slice(1) : tail.slice(1, queryStart);
        queryText = queryStart === -1 ? undefined : tail.slice(queryStart + 1);
    }
    else if (tail.startsWith('?')) {
        queryText = tail.slice(1);
    }
    const query = queryText === undefined ? [] : parseQuery(queryText);
    if (databaseRaw.includes('@') ||
        (queryText !== undefined && USERINFO_END_IN_QUERY.test(queryText)) ||
        query.some((parameter) => parameter.key.includes('@'))) {
        throw failure(MISPLACED_USERINFO);
    }
    const at = authority.lastIndexOf('@');
    const userinfoRaw = at === -1 ? '' : authority.slice(0, at);
    const hostAndPort = parseHostAndPort(authority.slice(at + 1));
    if (typeof hostAndPort === 'string') {
        // No userinfo here but an '@' further on: a raw '/' or '?' in the password cut it short,
        // and what looks like a bad host or port is the start of the user name and password.
        throw failure(at === -1 && tail.includes('@') ? MISPLACED_USERINFO : hostAndPort);
    }
    const { host, port } = hostAndPort;
    const colon = userinfoRaw.indexOf(':');
    const userRaw = colon === -1 ? userinfoRaw : userinfoRaw.slice(0, colon);
    const passwordRaw = colon === -1 ? undefined : userinfoRaw.slice(colon + 1);
    const decodePart = (raw, part) => {
        const decoded = percentDecode(raw);
        if (decoded === undefined) {
            throw failure(`${part} contains an invalid percent-escape ('%' must start %XX with two hex digits that form UTF-8): write a literal '%' as %25`);
        }
        return decoded;
    };
    return {
        scheme,
        user: decodePart(userRaw, 'the user name'),
        password: passwordRaw === undefined ? undefined : decodePart(passwordRaw, 'the password'),
        host,
        port,
        database: decodePart(databaseRaw, 'the database name'),
        query,
        raw: { scheme, userinfo: userinfoRaw, database: databaseRaw },
    };
}
/** `HOST`, `HOST:PORT`, `[IPV6]:PORT`, `:PORT` or ''; a string is the message of what is wrong. */
function parseHostAndPort(text) {
    let host;
    let portRaw;
    if (text.startsWith('[')) {
        const close = text.indexOf(']');
        if (close === -1)
            return "the IPv6 host has no closing ']'";
        host = text.slice(1, close);
        const address = IPV6_IN_BRACKETS.exec(host)?.[1];
        if (address === undefined || !(0,external_node_net_.isIPv6)(address))
            return 'the host in brackets is not an IPv6 address';
        const after = text.slice(close + 1);
        if (after !== '' && !after.startsWith(':'))
            return "only ':PORT' may follow an IPv6 host in brackets";
        portRaw = after === '' ? undefined : after.slice(1);
    }
    else {
        if (text.includes(','))
            return 'several hosts are not supported: give one host';
        if ((0,external_node_net_.isIPv6)(text) || (0,external_node_net_.isIPv6)(text.slice(0, text.lastIndexOf(':')))) {
            return 'an IPv6 host must be written in brackets, as in [2001:db8::1]:5432';
        }
        const colon = text.indexOf(':');
        host = colon === -1 ? text : text.slice(0, colon);
        portRaw = colon === -1 ? undefined : text.slice(colon + 1);
        if (!HOSTNAME.test(host)) {
            return 'the host contains characters a host name cannot have (letters, digits, ".", "-", "_" and "~")';
        }
    }
    if (portRaw === undefined)
        return { host, port: undefined };
    if (!PORT.test(portRaw))
        return 'port is not a number';
    const port = Number(portRaw);
    if (port < 1 || port > 65_535)
        return 'port is out of range: use 1 to 65535';
    return { host, port };
}
/** `a=1&flag&b=` into ordered raw parameters; empty segments (`&&`) are no parameters. */
function parseQuery(text) {
    return text
        .split('&')
        .filter((raw) => raw !== '')
        .map((raw) => {
        const equals = raw.indexOf('=');
        return equals === -1
            ? { key: raw, value: undefined, raw }
            : { key: raw.slice(0, equals), value: raw.slice(equals + 1), raw };
    });
}
/** Strict percent-decoding: undefined for a stray '%' or escapes that do not form UTF-8. */
function percentDecode(raw) {
    if (BAD_ESCAPE.test(raw))
        return undefined;
    try {
        return decodeURIComponent(raw);
    }
    catch {
        return undefined;
    }
}
/** A query value as SQLAlchemy reads it (`parse_qsl`: '+' is a space); raw when not decodable. */
function decodeQueryValue(raw) {
    return percentDecode(raw.replaceAll('+', ' ')) ?? raw;
}
/**
 * The Cloud SQL instance connection name (`PROJECT:REGION:INSTANCE`, PROJECT possibly
 * `example.com:project`) named by a socket parameter: `host=/cloudsql/P:R:I` (psycopg2,
 * psycopg, asyncpg), `unix_sock=/cloudsql/P:R:I/.s.PGSQL.5432` (pg8000) or
 * `unix_socket=/cloudsql/P:R:I` (PyMySQL, mysqlclient). Any socket directory is accepted
 * when its last part is a connection name; the `.s.PGSQL.<port>` file name is optional.
 * Keys are case-sensitive (libpq's are); values are percent-decoded as SQLAlchemy does.
 * Undefined when no socket parameter names an instance. Throws when a `/cloudsql/` path is
 * not a connection name, or when the parameters name two different instances.
 */
function cloudSqlInstance(url, inputName = constants/* Inputs */.G0.DatabaseUrl) {
    const found = new Set();
    for (const parameter of url.query) {
        if (!SOCKET_PARAMETERS.includes(parameter.key) || parameter.value === undefined)
            continue;
        const path = decodeQueryValue(parameter.value).replace(POSTGRES_SOCKET_FILE, '').replace(/\/+$/, '');
        if (!path.startsWith('/'))
            continue;
        const name = path.slice(path.lastIndexOf('/') + 1);
        if (isInstanceConnectionName(name)) {
            found.add(name);
        }
        else if (path === '/cloudsql' || path.startsWith('/cloudsql/')) {
            throw new DatabaseUrlError(`input "${inputName}": the ${parameter.key} parameter's /cloudsql/ path does not end in an instance connection name: write /cloudsql/PROJECT:REGION:INSTANCE`);
        }
    }
    if (found.size > 1) {
        throw new DatabaseUrlError(`input "${inputName}": the URL names more than one Cloud SQL instance in its socket parameters: keep one, or give the ${constants/* Inputs */.G0.Instance} input`);
    }
    return [...found][0];
}
/**
 * The URL for a command that reaches the database through a local proxy:
 * `scheme://USERINFO@host:port/DATABASE?<every parameter but CONNECTION_PARAMETERS>`, with the
 * userinfo, database and kept parameters byte for byte as written, except that a raw '@'
 * becomes %40 in the userinfo and in a kept query value (which decodes to the same text):
 * SQLAlchemy 1.4+ and libpq end the userinfo at the first '@', and SQLAlchemy's URL pattern lets
 * a user name without a password run on to the ':' of the port, so with `user=sa@proj.iam` kept
 * raw it reads `…@127.0.0.1:5432/db?user=sa@…` as the user `127.0.0.1` with the password
 * `5432/db?user=sa`. Nothing else in a kept value changes what SQLAlchemy reads (checked with
 * every printable ASCII character against the real make_url in the tests).
 */
function rewriteForProxy(url, host, port) {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
        throw new RangeError('the proxy port must be a whole number from 1 to 65535');
    }
    if (host === '' || !((0,external_node_net_.isIPv6)(host) || HOSTNAME.test(host))) {
        throw new RangeError('the proxy host must be a host name or an IP address');
    }
    return compose(url.scheme, userinfoText(url).replaceAll('@', '%40'), `${hostText(host)}:${port}`, databaseText(url), url.query
        .filter((parameter) => !CONNECTION_PARAMETERS.includes(parameter.key))
        .map((parameter) => (parameter.value?.includes('@') ? encodeAtInValue(parameter) : parameter)));
}
/** The parameter with every raw '@' of its value written %40 (the parser refuses one in a key). */
function encodeAtInValue(parameter) {
    const value = (parameter.value ?? '').replaceAll('@', '%40');
    return { key: parameter.key, value, raw: `${parameter.key}=${value}` };
}
/**
 * The first connection parameter (CONNECTION_PARAMETERS) given more than once, if any. Drivers
 * do not agree on what a repeated one means (SQLAlchemy 2's psycopg2 and asyncpg dialects try
 * each `host` in turn, libpq takes the last), and the proxy rewrite drops them all: either way
 * `host=/cloudsql/…&host=/tmp` names no one place to connect to.
 */
function repeatedConnectionParameter(url) {
    const seen = new Set();
    for (const { key } of url.query) {
        if (!CONNECTION_PARAMETERS.includes(key))
            continue;
        if (seen.has(key))
            return key;
        seen.add(key);
    }
    return undefined;
}
/**
 * What the proxy rewrite replaces besides a socket parameter that names `instance`, for the
 * warning that says so: the URL's own host (and port), which the text may show (a host name or
 * address, never a secret), and the names only of other connection parameters (`port`,
 * `hostaddr`, a socket parameter pointing elsewhere), whose values are not shown.
 */
function replacedConnectionTargets(url, instance) {
    const replaced = [];
    if (url.host !== '') {
        replaced.push(`the host ${names_shown(`${hostText(url.host)}${url.port === undefined ? '' : `:${url.port}`}`)}`);
    }
    else if (url.port !== undefined) {
        replaced.push(`the port ${url.port}`);
    }
    const parameters = new Set();
    for (const parameter of url.query) {
        if (!CONNECTION_PARAMETERS.includes(parameter.key))
            continue;
        if (SOCKET_PARAMETERS.includes(parameter.key) && socketInstance(parameter.value) === instance)
            continue;
        parameters.add(parameter.key);
    }
    for (const key of parameters)
        replaced.push(`the ${key} parameter`);
    return replaced;
}
/** The instance connection name a socket parameter's value ends in, if any. */
function socketInstance(value) {
    if (value === undefined)
        return undefined;
    const path = decodeQueryValue(value).replace(POSTGRES_SOCKET_FILE, '').replace(/\/+$/, '');
    if (!path.startsWith('/'))
        return undefined;
    const name = path.slice(path.lastIndexOf('/') + 1);
    return isInstanceConnectionName(name) ? name : undefined;
}
/**
 * The URL text of a parsed URL; `parseDatabaseUrl(formatDatabaseUrl(url))` equals `url`. The
 * raw parts are used when they still say what the decoded fields say, else the fields are
 * percent-encoded. Throws `URIError` for a field holding a lone surrogate, which no parsed URL has.
 */
function formatDatabaseUrl(url) {
    const port = url.port === undefined ? '' : `:${url.port}`;
    return compose(url.scheme, userinfoText(url), `${hostText(url.host)}${port}`, databaseText(url), url.query);
}
function compose(scheme, userinfo, hostAndPort, database, query) {
    const at = userinfo === '' ? '' : `${userinfo}@`;
    const path = database === '' ? '' : `/${database}`;
    const search = query.length === 0 ? '' : `?${query.map(queryParameterText).join('&')}`;
    return `${scheme}://${at}${hostAndPort}${path}${search}`;
}
function hostText(host) {
    return host.includes(':') ? `[${host}]` : host;
}
function userinfoText(url) {
    const raw = url.raw.userinfo;
    const colon = raw.indexOf(':');
    const user = percentDecode(colon === -1 ? raw : raw.slice(0, colon));
    const password = colon === -1 ? undefined : percentDecode(raw.slice(colon + 1));
    const rawIsCurrent = !/[/?#]/.test(raw) &&
        user === url.user &&
        password === url.password &&
        (colon === -1 || password !== undefined);
    if (rawIsCurrent)
        return raw;
    const encodedUser = encodeURIComponent(url.user);
    return url.password === undefined ? encodedUser : `${encodedUser}:${encodeURIComponent(url.password)}`;
}
function databaseText(url) {
    const raw = url.raw.database;
    return !/[?#@]/.test(raw) && percentDecode(raw) === url.database ? raw : encodeURIComponent(url.database);
}
function queryParameterText(parameter) {
    const written = parameter.value === undefined ? parameter.key : `${parameter.key}=${parameter.value}`;
    return parameter.raw === written ? parameter.raw : written;
}
/** encodeURIComponent that also encodes `!'()*`, as Python's `quote(safe='')` does. */
function encodeStrictly(text) {
    return encodeURIComponent(text).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}
/**
 * The strings to register as secrets for this URL, besides the rewritten URL (the caller
 * registers it once it exists): the original text, trimmed and as given, and the password
 * decoded, as written, and encoded the ways tools re-encode it (encodeURIComponent, Python's
 * `quote`, the rewrite's %40 for a raw '@'); the same for a `password=` query parameter. Empty
 * strings are left out.
 */
function secretForms(url, original) {
    const forms = new Set([original, original.trim()]);
    if (url.password !== undefined && url.password !== '') {
        const colon = url.raw.userinfo.indexOf(':');
        const raw = colon === -1 ? undefined : url.raw.userinfo.slice(colon + 1);
        forms.add(url.password);
        if (raw !== undefined && percentDecode(raw) === url.password) {
            forms.add(raw);
            forms.add(raw.replaceAll('@', '%40'));
        }
        forms.add(encodeURIComponent(url.password));
        forms.add(encodeStrictly(url.password));
    }
    // A password given as a query parameter (libpq and psycopg2 take `password=`), as written,
    // decoded and in the rewrite's form.
    for (const parameter of url.query) {
        if (parameter.key !== 'password' || parameter.value === undefined)
            continue;
        const decoded = decodeQueryValue(parameter.value);
        forms.add(parameter.value);
        forms.add(parameter.value.replaceAll('@', '%40'));
        forms.add(decoded);
        forms.add(encodeURIComponent(decoded));
        forms.add(encodeStrictly(decoded));
    }
    return [...forms].filter((form) => form !== '');
}
/**
 * Things that parse but will likely hurt, as messages without any part of the URL: a raw '@'
 * in the userinfo (the app's SQLAlchemy 1.4+ or libpq would read a different user and host),
 * the scheme `postgres` (libpq takes it, SQLAlchemy 1.4+ does not), and an `sslmode` that requires TLS, which the Cloud SQL Auth Proxy's local listener does not
 * speak (the proxy encrypts the connection to Cloud SQL itself).
 */
function databaseUrlWarnings(url, inputName = constants/* Inputs */.G0.DatabaseUrl) {
    const warnings = [];
    if (url.raw.userinfo.includes('@')) {
        warnings.push(`input "${inputName}": the user name or password contains a raw '@'; SQLAlchemy 1.4+ and libpq end the user part at the first '@', so the service may not connect with this URL: percent-encode it as %40 in the secret (the migration URL already writes it as %40)`);
    }
    if (url.scheme === 'postgres') {
        warnings.push(`input "${inputName}": the scheme postgres is refused by SQLAlchemy 1.4 and later: write postgresql (or postgresql+DRIVER)`);
    }
    const requiresTls = url.query.some((parameter) => parameter.key === 'sslmode' &&
        ['require', 'verify-ca', 'verify-full'].includes(decodeQueryValue(parameter.value ?? '')));
    if (requiresTls) {
        warnings.push(`input "${inputName}": sslmode requires TLS, but the Cloud SQL Auth Proxy listens without it (it encrypts the connection to Cloud SQL itself): the command may fail to connect; use sslmode=disable or prefer`);
    }
    return warnings;
}

;// CONCATENATED MODULE: ./src/lib/parse.ts




/** Strict boolean: `true` or `false` in any case, trimmed; an empty value takes the default. */
function parseBoolean(name, raw, fallback) {
    const value = raw.trim().toLowerCase();
    if (value === '')
        return fallback;
    if (value === 'true')
        return true;
    if (value === 'false')
        return false;
    throw new errors_ConfigurationError(`input "${name}" is ${names_shown(raw.trim())}: use true or false`);
}
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/i;
/** A self-hosted runner's longest job; longer would also overflow Node's timers (~24.8 days). */
const MAX_DURATION_MS = 72 * 3_600_000;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** Duration in milliseconds: `90s`, `5m`, `1h`, `250ms` or plain seconds; it must be positive. */
function parseDuration(name, raw) {
    const match = DURATION.exec(raw.trim());
    const amount = match?.[1];
    if (match === null || amount === undefined) {
        throw new errors_ConfigurationError(`input "${name}" is ${names_shown(raw.trim())}: not a duration; use a number with s, m or h (90s, 5m, 1h) or plain seconds`);
    }
    const unit = (match[2] ?? 's').toLowerCase();
    const ms = Math.round(Number(amount) * (UNIT_MS[unit] ?? 1000));
    if (ms <= 0) {
        throw new errors_ConfigurationError(`input "${name}" is ${names_shown(raw.trim())}: the duration must be above zero`);
    }
    if (ms > MAX_DURATION_MS) {
        throw new errors_ConfigurationError(`input "${name}" is ${names_shown(raw.trim())}: the longest accepted duration is 72h`);
    }
    return ms;
}
/** Integer within [min, max]. */
function parseInteger(name, raw, min, max) {
    const value = raw.trim();
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
        throw new errors_ConfigurationError(`input "${name}" is ${names_shown(value)}: use a whole number from ${min} to ${max}`);
    }
    return Number(value);
}
/** One entry a line, trimmed; blank lines and lines starting with `#` are skipped. */
function parseList(raw) {
    return raw
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'));
}
/** `KEY=VALUE` lines into ordered pairs; the value may hold `=`. */
function parseKeyValueLines(name, raw) {
    return parseList(raw).map((line) => {
        const at = line.indexOf('=');
        if (at <= 0) {
            throw new ConfigurationError(`input "${name}": the line ${shown(line, 40)} is not KEY=VALUE`);
        }
        return [line.slice(0, at).trim(), line.slice(at + 1)];
    });
}
/** One of the allowed values, case-insensitive. */
function parseChoice(name, raw, allowed, fallback) {
    const value = raw.trim().toLowerCase();
    if (value === '')
        return fallback;
    const found = allowed.find((option) => option.toLowerCase() === value);
    if (found === undefined) {
        throw new ConfigurationError(`input "${name}" is ${shown(raw.trim())}: use one of ${allowed.join(', ')}`);
    }
    return found;
}
/**
 * Splits a command line into an argument array the way a POSIX shell splits words (single and
 * double quotes, backslash escapes), without running a shell: no expansion, no redirection.
 */
function splitCommand(name, raw) {
    const words = [];
    let word = '';
    let inWord = false;
    let quote;
    for (let i = 0; i < raw.length; i++) {
        const char = raw.charAt(i);
        if (quote === "'") {
            if (char === "'")
                quote = undefined;
            else
                word += char;
        }
        else if (quote === '"') {
            if (char === '$' || char === '`') {
                throw new errors_ConfigurationError(`input "${name}" uses ${char} inside double quotes, but nothing is expanded without a shell: pass the value through env, or use single quotes for a literal`);
            }
            if (char === '"')
                quote = undefined;
            else if (char === '\\' && i + 1 < raw.length && '"\\$`'.includes(raw.charAt(i + 1))) {
                word += raw.charAt(++i);
            }
            else
                word += char;
        }
        else if (char === "'" || char === '"') {
            quote = char;
            inWord = true;
        }
        else if (char === '\\' && i + 1 < raw.length) {
            word += raw.charAt(++i);
            inWord = true;
        }
        else if (/\s/.test(char)) {
            if (inWord)
                words.push(word);
            word = '';
            inWord = false;
        }
        else {
            if ('|&;<>()$`'.includes(char)) {
                throw new errors_ConfigurationError(`input "${name}" uses the shell character ${char}, but it is run without a shell: give one command with its arguments, or a script file`);
            }
            word += char;
            inWord = true;
        }
    }
    if (quote !== undefined)
        throw new errors_ConfigurationError(`input "${name}" has an unclosed ${quote} quote`);
    if (inWord)
        words.push(word);
    if (words.length === 0) {
        throw new errors_ConfigurationError(`input "${name}" is empty: give a command, e.g. alembic upgrade head`);
    }
    return words;
}
/** The runner's workspace, where relative paths of inputs start (the current folder outside a runner). */
function workspaceOf(env = process.env) {
    return env['GITHUB_WORKSPACE'] || process.cwd();
}
/** A path input, absolute or relative to the workspace. */
function workspacePath(raw, env = process.env) {
    return (0,external_node_path_.isAbsolute)(raw) ? raw : (0,external_node_path_.resolve)(workspaceOf(env), raw);
}
/** A folder input, resolved in the workspace; anything but an existing folder names the input. */
function workspaceFolder(name, raw, env = process.env) {
    const folder = workspacePath(raw, env);
    if (!(0,external_node_fs_.existsSync)(folder) || !(0,external_node_fs_.statSync)(folder).isDirectory()) {
        throw new errors_ConfigurationError(`input "${name}" is ${names_shown(raw)}, which is not a folder in the workspace`);
    }
    return folder;
}

;// CONCATENATED MODULE: ./src/migrate/proxy-release.ts


/**
 * The pinned Cloud SQL Auth Proxy v2 release and the SHA-256 of each binary, as published in the
 * release notes of that exact version (the table "filename | sha256 hash").
 *
 * Source of every value below: the GitHub release page
 * https://github.com/GoogleCloudPlatform/cloud-sql-proxy/releases/tag/v2.26.0
 * ("2.26.0 (2026-09-28)", marked Latest when read), cross-checked line by line against the copy
 * of the same notes on the SourceForge mirror (cloud-sql-auth-proxy.mirror, files/v2.26.0,
 * README.md of 2026-09-28): both list the same hashes. Nothing here was computed or guessed;
 * to move the pin, copy the new release's table and nothing else.
 */
const PROXY_VERSION = 'v2.26.0';
/** Keyed by the release's file suffix: `cloud-sql-proxy.<key>`. */
const PROXY_SHA256 = {
    'linux.amd64': 'a38fe97690a27490e60a7945a8a178186ff9464abb81fe2bc652a3f773443387',
    'linux.arm64': '38a61b2d55ac5e0b3924561696f599003b50100baedbfe4730a0410713f3e2cd',
    'darwin.amd64': 'b042fd769f1bd087b8723b4e8fc5b13e86e56746ccb6c29375923620643105ce',
    'darwin.arm64': '47c56cc88acd3250ac90b7ad063532cc22a8cca9dd0896012a2a60d1eab4c159',
    'x64.exe': 'dcc7abfc1e43215932f1e9e1441e072bfcf0bbcac96110b515edb2d0fadadbb5',
};
const PROXY_DOWNLOAD_BASE = 'https://storage.googleapis.com/cloud-sql-connectors/cloud-sql-proxy';
/**
 * The official download URL of one release binary, e.g.
 * `…/cloud-sql-proxy/v2.26.0/cloud-sql-proxy.linux.amd64`. A version without its leading `v`
 * is accepted (the bucket's folders carry it).
 */
function proxyDownloadUrl(version, platformKey, base = PROXY_DOWNLOAD_BASE) {
    const tag = version.startsWith('v') ? version : `v${version}`;
    return `${base.replace(/\/+$/, '')}/${tag}/cloud-sql-proxy.${platformKey}`;
}
/** The release binaries the action downloads, by Node's `process.platform`/`process.arch`. */
const PLATFORM_KEYS = {
    'linux/x64': 'linux.amd64',
    'linux/arm64': 'linux.arm64',
    'darwin/x64': 'darwin.amd64',
    'darwin/arm64': 'darwin.arm64',
    'win32/x64': 'x64.exe',
};
/**
 * The release file suffix (`cloud-sql-proxy.<key>`) for a Node platform and architecture, the
 * one mapping used for the pinned SHA-256 and for the download. Where the action downloads no
 * binary, a ConfigurationError names the platform and the way out: a proxy binary of the
 * user's own through proxy-path.
 */
function proxyPlatformKey(platform = process.platform, arch = process.arch) {
    const key = PLATFORM_KEYS[`${platform}/${arch}`];
    if (key === undefined) {
        throw new errors_ConfigurationError(`the Cloud SQL Auth Proxy is downloaded for ${Object.keys(PLATFORM_KEYS).join(', ')}, not for this runner's ${platform}/${arch}: install a proxy binary for it and set input "${constants/* Inputs */.G0.ProxyPath}" to its path`);
    }
    return key;
}

;// CONCATENATED MODULE: ./src/migrate/timeouts.ts


/**
 * The `PGOPTIONS` for the command: what the environment already has, then
 * `-c lock_timeout=<ms>` and `-c statement_timeout=<ms>`. libpq hands the string to the server,
 * which applies the settings in order, so ours, last, win over the same setting in the
 * environment, and every other option there is kept.
 */
function pgOptions(existing, timeouts) {
    const ours = [`-c lock_timeout=${timeouts.lockTimeoutMs}`];
    if (timeouts.statementTimeoutMs !== undefined) {
        ours.push(`-c statement_timeout=${timeouts.statementTimeoutMs}`);
    }
    const kept = (existing ?? '').trim();
    return kept === '' ? ours.join(' ') : `${kept} ${ours.join(' ')}`;
}
/**
 * Drivers that read `PGOPTIONS`: the libpq ones. asyncpg and pg8000 speak the protocol
 * themselves and ignore it; MySQL has no such variable.
 */
function driverReadsPgOptions(scheme) {
    return ['postgresql', 'postgres', 'postgresql+psycopg2', 'postgresql+psycopg'].includes(scheme);
}
/**
 * What a failed command's output says about the server's timeouts, as a sentence for the
 * failure message; undefined when it was neither. PostgreSQL's messages are matched in English
 * (`lc_messages` of a Cloud SQL instance is `en_US.UTF8` unless changed).
 */
function explainTimeout(output, timeouts) {
    if (output.includes('canceling statement due to lock timeout')) {
        return `PostgreSQL cancelled a statement that waited ${formatMs(timeouts.lockTimeoutMs)} (input "${constants/* Inputs */.G0.LockTimeout}") for a lock that another session holds: find that session (pg_locks, pg_stat_activity: a long transaction, or the running service) and run the migration again when it has finished; raise ${constants/* Inputs */.G0.LockTimeout} only if so long a wait is expected`;
    }
    if (output.includes('canceling statement due to statement timeout')) {
        const limit = timeouts.statementTimeoutMs === undefined
            ? "the server's or the environment's statement_timeout"
            : `${formatMs(timeouts.statementTimeoutMs)} (input "${constants/* Inputs */.G0.StatementTimeout}")`;
        return `PostgreSQL cancelled a statement that ran longer than ${limit}: raise ${constants/* Inputs */.G0.StatementTimeout}, or split the migration`;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/migrate/inputs.ts










const get = (name) => core/* getInput */.V4(name).trim();
function readInputs(env = process.env) {
    // The URL first: registered as a secret, with every derived form, before anything can print.
    const raw = core/* getInput */.V4(constants/* Inputs */.G0.DatabaseUrl);
    registerSecret(raw);
    registerSecret(raw.trim());
    if (raw.trim() === '') {
        throw new errors_ConfigurationError(`input "${constants/* Inputs */.G0.DatabaseUrl}" is required: the runtime DATABASE_URL (e.g. from Secret Manager)`);
    }
    const url = parseDatabaseUrl(raw.trim(), constants/* Inputs */.G0.DatabaseUrl);
    for (const form of secretForms(url, raw.trim()))
        registerSecret(form);
    const repeated = repeatedConnectionParameter(url);
    if (repeated !== undefined) {
        // Only the parameter's name: its values are part of a secret.
        throw new errors_ConfigurationError(`input "${constants/* Inputs */.G0.DatabaseUrl}": the ${repeated} parameter is given more than once, so the URL names no one place to connect to (drivers disagree on which one wins): keep one, e.g. host=/cloudsql/PROJECT:REGION:INSTANCE`);
    }
    const port = parseInteger(constants/* Inputs */.G0.Port, get(constants/* Inputs */.G0.Port) || '5432', 1, 65535);
    const rewrittenUrl = rewriteForProxy(url, '127.0.0.1', port);
    registerSecret(rewrittenUrl);
    const given = get(constants/* Inputs */.G0.Instance);
    let fromUrl;
    try {
        fromUrl = cloudSqlInstance(url, constants/* Inputs */.G0.DatabaseUrl);
    }
    catch (error) {
        // A malformed socket path matters only when the URL is where the instance comes from.
        if (given === '')
            throw error;
    }
    for (const warning of databaseUrlWarnings(url, constants/* Inputs */.G0.DatabaseUrl))
        core/* warning */.$e(warning);
    if (given !== '' && fromUrl !== undefined && given !== fromUrl) {
        throw new errors_ConfigurationError(`input "${constants/* Inputs */.G0.Instance}" is ${names_shown(given)}, but the database URL's host names ${fromUrl}: they must agree (or leave ${constants/* Inputs */.G0.Instance} empty)`);
    }
    const instance = given || fromUrl;
    if (instance === undefined) {
        throw new errors_ConfigurationError(`no Cloud SQL instance: the database URL has no host=/cloudsql/PROJECT:REGION:INSTANCE; set input "${constants/* Inputs */.G0.Instance}"`);
    }
    if (!isInstanceConnectionName(instance)) {
        throw new errors_ConfigurationError(`${given === '' ? `the instance in input "${constants/* Inputs */.G0.DatabaseUrl}"` : `input "${constants/* Inputs */.G0.Instance}"`} is ${names_shown(instance)}, not a Cloud SQL instance connection name PROJECT:REGION:INSTANCE (e.g. acme-prod:europe-west1:main)`);
    }
    const replaced = replacedConnectionTargets(url, instance);
    if (replaced.length > 0) {
        // The host is a name or an address (the parser allows nothing else), never the password.
        core/* warning */.$e(`input "${constants/* Inputs */.G0.DatabaseUrl}": the migration does not connect to ${replaced.join(', ')} of the URL: it connects to ${instance} (input "${constants/* Inputs */.G0.Instance}") through the Cloud SQL Auth Proxy on 127.0.0.1:${port}, which replaces ${replaced.length === 1 ? 'it' : 'them'}. If that host is not that instance, set "${constants/* Inputs */.G0.Instance}" to the right one`);
    }
    const proxyPath = get(constants/* Inputs */.G0.ProxyPath);
    if (proxyPath !== '') {
        try {
            (0,external_node_fs_.accessSync)(proxyPath, external_node_fs_.constants.X_OK);
        }
        catch {
            throw new errors_ConfigurationError(`input "${constants/* Inputs */.G0.ProxyPath}" is ${names_shown(proxyPath)}, which is not an executable file`);
        }
    }
    const proxyVersion = get(constants/* Inputs */.G0.ProxyVersion) || PROXY_VERSION;
    if (!/^v2\.\d+\.\d+$/.test(proxyVersion)) {
        throw new errors_ConfigurationError(`input "${constants/* Inputs */.G0.ProxyVersion}" is ${names_shown(proxyVersion)}: use a v2 release tag such as ${PROXY_VERSION}`);
    }
    let proxySha256 = get(constants/* Inputs */.G0.ProxySha256).toLowerCase();
    if (proxySha256 !== '' && !/^[0-9a-f]{64}$/.test(proxySha256)) {
        throw new errors_ConfigurationError(`input "${constants/* Inputs */.G0.ProxySha256}" is not a SHA-256 (64 hex characters)`);
    }
    // Only a download needs a release file for this runner: with proxy-path any platform goes.
    const proxyPlatform = proxyPath === '' ? proxyPlatformKey() : '';
    if (proxyPath === '' && proxySha256 === '') {
        const pinned = proxyVersion === PROXY_VERSION ? PROXY_SHA256[proxyPlatform] : undefined;
        if (pinned === undefined) {
            throw new errors_ConfigurationError(proxyVersion === PROXY_VERSION
                ? `no pinned SHA-256 of the proxy for ${proxyPlatform}: set input "${constants/* Inputs */.G0.ProxySha256}" (from the release notes) or "${constants/* Inputs */.G0.ProxyPath}"`
                : `input "${constants/* Inputs */.G0.ProxyVersion}" is ${proxyVersion}, not the pinned ${PROXY_VERSION}: set input "${constants/* Inputs */.G0.ProxySha256}" to its SHA-256 for ${proxyPlatform} from the release notes`);
        }
        proxySha256 = pinned;
    }
    const workingDirectory = workspaceFolder(constants/* Inputs */.G0.WorkingDirectory, get(constants/* Inputs */.G0.WorkingDirectory) || '.', env);
    const timeoutMs = parseDuration(constants/* Inputs */.G0.Timeout, get(constants/* Inputs */.G0.Timeout) || '15m');
    return {
        url,
        rewrittenUrl,
        instance,
        proxyVersion,
        proxySha256,
        proxyPlatform,
        proxyPath,
        port,
        privateIp: parseBoolean(constants/* Inputs */.G0.PrivateIp, get(constants/* Inputs */.G0.PrivateIp), false),
        autoIamAuthn: parseBoolean(constants/* Inputs */.G0.AutoIamAuthn, get(constants/* Inputs */.G0.AutoIamAuthn), false),
        command: splitCommand(constants/* Inputs */.G0.Command, get(constants/* Inputs */.G0.Command) || 'alembic upgrade head'),
        workingDirectory,
        proxyTimeoutMs: parseDuration(constants/* Inputs */.G0.ProxyTimeout, get(constants/* Inputs */.G0.ProxyTimeout) || '60s'),
        timeoutMs,
        sessionTimeouts: readSessionTimeouts(url.scheme, timeoutMs),
    };
}
/** `0` (or `0s`, `0m`, `0h`): PostgreSQL's "no limit"; parseDuration refuses zero for the others. */
const ZERO_DURATION = /^0+(?:\.0*)?\s*[smh]?$/i;
/** lock-timeout (default 10s; 0 waits for ever) and statement-timeout (empty: the server's). */
function readSessionTimeouts(scheme, timeoutMs) {
    const lockRaw = get(constants/* Inputs */.G0.LockTimeout) || '10s';
    const statementRaw = get(constants/* Inputs */.G0.StatementTimeout);
    const duration = (name, text) => ZERO_DURATION.test(text) ? 0 : parseDuration(name, text);
    const timeouts = {
        lockTimeoutMs: duration(constants/* Inputs */.G0.LockTimeout, lockRaw),
        statementTimeoutMs: statementRaw === '' ? undefined : duration(constants/* Inputs */.G0.StatementTimeout, statementRaw),
    };
    if (scheme.startsWith('mysql')) {
        if (lockRaw !== '10s' || statementRaw !== '') {
            core/* warning */.$e(`inputs "${constants/* Inputs */.G0.LockTimeout}" and "${constants/* Inputs */.G0.StatementTimeout}" are PostgreSQL settings: a ${scheme} migration does not get them`);
        }
    }
    else if (!driverReadsPgOptions(scheme)) {
        core/* warning */.$e(`inputs "${constants/* Inputs */.G0.LockTimeout}" and "${constants/* Inputs */.G0.StatementTimeout}" reach the migration through PGOPTIONS, which only libpq drivers read (psycopg2, psycopg): ${scheme} ignores it, so set lock_timeout in the migration itself (SET lock_timeout = '10s')`);
    }
    if (!scheme.startsWith('mysql') && (timeouts.lockTimeoutMs === 0 || timeouts.lockTimeoutMs >= timeoutMs)) {
        core/* warning */.$e(`input "${constants/* Inputs */.G0.LockTimeout}" is ${names_shown(lockRaw)}, ${timeouts.lockTimeoutMs === 0 ? 'no limit' : `not shorter than "${constants/* Inputs */.G0.Timeout}"`}: a statement still waiting for a lock when the deadline stops the command goes on waiting on the server, and holds up every later query on that table`);
    }
    return timeouts;
}
/**
 * What the debug log may show of the inputs: the URL's scheme, host and database, and of the
 * command only its program (an argument may carry a secret: `-x password=…`).
 */
function describeInputs(inputs) {
    const { url, instance, proxyVersion, proxyPlatform, proxyPath, port, privateIp, autoIamAuthn } = inputs;
    const { command, workingDirectory } = inputs;
    return {
        url: { scheme: url.scheme, host: url.host, database: url.database },
        instance,
        proxyVersion,
        proxyPlatform,
        proxyPath,
        port,
        privateIp,
        autoIamAuthn,
        command: [command[0] ?? '', ...(command.length > 1 ? [`(${command.length - 1} arguments)`] : [])],
        workingDirectory,
        sessionTimeouts: inputs.sessionTimeouts,
    };
}

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
const DEFAULT_MAX_BODY = 64 * 1024;
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
    const client = url.protocol === 'https:' ? external_node_https_ : external_node_http_;
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
    const giveUp = (attempts) => new DeadlineError(`gave up waiting for ${options.what} after ${formatMs(Date.now() - started)} and ${attempts} attempt${attempts === 1 ? '' : 's'}; last: ${lastReason}`);
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
            lastReason += ` (asked to retry after ${formatMs(result.retryAfterMs)}, past the deadline)`;
            throw giveUp(n);
        }
        if (room <= 0)
            throw giveUp(n);
        const wait = Math.max(backoffDelay(n, backoff, random), result.retryAfterMs ?? 0);
        await abortable(sleep(Math.min(wait, room)), options.signal);
    }
}

;// CONCATENATED MODULE: ./src/migrate/proxy.ts














const TOOL_NAME = 'cloud-sql-proxy';
const DOWNLOAD_TIMEOUT_MS = 120_000;
/**
 * Readiness is a local HTTP call that costs next to nothing, so it is asked often: a proxy that
 * comes up is noticed within tens of milliseconds, not after a grown backoff.
 */
const READINESS_BACKOFF = { initialMs: 20, factor: 1.2, maxMs: 60, jitter: 0.2 };
const LOG_LINES_KEPT = 30;
async function sha256Of(file) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    for await (const chunk of (0,external_node_fs_.createReadStream)(file))
        hash.update(chunk);
    return hash.digest('hex');
}
/**
 * The proxy binary: `proxy-path` as given, the tool cache's copy of this version, or a download
 * from the official release bucket verified against its SHA-256 (a mismatch deletes the file).
 */
async function resolveProxy(inputs) {
    if (inputs.proxyPath !== '')
        return { path: inputs.proxyPath, source: constants/* Inputs */.G0.ProxyPath };
    // Loaded here only: the tool cache and its HTTP client are not needed with proxy-path.
    const tc = await __webpack_require__.e(/* import() */ 805).then(__webpack_require__.bind(__webpack_require__, 9805));
    const arch = process.arch;
    const cached = tc.find(TOOL_NAME, inputs.proxyVersion.replace(/^v/, ''), arch);
    if (cached !== '') {
        const path = `${cached}/${TOOL_NAME}`;
        // The cache is trusted no more than the network: the hash is checked on every use.
        if ((await sha256Of(path)) === inputs.proxySha256) {
            return { path, source: `tool cache (${inputs.proxyVersion})` };
        }
        core/* warning */.$e(`the cached ${TOOL_NAME} ${inputs.proxyVersion} does not match its SHA-256; downloading it again`);
    }
    const base = process.env[constants/* TEST_DOWNLOAD_BASE_VARIABLE */.$y] || undefined;
    const url = proxyDownloadUrl(inputs.proxyVersion, inputs.proxyPlatform, base);
    core/* info */.pq(`downloading ${url}`);
    const downloaded = await Promise.race([
        tc.downloadTool(url),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`the download of ${url} did not finish within ${formatMs(DOWNLOAD_TIMEOUT_MS)}`)), DOWNLOAD_TIMEOUT_MS).unref()),
    ]);
    const actual = await sha256Of(downloaded);
    if (actual !== inputs.proxySha256) {
        await (0,promises_.rm)(downloaded, { force: true });
        throw new Error(`the downloaded ${TOOL_NAME} ${inputs.proxyVersion} has SHA-256 ${actual}, not the expected ${inputs.proxySha256}; the file was deleted. Check ${constants/* Inputs */.G0.ProxyVersion} and ${constants/* Inputs */.G0.ProxySha256} against the release notes`);
    }
    await (0,promises_.chmod)(downloaded, 0o755);
    const dir = await tc.cacheFile(downloaded, TOOL_NAME, TOOL_NAME, inputs.proxyVersion.replace(/^v/, ''), arch);
    return { path: `${dir}/${TOOL_NAME}`, source: `downloaded ${inputs.proxyVersion}, SHA-256 verified` };
}
/** A port nobody listens on, for the proxy's health endpoints. */
function freePort() {
    return new Promise((resolve, reject) => {
        const server = (0,external_node_net_.createServer)();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            const port = typeof address === 'object' && address !== null ? address.port : 0;
            server.close(() => resolve(port));
        });
    });
}
/** Fails clearly when the proxy's port is taken, before the proxy reports it in its own words. */
function assertPortFree(port) {
    return new Promise((resolve, reject) => {
        const server = (0,external_node_net_.createServer)();
        server.once('error', (error) => {
            reject(error.code === 'EADDRINUSE'
                ? new errors_ConfigurationError(`port ${port} is already in use on 127.0.0.1 (a local PostgreSQL or another proxy?): set input "${constants/* Inputs */.G0.Port}" to a free port`)
                : error);
        });
        server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
    });
}
function proxyArgs(inputs, httpPort) {
    return [
        '--address',
        '127.0.0.1',
        '--port',
        String(inputs.port),
        '--health-check',
        '--http-address',
        '127.0.0.1',
        '--http-port',
        String(httpPort),
        ...(inputs.privateIp ? ['--private-ip'] : []),
        ...(inputs.autoIamAuthn ? ['--auto-iam-authn'] : []),
        inputs.instance,
    ];
}
/** Starts the proxy in its own process group, keeping the tail of its log. */
function startProxy(binary, args) {
    const child = (0,external_node_child_process_.spawn)(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const lines = [];
    const keep = (chunk) => {
        for (const line of chunk.split('\n'))
            if (line.trim() !== '')
                lines.push(secrets_redact(line));
        lines.splice(0, Math.max(0, lines.length - LOG_LINES_KEPT));
    };
    child.stdout.setEncoding('utf8').on('data', keep);
    child.stderr.setEncoding('utf8').on('data', keep);
    const untrack = trackProcess(child);
    let stopped;
    return {
        child,
        pid: child.pid ?? -1,
        logTail: () => lines.join('\n'),
        exitStatus: () => {
            if (stopped !== undefined)
                return undefined;
            if (child.signalCode !== null)
                return child.signalCode;
            return child.exitCode === null ? undefined : `code ${child.exitCode}`;
        },
        stop: () => {
            stopped ??= stopProcessGroup(child).finally(untrack);
            return stopped;
        },
    };
}
/** How long a failed command waits to learn whether the proxy died with it. */
const EXIT_CHECK_MS = 2_000;
/**
 * After the command failed: how the proxy ended if it died during the command (`code 1`,
 * `SIGKILL`), else undefined. A proxy killed at the same moment may not have been reaped yet
 * when the command's failure arrives, so one that does not answer its liveness endpoint is
 * given a moment to exit.
 */
async function proxyDeath(proxy, httpPort) {
    const known = proxy.exitStatus();
    if (known !== undefined)
        return known;
    try {
        const response = await httpGet(new URL(`http://127.0.0.1:${httpPort}/liveness`), {
            timeoutMs: EXIT_CHECK_MS / 2,
            maxBodyBytes: 4096,
        });
        if (response.status === 200)
            return undefined;
    }
    catch (error) {
        if (!(error instanceof RequestError))
            throw error;
    }
    await new Promise((resolve) => {
        const timer = setTimeout(resolve, EXIT_CHECK_MS);
        timer.unref();
        proxy.child.once('exit', () => {
            clearTimeout(timer);
            resolve();
        });
        if (proxy.exitStatus() !== undefined)
            resolve();
    });
    return proxy.exitStatus();
}
/**
 * Waits for the proxy's readiness endpoint, polling (never a fixed sleep); fails at once, with
 * the proxy's own log, when it exits, and at the deadline with its last log lines.
 */
async function waitForProxy(proxy, httpPort, timeoutMs) {
    const started = performance.now();
    const url = new URL(`http://127.0.0.1:${httpPort}/readiness`);
    // When the proxy exits, the polling stops too: nothing keeps the step waiting for a dead proxy.
    const stopPolling = new AbortController();
    const exited = new Promise((_, reject) => {
        const fail = (code, signal) => {
            reject(new Error(`the Cloud SQL Auth Proxy exited (${signal ?? `code ${code}`}) before it was ready:\n${proxy.logTail() || '(it printed nothing)'}`));
            stopPolling.abort(new Error('the proxy exited'));
        };
        if (proxy.child.exitCode !== null || proxy.child.signalCode !== null) {
            fail(proxy.child.exitCode, proxy.child.signalCode);
        }
        else
            proxy.child.once('exit', fail);
        proxy.child.once('error', (error) => reject(new Error(`the Cloud SQL Auth Proxy could not start: ${error.message}`)));
    });
    const ready = poll(async ({ remainingMs }) => {
        try {
            const response = await httpGet(url, { timeoutMs: Math.min(2_000, remainingMs), maxBodyBytes: 4096 });
            return response.status === 200
                ? { done: true, value: undefined }
                : { done: false, reason: `readiness answered ${response.status}` };
        }
        catch (error) {
            if (error instanceof RequestError) {
                return { done: false, reason: `readiness endpoint: ${error.code}` };
            }
            throw error;
        }
    }, {
        deadline: Date.now() + timeoutMs,
        what: 'the Cloud SQL Auth Proxy to be ready',
        backoff: READINESS_BACKOFF,
        signal: stopPolling.signal,
    });
    ready.catch(() => undefined);
    try {
        await Promise.race([ready, exited]);
    }
    catch (error) {
        if (error instanceof Error && error.name === 'DeadlineError') {
            throw new Error(`${error.message}\nThe proxy's last log lines:\n${proxy.logTail() || '(none)'}`, {
                cause: error,
            });
        }
        throw error;
    }
    finally {
        exited.catch(() => undefined);
        stopPolling.abort(new Error('done waiting'));
    }
    return performance.now() - started;
}

;// CONCATENATED MODULE: ./src/migrate/main.ts













/** `alembic current` after a failure: a quick read, bounded well below any step's deadline. */
const CURRENT_AFTER_FAILURE_MS = 30_000;
async function run() {
    await runStage({
        name: constants/* STAGE */.Ld,
        readInputs: readInputs,
        describeInputs: describeInputs,
        steps: async (inputs, stage) => {
            stage.row('Instance', inputs.instance);
            stage.row('Database', `${inputs.url.database} as ${inputs.url.user}`);
            stage.row('Command', inputs.command.join(' '));
            const { binary, httpPort } = await prepareProxy(inputs);
            stage.row('Proxy', binary.source);
            const proxy = await stage.group(`Cloud SQL Auth Proxy for ${inputs.instance} on 127.0.0.1:${inputs.port}`, () => startReadyProxy(inputs, binary.path, httpPort, stage));
            const env = {
                ...process.env,
                DATABASE_URL: inputs.rewrittenUrl,
                PGOPTIONS: pgOptions(process.env['PGOPTIONS'], inputs.sessionTimeouts),
            };
            const readRevision = alembicRevisionReader(inputs, env);
            const before = await readRevision?.();
            try {
                await stage.group(inputs.command.join(' '), () => runCommand(inputs, env));
            }
            catch (error) {
                // A cancelled step reports nothing more: the runner's kill is seconds away.
                if (stage.cancelled.aborted)
                    throw error;
                throw await explainFailure(error, { inputs, env, stage, proxy, httpPort, before });
            }
            const headline = readRevision === undefined || before === undefined
                ? 'command succeeded'
                : reportRevisions(stage, before, await readRevision());
            stage.headline(headline);
            core/* info */.pq(`${constants/* STAGE */.Ld}: ${headline}`);
        },
    });
}
/** The proxy binary, a free port for its health endpoints, and a clear error if `port` is taken. */
async function prepareProxy(inputs) {
    const [binary, httpPort] = await Promise.all([
        resolveProxy(inputs),
        freePort(),
        assertPortFree(inputs.port),
    ]);
    return { binary, httpPort };
}
/** Starts the proxy and waits until it is ready; it is stopped when the stage ends, whatever the outcome. */
async function startReadyProxy(inputs, binary, httpPort, stage) {
    const proxy = startProxy(binary, proxyArgs(inputs, httpPort));
    // The post: step stops it if this step dies before it could.
    core/* saveState */.LZ(constants/* State */.Uw.ProxyPid, String(proxy.pid));
    stage.defer(async () => {
        await proxy.stop();
        core/* saveState */.LZ(constants/* State */.Uw.ProxyPid, '');
    });
    const waited = await waitForProxy(proxy, httpPort, inputs.proxyTimeoutMs);
    core/* info */.pq(`the proxy is ready after ${formatMs(waited)}`);
    core/* info */.pq(proxy.logTail());
    return proxy;
}
/**
 * What a failed command leaves to know, before the proxy is stopped: whether the proxy died
 * under it (its exit and last log lines), where the database is now (`alembic current`), and
 * whether PostgreSQL's lock or statement timeout stopped it. Returns the error to fail with:
 * the command's own, with the cause first when one is known.
 */
async function explainFailure(error, context) {
    const { inputs, env, stage, proxy, httpPort, before } = context;
    const causes = [];
    // What is learnt here adds to the command's failure; it never replaces it.
    const death = await proxyDeath(proxy, httpPort).catch(() => undefined);
    if (death !== undefined) {
        const log = proxy.logTail() || '(it printed nothing)';
        stage.row('Proxy exit', death);
        stage.headline(`failed; the Cloud SQL Auth Proxy exited (${death}) during the command`);
        stage.note(`The Cloud SQL Auth Proxy exited (${death}) during the command; its last log lines:\n${log}`);
        core/* info */.pq(`${constants/* STAGE */.Ld}: the Cloud SQL Auth Proxy exited (${death}) during the command; its last log lines:`);
        writeFenced(`${log}\n`);
        causes.push(`the Cloud SQL Auth Proxy exited (${death}) during the command (its log is above)`);
    }
    const output = error instanceof ToolError ? `${error.result?.stdout ?? ''}\n${error.result?.stderr ?? ''}` : '';
    const timeout = explainTimeout(output, inputs.sessionTimeouts);
    if (timeout !== undefined)
        causes.push(timeout);
    const prefix = alembicPrefix(inputs.command);
    if (prefix !== undefined) {
        if (death !== undefined) {
            stage.note('alembic current was not run after the failure: the proxy it would connect through is gone');
        }
        else {
            await reportCurrentAfterFailure(prefix, inputs, env, stage, before);
        }
    }
    const message = messageOf(error);
    return causes.length === 0
        ? asError(error)
        : new Error(`${causes.join('; ')}\n${message}`, { cause: error });
}
function asError(error) {
    return error instanceof Error ? error : new Error(messageOf(error));
}
/**
 * `alembic current` after a failed command, its output in the log through the relay, the
 * revision in the summary: with transactional DDL it is where it was before; a revision that
 * ran outside a transaction (or a migration that commits per revision) may have moved it.
 */
async function reportCurrentAfterFailure(prefix, inputs, env, stage, before) {
    const [command = 'alembic', ...args] = prefix;
    try {
        const current = await stage.group(`${prefix.join(' ')} current (after the failure)`, () => currentRevision(prefix, inputs.workingDirectory, env, CURRENT_AFTER_FAILURE_MS, true));
        const shown = current === '' ? '(empty database)' : current;
        stage.row('Revision after failure', shown);
        const moved = before !== undefined && before !== current;
        stage.headline(current === ''
            ? 'failed; the database has no revision'
            : `failed; the database is at ${shortRevision(current)}`);
        const note = moved
            ? `alembic current after the failure: ${shown}, not ${before === '' ? '(empty database)' : before} as before the command: part of the migration was committed`
            : `alembic current after the failure: ${shown}, as before the command`;
        stage.note(note);
        core/* info */.pq(`${constants/* STAGE */.Ld}: ${note}`);
    }
    catch (currentError) {
        const note = `alembic current after the failure did not answer: ${secrets_redact(messageOf(currentError)).split('\n')[0] ?? ''}`;
        stage.note(note);
        core/* warning */.$e(`${constants/* STAGE */.Ld}: ${note} (${[command, ...args].join(' ')} current)`);
    }
}
/** Reads the Alembic head the database is at; undefined when the command is not Alembic. */
function alembicRevisionReader(inputs, env) {
    const prefix = alembicPrefix(inputs.command);
    if (prefix === undefined)
        return undefined;
    return () => currentRevision(prefix, inputs.workingDirectory, env, inputs.timeoutMs);
}
/** The migration command itself, its output streamed to the log. */
async function runCommand(inputs, env) {
    const [command = '', ...args] = inputs.command;
    await runTool(command, args, {
        cwd: inputs.workingDirectory,
        env,
        timeoutMs: inputs.timeoutMs,
        live: true,
    });
}
/** Alembic revision ids, comma-separated when there are several heads (what parseCurrent reads). */
const ALEMBIC_REVISIONS = /^[0-9a-zA-Z_]+(?:,[0-9a-zA-Z_]+)*$/;
/** The revisions before and after as the summary's row and the outputs; returns the headline. */
function reportRevisions(stage, before, after) {
    const revisions = describeRevisions(before, after);
    stage.row('Revisions', revisions);
    setCheckedOutput(constants/* Outputs */.tY.RevisionBefore, before, { kind: 'line', pattern: ALEMBIC_REVISIONS });
    setCheckedOutput(constants/* Outputs */.tY.RevisionAfter, after, { kind: 'line', pattern: ALEMBIC_REVISIONS });
    return revisions;
}


/***/ })

};

//# sourceMappingURL=775.index.js.map