// .github/workflows/release.yml, run as the runner runs it: each `run:` script of the publish and
// rollback jobs goes to bash (`shell: bash`: --noprofile --norc -eo pipefail) with the job's and
// the step's `env:` evaluated against the github, inputs and steps contexts, fresh
// $GITHUB_OUTPUT per step, and `gh`/`git` replaced on PATH by stand-ins. The gh stand-in keeps
// GitHub's state (releases, refs, annotated tag objects) in a JSON file and prints what gh prints
// when its stdout is no terminal: `--json` as one compact line (keys in order), `gh api` the
// response body on stdout and `gh: <message> (HTTP <status>)` on stderr for an error status.
// Then the structure: triggers, permissions, timeouts, the CI call, concurrency.
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } from '@actions/workflow-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from '../../testkit/local-runner.mjs';
import { runBashStep, substituteExpressions } from '../../testkit/workflows.js';

// ---------------------------------------------------------------------------------------------
// The workflow file

type EnvValue = string | number | boolean;

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
  env?: Record<string, EnvValue>;
  if?: string;
}

interface Job {
  name?: string;
  if?: string;
  needs?: string | string[];
  uses?: string;
  'runs-on'?: string;
  'timeout-minutes'?: number;
  permissions?: Record<string, string>;
  env?: Record<string, EnvValue>;
  steps?: Step[];
}

interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  defaults?: { run?: { shell?: string } };
  env?: Record<string, EnvValue>;
  jobs: Record<string, Job>;
}

const workflowsDir = join(repoRoot, '.github', 'workflows');
const readWorkflow = (name: string) => parseYaml(readFileSync(join(workflowsDir, name), 'utf8')) as Workflow;
const release = readWorkflow('release.yml');

// ---------------------------------------------------------------------------------------------
// GitHub as the gh stand-in sees it

const REPO = 'acme/cloud-run-actions';
const sha = (char: string) => char.repeat(40);
const OLD = sha('1');
const NEW = sha('2');
const OTHER = sha('3');
const TAG_OBJECT = sha('4');

interface GitHubState {
  repo: string;
  /** `tags/v1` → what the ref points at. */
  refs: Record<string, { type: 'commit' | 'tag'; sha: string }>;
  /** Annotated tag objects by their sha. */
  tagObjects: Record<string, { tag: string; object: { type: 'commit' | 'tag'; sha: string } }>;
  /** Releases in creation order. */
  releases: Record<
    string,
    { isDraft: boolean; isPrerelease: boolean; name?: string; body?: string; latest?: string | null }
  >;
  /** `METHOD path` → an error answer instead of the normal one. */
  failures?: Record<string, { status: number; message: string }>;
}

const published = { isDraft: false, isPrerelease: false };

// The stand-ins are plain ES modules (test/standins/release): they run outside vitest, with the
// runner's environment; `npm run release:dry-run` uses the same ones.
const standinsDir = join(repoRoot, 'test', 'standins', 'release');

// ---------------------------------------------------------------------------------------------
// A runner for one job of release.yml

const CHANGELOG = `# Changelog

## [Unreleased]

- Work in progress.

## [2.0.0-rc.1] - 2025-03-01

- Release candidate of v2.

## [1.2.3] - 2025-02-14

### Fixed

- \`actions/deploy\` names the held lock's id ([#42]).

## [1.2.2] - 2025-01-10

- Earlier.

[unreleased]: https://github.com/acme/cloud-run-actions/compare/v1.2.3...HEAD
[#42]: https://github.com/acme/cloud-run-actions/pull/42
`;

const cleanups: string[] = [];
afterAll(() => {
  for (const dir of cleanups) rmSync(dir, { recursive: true, force: true });
});

interface JobRun {
  code: number;
  /** Name of the step that failed, if one did. */
  failedStep?: string;
  /** Every step's stdout and stderr, in order. */
  log: string;
  outputs: Record<string, Record<string, string>>;
  summary: string;
  ghCalls: { args: string[]; repo: string | null; notes?: string }[];
  gitCalls: string[][];
  state: GitHubState;
  runnerTemp: string;
}

interface JobOptions {
  event: 'push' | 'workflow_dispatch';
  /** github.ref_name: the pushed tag, or the branch of a manual run. */
  refName: string;
  /** github.sha: the commit of the tag. */
  sha: string;
  inputs?: Record<string, string>;
  state: GitHubState;
  packageVersion?: string;
  changelog?: string;
}

