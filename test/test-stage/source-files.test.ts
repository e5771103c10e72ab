import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/lib/errors.js';
import { listSourceFiles, SKIPPED_FOLDERS } from '../../src/test-stage/source-files.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'import-guard');
/** Written at test time by import-guard.test.ts (git-ignored): never copied from the fixture. */
const WRITTEN_BY_TESTS = new Set(['generated', 'node_modules']);

/** The fixture as committed, listed by git from inside this repository. */
const FIXTURE_FILES = [
  '.gitignore',
  'README.md',
  'runtime-contract.yml',
  'src/__init__.py',
  'src/application/__init__.py',
  'src/application/checkout.py',
  'src/application/reports.py',
  'src/domain/__init__.py',
  'src/domain/orders.py',
  'src/domain/pricing.py',
  'src/domain/types.pyi',
  'src/env/__init__.py',
  'src/env/settings.py',
  'src/infrastructure/__init__.py',
  'src/infrastructure/identity.py',
  'src/infrastructure/secrets.py',
  'src/main.py',
  'src/web/app.ts',
  'src/web/legacy.cjs',
  'tests/test_secrets.py',
];

/** One file in each kind of folder that is never listed, at some depth. */
const SKIPPED_FILES = [
  'src/__pycache__/main.cpython-312.pyc',
  'src/web/node_modules/@google-cloud/secret-manager/build/src/index.js',
  'build/lib/src/main.py',
  'src/web/dist/chunk.js',
  'venv/lib/python3.12/secrets.py',
  'tools/.venv/bin/activate_this.py',
  'lib/python3.12/site-packages/google/auth/__init__.py',
  '.tox/py312/lib/x.py',
  '.nox/tests/x.py',
  'src/.mypy_cache/3.12/main.data.json',
  '.pytest_cache/v/cache/lastfailed',
  'vendor/lib/.git/config',
  // Any folder holding pyvenv.cfg is a virtualenv.
  'tools/py312/pyvenv.cfg',
  'tools/py312/lib/secrets.py',
];

let scratch = '';

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'source-files-test-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A copy of the committed fixture plus `extra` files, in a new folder outside any git work tree. */
async function copyOfFixture(name: string, extra: readonly string[]): Promise<string> {
  const root = join(scratch, name);
  await cp(FIXTURE, root, { recursive: true, filter: (source) => !WRITTEN_BY_TESTS.has(basename(source)) });
  for (const file of extra) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), 'import google.auth\n');
  }
  return root;
}

function git(root: string, ...args: string[]): void {
  execFileSync('git', args, { cwd: root, stdio: 'ignore' });
}

describe('listSourceFiles', () => {
  it('lists the fixture as git knows it, from inside this repository', async () => {
    expect(await listSourceFiles(FIXTURE)).toEqual(FIXTURE_FILES);
  });

  it('lists paths relative to a subfolder of the work tree', async () => {
    expect(await listSourceFiles(join(FIXTURE, 'src', 'domain'))).toEqual([
      '__init__.py',
      'orders.py',
      'pricing.py',
      'types.pyi',
    ]);
  });

  it('walks a tree outside git: skipped folders at any depth, links to folders not followed', async () => {
    const root = await copyOfFixture('walked', [...SKIPPED_FILES, 'src/generated/secrets_pb2.py']);
    await symlink('domain', join(root, 'src', 'domain-link'));
    await symlink('main.py', join(root, 'src', 'entry.py'));
    await symlink('nowhere.py', join(root, 'src', 'dangling.py'));
    // Without git, nothing says that src/generated is ignored: it is listed.
    const expected = [...FIXTURE_FILES, 'src/entry.py', 'src/generated/secrets_pb2.py'].sort();
    expect(await listSourceFiles(root)).toEqual(expected);
  });

  it('walks past a loop of links and a link to a folder out of the tree: loops are listed for the reader, folders are not', async () => {
    const root = await copyOfFixture('loops', []);
    await symlink('loop-b.py', join(root, 'src', 'loop-a.py'));
    await symlink('loop-a.py', join(root, 'src', 'loop-b.py'));
    await symlink('.', join(root, 'src', 'self'));
    await symlink(tmpdir(), join(root, 'src', 'tmp'));
    const expected = [...FIXTURE_FILES, 'src/loop-a.py', 'src/loop-b.py'].sort();
    expect(await listSourceFiles(root)).toEqual(expected);
  });

  it('lists a git work tree without its ignored files, but with tracked ones even under an ignored folder', async () => {
    const root = await copyOfFixture('repository', [...SKIPPED_FILES, 'src/generated/secrets_pb2.py']);
    await writeFile(join(root, 'src', 'generated', 'kept.py'), 'import os\n');
    git(root, 'init', '-q');
    git(root, 'add', '-f', 'src/generated/kept.py');
    await writeFile(join(root, 'src', 'untracked.py'), 'import os\n');
    const expected = [...FIXTURE_FILES, 'src/generated/kept.py', 'src/untracked.py'].sort();
    expect(await listSourceFiles(root)).toEqual(expected);
  });

  it('documents the folders it skips', () => {
    expect([...SKIPPED_FOLDERS].sort()).toEqual(
      [
        '.git',
        '.mypy_cache',
        '.nox',
        '.pytest_cache',
        '.tox',
        '.venv',
        '__pycache__',
        'build',
        'dist',
        'node_modules',
        'site-packages',
        'venv',
      ].sort(),
    );
  });

  it('refuses a folder that does not exist, or a file', async () => {
    const missing = join(scratch, 'missing');
    await expect(listSourceFiles(missing)).rejects.toThrow(ConfigurationError);
    await expect(listSourceFiles(missing)).rejects.toThrow(
      `the folder ${missing} does not exist; set working-directory to a folder of the repository`,
    );
    const file = join(FIXTURE, 'README.md');
    await expect(listSourceFiles(file)).rejects.toThrow(
      `${file} is a file, not a folder; set working-directory to a folder of the repository`,
    );
  });
});
