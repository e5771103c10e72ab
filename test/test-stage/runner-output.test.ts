// actions/test under heavy output, as the runner runs it: the bundle started as a process whose
// V8 heap is capped well below what the commands print, so keeping any command's output (or a
// queue of it) in memory ends the step with an out-of-memory crash instead of a summary. Each
// command's output must still reach the log whole, in order, in its own group.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAction } from '../../testkit/local-runner.mjs';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'test-stage-output-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The action's heap cap: a third of what the commands print together, about half of lint's output alone. */
const HEAP_MB = 32;
const LINES = 60_000;
const LINE = 1000;
const HUGE_LINE = 30_000_000;
const STDERR_LINES = 10_000;
/**
 * The longest piece of a line without end: the relay hands on its pending part once that
 * passes MAX_PENDING_LINE (src/lib/relay.ts, 64 KiB), with the piece just read (SPOOL_CHUNK in
 * src/test-stage/spool.ts, 64 KiB).
 */
const MAX_PIECE = 2 * 64 * 1024;

/** `python3 print.py NAME COUNT [stderr]`: COUNT numbered lines of LINE bytes. */
const PRINT_PY = `import sys
name, count = sys.argv[1], int(sys.argv[2])
out = sys.stderr if sys.argv[3:] == ['stderr'] else sys.stdout
pad = 'x' * (${LINE} - len(name) - 9)
for i in range(count):
    out.write(f'{name} {i:06d} {pad}\\n')
`;
const numbered = (name: string, i: number) =>
  `${name} ${String(i).padStart(6, '0')} ${'x'.repeat(LINE - name.length - 9)}`;

/** Waits (20 s at most) for the files, then fails if one is missing. */
const awaitFiles = (...files: string[]) =>
  `for _ in $(seq 400); do ${files.map((f) => `[ -e ${f} ]`).join(' && ')} && break; sleep 0.05; done; ${files.map((f) => `[ -e ${f} ]`).join(' && ')}`;

/** Every log group: its title and its lines, in the order printed. */
function groupsOf(log: string): { title: string; lines: string[] }[] {
  const found: { title: string; lines: string[] }[] = [];
  let open: { title: string; lines: string[] } | undefined;
  for (const line of log.split('\n')) {
    if (line.startsWith('::group::')) {
      open = { title: line.slice('::group::'.length), lines: [] };
      found.push(open);
    } else if (line === '::endgroup::') open = undefined;
    else open?.lines.push(line);
  }
  return found;
}

function expectNumbered(lines: readonly string[], name: string, count: number): void {
  expect(lines.length).toBe(count);
  expect(lines[0]).toBe(numbered(name, 0));
  expect(lines.at(-1)).toBe(numbered(name, count - 1));
  const wrong = lines.findIndex((line, i) => line !== numbered(name, i));
  expect(wrong, `line ${wrong} of ${name}: ${lines[wrong]?.slice(0, 40)}`).toBe(-1);
}

