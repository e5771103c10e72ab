// The release, rehearsed: runs the `publish` job of .github/workflows/release.yml, step by step
// as the runner runs it (each `run:` script with `bash --noprofile --norc -eo pipefail`, the job's
// and the step's `env:` evaluated, a fresh $GITHUB_OUTPUT per step), in a scratch clone of this
// repository, with `gh` replaced by the stand-in of the release tests (test/standins/release/
// gh.mjs: GitHub's releases and refs kept in a JSON file) and `git` by one that refuses (the job
// uses the GitHub API only). Nothing leaves the machine and this repository is not changed: the
// clone, its commit and its tag live in a temporary folder, removed at the end.
//
//   npm run release:dry-run [-- OPTIONS]
//   node scripts/release-dry-run.mjs [--tag vX.Y.Z] [--committed] [--strict] [--repo DIR] [--keep]
//
//   --tag        the tag to rehearse (default: v + package.json's version)
//   --committed  clone HEAD only (default: HEAD plus the working tree's uncommitted changes,
//                committed in the clone, so a release being prepared can be rehearsed)
//   --strict     exactly what the workflow will find: no CHANGELOG.md section for the version
//                fails (default: an `## [Unreleased]` section stands in for it, renamed in the
//                clone to `## [X.Y.Z] - <today>`, with a note saying so)
//   --repo       the repository to clone (default: this one)
//   --keep       keep the scratch folder and print its path
//
// GitHub's state before the push is read from the clone: each of its tags is a ref, and each
// `vX.Y.Z` tag (without `-prerelease`) a published release. The `verify` job (ci.yml) is not
// run here: `npm run test:all` is that. Exit 0 when the job would succeed, 1 when a step would
// fail (its log is shown), 2 on a wrong command line.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { publisherOf } from './publisher.mjs';
import { findSection, parseTag, ReleaseError } from './release.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ownRoot = resolve(here, '..');
const standins = join(ownRoot, 'test', 'standins', 'release');

/** A wrong command line. */
class UsageError extends Error {}

