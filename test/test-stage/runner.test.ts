// actions/test as the runner runs it: the bundle started as a process, real bash commands in
// a temporary service folder, real JUnit files.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, runAction, workflowCommands } from '../../testkit/local-runner.mjs';
import { waitUntilGone } from '../../testkit/process.js';

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

/** A shell loop that waits (10 s at most) for a file another command creates, then fails if it is missing. */
const awaitFile = (file: string) =>
  `for _ in $(seq 200); do [ -e ${file} ] && break; sleep 0.05; done; [ -e ${file} ]`;

/** The log groups in the order printed, with their first line of content. */
const groups = (log: string) => [...log.matchAll(/^::group::(\w[\w-]*):/gm)].map((match) => match[1]);

describe('test bundle: the commands', () => {
  it('runs all three in parallel and prints each group whole, in the order given', async () => {
    const dir = workspace();
    const result = await testStage(
      {
        // lint and typecheck meet: each goes on only once the other has started, which only
        // running at once allows (run one after the other, lint fails after 10 s). lint then
        // finishes last, yet its group is printed first.
        lint: `touch lint.started; ${awaitFile('typecheck.started')}; sleep 0.3; echo lint-out; echo lint-err >&2`,
        typecheck: `touch typecheck.started; ${awaitFile('lint.started')}; echo typecheck-out`,
        test: 'echo test-out',
      },
      dir,
    );
    expect(result.code, result.log).toBe(0);
    expect(groups(result.log)).toEqual(['lint', 'typecheck', 'test']);
    expect(result.log).toMatch(
      /::group::lint: passed in [\d.]+m?s — touch lint\.started; .*\nlint-out\nlint-err\n::endgroup::/,
    );
    expect(result.outputs).toEqual({ failed: '' });
    expect(result.summary).toContain('### ✅ test: 3 checks passed');
    expect(result.summary).toMatch(/\| lint \| ✅ passed in [\d.]+m?s \|/);
    expect(result.summary).toContain('| Ran | in parallel |');
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
    await waitUntilGone(child);
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

describe('test bundle: a command cannot issue workflow commands', () => {
  // Each of these, printed raw by a child, would mask "main", forge an annotation or stop the
  // runner reading the stage's own commands.
  const forged = [
    '::add-mask::main',
    '::error file=x.py,line=1::forged',
    '::stop-commands::x',
    '::warning::forged',
    '::set-output name=ok::forged',
  ];
  const printForged = `printf '%s\\n' ${forged.map((line) => `'${line}'`).join(' ')}`;

  it.each([
    ['in sequence (streamed live)', 'false'],
    ['in parallel (printed whole afterwards)', 'true'],
  ])('%s: what it prints is shown but is no command', async (_mode, parallel) => {
    const dir = workspace();
    // The second command writes the line in two pieces: the relay still sees one line.
    const result = await testStage(
      { lint: printForged, test: "printf '::err'; sleep 0.2; printf 'or::split\\n'; exit 1", parallel },
      dir,
    );
    expect(result.code, result.log).toBe(1);
    for (const line of forged) expect(result.log).toContain(line);
    expect(result.log).toContain('::error::split');
    const commands = workflowCommands(result.rawLog);
    expect(commands.filter((line) => [...forged, '::error::split'].includes(line))).toEqual([]);
    // The stage's own annotation, outside every fence, still is one.
    expect(commands.filter((line) => line.startsWith('::error')).join('\n'), result.rawLog).toContain(
      'test failed',
    );
  });
});

describe('test bundle: cancellation', () => {
  /** A command that records the pid of a child that would outlive it, then waits for it. */
  const longRunning = (name: string) => `touch ${name}.ran; sleep 30 & echo $! > ${name}.pid; wait`;
  const childOf = (dir: string, name: string) => Number(readFileSync(join(dir, `${name}.pid`), 'utf8'));

  it('in sequence: stops the running check, starts no other, and writes the summary naming its group', async () => {
    const dir = workspace();
    const result = await runAction({
      stage: 'test',
      inputs: { lint: longRunning('lint'), test: longRunning('test'), parallel: 'false' },
      cwd: dir,
      cancel: { when: () => existsSync(join(dir, 'lint.pid')) },
    });
    cleanups.push(result.cleanup);
    expect(result.code, result.log).toBe(1);
    expect(result.durationMs).toBeLessThan(10_000);
    await waitUntilGone(childOf(dir, 'lint'));
    // The next check never started: its process group would have outlived the step.
    expect(existsSync(join(dir, 'test.ran'))).toBe(false);
    expect(result.log).toContain('::error::test: cancelled (SIGINT); stopping the tools this step started');
    expect(result.outputs).toEqual({});
    const summary = result.summary;
    expect(summary.match(/^### /gm)).toEqual(['### ']);
    expect(summary).toMatch(/^### ❌ test: cancelled\n/);
    expect(summary).toMatch(/\| lint \| ❌ killed by SIGTERM in [\d.]+m?s \|/);
    expect(summary).toContain('| test | not run (cancelled) |');
    // The summary shows `>` as an entity, as every cell: it reads the same.
    const shownInSummary = longRunning('lint').replace(/>/g, '&gt;');
    expect(summary).toContain(`| Cancelled | SIGINT during "lint: ${shownInSummary}" |`);
    expect(summary).toContain('> cancelled (SIGINT) while the checks ran; test did not run');
  });

  it("in parallel: stops every check, prints each one's group, and writes the summary", async () => {
    const dir = workspace();
    const result = await runAction({
      stage: 'test',
      inputs: { lint: longRunning('lint'), test: longRunning('test') },
      cwd: dir,
      cancel: { when: () => existsSync(join(dir, 'lint.pid')) && existsSync(join(dir, 'test.pid')) },
    });
    cleanups.push(result.cleanup);
    expect(result.code, result.log).toBe(1);
    expect(result.durationMs).toBeLessThan(10_000);
    await waitUntilGone(childOf(dir, 'lint'));
    await waitUntilGone(childOf(dir, 'test'));
    expect(groups(result.log)).toEqual(['lint', 'test']);
    expect(result.log).toContain('::group::lint: killed by SIGTERM in');
    expect(result.outputs).toEqual({});
    const summary = result.summary;
    expect(summary.match(/^### /gm)).toEqual(['### ']);
    expect(summary).toMatch(/^### ❌ test: cancelled\n/);
    expect(summary).toMatch(/\| lint \| ❌ killed by SIGTERM in [\d.]+m?s \|/);
    expect(summary).toMatch(/\| test \| ❌ killed by SIGTERM in [\d.]+m?s \|/);
    // In parallel no log group is open while the commands run: their output is printed after.
    expect(summary).toContain('| Cancelled | SIGINT |');
    expect(summary).toContain('> cancelled (SIGINT) while the checks ran');
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

describe('test bundle: bad inputs run nothing and the summary says why', () => {
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
    expect(result.log).toContain(`::error::test: invalid configuration: ${message}`);
    expect(existsSync(join(dir, 'ran'))).toBe(false);
    expect(groups(result.log)).toEqual([]);
    expect(result.outputs).toEqual({});
    // The summary says why, and lists no check: none ran.
    expect(result.summary).toMatch(/^### ❌ test: invalid input\n/);
    expect(result.summary).toContain(`> ${message}`);
    expect(result.summary).not.toMatch(/^\| (lint|typecheck|test|import-guard|Ran) \|/m);
    expect(result.summary.match(/^### /gm)).toEqual(['### ']);
  });
});

describe('test bundle: the import guard', () => {
  const fixture = join(repoRoot, 'test', 'fixtures', 'import-guard');

  it('annotates every forbidden import with file, line and the rule reason, beside passing commands', async () => {
    const result = await runAction({
      stage: 'test',
      inputs: { contract: 'runtime-contract.yml', lint: 'true' },
      cwd: fixture,
    });
    cleanups.push(result.cleanup);
    expect(result.code).toBe(1);
    expect(result.outputs).toEqual({ failed: 'import-guard' });
    const annotations = [
      ...result.log.matchAll(
        /^::error title=Runtime contract: forbidden import,file=([^,]+),line=(\d+)::(\S+) must not be imported here: (.*) \(runtime contract rule at runtime-contract\.yml:(\d+)\)$/gm,
      ),
    ].map((m) => `${m[1]}:${m[2]} ${m[3]} (rule line ${m[5]})`);
    expect(annotations).toEqual([
      'src/application/checkout.py:7 google.auth.credentials (rule line 20)',
      'src/application/checkout.py:11 google.cloud.iam (rule line 20)',
      'src/application/checkout.py:17 google.cloud.secretmanager_v1 (rule line 17)',
      'src/domain/pricing.py:3 google.oauth2 (rule line 20)',
      'src/domain/types.pyi:1 google.auth.credentials (rule line 20)',
      'src/env/settings.py:3 google.cloud.secretmanager (rule line 17)',
      'src/infrastructure/secrets.py:5 google.cloud.secretmanager (rule line 17)',
    ]);
    expect(result.summary).toContain('| import-guard | ❌ 7 forbidden imports in');
    expect(result.summary).toContain(
      '| src/infrastructure/secrets.py:5 | google.cloud.secretmanager | secrets arrive as environment variables |',
    );
    expect(result.summary).toContain('| lint | ✅ passed in');
  });

  it('passes a tree without forbidden imports', async () => {
    const dir = workspace();
    mkdirSync(join(dir, 'src', 'domain'), { recursive: true });
    writeFileSync(
      join(dir, 'src', 'domain', 'model.py'),
      '"""import google.auth is only words here."""\nfrom dataclasses import dataclass\n# from google.cloud import secretmanager\n',
    );
    writeFileSync(join(dir, 'runtime-contract.yml'), readFileSync(join(fixture, 'runtime-contract.yml')));
    const result = await testStage({ contract: 'runtime-contract.yml' }, dir);
    expect(result.code, result.log).toBe(0);
    expect(result.outputs).toEqual({ failed: '' });
    expect(result.log).toContain('import-guard: 0 forbidden imports (2 rules)');
  });

  it('fails on a malformed contract with the key and line', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'runtime-contract.yml'), 'version: 1\nimports:\n  forbiden: []\n');
    const result = await testStage({ contract: 'runtime-contract.yml' }, dir);
    expect(result.code).toBe(1);
    expect(result.log).toMatch(/runtime-contract\.yml:3: .*forbiden/);
  });

  it.each([
    ['every command passed', 'true', 'invalid runtime contract', '| test | ✅ passed in'],
    [
      'a command failed too',
      'exit 4',
      'invalid runtime contract, and 1 of 2 checks failed',
      '| test | ❌ exit code 4 in',
    ],
  ])(
    'says in the summary why a malformed contract failed the step (%s)',
    async (_case, test, headline, testRow) => {
      const dir = workspace();
      writeFileSync(join(dir, 'runtime-contract.yml'), 'version: 1\nimports:\n  forbiden: []\n');
      const result = await testStage({ contract: 'runtime-contract.yml', lint: 'true', test }, dir);
      expect(result.code).toBe(1);
      expect(result.log).toMatch(
        /::error::test: invalid configuration: .*runtime-contract\.yml:3: imports\.forbiden/,
      );
      const summary = result.summary;
      // Not "0 of 2 checks failed" without a reason: the headline and a note say what is wrong.
      expect(summary).toMatch(new RegExp(`^### ❌ test: ${headline}\\n`));
      expect(summary).toContain('| lint | ✅ passed in');
      expect(summary).toContain(testRow);
      expect(summary).toContain('| import-guard | ❌ invalid runtime contract in');
      expect(summary).toMatch(/^> .*runtime-contract\.yml:3: imports\.forbiden: unknown key/m);
      expect(summary.match(/^### /gm)).toEqual(['### ']);
    },
  );
});
