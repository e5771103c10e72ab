// The README's test command (`npm run test:all`): every check CI makes, in one run.
// Static checks (lint, types, dist, docs, workflows) then the vitest suite; it ends with one
// plain line, `N passed, N failed`, counting each test and each static check.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const results = join(root, '.vitest-results.json');

/** @param {string} name @param {string[]} args */
function step(name, args) {
  const started = performance.now();
  console.log(`\n=== ${name}: npm ${args.join(' ')}`);
  const { status } = spawnSync('npm', args, { cwd: root, stdio: 'inherit' });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`=== ${name}: ${status === 0 ? 'ok' : `FAILED (exit ${status})`} in ${seconds}s`);
  return status === 0;
}

const checks = [
  ['check-dist', ['run', 'check-dist']],
  ['lint', ['run', 'lint']],
  ['typecheck', ['run', 'typecheck']],
  ['docs', ['run', 'docs', '--', '--check']],
  ['actionlint', ['run', 'actionlint']],
];
let passed = 0;
let failed = 0;
for (const [name, args] of checks) {
  if (step(/** @type {string} */ (name), /** @type {string[]} */ (args))) passed++;
  else failed++;
}

rmSync(results, { force: true });
const suiteOk = step('tests', [
  'exec',
  '--',
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${results}`,
]);
try {
  const report = JSON.parse(readFileSync(results, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A suite that failed to load has no failed test but is a failure all the same.
  if (!suiteOk && report.numFailedTests === 0) failed++;
} catch {
  failed++;
  console.log('=== tests: no JSON report was written');
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