/** @param {string[]} args */
function parseArgs(args) {
  /** @type {{ tag?: string, committed: boolean, strict: boolean, repo: string, keep: boolean }} */
  const options = { committed: false, strict: false, repo: ownRoot, keep: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const value = () => {
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--tag') options.tag = value();
    else if (arg === '--repo') options.repo = resolve(value());
    else if (arg === '--committed') options.committed = true;
    else if (arg === '--strict') options.strict = true;
    else if (arg === '--keep') options.keep = true;
    else throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
  }
  return options;
}

/**
 * Runs git; throws with its stderr on a failure.
 * @param {string[]} args @param {string} cwd
 */
function git(args, cwd) {
  const result = spawnSync(
    'git',
    [
      '-c',
      'user.name=release dry run',
      '-c',
      'user.email=dry-run@localhost',
      '-c',
      'commit.gpgsign=false',
      '-c',
      'tag.gpgsign=false',
      ...args,
    ],
    { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.status !== 0) {
    throw new Error(
      `git ${args.join(' ')} failed in ${cwd}: ${(result.stderr || String(result.error)).trim()}`,
    );
  }
  return result.stdout;
}

/** NUL-separated paths of a `git ls-files -z` answer. @param {string} text */
const paths = (text) => text.split('\0').filter((path) => path !== '');

/**
 * Clones the repository and, unless `committed`, carries its uncommitted changes (modified,
 * deleted and untracked files that .gitignore does not exclude) over as one commit.
 * @param {string} source @param {string} target @param {boolean} committed
 * @returns {{ sha: string, carried: number }}
 */
function scratchClone(source, target, committed) {
  git(['clone', '--quiet', source, target], tmpdir());
  let carried = 0;
  if (!committed) {
    const changed = paths(git(['ls-files', '-z', '--modified', '--others', '--exclude-standard'], source));
    const deleted = new Set(paths(git(['ls-files', '-z', '--deleted'], source)));
    for (const path of changed) {
      if (deleted.has(path)) continue;
      mkdirSync(dirname(join(target, path)), { recursive: true });
      copyFileSync(join(source, path), join(target, path));
      carried++;
    }
    for (const path of deleted) {
      rmSync(join(target, path), { force: true });
      carried++;
    }
    if (carried > 0) {
      git(['add', '--all'], target);
      git(['commit', '--quiet', '--no-verify', '-m', 'release dry run: the working tree'], target);
    }
  }
  return { sha: git(['rev-parse', 'HEAD'], target).trim(), carried };
}

/**
 * When CHANGELOG.md has no section for the version and not `strict`: `## [Unreleased]` renamed
 * to `## [X.Y.Z] - <today>` in the clone (as the release commit will do), with the note to
 * print. Otherwise the file stays as it is, for the workflow's own check to judge.
 * @param {string} clone @param {string} version @param {boolean} strict
 * @returns {string | undefined}
 */
function prepareChangelog(clone, version, strict) {
  const file = join(clone, 'CHANGELOG.md');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  try {
    findSection(text, version);
    return undefined;
  } catch (error) {
    // Anything else the workflow's own check reports, in its step.
    if (strict || !(error instanceof ReleaseError) || !/has no section for/.test(error.message)) {
      return undefined;
    }
    const unreleased = /^## \[unreleased\][^\n]*$/im;
    const heading = unreleased.exec(text)?.[0];
    if (heading === undefined) return undefined;
    const today = new Date().toISOString().slice(0, 10);
    const renamed = `## [${version}] - ${today}`;
    writeFileSync(file, text.replace(unreleased, renamed));
    git(['commit', '--quiet', '--no-verify', '-am', `release dry run: ${renamed}`], clone);
    return `CHANGELOG.md has no "## [${version}] - YYYY-MM-DD" section yet: this dry run renamed "${heading.trim()}" to "${renamed}" in the clone. Do that in CHANGELOG.md before tagging (--strict checks the file as it is).`;
  }
}

/**
 * GitHub's state before the push, as the gh stand-in keeps it: the clone's tags as refs, its
 * `vX.Y.Z` tags as published releases (oldest first), and the pushed tag's ref.
 * @param {string} clone @param {string} repository @param {string} tag @param {string} sha
 */
function githubState(clone, repository, tag, sha) {
  /** @type {Record<string, { type: 'commit', sha: string }>} */
  const refs = {};
  /** @type {Record<string, { isDraft: boolean, isPrerelease: boolean }>} */
  const releases = {};
  const tags = git(
    ['tag', '--list', '--sort=creatordate', '--format=%(refname:short) %(objectname) %(*objectname)'],
    clone,
  )
    .split('\n')
    .filter((line) => line !== '');
  for (const line of tags) {
    const [name = '', object = '', peeled = ''] = line.split(' ');
    refs[`tags/${name}`] = { type: 'commit', sha: peeled || object };
    if (name !== tag && /^v\d+\.\d+\.\d+(-.+)?$/.test(name)) {
      releases[name] = { isDraft: false, isPrerelease: name.includes('-') };
    }
  }
  refs[`tags/${tag}`] = { type: 'commit', sha };
  return { repo: repository, refs, tagObjects: {}, releases };
}

/** `${{ a.b.c }}` of an env value, from the context; a missing value is '' as on the runner. */
function evaluate(/** @type {string} */ value, /** @type {Record<string, unknown>} */ context) {
  return value.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_match, /** @type {string} */ expression) => {
    if (!/^[\w-]+(\.[\w-]+)*$/.test(expression)) {
      throw new Error(`the dry run evaluates context values only, not \${{ ${expression} }}`);
    }
    /** @type {unknown} */
    let current = context;
    for (const key of expression.split('.')) {
      current =
        typeof current === 'object' && current !== null
          ? /** @type {Record<string, unknown>} */ (current)[key]
          : undefined;
    }
    return current === undefined || current === null ? '' : String(current);
  });
}

/** `name=value` lines and `name<<DELIMITER` blocks of a file command. @param {string} text */
function fileCommands(text) {
  /** @type {Record<string, string>} */
  const values = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const body = [];
      while (i + 1 < lines.length && lines[i + 1] !== heredoc[2]) body.push(lines[++i]);
      i++;
      values[heredoc[1] ?? ''] = body.join('\n');
    } else if (line.includes('=')) {
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return values;
}

/**
 * @typedef {object} DryRun
 * @property {string} tag
 * @property {string} sha
 * @property {number} carried  files of the working tree carried into the clone
 * @property {string | undefined} changelogNote
 * @property {{ name: string, code: number, log: string }[]} steps
 * @property {string} summary
 * @property {{ args: string[] }[]} ghCalls
 * @property {ReturnType<typeof githubState>} before
 * @property {ReturnType<typeof githubState> & { releases: Record<string, { isDraft: boolean, isPrerelease: boolean, latest?: string | null, body?: string }> }} after
 * @property {string} scratch
 */

/**
 * @param {ReturnType<typeof parseArgs>} options
 * @returns {DryRun}
 */
