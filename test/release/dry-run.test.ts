// npm run release:dry-run (scripts/release-dry-run.mjs): release.yml's publish job run on a
// scratch clone against the gh stand-in, printing the tags it would create or move. Started as a
// process, on small Git repositories made here and on this repository itself.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../testkit/local-runner.mjs';

const script = join(repoRoot, 'scripts', 'release-dry-run.mjs');
const cleanups: string[] = [];
afterAll(() => {
  for (const dir of cleanups) rmSync(dir, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync(
    'git',
    [
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@localhost',
      '-c',
      'commit.gpgsign=false',
      '-c',
      'tag.gpgsign=false',
      ...args,
    ],
    { cwd, encoding: 'utf8' },
  );
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.trim();
}

const packageJson = (version: string) =>
  `${JSON.stringify({ name: 'x', version, repository: { type: 'git', url: 'https://github.com/acme/tools.git' } }, null, 2)}\n`;

/** A repository with this repository's release workflow and script, at `version`. */
function fixture(version: string, changelog: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dry-run-fixture-'));
  cleanups.push(dir);
  mkdirSync(join(dir, 'scripts'));
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  copyFileSync(join(repoRoot, 'scripts', 'release.mjs'), join(dir, 'scripts', 'release.mjs'));
  copyFileSync(
    join(repoRoot, '.github', 'workflows', 'release.yml'),
    join(dir, '.github', 'workflows', 'release.yml'),
  );
  writeFileSync(join(dir, 'package.json'), packageJson(version));
  writeFileSync(join(dir, 'CHANGELOG.md'), changelog);
  git(dir, 'init', '--quiet');
  git(dir, 'add', '.');
  git(dir, 'commit', '--quiet', '-m', 'release');
  return dir;
}

function dryRun(args: string[], cwd = repoRoot) {
  const result = spawnSync(process.execPath, [script, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], LANG: 'C.UTF-8' },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const changelogWith = (heading: string) => `# Changelog\n\n${heading}\n\n### Added\n\n- Everything.\n`;

describe('npm run release:dry-run', () => {
  it('the first release: publishes v1.0.0 and creates v1 and v1.0 at the tagged commit, changing nothing here', () => {
    const repo = fixture('1.0.0', changelogWith('## [1.0.0] - 2026-12-01'));
    const head = git(repo, 'rev-parse', 'HEAD').slice(0, 12);
    const run = dryRun(['--repo', repo]);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(
      `Release dry run of v1.0.0: release.yml's publish job on a scratch clone of ${repo}`,
    );
    expect(run.stdout).toContain(`commit ${head} (HEAD)`);
    expect(run.stdout).toContain('GitHub before the push: 0 release(s), tags (none)');
    expect(run.stdout).toContain('ok   Check the tag, package.json and CHANGELOG.md');
    expect(run.stdout).toContain('ok   Move the major and minor tags');
    expect(run.stdout).toContain(
      [
        'Tags:',
        `  v1         created → ${head}`,
        `  v1.0       created → ${head}`,
        `  v1.0.0     pushed by you (git tag v1.0.0 && git push origin v1.0.0) → ${head}`,
        'Release:',
        '  v1.0.0     published, marked Latest; notes: 3 lines of CHANGELOG.md',
        '',
        'The release of v1.0.0 would succeed.',
      ].join('\n'),
    );
    expect(run.stdout).not.toContain('note:');
    // The repository itself: no tag, no change.
    expect(git(repo, 'tag', '--list')).toBe('');
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(git(repo, 'rev-parse', 'HEAD').slice(0, 12)).toBe(head);
  });

  it('a patch release moves v1 and v1.0 from the last release', () => {
    const repo = fixture('1.0.0', changelogWith('## [1.0.0] - 2026-12-01'));
    const first = git(repo, 'rev-parse', 'HEAD');
    for (const tag of ['v1.0.0', 'v1', 'v1.0']) git(repo, 'tag', tag);
    writeFileSync(join(repo, 'package.json'), packageJson('1.0.1'));
    writeFileSync(
      join(repo, 'CHANGELOG.md'),
      '# Changelog\n\n## [1.0.1] - 2026-12-02\n\n- A fix.\n\n## [1.0.0] - 2026-12-01\n\n- Everything.\n',
    );
    git(repo, 'commit', '--quiet', '-am', 'v1.0.1');
    const second = git(repo, 'rev-parse', 'HEAD');
    const run = dryRun(['--repo', repo]);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('GitHub before the push: 1 release(s), tags v1 v1.0 v1.0.0');
    expect(run.stdout).toContain(
      [
        'Tags:',
        `  v1         moved ${first.slice(0, 12)} → ${second.slice(0, 12)}`,
        `  v1.0       moved ${first.slice(0, 12)} → ${second.slice(0, 12)}`,
        `  v1.0.1     pushed by you (git tag v1.0.1 && git push origin v1.0.1) → ${second.slice(0, 12)}`,
      ].join('\n'),
    );
    expect(git(repo, 'rev-parse', 'v1')).toBe(first);
  });

  it('stands [Unreleased] in for the missing section, and says so; --strict fails as the workflow will', () => {
    const repo = fixture('1.0.0', changelogWith('## [Unreleased]'));
    const run = dryRun(['--repo', repo]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /note: CHANGELOG\.md has no "## \[1\.0\.0\] - YYYY-MM-DD" section yet: this dry run renamed "## \[Unreleased\]" to "## \[1\.0\.0\] - \d{4}-\d\d-\d\d" in the clone\./,
    );
    expect(run.stdout).toContain('  v1.0       created → ');

    const strict = dryRun(['--repo', repo, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain(
      'FAIL Check the tag, package.json and CHANGELOG.md\n       ::error::CHANGELOG.md has no section for 1.0.0: add "## [1.0.0] - YYYY-MM-DD"',
    );
    expect(strict.stdout).toContain('Release:\n  none created');
    expect(strict.stdout).toContain(
      'The release would FAIL at "Check the tag, package.json and CHANGELOG.md".',
    );
    expect(strict.stdout).not.toContain('created →');
  });

  it('rehearses the working tree with its uncommitted changes, or HEAD alone with --committed', () => {
    const repo = fixture('0.9.0', changelogWith('## [1.0.0] - 2026-12-01'));
    writeFileSync(join(repo, 'package.json'), packageJson('1.0.0'));
    const run = dryRun(['--repo', repo]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('Release dry run of v1.0.0');
    expect(run.stdout).toContain('(HEAD + 1 uncommitted file(s) of the working tree)');
    expect(git(repo, 'status', '--porcelain')).toBe('M package.json');

    const committed = dryRun(['--repo', repo, '--committed', '--strict']);
    expect(committed.code).toBe(1);
    expect(committed.stdout).toContain('Release dry run of v0.9.0');
    expect(committed.stdout).toContain('::error::CHANGELOG.md has no section for 0.9.0');
  });

  it('keeps the scratch folder only when asked, and refuses a wrong command line', () => {
    const repo = fixture('1.0.0', changelogWith('## [1.0.0] - 2026-12-01'));
    const kept = dryRun(['--repo', repo, '--keep']);
    const folder = /scratch folder kept: (\S+)/.exec(kept.stdout)?.[1];
    expect(folder).toBeDefined();
    cleanups.push(folder!);
    expect(existsSync(join(folder!, 'clone', 'package.json'))).toBe(true);
    expect(git(join(folder!, 'clone'), 'tag', '--list')).toBe('v1.0.0');

    expect(dryRun(['--tagg', 'v1.0.0'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('release dry run: unknown argument "--tagg"') as unknown,
    });
    expect(dryRun(['--repo', repo, '--tag', 'v1.0'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('"v1.0" is not a release tag') as unknown,
    });
  });

  it("this repository's first release: v1.0.0 pushed, v1 and v1.0 created", () => {
    const run = dryRun([]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Release dry run of v1\.0\.0: /);
    expect(run.stdout).toMatch(
      /\n {2}v1 {9}created → [0-9a-f]{12}\n {2}v1\.0 {7}created → [0-9a-f]{12}\n {2}v1\.0\.0 {5}pushed by you/,
    );
    expect(run.stdout).toContain('The release of v1.0.0 would succeed.');
  });
});
