// A scanner that throws on one file costs that file only, and says so with its path.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';

vi.mock('../../src/test-stage/python-imports.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/test-stage/python-imports.js')>();
  return {
    ...original,
    scanPythonImports: (source: string) => {
      if (source.includes('BOOM')) throw new RangeError('Invalid code point 305419896');
      return original.scanPythonImports(source);
    },
  };
});

const { scanImports } = await import('../../src/test-stage/import-guard.js');

const root = mkdtempSync(join(tmpdir(), 'guard-scanner-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('reports the file a scanner fails on as a warning with its path, and scans every other file', async () => {
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'src', 'a.py'), 'import google.auth\n');
  writeFileSync(join(root, 'src', 'b.py'), '# BOOM\nimport google.auth\n');
  writeFileSync(join(root, 'src', 'c.py'), 'import google.auth\n');
  const result = await scanImports(
    root,
    [{ paths: ['src/**'], modules: ['google.auth'], reason: 'r', line: 1 }],
    'runtime-contract.yml',
    { maxFileBytes: 1024 },
  );
  expect(result.violations.map((v) => `${v.file}:${v.line}`)).toEqual(['src/a.py:1', 'src/c.py:1']);
  expect(result.unchecked).toEqual([
    { file: 'src/b.py', level: 'warning', reason: 'could not be scanned: Invalid code point 305419896' },
  ]);
});