/** Evaluates the `${{ path.to.value }}` expressions of an env value; anything else is refused. */
function evaluate(value: string, context: Record<string, unknown>): string {
  return substituteExpressions(value, (expression) => {
    if (!/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/.test(expression)) {
      throw new Error(`the test runner evaluates property paths only, not "${expression}"`);
    }
    let current: unknown = context;
    for (const key of expression.split('.')) {
      current =
        typeof current === 'object' && current !== null
          ? (current as Record<string, unknown>)[key]
          : undefined;
    }
    // Like the runner: a missing value is the empty string.
    if (current === undefined || current === null) return '';
    if (typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean') {
      return String(current);
    }
    throw new Error(`"${expression}" is no scalar`);
  });
}

function runJob(jobId: string, options: JobOptions): JobRun {
  const job = release.jobs[jobId]!;
  expect(release.defaults?.run?.shell).toBe('bash');
  const home = mkdtempSync(join(tmpdir(), `release-${jobId}-`));
  cleanups.push(home);
  const workspace = join(home, 'workspace');
  const runnerTemp = join(home, 'temp');
  const bin = join(home, 'bin');
  for (const dir of [workspace, join(workspace, 'scripts'), runnerTemp, bin]) {
    mkdirSync(dir, { recursive: true });
  }

  // The checkout: the release scripts, and package.json and CHANGELOG.md of the tagged commit.
  for (const name of readdirSync(join(repoRoot, 'scripts')).filter((file) => /^release.*\.mjs$/.test(file))) {
    copyFileSync(join(repoRoot, 'scripts', name), join(workspace, 'scripts', name));
  }
  writeFileSync(
    join(workspace, 'package.json'),
    JSON.stringify({ version: options.packageVersion ?? '1.2.3' }),
  );
  writeFileSync(join(workspace, 'CHANGELOG.md'), options.changelog ?? CHANGELOG);

  const statePath = join(home, 'github-state.json');
  const ghCallsPath = join(home, 'gh-calls.jsonl');
  const gitCallsPath = join(home, 'git-calls.jsonl');
  writeFileSync(statePath, JSON.stringify(options.state));
  writeFileSync(ghCallsPath, '');
  writeFileSync(gitCallsPath, '');
  copyFileSync(join(standinsDir, 'gh.mjs'), join(bin, 'gh.mjs'));
  copyFileSync(join(standinsDir, 'git.mjs'), join(bin, 'git.mjs'));
  for (const tool of ['gh', 'git']) {
    writeFileSync(join(bin, tool), `#!/usr/bin/env bash\nexec node "$(dirname "$0")/${tool}.mjs" "$@"\n`);
    chmodSync(join(bin, tool), 0o755);
  }

  const context = {
    github: {
      repository: REPO,
      event_name: options.event,
      ref_name: options.refName,
      ref: options.event === 'push' ? `refs/tags/${options.refName}` : `refs/heads/${options.refName}`,
      sha: options.sha,
      token: 'ghs_standInToken',
    },
    inputs: options.inputs ?? {},
    runner: { temp: runnerTemp },
    steps: {} as Record<string, { outputs: Record<string, string> }>,
  };
  const base: Record<string, string> = {
    PATH: [bin, dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
    HOME: home,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: REPO,
    GITHUB_EVENT_NAME: options.event,
    GITHUB_REF: context.github.ref,
    GITHUB_REF_NAME: options.refName,
    GITHUB_SHA: options.sha,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    GH_STANDIN_STATE: statePath,
    GH_STANDIN_CALLS: ghCallsPath,
    GIT_STANDIN_CALLS: gitCallsPath,
  };
  const evaluated = (env: Record<string, EnvValue> | undefined) =>
    Object.fromEntries(
      Object.entries(env ?? {}).map(([name, value]) => [name, evaluate(String(value), context)]),
    );

  let log = '';
  let summary = '';
  let code = 0;
  let failedStep: string | undefined;
  (job.steps ?? []).forEach((step, index) => {
    if (code !== 0) return;
    // A step `if:` would need the expression language; the jobs branch inside their scripts.
    expect(step.if, `step ${index} of ${jobId} has an if:`).toBeUndefined();
    if (step.uses !== undefined) return; // checkout and setup-node: the workspace and node are ready
    const result = runBashStep(
      step,
      { ...base, ...evaluated(release.env), ...evaluated(job.env), ...evaluated(step.env) },
      runnerTemp,
      { cwd: workspace, timeoutMs: 20_000 },
    );
    log += result.stdout + result.stderr;
    summary += result.summary;
    if (step.id !== undefined) context.steps[step.id] = { outputs: result.outputs };
    if (result.code !== 0) {
      code = result.code ?? 1;
      failedStep = step.name ?? step.run;
    }
  });
  const lines = (path: string) =>
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as unknown);
  return {
    code,
    failedStep,
    log,
    outputs: Object.fromEntries(Object.entries(context.steps).map(([id, step]) => [id, step.outputs])),
    summary,
    ghCalls: lines(ghCallsPath) as JobRun['ghCalls'],
    gitCalls: lines(gitCallsPath) as string[][],
    state: JSON.parse(readFileSync(statePath, 'utf8')) as GitHubState,
    runnerTemp,
  };
}

