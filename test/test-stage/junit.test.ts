// The JUnit reader of the test stage: failed and errored cases with their suite, name, message
// and location, from reports as pytest, vitest and jest write them; several reports by glob;
// a report that cannot be read is a problem to report, never a crash.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJunit, readJunitReports } from '../../src/test-stage/junit.js';

/** What `pytest --junitxml` (xunit2, its default) wrote for a passed, two failed and an errored test. */
const PYTEST_REPORT = `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="1" failures="2" skipped="0" tests="4" time="0.046"><testcase classname="tests.test_x" name="test_ok" time="0.001" /><testcase classname="tests.test_x" name="test_fail" time="0.001"><failure message="assert 1 == 2">def test_fail():
&gt;       assert 1 == 2
E       assert 1 == 2

tests/test_x.py:8: AssertionError</failure></testcase><testcase classname="tests.test_x" name="test_error" time="0.000"><error message="failed on setup with &quot;file /work/svc/tests/test_x.py, line 10&#10;E       fixture 'missing_fixture' not found&quot;">file /work/svc/tests/test_x.py, line 10
  def test_error(tmp_path_factory, missing_fixture):
E       fixture 'missing_fixture' not found

/work/svc/tests/test_x.py:10</error></testcase><testcase classname="tests.test_x" name="test_raise" time="0.000"><failure message="RuntimeError: db down">def test_raise():
&gt;       helper()

tests/test_x.py:14: 
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ 

    def helper():
&gt;       raise RuntimeError("db down")
E       RuntimeError: db down

tests/test_x.py:2: RuntimeError</failure></testcase></testsuite></testsuites>`;

/** What `vitest run --reporter=junit` wrote for one failed test. */
const VITEST_REPORT = `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="vitest tests" tests="1" failures="1" errors="0" time="0.009431376">
    <testsuite name="test/x.test.ts" tests="1" failures="1" errors="0" skipped="0" time="0.009431376">
        <testcase classname="test/x.test.ts" name="adds" time="0.007266027">
            <failure message="expected 2 to be 3 // Object.is equality" type="AssertionError">
AssertionError: expected 2 to be 3 // Object.is equality

- Expected
+ Received

- 3
+ 2

 ❯ test/x.test.ts:3:17
            </failure>
        </testcase>
    </testsuite>
</testsuites>`;

/** One suite around the given test cases. */
const suite = (cases: string, name = 'suite') =>
  `<?xml version="1.0"?><testsuites><testsuite name="${name}">${cases}</testsuite></testsuites>`;