export function dryRun(options) {
  const scratch = mkdtempSync(join(tmpdir(), 'release-dry-run-'));
  try {
    return dryRunIn(scratch, options);
  } catch (error) {
    if (!options.keep) rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
}

/**
 * @param {string} scratch @param {ReturnType<typeof parseArgs>} options
 * @returns {DryRun}
 */
function dryRunIn(scratch, options) {
  const clone = join(scratch, 'clone');
  const { sha: baseSha, carried } = scratchClone(options.repo, clone, options.committed);
  const { repository } = publisherOf(clone);
  const version = /** @type {{ version?: unknown }} */ (
    JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8'))
  ).version;
  const tag = options.tag ?? `v${String(version)}`;
  parseTag(tag);
  const changelogNote = prepareChangelog(clone, parseTag(tag).version, options.strict);
  const sha = changelogNote === undefined ? baseSha : git(['rev-parse', 'HEAD'], clone).trim();
  const before = githubState(clone, repository, tag, sha);
  // The tag the maintainer pushes, in the clone only.
  git(['tag', tag, sha], clone);

  const bin = join(scratch, 'bin');
  const runnerTemp = join(scratch, 'runner-temp');
  mkdirSync(bin, { recursive: true });
  mkdirSync(runnerTemp, { recursive: true });
  const statePath = join(scratch, 'github-state.json');
  const ghCalls = join(scratch, 'gh-calls.jsonl');
  const gitCalls = join(scratch, 'git-calls.jsonl');
  writeFileSync(statePath, JSON.stringify(before, null, 2));
  writeFileSync(ghCalls, '');
  writeFileSync(gitCalls, '');
  for (const tool of ['gh', 'git']) {
    copyFileSync(join(standins, `${tool}.mjs`), join(bin, `${tool}.mjs`));
    writeFileSync(join(bin, tool), `#!/usr/bin/env bash\nexec node "$(dirname "$0")/${tool}.mjs" "$@"\n`);
    chmodSync(join(bin, tool), 0o755);
  }

  const workflow =
    /** @type {{ defaults?: { run?: { shell?: string } }, env?: Record<string, unknown>, jobs: Record<string, { env?: Record<string, unknown>, steps?: { name?: string, id?: string, uses?: string, run?: string, if?: string, env?: Record<string, unknown> }[] }> }} */ (
      parseYaml(readFileSync(join(clone, '.github', 'workflows', 'release.yml'), 'utf8'))
    );
  const job = workflow.jobs['publish'];
  if (!job) throw new Error('release.yml has no publish job');
  if (workflow.defaults?.run?.shell !== 'bash') throw new Error('release.yml must run its scripts with bash');
  const context = {
    github: {
      repository,
      event_name: 'push',
      ref: `refs/tags/${tag}`,
      ref_name: tag,
      sha,
      token: 'dry-run-token',
    },
    runner: { temp: runnerTemp },
    /** @type {Record<string, { outputs: Record<string, string> }>} */
    steps: {},
  };
  const base = {
    PATH: [bin, dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
    HOME: scratch,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: repository,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_REF: `refs/tags/${tag}`,
    GITHUB_REF_NAME: tag,
    GITHUB_SHA: sha,
    GITHUB_WORKSPACE: clone,
    RUNNER_TEMP: runnerTemp,
    GH_STANDIN_STATE: statePath,
    GH_STANDIN_CALLS: ghCalls,
    GIT_STANDIN_CALLS: gitCalls,
  };
  const evaluated = (/** @type {Record<string, unknown> | undefined} */ env) =>
    Object.fromEntries(
      Object.entries(env ?? {}).map(([name, value]) => [name, evaluate(String(value), context)]),
    );

  /** @type {DryRun['steps']} */
  const steps = [];
  let summary = '';
  for (const [index, step] of (job.steps ?? []).entries()) {
    const name = step.name ?? step.uses ?? step.run?.split('\n')[0] ?? `step ${index + 1}`;
    if (step.if !== undefined) throw new Error(`step "${name}" has an if: the dry run cannot evaluate it`);
    if (step.uses !== undefined) {
      // actions/checkout and actions/setup-node: the clone and this Node stand for them.
      steps.push({
        name: `${step.uses.split('@')[0]} (the clone and node ${process.version})`,
        code: 0,
        log: '',
      });
      continue;
    }
    const script = join(runnerTemp, `step-${index}.sh`);
    const output = join(runnerTemp, `output-${index}`);
    const stepSummary = join(runnerTemp, `summary-${index}`);
    writeFileSync(script, step.run ?? '');
    writeFileSync(output, '');
    writeFileSync(stepSummary, '');
    const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: clone,
      env: {
        ...base,
        ...evaluated(workflow.env),
        ...evaluated(job.env),
        ...evaluated(step.env),
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: stepSummary,
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const code = result.status ?? 1;
    steps.push({
      name,
      code,
      log: `${result.stdout}${result.stderr}${result.error ? String(result.error) : ''}`,
    });
    summary += readFileSync(stepSummary, 'utf8');
    if (step.id !== undefined) {
      context.steps[step.id] = { outputs: fileCommands(readFileSync(output, 'utf8')) };
    }
    if (code !== 0) break;
  }
  const after = JSON.parse(readFileSync(statePath, 'utf8'));
  const calls = readFileSync(ghCalls, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
  if (readFileSync(gitCalls, 'utf8') !== '') {
    steps.push({ name: 'the job called git', code: 1, log: readFileSync(gitCalls, 'utf8') });
  }
  return { tag, sha, carried, changelogNote, steps, summary, ghCalls: calls, before, after, scratch };
}

/**
 * What the run did to GitHub's refs and releases, as lines to print.
 * @param {DryRun} run
 */
export function describeChanges(run) {
  const short = (/** @type {string} */ sha) => sha.slice(0, 12);
  /** @type {string[]} */
  const lines = [];
  const names = new Set([...Object.keys(run.before.refs), ...Object.keys(run.after.refs)]);
  const tagLines = [...names].sort().flatMap((ref) => {
    const was = ref === `tags/${run.tag}` ? undefined : run.before.refs[ref]?.sha;
    const now = run.after.refs[ref]?.sha;
    const name = ref.replace(/^tags\//, '');
    if (ref === `tags/${run.tag}`) {
      return [
        `  ${name.padEnd(10)} pushed by you (git tag ${name} && git push origin ${name}) → ${short(now ?? '')}`,
      ];
    }
    if (was === now) return [];
    if (was === undefined) return [`  ${name.padEnd(10)} created → ${short(now ?? '')}`];
    return [`  ${name.padEnd(10)} moved ${short(was)} → ${short(now ?? '')}`];
  });
  lines.push('Tags:', ...tagLines);
  const stayed = run.summary.split('\n').filter((line) => / stay/.test(line));
  for (const line of stayed) lines.push(`  ${line}`);
  const release = run.after.releases[run.tag];
  lines.push('Release:');
  if (release) {
    const kind = release.isPrerelease
      ? 'prerelease'
      : release.latest === 'true'
        ? 'published, marked Latest'
        : 'published, not Latest';
    const notes = (release.body ?? '').trimEnd().split('\n').length;
    lines.push(`  ${run.tag.padEnd(10)} ${kind}; notes: ${notes} lines of CHANGELOG.md`);
  } else {
    lines.push('  none created');
  }
  return lines;
}

/** @param {string[]} args */
function main(args) {
  let options;
  try {
    options = parseArgs(args);
  } catch (error) {
    process.stderr.write(
      `release dry run: ${error instanceof Error ? error.message : String(error)}\nusage: node scripts/release-dry-run.mjs [--tag vX.Y.Z] [--committed] [--strict] [--repo DIR] [--keep]\n`,
    );
    return 2;
  }
  /** @type {DryRun | undefined} */
  let run;
  try {
    run = dryRun(options);
  } catch (error) {
    process.stderr.write(`release dry run: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const out = (/** @type {string} */ line = '') => process.stdout.write(`${line}\n`);
  out(`Release dry run of ${run.tag}: release.yml's publish job on a scratch clone of ${options.repo}`);
  out(
    `  commit ${run.sha.slice(0, 12)} (${options.committed || run.carried === 0 ? 'HEAD' : `HEAD + ${run.carried} uncommitted file(s) of the working tree`}); gh and git are stand-ins: nothing is published`,
  );
  out(
    `  GitHub before the push: ${Object.keys(run.before.releases).length} release(s), tags ${
      Object.keys(run.before.refs)
        .map((ref) => ref.slice(5))
        .filter((name) => name !== run.tag)
        .sort()
        .join(' ') || '(none)'
    }`,
  );
  out('  not run: the verify job (ci.yml); npm run test:all runs those checks');
  if (run.changelogNote) out(`  note: ${run.changelogNote}`);
  out();
  for (const step of run.steps) {
    out(`${step.code === 0 ? 'ok  ' : 'FAIL'} ${step.name}`);
    for (const line of step.log
      .trimEnd()
      .split('\n')
      .filter((text) => text !== '')) {
      out(`       ${line}`);
    }
  }
  out();
  for (const line of describeChanges(run)) out(line);
  const failed = run.steps.find((step) => step.code !== 0);
  out();
  out(failed ? `The release would FAIL at "${failed.name}".` : `The release of ${run.tag} would succeed.`);
  if (options.keep) out(`scratch folder kept: ${run.scratch}`);
  else rmSync(run.scratch, { recursive: true, force: true });
  return failed ? 1 : 0;
}

const invoked = process.argv[1];
if (invoked !== undefined && resolve(invoked) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
