// The pure parts of the Alembic handling: which commands are Alembic's (and the prefix that
// `current` runs with), what `alembic current` prints, and the summary's revision text.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  alembicPrefix,
  currentRevision,
  describeRevisions,
  parseCurrent,
} from '../../src/migrate/alembic.js';

describe('alembicPrefix', () => {
  it.each<[string[], string[]]>([
    [['alembic', 'upgrade', 'head'], ['alembic']],
    [['/opt/venv/bin/alembic', 'upgrade', 'head'], ['/opt/venv/bin/alembic']],
    [
      ['alembic', '-c', 'db/alembic.ini', 'upgrade', 'head'],
      ['alembic', '-c', 'db/alembic.ini'],
    ],
    [
      ['alembic', '--config', 'alembic.ini', 'upgrade', 'head'],
      ['alembic', '--config', 'alembic.ini'],
    ],
    [
      ['alembic', '--config=alembic.ini', 'upgrade', 'head'],
      ['alembic', '--config=alembic.ini'],
    ],
    [
      ['alembic', '-x', 'tenant=acme', '--raiseerr', 'upgrade', 'head'],
      ['alembic', '-x', 'tenant=acme', '--raiseerr'],
    ],
    // An option's value that reads like a subcommand is still the value (an .ini section "upgrade").
    [
      ['alembic', '-n', 'upgrade', 'upgrade', 'head'],
      ['alembic', '-n', 'upgrade'],
    ],
    [
      ['alembic', '-c', 'stamp.ini', 'stamp', 'head'],
      ['alembic', '-c', 'stamp.ini'],
    ],
    [['alembic', 'downgrade', '-1'], ['alembic']],
    [
      ['python', '-m', 'alembic', 'upgrade', 'head'],
      ['python', '-m', 'alembic'],
    ],
    [
      ['python3', '-m', 'alembic', 'upgrade', 'head'],
      ['python3', '-m', 'alembic'],
    ],
    [
      ['python3.12', '-m', 'alembic', '-c', 'a.ini', 'upgrade', 'head'],
      ['python3.12', '-m', 'alembic', '-c', 'a.ini'],
    ],
    [
      ['/usr/bin/python3', '-m', 'alembic', 'upgrade', 'head'],
      ['/usr/bin/python3', '-m', 'alembic'],
    ],
    // No subcommand: the whole command is the prefix.
    [['alembic'], ['alembic']],
    [
      ['alembic', '-c', 'alembic.ini'],
      ['alembic', '-c', 'alembic.ini'],
    ],
    [
      ['alembic', '-c'],
      ['alembic', '-c'],
    ],
  ])('%j → %j', (command, prefix) => {
    expect(alembicPrefix(command)).toEqual(prefix);
  });

  it.each<[string[]]>([
    [[]],
    [['python', 'manage.py', 'migrate']],
    [['python', '-m', 'flask', 'db', 'upgrade']],
    [['python', 'alembic', 'upgrade', 'head']],
    [['python', '-m', 'alembic_utils', 'upgrade']],
    [['alembic-wrapper', 'upgrade', 'head']],
    [['npx', 'prisma', 'migrate', 'deploy']],
    [['bash', '-c', 'alembic upgrade head']],
    [['uv', 'run', 'alembic', 'upgrade', 'head']],
    [['pythonw', '-m', 'alembic', 'upgrade', 'head']],
  ])('%j is not Alembic', (command) => {
    expect(alembicPrefix(command)).toBeUndefined();
  });
});

describe('parseCurrent', () => {
  it.each<[string, string[]]>([
    ['9f2c4d5e6a7b (head)\n', ['9f2c4d5e6a7b']],
    ['3a1b2c3d4e5f\n', ['3a1b2c3d4e5f']],
    // Before the first migration Alembic prints no revision at all.
    ['', []],
    ['\n', []],
    ['a1b2c3d4e5f6 (head)\n0f9e8d7c6b5a (head)\n', ['a1b2c3d4e5f6', '0f9e8d7c6b5a']],
    ['9f2c4d5e6a7b (head) (mergepoint)\r\n', ['9f2c4d5e6a7b']],
    ['  9f2c4d5e6a7b (head)  \n', ['9f2c4d5e6a7b']],
    ['add_customers_table (head)\n', ['add_customers_table']],
    // Log lines that reach stdout (a logging config that prints there) are no revisions.
    [
      'INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.\nINFO  [alembic.runtime.migration] Will assume transactional DDL.\n9f2c4d5e6a7b (head)\n',
      ['9f2c4d5e6a7b'],
    ],
    ['Current revision(s) for postgresql://app:***@127.0.0.1:5432/app:\n', []],
  ])('%j → %j', (stdout, revisions) => {
    expect(parseCurrent(stdout)).toEqual(revisions);
  });
});

describe('currentRevision', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alembic-current-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** An executable that plays `alembic`: prints `stdout` when called with exactly `args`. */
  function fakeAlembic(args: string, stdout: string): string {
    const file = join(dir, `alembic-${Math.random().toString(36).slice(2)}`);
    writeFileSync(
      file,
      `#!/bin/sh\n[ "$*" = '${args}' ] || { echo "unexpected arguments: $*" >&2; exit 3; }\nprintf '%s' '${stdout}'\n`,
    );
    chmodSync(file, 0o755);
    return file;
  }

  it('runs the prefix with `current` and joins the heads with commas', async () => {
    const alembic = fakeAlembic('-c alembic.ini current', 'a1b2c3d4e5f6 (head)\n0f9e8d7c6b5a (head)\n');
    const revision = await currentRevision([alembic, '-c', 'alembic.ini'], dir, process.env, 10_000);
    expect(revision).toBe('a1b2c3d4e5f6,0f9e8d7c6b5a');
  });

  it('is empty for a database before its first migration', async () => {
    expect(await currentRevision([fakeAlembic('current', '')], dir, process.env, 10_000)).toBe('');
  });
});

describe('describeRevisions', () => {
  it.each<[string, string, string]>([
    ['', '9f2c4d5e6a7b', '(empty database) → 9f2c…'],
    ['3a1b2c3d4e5f', '9f2c4d5e6a7b', '3a1b… → 9f2c…'],
    ['9f2c4d5e6a7b', '3a1b2c3d4e5f', '9f2c… → 3a1b…'],
    ['9f2c4d5e6a7b', '', '9f2c… → (empty database)'],
    ['9f2c4d5e6a7b', '9f2c4d5e6a7b', 'already at head (9f2c…)'],
    ['', '', 'already at head (empty database)'],
    // Ids of up to 8 characters are shown whole.
    ['0001', '0002_add', '0001 → 0002_add'],
    ['0001', '0002_add_customers', '0001 → 0002…'],
    ['a1b2c3d4e5f6,0f9e8d7c6b5a', '9f2c4d5e6a7b', 'a1b2…,0f9e… → 9f2c…'],
  ])('%j, %j → %s', (before, after, text) => {
    expect(describeRevisions(before, after)).toBe(text);
  });
});
