// scanImports on trees built to break it (issue 14): each file's trouble is reported with its
// path and the scan goes on. The runner-level proof is runner-guard.test.ts.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ForbiddenImportRule } from '../../src/lib/contract.js';
import { scanImports, type GuardScan } from '../../src/test-stage/import-guard.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'guard-unit-'));
  cleanups.push(() => {
    chmodSync(root, 0o755);
    rmSync(root, { recursive: true, force: true });
  });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

const RULES: ForbiddenImportRule[] = [
  {
    paths: ['src/**'],
    modules: ['google.cloud.secretmanager', '@google-cloud/secret-manager'],
    reason: 'r',
    line: 4,
  },
];

const scan = (root: string, maxFileBytes = 4 * 1024 * 1024): Promise<GuardScan> =>
  scanImports(root, RULES, 'runtime-contract.yml', { maxFileBytes });
const found = (result: GuardScan): string[] =>
  result.violations.map(
    (v) => `${v.file}:${v.line} ${v.module}${v.alias ? ` via ${v.alias.specifier}` : ''}`,
  );
const notChecked = (result: GuardScan): string[] =>
  result.unchecked.map((u) => `${u.level} ${u.file}${u.line === undefined ? '' : `:${u.line}`}: ${u.reason}`);

const VIOLATION = 'from google.cloud import secretmanager\n';

describe('scanImports: one file never stops the scan', () => {
  it('reports a loop of links, and scans the rest', async () => {
    const root = tree({ 'src/a.py': VIOLATION });
    symlinkSync('loop2.py', join(root, 'src', 'loop1.py'));
    symlinkSync('loop1.py', join(root, 'src', 'loop2.py'));
    const result = await scan(root);
    expect(found(result)).toEqual(['src/a.py:1 google.cloud.secretmanager']);
    expect(notChecked(result)).toEqual([
      'warning src/loop1.py: could not be read: a loop of symbolic links',
      'warning src/loop2.py: could not be read: a loop of symbolic links',
    ]);
  });

  it('follows a link to a file inside the root, never one out of it (nor through a linked folder)', async () => {
    const outside = tree({ 'leak.py': VIOLATION, 'pkg/leak.py': VIOLATION });
    const root = tree({ 'src/real/impl.py': VIOLATION });
    symlinkSync('real/impl.py', join(root, 'src', 'inside.py'));
    symlinkSync(join(outside, 'leak.py'), join(root, 'src', 'outside.py'));
    symlinkSync('/etc/hostname', join(root, 'src', 'hostname.py'));
    // A tracked folder later replaced by a link out of the tree: git still lists its files.
    mkdirSync(join(root, 'src', 'pkg'));
    writeFileSync(join(root, 'src', 'pkg', 'leak.py'), 'import os\n');
    execFileSync('git', ['init', '-q'], { cwd: root });
    execFileSync('git', ['add', 'src/pkg/leak.py'], { cwd: root });
    rmSync(join(root, 'src', 'pkg'), { recursive: true });
    symlinkSync(join(outside, 'pkg'), join(root, 'src', 'pkg'));
    const result = await scan(root);
    expect(found(result)).toEqual([
      'src/inside.py:1 google.cloud.secretmanager',
      'src/real/impl.py:1 google.cloud.secretmanager',
    ]);
    const leaves = 'not scanned: a symbolic link that leads out of the working directory is not followed';
    expect(notChecked(result)).toEqual([
      `warning src/hostname.py: ${leaves}`,
      `warning src/outside.py: ${leaves}`,
      `warning src/pkg/leak.py: ${leaves}`,
    ]);
  });

  it('skips a file over the cap with a notice, without reading it', async () => {
    const root = tree({ 'src/huge.py': VIOLATION, 'src/a.js': "require('@google-cloud/secret-manager')\n" });
    truncateSync(join(root, 'src', 'huge.py'), 300 * 1024 * 1024);
    const started = performance.now();
    const result = await scan(root);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(found(result)).toEqual(['src/a.js:1 @google-cloud/secret-manager']);
    expect(notChecked(result)).toEqual([
      'notice src/huge.py: not scanned: 300.0 MiB, over the size cap of 4.0 MiB (input import-guard-max-file-size)',
    ]);
    expect(result.scanned).toBe(1);
  });

  it('scans a file of exactly the cap', async () => {
    const text = `${VIOLATION}${'#'.repeat(1024 - VIOLATION.length - 1)}\n`;
    const root = tree({ 'src/edge.py': text });
    expect(found(await scan(root, 1024))).toEqual(['src/edge.py:1 google.cloud.secretmanager']);
    expect(notChecked(await scan(root, 1023))).toHaveLength(1);
  });

  // Root reads every file whatever its mode: there is nothing to prove as root.
  it.skipIf(process.getuid?.() === 0)(
    'reports an unreadable file and an unreadable folder (walked), and scans the rest',
    async () => {
      const root = tree({ 'src/a.py': VIOLATION, 'src/locked.py': VIOLATION, 'src/closed/b.py': VIOLATION });
      chmodSync(join(root, 'src', 'locked.py'), 0);
      chmodSync(join(root, 'src', 'closed'), 0);
      cleanups.unshift(() => chmodSync(join(root, 'src', 'closed'), 0o755));
      const result = await scan(root);
      expect(found(result)).toEqual(['src/a.py:1 google.cloud.secretmanager']);
      expect(notChecked(result)).toEqual([
        'warning src/closed: folder not scanned: permission denied',
        'warning src/locked.py: could not be read: permission denied',
      ]);
    },
  );

  it('ignores a FIFO named like a source without waiting on it', async () => {
    const root = tree({ 'src/a.py': VIOLATION });
    execFileSync('mkfifo', [join(root, 'src', 'pipe.py')]);
    symlinkSync('pipe.py', join(root, 'src', 'pipe-link.py'));
    const result = await scan(root);
    expect(found(result)).toEqual(['src/a.py:1 google.cloud.secretmanager']);
    expect(notChecked(result)).toEqual([]);
  });

  it('reads many files of several MiB within the byte budget, all of them', async () => {
    const files: Record<string, string> = {};
    const padding = 'x = 1\n'.repeat(500_000);
    for (let i = 0; i < 12; i++) files[`src/m${i}.py`] = `${VIOLATION}${padding}`;
    const result = await scan(tree(files));
    expect(result.violations).toHaveLength(12);
    expect(result.scanned).toBe(12);
  });
});