describe('test bundle: output far larger than its memory', () => {
  // 100 MB in all: lint 60 MB of numbered lines (and it ends last, yet is printed first),
  // typecheck one 30 MB line without a newline, test 10 MB on stderr between two stdout lines.
  const commands = {
    lint: `${awaitFiles('typecheck.done', 'test.done')}; echo lint-first; python3 print.py lint ${LINES}; echo lint-last`,
    typecheck: `echo typecheck-first; head -c ${HUGE_LINE} /dev/zero | tr '\\0' y; touch typecheck.done`,
    test: `echo test-first; python3 print.py test ${STDERR_LINES} stderr; echo test-last; touch test.done`,
  };

  it.each([
    ['in parallel, each group printed from its file afterwards', 'true'],
    ['in sequence, each group following its file live', 'false'],
  ])(
    '%s: passes, every line in place',
    async (_mode, parallel) => {
      const dir = workspace();
      writeFileSync(join(dir, 'print.py'), PRINT_PY);
      const inputs =
        parallel === 'true'
          ? commands
          : // In sequence lint cannot wait for the others: it runs first.
            { ...commands, lint: commands.lint.replace(/^.*?; echo lint-first/, 'echo lint-first') };
      const result = await runAction({
        stage: 'test',
        inputs: { ...inputs, parallel },
        cwd: dir,
        env: { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` },
        timeoutMs: 60_000,
      });
      cleanups.push(result.cleanup);
      expect(result.code, result.log.slice(-3000)).toBe(0);
      expect(result.outputs).toEqual({ failed: '' });
      expect(result.summary).toContain('### ✅ test: 3 checks passed');
      for (const name of ['lint', 'typecheck', 'test']) {
        expect(result.summary).toMatch(new RegExp(`\\| ${name} \\| ✅ passed in [\\d.]+m?s \\|`));
      }

      const groups = groupsOf(result.log);
      expect(groups.map((group) => group.title.split(':')[0])).toEqual(['lint', 'typecheck', 'test']);
      const [lint, typecheck, test] = groups.map((group) => group.lines);

      expect(lint?.[0]).toBe('lint-first');
      expect(lint?.at(-1)).toBe('lint-last');
      expectNumbered(lint?.slice(1, -1) ?? [], 'lint', LINES);

      // The line without end arrives in pieces of at most the relay's cut, every byte kept.
      expect(typecheck?.[0]).toBe('typecheck-first');
      const pieces = typecheck?.slice(1) ?? [];
      expect(pieces.reduce((sum, piece) => sum + piece.length, 0)).toBe(HUGE_LINE);
      expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThanOrEqual(MAX_PIECE);
      expect(pieces.filter((piece) => !/^y+$/.test(piece)).map((piece) => piece.slice(0, 40))).toEqual([]);

      // stdout and stderr share the file: the stderr lines sit between the two stdout lines.
      expect(test?.[0]).toBe('test-first');
      expect(test?.at(-1)).toBe('test-last');
      expectNumbered(test?.slice(1, -1) ?? [], 'test', STDERR_LINES);
    },
    60_000,
  );
});

describe('test bundle: what the spool keeps of the shell', () => {
  it("shows bash's own messages with their line numbers, a syntax error of the first line too", async () => {
    const dir = workspace();
    const result = await runAction({
      stage: 'test',
      inputs: { lint: 'echo before\nno-such-command-here', test: 'if then' },
      cwd: dir,
    });
    cleanups.push(result.cleanup);
    expect(result.code).toBe(1);
    expect(result.outputs).toEqual({ failed: 'lint,test' });
    const [lint, test] = groupsOf(result.log).map((group) => group.lines);
    // The group's title holds the whole command: its second line comes first here.
    expect(lint).toEqual([
      'no-such-command-here',
      'before',
      'bash: line 2: no-such-command-here: command not found',
    ]);
    expect(test?.join('\n')).toMatch(/^bash: -c: line 1: syntax error near unexpected token `then'/);
    expect(result.summary).toContain('### ❌ test: 2 of 2 checks failed');
  });

  it('in sequence, prints a line while the command still runs', async () => {
    // Cancelled once the log shows the line: only a live group lets that happen before the
    // command's 30 s are over.
    const dir = workspace();
    const result = await runAction({
      stage: 'test',
      inputs: { lint: 'echo lint-is-running; sleep 30', parallel: 'false' },
      cwd: dir,
      cancel: { whenLog: /^lint-is-running$/m },
    });
    cleanups.push(result.cleanup);
    expect(result.code).toBe(1);
    expect(result.durationMs).toBeLessThan(10_000);
    expect(result.summary).toMatch(/^### ❌ test: cancelled\n/);
    expect(result.summary).toMatch(/\| lint \| ❌ killed by SIGTERM in [\d.]+m?s \|/);
  });
});