describe('parseJunit', () => {
  it('counts every case and lists the failed and errored ones of a pytest report, located by the trace', async () => {
    const { tests, failed } = await parseJunit(PYTEST_REPORT);
    expect(tests).toBe(4);
    expect(failed).toEqual([
      {
        suite: 'pytest',
        name: 'tests.test_x › test_fail',
        kind: 'failure',
        message: 'assert 1 == 2',
        file: 'tests/test_x.py',
        line: 8,
      },
      {
        suite: 'pytest',
        name: 'tests.test_x › test_error',
        kind: 'error',
        message:
          'failed on setup with "file /work/svc/tests/test_x.py, line 10\nE       fixture \'missing_fixture\' not found"',
        file: '/work/svc/tests/test_x.py',
        line: 10,
      },
      {
        // The test's own frame, the first of the trace, not the helper's that raised.
        suite: 'pytest',
        name: 'tests.test_x › test_raise',
        kind: 'failure',
        message: 'RuntimeError: db down',
        file: 'tests/test_x.py',
        line: 14,
      },
    ]);
  });

  it("finds the line in vitest's trace", async () => {
    const { tests, failed } = await parseJunit(VITEST_REPORT);
    expect(tests).toBe(1);
    expect(failed).toEqual([
      {
        suite: 'test/x.test.ts',
        name: 'test/x.test.ts › adds',
        kind: 'failure',
        message: 'expected 2 to be 3 // Object.is equality',
        file: 'test/x.test.ts',
        line: 3,
      },
    ]);
  });

  it.each([
    ['vitest, a frame with a function name', ' ❯ Proxy.helper src/helper.ts:7:11', 'src/helper.ts', 7],
    ['jest', '    at Object.&lt;anonymous&gt; (/repo/src/a.test.ts:5:15)', '/repo/src/a.test.ts', 5],
    ['jest, a frame without a function', '    at /repo/src/b.test.mjs:9:3', '/repo/src/b.test.mjs', 9],
    ['pytest', 'tests/test_api.py:21: OperationalError', 'tests/test_api.py', 21],
  ])('reads the location from a trace: %s', async (_name, frame, file, line) => {
    const { failed } = await parseJunit(
      suite(`<testcase name="t"><failure message="boom">Error: boom\n${frame}\n</failure></testcase>`),
    );
    expect(failed[0]).toMatchObject({ file, line });
  });

  it('takes the file and line attributes over the trace', async () => {
    const { failed } = await parseJunit(
      suite(
        [
          '<testcase classname="a" name="both" file="tests/test_a.py" line="12"><failure>tests/test_a.py:14: AssertionError</failure></testcase>',
          '<testcase classname="a" name="file only" file="tests/test_a.py"><failure>tests/test_a.py:30: AssertionError</failure></testcase>',
          '<testcase classname="a" name="no line" file="tests/test_a.py" line="0"><failure/></testcase>',
          '<testcase classname="a" name="not a line" file="tests/test_a.py" line="abc"><failure/></testcase>',
        ].join(''),
      ),
    );
    expect(failed.map(({ name, file, line }) => ({ name, file, line }))).toEqual([
      { name: 'a › both', file: 'tests/test_a.py', line: 12 },
      // A file attribute names where the test is: a line from the trace may be another file's.
      { name: 'a › file only', file: 'tests/test_a.py', line: undefined },
      { name: 'a › no line', file: 'tests/test_a.py', line: undefined },
      { name: 'a › not a line', file: 'tests/test_a.py', line: undefined },
    ]);
    expect(failed[1]).not.toHaveProperty('line');
  });

  it('falls back to a classname that is a file, and gives no location otherwise', async () => {
    const { failed } = await parseJunit(
      suite(
        '<testcase classname="src/app.test.ts" name="a"><failure message="m"/></testcase>' +
          '<testcase classname="tests.test_x" name="b"><failure message="m">assert False</failure></testcase>',
      ),
    );
    expect(failed[0]).toMatchObject({ name: 'src/app.test.ts › a', file: 'src/app.test.ts' });
    expect(failed[0]).not.toHaveProperty('line');
    expect(failed[1]).not.toHaveProperty('file');
    expect(failed[1]).not.toHaveProperty('line');
  });

  it('takes the message attribute, else the first line of the text, else the kind', async () => {
    const { failed } = await parseJunit(
      suite(
        [
          '<testcase name="attribute"><failure message="expected 1">long\ntext</failure></testcase>',
          '<testcase name="text"><failure>\n  AssertionError: boom\n  more\n</failure></testcase>',
          '<testcase name="empty failure"><failure/></testcase>',
          '<testcase name="empty error"><error type="E"></error></testcase>',
          '<testcase classname="only.classname"><failure message="m"/></testcase>',
          '<testcase><failure message="m"/></testcase>',
        ].join(''),
      ),
    );
    expect(failed.map(({ name, kind, message }) => [name, kind, message])).toEqual([
      ['attribute', 'failure', 'expected 1'],
      ['text', 'failure', 'AssertionError: boom'],
      ['empty failure', 'failure', 'failure'],
      ['empty error', 'error', 'error'],
      ['only.classname', 'failure', 'm'],
      ['(unnamed)', 'failure', 'm'],
    ]);
  });

  it("decodes XML's entities and character references in messages and traces", async () => {
    const { failed } = await parseJunit(
      suite(
        '<testcase name="t"><failure message="expected &lt;b&gt; &amp; &quot;c&quot;&#10;got &#x41;&apos;s">' +
          'Error&#58; boom&#10;  at run (src/a&#46;test.ts:4:2)</failure></testcase>',
      ),
    );
    expect(failed[0]).toMatchObject({
      message: 'expected <b> & "c"\ngot A\'s',
      file: 'src/a.test.ts',
      line: 4,
    });
  });

  it('counts skipped cases as tests, not failures, and lists every failure of one case', async () => {
    const { tests, failed } = await parseJunit(
      suite(
        '<testcase name="skipped"><skipped message="later"/></testcase>' +
          '<testcase name="twice"><failure message="first"/><failure message="second"/><error message="third"/></testcase>',
      ),
    );
    expect(tests).toBe(2);
    expect(failed.map(({ name, kind, message }) => [name, kind, message])).toEqual([
      ['twice', 'failure', 'first'],
      ['twice', 'failure', 'second'],
      ['twice', 'error', 'third'],
    ]);
  });

  it('names each case by its own suite in nested suites; a suite without a name takes its parent’s', async () => {
    const { tests, failed } = await parseJunit(`<testsuites name="all">
      <testsuite name="outer">
        <testcase name="a"><failure message="m"/></testcase>
        <testsuite name="inner"><testcase name="b"><failure message="m"/></testcase></testsuite>
        <testsuite><testcase name="c"><error message="m"/></testcase></testsuite>
      </testsuite>
      <testsuite><testcase name="d"><failure message="m"/></testcase></testsuite>
    </testsuites>`);
    expect(tests).toBe(4);
    expect(failed.map(({ suite: s, name }) => [s, name])).toEqual([
      ['outer', 'a'],
      ['inner', 'b'],
      ['outer', 'c'],
      ['all', 'd'],
    ]);
  });

  it('reads a lone <testsuite> root, and an empty report as no tests', async () => {
    await expect(
      parseJunit('<testsuite name="solo"><testcase name="a"><failure message="m"/></testcase></testsuite>'),
    ).resolves.toMatchObject({ tests: 1, failed: [{ suite: 'solo', name: 'a' }] });
    await expect(parseJunit('<?xml version="1.0"?><testsuites/>')).resolves.toEqual({ tests: 0, failed: [] });
    await expect(
      parseJunit('<testsuites><testsuite name="pytest" tests="0"/></testsuites>'),
    ).resolves.toEqual({
      tests: 0,
      failed: [],
    });
  });

  it('refuses XML that is not well-formed, with the line', async () => {
    await expect(
      parseJunit('<testsuites>\n<testsuite><testcase name="x"></testsuite>\n</testsuites>'),
    ).rejects.toThrow(/^not well-formed XML: .+ \(line 2\)$/);
  });

  it('refuses a document that is not a JUnit report', async () => {
    await expect(parseJunit('<coverage line-rate="0.9"/>')).rejects.toThrow(
      'no <testsuites> or <testsuite> element: is this a JUnit report?',
    );
  });
});