const apiCalls = (run: JobRun) =>
  run.ghCalls.filter((call) => call.args[0] === 'api').map((call) => call.args);
const GET_MAJOR = (major: string) => ['api', `repos/${REPO}/git/ref/tags/${major}`, '--silent'];
const PATCH_MAJOR = (major: string, target: string) => [
  'api',
  '--method',
  'PATCH',
  `repos/${REPO}/git/refs/tags/${major}`,
  '-f',
  `sha=${target}`,
  '-F',
  'force=true',
  '--silent',
];
const POST_MAJOR = (major: string, target: string) => [
  'api',
  '--method',
  'POST',
  `repos/${REPO}/git/refs`,
  '-f',
  `ref=refs/tags/${major}`,
  '-f',
  `sha=${target}`,
  '--silent',
];

/** A repository where v1.2.2 is the newest release and v1 points at it. */
function v1Repository(): GitHubState {
  return {
    repo: REPO,
    refs: {
      'tags/v1': { type: 'commit', sha: OLD },
      'tags/v1.2.2': { type: 'commit', sha: OLD },
      'tags/v1.1.0': { type: 'commit', sha: OTHER },
    },
    tagObjects: {},
    releases: { 'v1.1.0': { ...published }, 'v1.2.2': { ...published } },
  };
}

// ---------------------------------------------------------------------------------------------