describe('scanImports: dynamic imports and tsconfig aliases', () => {
  it('warns about each computed import in a file under a rule, with its line', async () => {
    const root = tree({
      'src/a.py': 'import importlib\n\nm = importlib.import_module(name)\n',
      'src/b.ts': "const m = await import(`./${x}`);\nimport 'fs';\n",
      'tools/c.js': 'require(x)\n',
    });
    const result = await scan(root);
    expect(found(result)).toEqual([]);
    expect(notChecked(result).map((line) => line.replace(/: the module.*/, ''))).toEqual([
      'warning src/a.py:3: cannot check a dynamic import',
      'warning src/b.ts:1: cannot check a dynamic import',
    ]);
  });

  it('resolves jsconfig.json aliases too, and reports the module behind them', async () => {
    const root = tree({
      'jsconfig.json':
        '{"compilerOptions": {"baseUrl": "src", "paths": {"$sm": ["../node_modules/@google-cloud/secret-manager"], "pkg": ["@google-cloud/secret-manager"]}}}',
      'src/a.js': "import x from '$sm';\nconst y = require('pkg');\nimport z from './own.js';\n",
    });
    expect(found(await scan(root))).toEqual([
      'src/a.js:1 @google-cloud/secret-manager via $sm',
      'src/a.js:2 @google-cloud/secret-manager via pkg',
    ]);
  });

  it('warns about a tsconfig.json whose paths are not a list of strings', async () => {
    const root = tree({
      'tsconfig.json': '{"compilerOptions": {"paths": {"@x": "node_modules/x"}}}',
      'src/a.ts': "import '@google-cloud/secret-manager';\n",
    });
    const result = await scan(root);
    expect(found(result)).toEqual(['src/a.ts:1 @google-cloud/secret-manager']);
    expect(notChecked(result)).toEqual([
      'warning tsconfig.json: compilerOptions.paths["@x"] is not a list of strings; its paths aliases are not checked',
    ]);
  });
});
