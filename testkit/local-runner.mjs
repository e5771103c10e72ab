// Runs a bundled action the way the GitHub runner does: `node actions/<stage>/dist/index.js`
// with INPUT_* (hyphens kept, defaults from action.yml), file commands as real files,
// RUNNER_TEMP, GITHUB_WORKSPACE and friends; then its `post:` with the saved state.
// Plain JavaScript so that tests, benchmarks and the demo share it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse as parseYaml } from 'yaml';

export const repoRoot = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

/**
 * @typedef {{ description?: string, required?: boolean, default?: string }} InputSpec
 * @typedef {{ inputs?: Record<string, InputSpec>, outputs?: Record<string, { description?: string }>,
 *   runs: { using: string, main: string, post?: string, 'post-if'?: string } }} ActionSpec
 */

/** @param {string} stage @param {string} [dir] @returns {ActionSpec} */
export function readActionYml(stage, dir = join(repoRoot, 'actions', stage)) {
  return /** @type {ActionSpec} */ (parseYaml(readFileSync(join(dir, 'action.yml'), 'utf8')));
}

/** The runner's name for an input's variable: spaces to `_`, upper case, hyphens kept. @param {string} name */
export const inputVariable = (name) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

/**
 * Parses a GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV file: `key=value` lines and
 * `key<<DELIMITER` heredocs.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseFileCommands(text) {
  /** @type {Record<string, string>} */
  const values = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = /** @type {string} */ (lines[i]);
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, key, delim] = /** @type {[string, string, string]} */ (/** @type {unknown} */ (heredoc));
      const body = [];
      i++;
      while (i < lines.length && lines[i] !== delim) body.push(lines[i++]);
      if (i >= lines.length) throw new Error(`heredoc for ${key} is not closed by ${delim}`);
      values[key] = body.join('\n');
      continue;
    }
    const at = line.indexOf('=');
    if (at <= 0) throw new Error(`malformed file command line: ${line}`);
    values[line.slice(0, at)] = line.slice(at + 1);
  }
  return values;
}

/**
 * @typedef {object} RunOptions
 * @property {string} stage
 * @property {Record<string, string>} [inputs]
 * @property {Record<string, string | undefined>} [env] extra variables (undefined removes one)
 * @property {string[]} [pathPrepend] folders put before PATH (stand-ins)
 * @property {string[]} [secrets] values that must appear nowhere; the run fails the test if they do
 *   (every value the step itself registers with `::add-mask::` is checked too, always)
 * @property {number} [timeoutMs] the harness's own deadline (default 60 s)
 * @property {{ whenLog?: RegExp, when?: () => boolean, signal?: NodeJS.Signals, secondSignalAfterMs?: number }} [cancel]
 *   cancels the step as the runner does, once the log matches `whenLog` and/or `when()` holds
 * @property {boolean} [post] run `post:` too (default: when action.yml has one)
 * @property {string} [cwd]
 * @property {string} [actionDir] run the action in this folder instead of actions/<stage>
 */

/**
 * @typedef {object} StepResult
 * @property {number | null} code
 * @property {NodeJS.Signals | null} signal
 * @property {string} stdout
 * @property {string} stderr
 * @property {number} durationMs
 */

/**
 * @typedef {StepResult & { outputs: Record<string, string>, state: Record<string, string>,
 *   exported: Record<string, string>, summary: string, log: string, rawLog: string, post?: StepResult,
 *   runnerTemp: string, workspace: string, cleanup: () => void }} RunResult
 */

/**
 * @param {string} script
 * @param {NodeJS.ProcessEnv} env
 * @param {string} cwd
 * @param {number} timeoutMs
 * @param {RunOptions['cancel']} [cancel]
 * @returns {Promise<StepResult>}
 */