describe('release.yml publish (a vX.Y.Z tag was pushed)', () => {
  const push = (tag: string, state: GitHubState, more: Partial<JobOptions> = {}) =>
    runJob('publish', { event: 'push', refName: tag, sha: NEW, state, ...more });

  it('publishes the release with its CHANGELOG notes and moves v1 to the tagged commit', () => {
    const state = v1Repository();
    state.refs['tags/v1.2.3'] = { type: 'commit', sha: NEW };
    const run = push('v1.2.3', state);

    expect(run.code, run.log).toBe(0);
    expect(run.outputs['tag']).toEqual({
      major: 'v1',
      minor: 'v1.2',
      prerelease: 'false',
      version: '1.2.3',
    });
    expect(run.outputs['rank']).toEqual({
      latest: 'true',
      'move-major': 'true',
      'move-minor': 'true',
      newer: '',
    });
    const notesFile = join(run.runnerTemp, 'release-notes.md');
    const notes =
      "### Fixed\n\n- `actions/deploy` names the held lock's id ([#42]).\n\n[#42]: https://github.com/acme/cloud-run-actions/pull/42\n";
    expect(run.ghCalls).toEqual([
      {
        args: [
          'release',
          'list',
          '--exclude-drafts',
          '--exclude-pre-releases',
          '--limit',
          '1000',
          '--json',
          'tagName',
        ],
        repo: REPO,
      },
      {
        args: [
          'release',
          'create',
          'v1.2.3',
          '--verify-tag',
          '--title',
          'v1.2.3',
          '--notes-file',
          notesFile,
          '--latest=true',
        ],
        repo: REPO,
        notes,
      },
      { args: GET_MAJOR('v1'), repo: REPO },
      { args: PATCH_MAJOR('v1', NEW), repo: REPO },
      // v1.2 did not exist: the first release of the 1.2 line creates it.
      { args: GET_MAJOR('v1.2'), repo: REPO },
      { args: POST_MAJOR('v1.2', NEW), repo: REPO },
    ]);
    expect(run.state.releases['v1.2.3']).toEqual({
      isDraft: false,
      isPrerelease: false,
      name: 'v1.2.3',
      body: notes,
      latest: 'true',
    });
    expect(run.state.refs['tags/v1']).toEqual({ type: 'commit', sha: NEW });
    expect(run.state.refs['tags/v1.2']).toEqual({ type: 'commit', sha: NEW });
    expect(run.summary).toBe(
      `Published [v1.2.3](https://github.com/${REPO}/releases/tag/v1.2.3)\nv1 → v1.2.3 (${NEW})\nv1.2 → v1.2.3 (${NEW})\n`,
    );
    expect(run.gitCalls).toEqual([]);
  });

  it('creates the major tag on the first release of a major, from an annotated tag too', () => {
    const state = v1Repository();
    // An annotated tag: the ref names a tag object; github.sha is the commit it tags.
    state.refs['tags/v2.0.0'] = { type: 'tag', sha: TAG_OBJECT };
    state.tagObjects[TAG_OBJECT] = { tag: 'v2.0.0', object: { type: 'commit', sha: NEW } };
    const changelog = CHANGELOG.replace('## [1.2.3] - 2025-02-14', '## [2.0.0] - 2025-04-01');
    const run = push('v2.0.0', state, { packageVersion: '2.0.0', changelog });

    expect(run.code, run.log).toBe(0);
    expect(apiCalls(run)).toEqual([
      GET_MAJOR('v2'),
      POST_MAJOR('v2', NEW),
      GET_MAJOR('v2.0'),
      POST_MAJOR('v2.0', NEW),
    ]);
    expect(run.state.refs['tags/v2']).toEqual({ type: 'commit', sha: NEW });
    expect(run.state.refs['tags/v2.0']).toEqual({ type: 'commit', sha: NEW });
    expect(run.state.refs['tags/v1']).toEqual({ type: 'commit', sha: OLD });
    expect(run.summary).toContain(`v2 → v2.0.0 (${NEW})\nv2.0 → v2.0.0 (${NEW})\n`);
  });

  it('the first release of an empty repository publishes v1.0.0 and creates v1 and v1.0', () => {
    const state: GitHubState = {
      repo: REPO,
      refs: { 'tags/v1.0.0': { type: 'commit', sha: NEW } },
      tagObjects: {},
      releases: {},
    };
    const changelog = '# Changelog\n\n## [1.0.0] - 2026-12-03\n\n- The first release.\n';
    const run = push('v1.0.0', state, { packageVersion: '1.0.0', changelog });

    expect(run.code, run.log).toBe(0);
    expect(run.outputs['rank']).toEqual({
      latest: 'true',
      'move-major': 'true',
      'move-minor': 'true',
      newer: '',
    });
    expect(apiCalls(run)).toEqual([
      GET_MAJOR('v1'),
      POST_MAJOR('v1', NEW),
      GET_MAJOR('v1.0'),
      POST_MAJOR('v1.0', NEW),
    ]);
    expect(run.state.releases['v1.0.0']).toMatchObject({ isDraft: false, latest: 'true' });
    expect(Object.keys(run.state.refs).sort()).toEqual(['tags/v1', 'tags/v1.0', 'tags/v1.0.0']);
  });

  it('publishes a prerelease as one and leaves the major tag alone', () => {
    const state = v1Repository();
    state.refs['tags/v2.0.0-rc.1'] = { type: 'commit', sha: NEW };
    const run = push('v2.0.0-rc.1', state, { packageVersion: '2.0.0-rc.1' });

    expect(run.code, run.log).toBe(0);
    expect(run.outputs['tag']).toEqual({
      major: 'v2',
      minor: 'v2.0',
      prerelease: 'true',
      version: '2.0.0-rc.1',
    });
    const create = run.ghCalls.find((call) => call.args[1] === 'create')!;
    expect(create.args).toContain('--prerelease');
    expect(create.args.some((arg) => arg.startsWith('--latest'))).toBe(false);
    expect(create.notes).toBe('- Release candidate of v2.\n');
    expect(apiCalls(run)).toEqual([]);
    expect(run.state.releases['v2.0.0-rc.1']).toMatchObject({ isPrerelease: true, isDraft: false });
    expect(Object.keys(run.state.refs).sort()).toEqual([
      'tags/v1',
      'tags/v1.1.0',
      'tags/v1.2.2',
      'tags/v2.0.0-rc.1',
    ]);
    expect(run.summary).toContain('v2.0.0-rc.1 is a prerelease: v2 and v2.0 stay where they are');
  });

  it('a patch of an older line takes neither "Latest" nor the major tag, but moves its minor tag', () => {
    const state = v1Repository();
    state.refs['tags/v1.3.0'] = { type: 'commit', sha: OTHER };
    state.releases['v1.3.0'] = { ...published };
    state.refs['tags/v1'] = { type: 'commit', sha: OTHER };
    state.refs['tags/v1.2'] = { type: 'commit', sha: OLD };
    state.refs['tags/v1.2.3'] = { type: 'commit', sha: NEW };
    const run = push('v1.2.3', state);

    expect(run.code, run.log).toBe(0);
    expect(run.ghCalls.find((call) => call.args[1] === 'create')!.args).toContain('--latest=false');
    expect(run.outputs['rank']).toMatchObject({ 'move-major': 'false', 'move-minor': 'true' });
    expect(apiCalls(run)).toEqual([GET_MAJOR('v1.2'), PATCH_MAJOR('v1.2', NEW)]);
    expect(run.state.refs['tags/v1']).toEqual({ type: 'commit', sha: OTHER });
    expect(run.state.refs['tags/v1.2']).toEqual({ type: 'commit', sha: NEW });
    expect(run.log).toContain('::notice::v1 stays: newer releases exist (v1.3.0)');
    expect(run.summary).toBe(
      `Published [v1.2.3](https://github.com/${REPO}/releases/tag/v1.2.3)\nv1 stays where it is: newer releases exist (v1.3.0)\nv1.2 → v1.2.3 (${NEW})\n`,
    );
  });

  it('an older patch than the newest of its line moves neither tag', () => {
    const state = v1Repository();
    state.refs['tags/v1.2'] = { type: 'commit', sha: OLD };
    state.refs['tags/v1.2.1'] = { type: 'commit', sha: NEW };
    const changelog = CHANGELOG.replace('## [1.2.3] - 2025-02-14', '## [1.2.1] - 2025-02-14');
    const run = push('v1.2.1', state, { packageVersion: '1.2.1', changelog });

    expect(run.code, run.log).toBe(0);
    expect(run.outputs['rank']).toEqual({
      latest: 'false',
      'move-major': 'false',
      'move-minor': 'false',
      newer: 'v1.2.2',
    });
    expect(apiCalls(run)).toEqual([]);
    expect(run.state.refs['tags/v1']).toEqual({ type: 'commit', sha: OLD });
    expect(run.state.refs['tags/v1.2']).toEqual({ type: 'commit', sha: OLD });
    expect(run.log).toContain('::notice::v1.2 stays: newer releases exist (v1.2.2)');
  });

  it('the newest v1 moves v1 but does not take "Latest" from v2', () => {
    const state = v1Repository();
    state.refs['tags/v2.0.0'] = { type: 'commit', sha: OTHER };
    state.releases['v2.0.0'] = { ...published };
    state.refs['tags/v1.2.3'] = { type: 'commit', sha: NEW };
    const run = push('v1.2.3', state);

    expect(run.code, run.log).toBe(0);
    expect(run.ghCalls.find((call) => call.args[1] === 'create')!.args).toContain('--latest=false');
    expect(apiCalls(run)).toEqual([
      GET_MAJOR('v1'),
      PATCH_MAJOR('v1', NEW),
      GET_MAJOR('v1.2'),
      POST_MAJOR('v1.2', NEW),
    ]);
  });

  it('stops before any GitHub call when the tag does not match package.json', () => {
    const state = v1Repository();
    state.refs['tags/v1.2.4'] = { type: 'commit', sha: NEW };
    const run = push('v1.2.4', state, { packageVersion: '1.2.3' });

    expect(run.code).toBe(1);
    expect(run.failedStep).toBe('Check the tag, package.json and CHANGELOG.md');
    expect(run.log).toContain(
      '::error::the tag v1.2.4 does not match package.json\'s version 1.2.3: tag v1.2.3, or set "version": "1.2.4" and tag again',
    );
    expect(run.ghCalls).toEqual([]);
    expect(run.state).toEqual(state);
  });

  it('stops before any GitHub call when CHANGELOG.md has no section for the version', () => {
    const state = v1Repository();
    const run = push('v1.2.3', state, { changelog: '# Changelog\n\n## [Unreleased]\n\n- Everything.\n' });

    expect(run.code).toBe(1);
    expect(run.log).toContain(
      '::error::CHANGELOG.md has no section for 1.2.3: add "## [1.2.3] - YYYY-MM-DD"',
    );
    expect(run.ghCalls).toEqual([]);
  });

  it('moves nothing when the release cannot be created', () => {
    // The tag is gone from GitHub (deleted after the push): --verify-tag refuses.
    const run = push('v1.2.3', v1Repository());

    expect(run.code).toBe(1);
    expect(run.failedStep).toBe('Publish the release');
    expect(run.log).toContain(
      `tag v1.2.3 doesn't exist in the repo ${REPO}, aborting due to --verify-tag flag`,
    );
    expect(apiCalls(run)).toEqual([]);
    expect(run.state.refs['tags/v1']).toEqual({ type: 'commit', sha: OLD });
  });

  it('fails without touching the major tag when GitHub cannot say whether it exists', () => {
    const state = v1Repository();
    state.refs['tags/v1.2.3'] = { type: 'commit', sha: NEW };
    state.failures = { [`GET repos/${REPO}/git/ref/tags/v1`]: { status: 502, message: 'Server Error' } };
    const run = push('v1.2.3', state);

    expect(run.code).toBe(1);
    expect(run.failedStep).toBe('Move the major and minor tags');
    expect(run.log).toContain('gh: Server Error (HTTP 502)');
    expect(apiCalls(run)).toEqual([GET_MAJOR('v1')]);
    expect(run.state.refs['tags/v1']).toEqual({ type: 'commit', sha: OLD });
  });
});

