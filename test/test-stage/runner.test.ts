// actions/test as the runner runs it: the bundle started as a process, real bash commands in
// a temporary service folder, real JUnit files.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAction } from '../harness/local-runner.mjs';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'test-stage-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function testStage(inputs: Record<string, string>, cwd: string, timeoutMs = 60_000) {
  const result = await runAction({ stage: 'test', inputs, cwd, timeoutMs });
  cleanups.push(result.cleanup);
  return result;
}

/** The log groups in the order printed, with their first line of content. */
const groups = (log: string) => [...log.matchAll(/^::group::(\w[\w-]*):/gm)].map((match) => match[1]);

describe('test bundle: the commands', () => {
  it('runs all three in parallel and prints each group whole, in the order given', async () => {
    const dir = workspace();
    const result = await testStage(
      {
        lint: 'sleep 0.6; echo lint-out; echo lint-err >&2',
        typecheck: 'sleep 0.3; echo typecheck-out',
        test: 'echo test-out',
      },
      dir,
    );
    expect(result.code, result.log).toBe(0);
    expect(groups(result.log)).toEqual(['lint', 'typecheck', 'test']);
    expect(result.log).toMatch(
      /::group::lint: passed in [\d.]+m?s — sleep 0\.6; echo lint-out; echo lint-err >&2\nlint-out\nlint-err\n::endgroup::/,
    );
    expect(result.outputs).toEqual({ failed: '' });
    expect(result.summary).toContain('### ✅ test: 3 checks passed');
    expect(result.summary).toMatch(/\| lint \| ✅ passed in [\d.]+m?s \|/);
    // In parallel: well under the 0.9 s the sleeps add up to, plus start-up.
    expect(result.durationMs).toBeLessThan(3_000);
  });

  it('runs every check to the end when one fails, and names the failed one', async () => {
    const dir = workspace();
    const result = await testStage(
      {
        lint: 'touch lint.ran',
        typecheck: 'echo "src/app.py:3: error: bad type"; exit 3',
        test: 'sleep 0.2; touch test.ran',
      },
      dir,
    );
    expect(result.code).toBe(1);
    expect(existsSync(join(dir, 'lint.ran'))).toBe(true);
    expect(existsSync(join(dir, 'test.ran'))).toBe(true);
    expect(result.outputs).toEqual({ failed: 'typecheck' });
    expect(result.log).toContain('::group::typecheck: exit code 3 in');
    expect(result.log).toContain('::error::test: typecheck failed; every check ran to the end');
    expect(result.summary).toContain('### ❌ test: 1 of 3 checks failed');
  });

  it('stops a command that hangs at the deadline, with its whole process group', async () => {
    const dir = workspace();
    const result = await testStage(
      { test: 'sleep 30 & echo $! > child.pid; sleep 30', lint: 'true', timeout: '1s' },
      dir,
    );
    expect(result.code).toBe(1);
    expect(result.outputs).toEqual({ failed: 'test' });
    expect(result.log).toContain('::group::test: stopped at the 1s deadline');
    expect(result.durationMs).toBeLessThan(10_000);
    const child = Number(readFileSync(join(dir, 'child.pid'), 'utf8'));
    const alive = existsSync(`/proc/${child}`) && !/\) Z /.test(readFileSync(`/proc/${child}/stat`, 'utf8'));
    expect(alive).toBe(false);
  });

  it('runs one after another with parallel: false, streaming each', async () => {
    const dir = workspace();
    const result = await testStage(
      { lint: 'sleep 0.4; echo a', test: 'sleep 0.4; echo b', parallel: 'false' },
      dir,
    );
    expect(result.code, result.log).toBe(0);
    expect(result.log).toMatch(/::group::lint: sleep 0\.4; echo a\na\n::endgroup::\nlint: passed/);
    expect(result.durationMs).toBeGreaterThan(800);
  });
});

describe('test bundle: JUnit reports', () => {
  const report = `<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests">
  <testsuite name="pytest" errors="1" failures="1" skipped="0" tests="3">
    <testcase classname="tests.test_health" name="test_ok" file="tests/test_health.py" line="5" time="0.01"/>
    <testcase classname="tests.test_health" name="test_revision" file="tests/test_health.py" line="12" time="0.02">
      <failure message="AssertionError: assert 'api-1' == 'api-2'">tests/test_health.py:14: AssertionError</failure>
    </testcase>
    <testcase classname="tests.test_db" name="test_migrate" time="0.03">
      <error message="psycopg2.OperationalError: connection refused">def test_migrate():
&gt;       connect()
tests/test_db.py:21: OperationalError</error>
    </testcase>
  </testsuite>
</testsuites>`;

  it('puts failed cases in the summary and as annotations with file and line', async () => {
    const dir = workspace();
    mkdirSync(join(dir, 'reports'));
    writeFileSync(join(dir, 'reports', 'junit.xml'), report);
    const result = await testStage({ test: 'exit 1', junit: 'reports/*.xml' }, dir);
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      "::error title=Failed: tests.test_health › test_revision,file=tests/test_health.py,line=12::AssertionError: assert 'api-1' == 'api-2'",
    );
    expect(result.log).toContain(
      '::error title=Error: tests.test_db › test_migrate,file=tests/test_db.py,line=21::psycopg2.OperationalError: connection refused',
    );
    expect(result.summary).toContain('**Failed tests (2 of 3, from 1 report)**');
    expect(result.summary).toContain(
      "| pytest | tests.test_health › test_revision | AssertionError: assert 'api-1' == 'api-2' | tests/test_health.py:12 |",
    );
  });

  it('warns about malformed XML without crashing', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'broken.xml'), '<testsuite><testcase name="x"></testsuite>');
    const result = await testStage({ test: 'true', junit: '*.xml' }, dir);
    expect(result.code, result.log).toBe(0);
    expect(result.log).toMatch(
      /::warning::test: a JUnit report could not be read: broken\.xml: not well-formed XML/,
    );
  });

  it('warns when the glob matches no report', async () => {
    const dir = workspace();
    const result = await testStage({ test: 'true', junit: 'reports/**/*.xml' }, dir);
    expect(result.code).toBe(0);
    expect(result.log).toContain('::warning::test: no JUnit report matches "reports/**/*.xml"');
  });
});

describe('test bundle: bad inputs run nothing', () => {
  it.each([
    [{}, 'nothing to do: set at least one of the inputs "lint", "typecheck", "test" or "contract"'],
    [{ test: 'touch ran', parallel: 'maybe' }, 'input "parallel" is "maybe": use true or false'],
    [{ test: 'touch ran', timeout: 'soon' }, 'input "timeout" is "soon": not a duration'],
    [
      { test: 'touch ran', 'working-directory': 'nope' },
      'input "working-directory" is "nope", which is not a folder',
    ],
  ])('%j', async (inputs, message) => {
    const dir = workspace();
    const result = await testStage(inputs, dir);
    expect(result.code).toBe(1);
    expect(result.log).toContain(message);
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });
});
