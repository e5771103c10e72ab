// Proves that the committed bundles are the ones the sources build, and that each one starts.
//
// 1. Rebuild every stage, then ask git whether anything under actions/*/dist differs from the
//    commit (modified, deleted or untracked): the runner executes dist, never src.
// 2. Start each bundle once, as the runner would but with no inputs. It must exit 1 with a
//    `::error::<stage>:` line: proof that it loaded and reached our error boundary. A bundle can
//    build without an error and still crash on start (a CommonJS build of @actions/core 3 does).
//
// Both parts always run, so one CI log shows every problem; any problem exits 1.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStage, stages } from './build.mjs';
import { readActionYml, repoRoot } from '../testkit/local-runner.mjs';

const startDeadlineMs = 10_000;

/** @param {string[]} args */
function git(args) {
  const result = spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** Lines of `git status --porcelain` for files under actions/<stage>/dist/. */
function changedDistFiles() {
  // --untracked-files=all lists each new file rather than only its folder.
  return git(['status', '--porcelain', '--untracked-files=all', '--', 'actions/'])
    .split('\n')
    .filter((line) => /^.. "?actions\/[^/]+\/dist\//.test(line));
}

/**
 * Starts one bundle with a clean environment: only PATH and HOME from ours (NODE_EXTRA_CA_CERTS
 * and friends would make the start differ from the runner's), and empty file commands.
 * @param {string} stage
 * @returns {Promise<{ code: number | null, output: string, timedOut: boolean }>}
 */
function startBundle(stage) {
  const dir = mkdtempSync(join(tmpdir(), `check-dist-${stage}-`));
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
  };
  const main = join(repoRoot, 'actions', stage, readActionYml(stage).runs.main);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, startDeadlineMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, output, timedOut });
    });
  });
}

/**
 * Why a start is not the expected clean failure, or undefined when it is.
 * @param {string} stage @param {{ code: number | null, output: string, timedOut: boolean }} start
 */
function startProblem(stage, start) {
  if (start.timedOut) return `did not exit within ${startDeadlineMs / 1000} s`;
  // An uncaught error prints a stack (frames start with "at "); ours never does without RUNNER_DEBUG.
  if (/^\s+at .+/m.test(start.output) || /ERR_REQUIRE_ESM|ERR_MODULE_NOT_FOUND/.test(start.output)) {
    return 'crashed instead of failing through the error boundary';
  }
  if (start.code !== 1) return `exited with ${start.code}, expected 1 (no inputs given)`;
  if (!start.output.split('\n').some((line) => line.startsWith(`::error::${stage}:`))) {
    return `printed no "::error::${stage}:" line`;
  }
  return undefined;
}

let failed = false;

for (const stage of stages()) buildStage(stage);
const changed = changedDistFiles();
if (changed.length > 0) {
  failed = true;
  console.error('check-dist: the committed bundles differ from what the sources build:');
  for (const line of changed) console.error(`  ${line}`);
  const stat = git(['diff', '--stat', '--', 'actions/']).trimEnd();
  if (stat !== '') console.error(stat);
  console.error('run npm run build and commit actions/*/dist');
} else {
  console.log(`check-dist: actions/*/dist matches the sources (${stages().join(', ')})`);
}

for (const stage of stages()) {
  let start;
  try {
    start = await startBundle(stage);
  } catch (error) {
    failed = true;
    console.error(`check-dist: actions/${stage} could not be started: ${String(error)}`);
    continue;
  }
  const problem = startProblem(stage, start);
  if (problem === undefined) {
    console.log(`check-dist: actions/${stage}/dist starts and fails cleanly without inputs`);
  } else {
    failed = true;
    console.error(
      `check-dist: actions/${stage}/dist ${problem}; its output:\n${start.output.trimEnd() || '(none)'}`,
    );
  }
}

if (failed) process.exit(1);