describe('release.yml rollback (manual run)', () => {
  const dispatch = (version: string, state: GitHubState) =>
    runJob('rollback', {
      event: 'workflow_dispatch',
      refName: 'main',
      sha: OTHER,
      inputs: { version },
      state,
    });

  /** v1 and v1.2 point at v1.2.3 (NEW); v1.2.2 is the release to go back to. */
  function repository(): GitHubState {
    const state = v1Repository();
    state.refs['tags/v1'] = { type: 'commit', sha: NEW };
    state.refs['tags/v1.2'] = { type: 'commit', sha: NEW };
    state.refs['tags/v1.2.3'] = { type: 'commit', sha: NEW };
    state.releases['v1.2.3'] = { ...published };
    return state;
  }

  it('re-points v1 and v1.2 to the commit of an older release', () => {
    const run = dispatch('v1.2.2', repository());

    expect(run.code, run.log).toBe(0);
    expect(run.outputs['target']).toEqual({ major: 'v1', minor: 'v1.2' });
    expect(run.ghCalls.map((call) => call.args)).toEqual([
      ['release', 'view', 'v1.2.2', '--json', 'isDraft,isPrerelease,tagName'],
      ['api', `repos/${REPO}/git/ref/tags/v1.2.2`],
      GET_MAJOR('v1'),
      PATCH_MAJOR('v1', OLD),
      GET_MAJOR('v1.2'),
      PATCH_MAJOR('v1.2', OLD),
    ]);
    expect(run.ghCalls.every((call) => call.repo === REPO)).toBe(true);
    expect(run.state.refs['tags/v1']).toEqual({ type: 'commit', sha: OLD });
    expect(run.state.refs['tags/v1.2']).toEqual({ type: 'commit', sha: OLD });
    expect(run.summary).toBe(`v1 → v1.2.2 (${OLD})\nv1.2 → v1.2.2 (${OLD})\n`);
    expect(run.log).toContain(`::notice::v1 now points at v1.2.2 (${OLD})`);
    expect(run.log).toContain(`::notice::v1.2 now points at v1.2.2 (${OLD})`);
    expect(run.gitCalls).toEqual([]);
  });

  it('follows an annotated tag to its commit: the major tag never names a tag object', () => {
    const state = repository();
    state.refs['tags/v1.2.2'] = { type: 'tag', sha: TAG_OBJECT };
    state.tagObjects[TAG_OBJECT] = { tag: 'v1.2.2', object: { type: 'commit', sha: OLD } };
    const run = dispatch('v1.2.2', state);

    expect(run.code, run.log).toBe(0);
    expect(apiCalls(run)).toEqual([
      ['api', `repos/${REPO}/git/ref/tags/v1.2.2`],
      ['api', `repos/${REPO}/git/tags/${TAG_OBJECT}`],
      GET_MAJOR('v1'),
      PATCH_MAJOR('v1', OLD),
      GET_MAJOR('v1.2'),
      PATCH_MAJOR('v1.2', OLD),
    ]);
    expect(run.state.refs['tags/v1']).toEqual({ type: 'commit', sha: OLD });
    expect(run.summary).toBe(`v1 → v1.2.2 (${OLD})\nv1.2 → v1.2.2 (${OLD})\n`);
  });

  it('creates the major and minor tags when they do not exist', () => {
    const state = repository();
    delete state.refs['tags/v1'];
    delete state.refs['tags/v1.2'];
    const run = dispatch('v1.2.2', state);

    expect(run.code, run.log).toBe(0);
    expect(apiCalls(run).slice(-4)).toEqual([
      GET_MAJOR('v1'),
      POST_MAJOR('v1', OLD),
      GET_MAJOR('v1.2'),
      POST_MAJOR('v1.2', OLD),
    ]);
    expect(run.state.refs['tags/v1']).toEqual({ type: 'commit', sha: OLD });
    expect(run.state.refs['tags/v1.2']).toEqual({ type: 'commit', sha: OLD });
  });

  it.each([
    [
      'a draft',
      { isDraft: true, isPrerelease: false },
      'v1.2.2 is a draft release: publish it first, or roll back to a published release',
    ],
    [
      'a prerelease',
      { isDraft: false, isPrerelease: true },
      'v1.2.2 is a prerelease: v1 points only at full releases',
    ],
  ])('refuses %s release and leaves v1 alone', (_kind, flags, message) => {
    const state = repository();
    state.releases['v1.2.2'] = flags;
    const run = dispatch('v1.2.2', state);

    expect(run.code).toBe(1);
    expect(run.failedStep).toBe('Check that it is a published full release');
    expect(run.log).toContain(`::error::${message}`);
    expect(apiCalls(run)).toEqual([]);
    expect(run.state.refs['tags/v1']).toEqual({ type: 'commit', sha: NEW });
    expect(run.summary).toBe('');
  });

  it('refuses a version without a release', () => {
    const state = repository();
    state.refs['tags/v1.0.0'] = { type: 'commit', sha: OTHER };
    const run = dispatch('v1.0.0', state);

    expect(run.code).toBe(1);
    expect(run.log).toContain('release not found');
    expect(run.log).toContain(
      `::error::v1.0.0 has no release in ${REPO}: roll back only to a published release`,
    );
    expect(apiCalls(run)).toEqual([]);
  });

  it.each(['1.2.2', 'v1.2', 'v1', 'latest', ' v1.2.2', 'v1.2.2"; touch pwned; "', '$(touch pwned)', ''])(
    'refuses the malformed version %j before any GitHub call',
    (version) => {
      const run = dispatch(version, repository());

      expect(run.code).toBe(1);
      expect(run.failedStep).toBe('Check the version');
      expect(run.log).toContain(
        `::error::${JSON.stringify(version)} is not a release tag: write v<major>.<minor>.<patch>`,
      );
      expect(run.ghCalls).toEqual([]);
      expect(readdirSync(join(run.runnerTemp, '..', 'workspace'))).not.toContain('pwned');
    },
  );

  it('refuses a prerelease version before any GitHub call', () => {
    const run = dispatch('v2.0.0-rc.1', repository());

    expect(run.code).toBe(1);
    expect(run.log).toContain('::error::v2.0.0-rc.1 is a prerelease: v2 points only at full releases');
    expect(run.ghCalls).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('release.yml structure', () => {
  const ci = readWorkflow('ci.yml');
  const checkoutOf = (workflow: Workflow, job: string) =>
    workflow.jobs[job]!.steps!.find((step) => step.uses?.startsWith('actions/checkout@'))!;

  it('runs on release tags and on a manual run with a required version', () => {
    expect(release.on).toEqual({
      push: { tags: ['v[0-9]+.[0-9]+.[0-9]+', 'v[0-9]+.[0-9]+.[0-9]+-*'] },
      workflow_dispatch: {
        inputs: {
          version: {
            description: 'The vX.Y.Z release the major and minor tags should point at: rollback',
            required: true,
            type: 'string',
          },
        },
      },
    });
  });

  it('grants nothing by default and each job the least it needs', () => {
    expect(release.permissions).toEqual({});
    expect(
      Object.fromEntries(Object.entries(release.jobs).map(([id, job]) => [id, job.permissions])),
    ).toEqual({
      verify: { contents: 'read' },
      publish: { contents: 'write' },
      rollback: { contents: 'write' },
    });
  });

  it('has a timeout on every job, those of the called CI workflow included', () => {
    for (const [id, job] of Object.entries(release.jobs)) {
      if (job.uses !== undefined) continue; // a job that calls a workflow cannot set one
      expect(job['timeout-minutes'], id).toBeGreaterThan(0);
      expect(job['timeout-minutes'], id).toBeLessThanOrEqual(15);
    }
    for (const [id, job] of Object.entries(ci.jobs)) {
      expect(job['timeout-minutes'], `ci.yml ${id}`).toBeGreaterThan(0);
    }
  });

  it('verifies with ci.yml itself, and publishes only after it passed, on a push only', () => {
    expect(release.jobs['verify']).toMatchObject({
      uses: './.github/workflows/ci.yml',
      if: "github.event_name == 'push'",
    });
    expect(ci.on).toHaveProperty('workflow_call');
    expect(release.jobs['publish']).toMatchObject({ needs: 'verify', if: "github.event_name == 'push'" });
    expect(release.jobs['rollback']!.needs).toBeUndefined();
    expect(release.jobs['rollback']!.if).toBe("github.event_name == 'workflow_dispatch'");
  });

  it('runs one release operation at a time, never cancelling one', () => {
    expect(release.concurrency).toEqual({
      group: 'release-${{ github.repository }}',
      'cancel-in-progress': false,
    });
  });

  it('checks out as CI does, without keeping the token in the checkout', () => {
    for (const job of ['publish', 'rollback']) {
      const checkout = checkoutOf(release, job);
      expect(checkout.uses).toBe(checkoutOf(ci, 'check').uses);
      expect(checkout.with).toEqual({ 'persist-credentials': false });
    }
  });

  it('hands the token and every value to scripts through env:, never inside run:', () => {
    for (const job of ['publish', 'rollback']) {
      expect(release.jobs[job]!.env).toMatchObject({
        GH_TOKEN: '${{ github.token }}',
        GH_REPO: '${{ github.repository }}',
      });
      for (const step of release.jobs[job]!.steps!) expect(step.run ?? '').not.toContain('${{');
    }
    expect(release.jobs['publish']!.env).toMatchObject({ TAG: '${{ github.ref_name }}' });
    expect(release.jobs['rollback']!.env).toMatchObject({ VERSION: '${{ inputs.version }}' });
  });

  it('is a valid workflow whose call of ci.yml resolves (@actions/workflow-parser)', async () => {
    const name = '.github/workflows/release.yml';
    const trace = new NoOperationTraceWriter();
    const parsed = parseWorkflow({ name, content: readFileSync(join(repoRoot, name), 'utf8') }, trace);
    const fetched: string[] = [];
    const template = await convertWorkflowTemplate(
      parsed.context,
      parsed.value!,
      {
        getFileContent: (reference) => {
          const path = 'path' in reference ? reference.path : '';
          fetched.push(path);
          return Promise.resolve({ name: path, content: readFileSync(join(repoRoot, path), 'utf8') });
        },
      },
      { fetchReusableWorkflowDepth: 1 },
    );
    expect(parsed.context.errors.getErrors().map((error) => error.message)).toEqual([]);
    expect(fetched).toEqual(['.github/workflows/ci.yml']);
    expect(template.jobs.map((job) => job.id.value)).toEqual(['verify', 'publish', 'rollback']);
  });
});
