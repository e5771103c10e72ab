// npm run pins:sync (scripts/pins-sync.mjs): the pin table follows the `uses:` lines after a
// Dependabot update, each new pin looked up on its remote (local Git repositories stand in for
// GitHub here), and the repository's own table is in sync with no unverified row.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../testkit/local-runner.mjs';

const script = join(repoRoot, 'scripts', 'pins-sync.mjs');
const OLD_SHA = 'a'.repeat(40);
const cleanups: string[] = [];
afterAll(() => {
  for (const dir of cleanups) rmSync(dir, { recursive: true, force: true });
});

const git = (cwd: string, ...args: string[]) => {
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
};

/** A local repository standing in for github.com/<action>, with a tag; returns the tagged commit. */
function remote(remotes: string, action: string, tag: string, annotated: boolean): string {
  const dir = join(remotes, `${action}.git`);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '--quiet');
  writeFileSync(join(dir, 'action.yml'), `name: ${action}\n`);
  git(dir, 'add', '.');
  git(dir, 'commit', '--quiet', '-m', 'release');
  if (annotated) git(dir, 'tag', '-a', tag, '-m', tag);
  else git(dir, 'tag', tag);
  return git(dir, 'rev-parse', 'HEAD');
}

interface Row {
  action: string;
  sha: string;
  version: string;
  verified: string;
}

/** A repository with one workflow pinning `uses` lines and a table of `rows`. */
function repository(lines: string[], rows: Row[]) {
  const root = mkdtempSync(join(tmpdir(), 'pins-sync-'));
  cleanups.push(root);
  const workflow = join(root, '.github', 'workflows', 'ci.yml');
  mkdirSync(dirname(workflow), { recursive: true });
  writeFileSync(
    workflow,
    [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      ...lines.map((line) => `      - uses: ${line}`),
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(root, '.github', 'action-pins.json'),
    `${JSON.stringify({ description: 'pins', pins: rows }, null, 2)}\n`,
  );
  return root;
}

function sync(root: string, args: string[] = [], remotes?: string) {
  const result = spawnSync(process.execPath, [script, '--root', root, ...args], {
    encoding: 'utf8',
    env: {
      PATH: process.env['PATH'],
      HOME: root,
      // Nothing here may reach the network: an unreachable remote is what "offline" looks like.
      PINS_SYNC_REMOTE: remotes
        ? `file://${remotes}/{action}.git`
        : `file://${root}/no-such-remote/{action}.git`,
    },
  });
  const table = JSON.parse(readFileSync(join(root, '.github', 'action-pins.json'), 'utf8')) as {
    pins: Row[];
  };
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, pins: table.pins };
}

const oldRow: Row = { action: 'acme/setup', sha: OLD_SHA, version: 'v1.0.0', verified: 'checked by hand' };
const keptRow: Row = {
  action: 'acme/other',
  sha: 'b'.repeat(40),
  version: 'v2.0.0',
  verified: 'checked by hand',
};

describe('npm run pins:sync', () => {
  it('after a Dependabot update: keeps the used rows, drops the old pin, adds the new one verified on its remote', () => {
    const remotes = mkdtempSync(join(tmpdir(), 'pins-remotes-'));
    cleanups.push(remotes);
    const sha = remote(remotes, 'acme/setup', 'v1.1.0', true);
    const root = repository(
      [`acme/setup@${sha} # v1.1.0`, `acme/other/sub@${keptRow.sha} # v2.0.0`],
      [oldRow, keptRow],
    );
    // Before the sync the table is stale: --check says so and writes nothing.
    const before = sync(root, ['--check'], remotes);
    expect(before.code).toBe(1);
    expect(before.stderr).toContain(
      `.github/action-pins.json is not in sync with the uses: lines (+ acme/setup@${sha} # v1.1.0, - acme/setup@${OLD_SHA} # v1.0.0)`,
    );
    expect(before.pins).toEqual([oldRow, keptRow]);

    const run = sync(root, [], remotes);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('pins:sync: 2 rows (1 added, 1 removed, 0 UNVERIFIED)');
    expect(run.pins).toEqual([
      keptRow,
      {
        action: 'acme/setup',
        sha,
        version: 'v1.1.0',
        verified: expect.stringMatching(
          /^tag v1\.1\.0 of github\.com\/acme\/setup points at this SHA \(git ls-remote by npm run pins:sync, \d{4}-\d\d-\d\d\)$/,
        ) as unknown,
      },
    ]);
    expect(sync(root, ['--check'], remotes)).toMatchObject({
      code: 0,
      stdout: 'pins:sync: 2 rows, in sync\n',
    });
  });

  it('writes nothing when the tag names another commit than the pin', () => {
    const remotes = mkdtempSync(join(tmpdir(), 'pins-remotes-'));
    cleanups.push(remotes);
    const tagged = remote(remotes, 'acme/setup', 'v1.1.0', false);
    const pinned = 'c'.repeat(40);
    const root = repository([`acme/setup@${pinned} # v1.1.0`], [oldRow]);
    const run = sync(root, [], remotes);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `.github/workflows/ci.yml:6: tag v1.1.0 of github.com/acme/setup points at ${tagged}, not at the pinned ${pinned}: the pin is wrong or the tag moved`,
    );
    expect(run.stderr).toContain('.github/action-pins.json not written');
    expect(run.pins).toEqual([oldRow]);
  });

  it('marks a pin it cannot look up UNVERIFIED, which --check refuses', () => {
    const sha = 'd'.repeat(40);
    const root = repository([`acme/setup@${sha} # v1.1.0`], [oldRow]);
    const run = sync(root);
    expect(run.code, run.stderr).toBe(0);
    expect(run.pins).toHaveLength(1);
    expect(run.pins[0]).toMatchObject({ action: 'acme/setup', sha, version: 'v1.1.0' });
    expect(run.pins[0]!.verified).toMatch(
      /^UNVERIFIED: added by npm run pins:sync on \d{4}-\d\d-\d\d from \.github\/workflows\/ci\.yml:6; the tag could not be looked up/,
    );
    const check = sync(root, ['--check']);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(`acme/setup@${sha} # v1.1.0 is UNVERIFIED`);
  });
});

describe("this repository's pin table", () => {
  it('lists exactly the pinned uses: lines, and no row is UNVERIFIED', () => {
    const result = spawnSync(process.execPath, [script, '--check'], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