function runNode(script, env, cwd, timeoutMs, cancel) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let cancelled = false;
    const maybeCancel = () => {
      if (!cancel || cancelled) return;
      if (cancel.whenLog && !cancel.whenLog.test(stdout + stderr)) return;
      if (cancel.when && !cancel.when()) return;
      cancelled = true;
      child.kill(cancel.signal ?? 'SIGINT');
      if (cancel.secondSignalAfterMs !== undefined) {
        setTimeout(() => child.kill('SIGTERM'), cancel.secondSignalAfterMs).unref();
      }
    };
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      maybeCancel();
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      maybeCancel();
    });
    const watcher = cancel?.when ? setInterval(maybeCancel, 25) : undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not exit within ${timeoutMs} ms; log so far:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(watcher);
      resolve({ code, signal, stdout, stderr, durationMs: performance.now() - started });
    });
  });
}

/** @param {string} file */
const readIfAny = (file) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

/**
 * Starts the bundled action as the runner would and collects what it left.
 * @param {RunOptions} options
 * @returns {Promise<RunResult>}
 */
export async function runAction(options) {
  const { actionDir, spec, env, paths, home, runnerTemp, workspace } = prepareRun(options);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const main = await runNode(join(actionDir, spec.runs.main), env, workspace, timeoutMs, options.cancel);
  const state = parseFileCommands(readIfAny(/** @type {string} */ (paths.state)));
  /** @type {StepResult | undefined} */
  let post;
  if (spec.runs.post !== undefined && options.post !== false) {
    post = await runNode(join(actionDir, spec.runs.post), withState(env, state), workspace, timeoutMs);
  }
  const result = {
    ...main,
    outputs: parseFileCommands(readIfAny(/** @type {string} */ (paths.output))),
    state,
    exported: parseFileCommands(readIfAny(/** @type {string} */ (paths.env))),
    summary: readIfAny(/** @type {string} */ (paths.summary)),
    rawLog: main.stdout + main.stderr + (post ? post.stdout + post.stderr : ''),
    log: decodeCommands(main.stdout + main.stderr + (post ? post.stdout + post.stderr : '')),
    ...(post ? { post } : {}),
    runnerTemp,
    workspace,
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
  assertNoLeaks(result, [...(options.secrets ?? []), ...registeredSecrets(result.rawLog)]);
  return result;
}

/**
 * Starts only the action's `post:` step, with the state a main step saved (one that died before
 * it could clean up, say), as the runner would; `secrets` are checked as for `runAction`.
 * @param {RunOptions & { state: Record<string, string> }} options
 * @returns {Promise<StepResult & { log: string, summary: string }>}
 */
export async function runPostStep(options) {
  const { actionDir, spec, env, paths, home, workspace } = prepareRun(options);
  if (spec.runs.post === undefined) throw new Error(`actions/${options.stage} has no post: step`);
  try {
    const post = await runNode(
      join(actionDir, spec.runs.post),
      withState(env, options.state),
      workspace,
      options.timeoutMs ?? 60_000,
      options.cancel,
    );
    const result = {
      ...post,
      outputs: parseFileCommands(readIfAny(/** @type {string} */ (paths.output))),
      state: options.state,
      exported: parseFileCommands(readIfAny(/** @type {string} */ (paths.env))),
      summary: readIfAny(/** @type {string} */ (paths.summary)),
      rawLog: post.stdout + post.stderr,
      log: decodeCommands(post.stdout + post.stderr),
    };
    assertNoLeaks(result, [...(options.secrets ?? []), ...registeredSecrets(result.rawLog)]);
    return result;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {Record<string, string>} state
 */
const withState = (env, state) => ({
  ...env,
  ...Object.fromEntries(Object.entries(state).map(([key, value]) => [`STATE_${key}`, value])),
});

/**
 * The runner's side of a step: the action's metadata, its folders and file-command files, and
 * the environment (runner variables, inputs with their defaults, the test's own variables).
 * @param {RunOptions} options
 */
function prepareRun(options) {
  const actionDir = options.actionDir ?? join(repoRoot, 'actions', options.stage);
  const spec = readActionYml(options.stage, actionDir);
  for (const name of Object.keys(options.inputs ?? {})) {
    if (!(name in (spec.inputs ?? {}))) {
      throw new Error(`input "${name}" is not declared in ${join(actionDir, 'action.yml')}`);
    }
  }
  const home = mkdtempSync(join(tmpdir(), `runner-${options.stage}-`));
  const runnerTemp = join(home, 'temp');
  const workspace = options.cwd ?? join(home, 'workspace');
  const files = /** @type {const} */ (['output', 'state', 'env', 'path', 'summary']);
  mkdirSync(runnerTemp, { recursive: true });
  mkdirSync(workspace, { recursive: true });
  mkdirSync(join(home, 'tool-cache'), { recursive: true });
  /** @type {Record<string, string>} */
  const paths = {};
  for (const name of files) {
    paths[name] = join(home, `file-commands-${name}`);
    writeFileSync(/** @type {string} */ (paths[name]), '');
  }

  /** @type {NodeJS.ProcessEnv} */
  const env = {
    PATH: [...(options.pathPrepend ?? []), process.env.PATH ?? '/usr/bin:/bin'].join(delimiter),
    HOME: process.env.HOME ?? home,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_OUTPUT: paths.output,
    GITHUB_STATE: paths.state,
    GITHUB_ENV: paths.env,
    GITHUB_PATH: paths.path,
    GITHUB_STEP_SUMMARY: paths.summary,
    GITHUB_WORKSPACE: workspace,
    GITHUB_SHA: '3f2a9c81d4e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9',
    GITHUB_REF: 'refs/heads/dev',
    GITHUB_REF_NAME: 'dev',
    GITHUB_REPOSITORY: 'example-org/fastapi-service',
    GITHUB_RUN_ID: '1234567890',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_ACTION: options.stage,
    GITHUB_JOB: options.stage,
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: join(home, 'tool-cache'),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_DEBUG: '1',
  };
  for (const [name, input] of Object.entries(spec.inputs ?? {})) {
    if (input.default !== undefined) env[inputVariable(name)] = String(input.default);
  }
  for (const [name, value] of Object.entries(options.inputs ?? {})) env[inputVariable(name)] = value;
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }

  return { actionDir, spec, env, paths, home, runnerTemp, workspace };
}

/**
 * The lines of a raw log, each marked as a workflow command the runner acts on or as plain text.
 * Between `::stop-commands::<token>` and `::<token>::` nothing is a command, as on the runner.
 * @param {string} text
 * @returns {{ line: string, command: boolean, fence: boolean }[]}
 */
export function classifyLines(text) {
  /** @type {string | undefined} */
  let fence;
  return text.split('\n').map((line) => {
    if (fence !== undefined) {
      if (line === `::${fence}::`) {
        fence = undefined;
        return { line, command: false, fence: true };
      }
      return { line, command: false, fence: false };
    }
    const stop = /^::stop-commands::(.+)$/.exec(line);
    if (stop !== null) {
      fence = stop[1];
      return { line, command: false, fence: true };
    }
    return { line, command: line.startsWith('::'), fence: false };
  });
}

/**
 * The workflow commands the runner would act on in a raw log (`::error …::…`, `::add-mask::…`),
 * those inside a stop-commands fence left out. @param {string} text
 */
export function workflowCommands(text) {
  return classifyLines(text)
    .filter((entry) => entry.command)
    .map((entry) => entry.line);
}

/**
 * The log as the runner shows it: the data of workflow commands (`::error::…`) unescaped
 * (`%25` → `%`, `%0A` → newline, `%0D` → carriage return); the fence lines of stop-commands
 * are not shown, and what they fence is shown as printed.
 * @param {string} text
 */
export function decodeCommands(text) {
  return classifyLines(text)
    .filter((entry) => !entry.fence)
    .map(({ line, command }) =>
      command
        ? line
            .replace(/%0D/g, '\r')
            .replace(/%0A/g, '\n')
            .replace(/%3A/g, ':')
            .replace(/%2C/g, ',')
            .replace(/%25/g, '%')
        : line,
    )
    .join('\n');
}

/**
 * Shorter registered values are not checked on their own: "pw" is a test's password, but also
 * part of unrelated words, and the runner masks it where it appears anyway.
 */
const MIN_CHECKED_MASK = 8;

/**
 * Every value the step registered as a secret (`::add-mask::`, outside fences), as the runner
 * reads it. Every run is checked against these: what the action itself called a secret must
 * not reach the log unmasked, the outputs, the state, the exported variables or the summary.
 * @param {string} rawLog
 */
export function registeredSecrets(rawLog) {
  return workflowCommands(rawLog)
    .filter((line) => line.startsWith('::add-mask::'))
    .map((line) =>
      line.slice('::add-mask::'.length).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'),
    )
    .filter((value) => value.trim().length >= MIN_CHECKED_MASK);
}

/** The length of a piece of a secret that counts as a leak of it (a cut token, say). */
export const PIECE = 12;
/** Past this much text the pieces are not looked for (the whole forms always are). */
const MAX_PIECE_SEARCH = 4 * 1024 * 1024;

/** A token, key or password: one word of letters, digits and token punctuation (no URL). */
const TOKEN_LIKE = /^[A-Za-z0-9+/=_.~!*-]+$/;

/**
 * The first piece of PIECE characters of `secret` found in `text`, if any; only for token-like
 * secrets of at least 2 × PIECE characters. A URL's pieces (`postgresql+p`) are not secret.
 * @param {string} secret @param {string} text
 */
export function partOf(secret, text) {
  if (secret.length < 2 * PIECE || !TOKEN_LIKE.test(secret)) return undefined;
  if (text.length > MAX_PIECE_SEARCH || text.length < PIECE) return undefined;
  for (let at = 0; at + PIECE <= secret.length; at++) {
    const piece = secret.slice(at, at + PIECE);
    if (text.includes(piece)) return piece;
  }
  return undefined;
}

/** The forms in which a secret would show up. @param {string} secret */
export function leakForms(secret) {
  const buffer = Buffer.from(secret, 'utf8');
  return [
    ...new Set([secret, encodeURIComponent(secret), buffer.toString('base64'), buffer.toString('base64url')]),
  ];
}

/**
 * Fails when a secret, in any of its forms, appears in the log (the runner's own
 * `::add-mask::` commands aside), the outputs, the state, the exported variables or the summary.
 * @param {Pick<RunResult, 'log' | 'rawLog' | 'outputs' | 'summary' | 'state' | 'exported'>} result
 * @param {string[]} secrets
 */
export function assertNoLeaks(result, secrets) {
  /** @param {string} text */
  const withoutMasks = (text) =>
    classifyLines(text)
      .filter((entry) => !(entry.command && entry.line.startsWith('::add-mask::')))
      .map((entry) => entry.line)
      .join('\n');
  /** @param {Record<string, string>} values */
  const flat = (values) =>
    Object.entries(values)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n');
  // A multi-line mask (`::add-mask::a%0Ab`) is decoded into several lines of the log: the
  // lines after its first are the runner's command too, not a leak.
  const maskLines = new Set(
    workflowCommands(result.rawLog)
      .filter((line) => line.startsWith('::add-mask::'))
      .flatMap((line) => decodeCommands(line).split('\n').slice(1)),
  );
  const places = {
    log: withoutMasks(result.log)
      .split('\n')
      .filter((line) => !maskLines.has(line))
      .join('\n'),
    'raw log': withoutMasks(result.rawLog),
    outputs: flat(result.outputs),
    state: flat(result.state),
    exported: flat(result.exported),
    summary: result.summary,
  };
  const found = [];
  for (const secret of secrets) {
    if (secret === '') continue;
    for (const form of leakForms(secret)) {
      for (const [place, text] of Object.entries(places)) {
        if (text.includes(form)) {
          found.push(`${place} contains a secret (as "${form.slice(0, 3)}…", ${form.length} chars)`);
        } else if (partOf(form, text) !== undefined) {
          // A piece is a leak too: the runner's masker does not catch a cut secret.
          found.push(`${place} contains ${PIECE} characters of a secret (${form.length} chars)`);
        }
      }
    }
  }
  if (found.length > 0) throw new Error(`secret leak: ${[...new Set(found)].join('; ')}`);
}