describe('readJunitReports', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A workspace with the service in `svc/` and the given files (paths relative to the workspace). */
  function workspace(files: Record<string, string>): { workspace: string; service: string } {
    const root = mkdtempSync(join(tmpdir(), 'junit-'));
    dirs.push(root);
    mkdirSync(join(root, 'svc'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return { workspace: root, service: join(root, 'svc') };
  }

  it('reads several reports in path order, with the cases located relative to the workspace', async () => {
    const { workspace: root, service } = workspace({
      'svc/reports/unit.xml': PYTEST_REPORT,
      'svc/reports/frontend.xml': VITEST_REPORT,
    });
    const result = await readJunitReports(service, root, 'reports/*.xml');
    expect(result.reports).toBe(2);
    expect(result.tests).toBe(5);
    expect(result.problems).toEqual([]);
    expect(result.failed.map(({ name, file, line }) => [name, file, line])).toEqual([
      // frontend.xml before unit.xml; paths in a report are relative to the working directory.
      ['test/x.test.ts › adds', 'svc/test/x.test.ts', 3],
      ['tests.test_x › test_fail', 'svc/tests/test_x.py', 8],
      // An absolute path stays where it is, shown relative to the workspace.
      ['tests.test_x › test_error', relative(root, '/work/svc/tests/test_x.py'), 10],
      ['tests.test_x › test_raise', 'svc/tests/test_x.py', 14],
    ]);
  });

  it('reports a malformed or foreign report as a problem and still reads the others', async () => {
    const { workspace: root, service } = workspace({
      'svc/reports/a-broken.xml': '<testsuite><testcase name="x"></testsuite>',
      'svc/reports/b-coverage.xml': '<coverage line-rate="0.9"/>',
      'svc/reports/c-unit.xml': PYTEST_REPORT,
    });
    const result = await readJunitReports(service, root, 'reports/*.xml');
    expect(result.reports).toBe(3);
    expect(result.tests).toBe(4);
    expect(result.failed).toHaveLength(3);
    expect(result.problems).toHaveLength(2);
    expect(result.problems[0]).toMatch(/^svc\/reports\/a-broken\.xml: not well-formed XML: .+ \(line 1\)$/);
    expect(result.problems[1]).toBe(
      'svc/reports/b-coverage.xml: no <testsuites> or <testsuite> element: is this a JUnit report?',
    );
  });

  it('matches the glob in the working directory: nested and dot folders, never node_modules', async () => {
    const report = (name: string) => suite(`<testcase name="${name}"><failure message="m"/></testcase>`);
    const { workspace: root, service } = workspace({
      'svc/junit.xml': report('top'),
      'svc/packages/api/junit.xml': report('nested'),
      'svc/.reports/junit.xml': report('dot folder'),
      'svc/node_modules/some-package/junit.xml': report('installed'),
      'svc/packages/api/junit.json': '{}',
      'other/junit.xml': report('outside the working directory'),
    });
    const result = await readJunitReports(service, root, '**/junit.xml');
    expect(result.failed.map((failure) => failure.name)).toEqual(['dot folder', 'top', 'nested']);
    expect(result.reports).toBe(3);
    expect((await readJunitReports(service, root, 'junit.xml')).reports).toBe(1);
  });

  it('finds nothing when the glob matches no report', async () => {
    const { workspace: root, service } = workspace({ 'svc/reports/junit.json': '{}' });
    await expect(readJunitReports(service, root, 'reports/**/*.xml')).resolves.toEqual({
      reports: 0,
      tests: 0,
      failed: [],
      problems: [],
    });
  });
});
