import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CANCEL_KILL_MS,
  describeCommand,
  forwardCancelSignal,
  LEFTOVER_GRACE_MS,
  liveToolCount,
  OUTPUT_GRACE_MS,
  resetCancellation,
  SECOND_SIGNAL_MIN_MS,
  redactedTail,
  runTool,
  stopAllTools,
  stopProcessGroup,
  ToolError,
  type ToolResult,
} from '../../src/lib/exec.js';
import { registerSecret } from '../../src/lib/secrets.js';
import { waitFor, waitUntilGone } from '../../testkit/process.js';

const NODE = process.execPath;

let scratch = '';
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'exec-test-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/**
 * Every process a test starts ends by itself after 30 s at most (`sleep 30`, or `IDLE` below),
 * so a failed assertion leaves nothing behind for long and no pid is ever killed blindly.
 */
const IDLE = 'setTimeout(() => process.exit(0), 30_000)';

afterEach(async () => {
  await stopAllTools('failure');
  await waitFor('every tool to be released', () => liveToolCount() === 0);
  resetCancellation();
  vi.restoreAllMocks();
});

/** Waits until a process runs `command` (it may still be on its way through bash or setsid). */
async function waitForCommand(pid: number, command: string): Promise<void> {
  const read = (): string => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      return '';
    }
  };
  await waitFor(`pid ${pid} to run ${command}`, () => read() === command, 5_000);
}

/** Keeps the annotations runTool writes (`::warning::…`) out of the test output, and returns them. */
function captureWarnings(): () => string[] {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    for (const line of text.split(/\r?\n/)) {
      if (line.startsWith('::warning::')) lines.push(line);
      else if (line !== '') write(`${line}\n`);
    }
    return true;
  });
  return () => lines;
}

async function toolErrorOf(promise: Promise<unknown>): Promise<ToolError> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ToolError);
  return error as ToolError;
}

/** Registers a secret without printing its `::add-mask::` lines into the test output. */
function registerQuietly(value: string): void {
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    registerSecret(value);
  } finally {
    spy.mockRestore();
  }
}

/** Resolves with the first line of `stream` output a tool prints that matches. */
function outputWatcher(): {
  onOutput: (chunk: string, stream: 'stdout' | 'stderr') => void;
  seen: (pattern: RegExp) => Promise<RegExpExecArray>;
} {
  let text = '';
  const waiters: { pattern: RegExp; resolve: (match: RegExpExecArray) => void }[] = [];
  const check = (): void => {
    for (const waiter of [...waiters]) {
      const match = waiter.pattern.exec(text);
      if (match !== null) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  return {
    onOutput: (chunk) => {
      text += chunk;
      check();
    },
    seen: (pattern) =>
      new Promise((resolve) => {
        waiters.push({ pattern, resolve });
        check();
      }),
  };
}

describe('describeCommand', () => {
  it.each([
    [
      'terraform',
      ['plan', '-input=false', '-out=/tmp/tfplan'],
      'terraform plan -input=false -out=/tmp/tfplan',
    ],
    ['bash', ['-c', 'npm test'], 'bash -c "npm test"'],
    ['echo', ['', 'a"b', "it's"], 'echo "" "a\\"b" "it\'s"'],
    [
      'gcloud',
      ['run', 'services', 'describe', 'api', '--format=json'],
      'gcloud run services describe api --format=json',
    ],
  ])('shows %s %j as %s', (command, args, expected) => {
    expect(describeCommand(command, args)).toBe(expected);
  });

  it('removes registered secrets', () => {
    registerQuietly('describe-secret-42');
    expect(describeCommand('psql', ['postgresql://u:describe-secret-42@h/db'])).toBe(
      'psql postgresql://u:***@h/db',
    );
  });
});

describe('redactedTail', () => {
  it('removes a secret that crosses the first kept line before it cuts', () => {
    const secret = 'multi-line-secret-part-one\nand-part-two-of-it';
    registerSecret(secret);
    const text = `noise\nprefix ${secret}\nlast line\n`;
    // The last two lines start inside the secret: redacted whole, it is one line shorter, and
    // the tail is cut from the redacted text.
    const tail = redactedTail(text, 2);
    expect(tail).toBe('prefix ***\nlast line');
    expect(tail).not.toContain('part-two');
  });

  it('removes a one-line secret cut by the window of lines', () => {
    const secret = `sk-${'z'.repeat(50)}`;
    registerSecret(secret);
    expect(redactedTail(`a\nb ${secret} c\nd`, 2)).toBe('b *** c\nd');
    expect(redactedTail('one\ntwo\nthree\n\n', 2)).toBe('two\nthree');
    expect(redactedTail('', 3)).toBe('');
  });
});

describe('runTool', () => {
  it('captures stdout, stderr and the exit code', async () => {
    const result = await runTool(
      NODE,
      ['-e', 'process.stdout.write("out line\\n"); process.stderr.write("err line\\n")'],
      { timeoutMs: 20_000 },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('out line\n');
    expect(result.stderr).toBe('err line\n');
    expect(result.durationMs).toBeGreaterThan(0);
    expect(liveToolCount()).toBe(0);
  });

  it('accepts the exit codes listed in okCodes', async () => {
    const result = await runTool(NODE, ['-e', 'console.log("changes"); process.exit(2)'], {
      timeoutMs: 20_000,
      okCodes: [2],
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('changes\n');

    const error = await toolErrorOf(
      runTool(NODE, ['-e', 'process.exit(3)'], { timeoutMs: 20_000, okCodes: [2] }),
    );
    expect(error.message).toMatch(/ failed with exit code 3$/);
    expect(error.result?.code).toBe(3);
  });

  it('turns a non-zero exit into a ToolError with the command and the last 20 lines of stderr', async () => {
    const script =
      'for (let i = 1; i <= 30; i++) console.error("problem " + String(i).padStart(2, "0")); process.exit(7)';
    const error = await toolErrorOf(runTool(NODE, ['-e', script], { timeoutMs: 20_000 }));
    const tail = Array.from({ length: 20 }, (_, i) => `problem ${String(i + 11).padStart(2, '0')}`).join(
      '\n',
    );
    expect(error.name).toBe('ToolError');
    expect(error.message).toBe(`${describeCommand(NODE, ['-e', script])} failed with exit code 7:\n${tail}`);
    expect(error.message).not.toContain('problem 10');
    expect(error.result?.code).toBe(7);
    expect(error.result?.stderr.split('\n')).toHaveLength(31);
  });

  it('leaves the colon out when stderr is empty', async () => {
    const error = await toolErrorOf(runTool(NODE, ['-e', 'process.exit(1)'], { timeoutMs: 20_000 }));
    expect(error.message).toBe(`${describeCommand(NODE, ['-e', 'process.exit(1)'])} failed with exit code 1`);
  });

  it('reports a tool that is not on PATH', async () => {
    const error = await toolErrorOf(runTool('no-such-tool-7f3a', ['--version'], { timeoutMs: 20_000 }));
    expect(error.message).toBe(
      'no-such-tool-7f3a --version was not found on PATH: spawn no-such-tool-7f3a ENOENT',
    );
    expect(error.result).toBeUndefined();
    expect(liveToolCount()).toBe(0);
  });

  it('names a missing working directory instead of blaming PATH', async () => {
    const error = await toolErrorOf(
      runTool(NODE, ['--version'], { cwd: '/no/such/dir-7f3a', timeoutMs: 20_000 }),
    );
    expect(error.message).toMatch(
      /could not start: the working directory \/no\/such\/dir-7f3a does not exist/,
    );
  });

  it('reports a signal that killed the tool', async () => {
    const error = await toolErrorOf(
      runTool(NODE, ['-e', 'console.error("dying"); process.kill(process.pid, "SIGKILL")'], {
        timeoutMs: 20_000,
      }),
    );
    expect(error.message).toMatch(/ was killed by SIGKILL:\ndying$/);
    expect(error.result?.code).toBe(-1);
  });

  it('delivers stdin and closes it', async () => {
    const script =
      'let text = ""; process.stdin.on("data", (c) => (text += c)); process.stdin.on("end", () => process.stdout.write(text.toUpperCase()))';
    const result = await runTool(NODE, ['-e', script], { timeoutMs: 20_000, stdin: 'plan\nmore ünïcode\n' });
    expect(result.stdout).toBe('PLAN\nMORE ÜNÏCODE\n');
  });

  it('gives a tool without stdin an empty, closed input', async () => {
    const script =
      'let n = 0; process.stdin.on("data", (c) => (n += c.length)); process.stdin.on("end", () => console.log("eof " + n))';
    const result = await runTool(NODE, ['-e', script], { timeoutMs: 20_000 });
    expect(result.stdout).toBe('eof 0\n');
  });

  it('runs in the given directory with exactly the given environment', async () => {
    const script =
      'console.log(JSON.stringify({ cwd: process.cwd(), only: process.env.ONLY_THIS, home: process.env.HOME }))';
    const result = await runTool(NODE, ['-e', script], {
      timeoutMs: 20_000,
      cwd: scratch,
      env: { ONLY_THIS: 'set by the test' },
    });
    expect(JSON.parse(result.stdout)).toEqual({ cwd: realpathSync(scratch), only: 'set by the test' });
  });

  it('streams output chunks to onOutput as they arrive', async () => {
    const chunks: { chunk: string; stream: string }[] = [];
    const result = await runTool(
      NODE,
      ['-e', 'console.log("first"); setTimeout(() => { console.error("second"); console.log("third") }, 50)'],
      { timeoutMs: 20_000, onOutput: (chunk, stream) => chunks.push({ chunk, stream }) },
    );
    const byStream = (name: string): string =>
      chunks
        .filter((c) => c.stream === name)
        .map((c) => c.chunk)
        .join('');
    expect(byStream('stdout')).toBe('first\nthird\n');
    expect(byStream('stderr')).toBe('second\n');
    expect(byStream('stdout')).toBe(result.stdout);
    expect(chunks[0]).toEqual({ chunk: 'first\n', stream: 'stdout' });
  });

  it('decodes multi-byte characters split across chunks', async () => {
    // 3-byte characters: pipe chunks of 64 KiB cannot all end on a character boundary.
    const expected = '€'.repeat(200_000);
    const chunks: string[] = [];
    const result = await runTool(NODE, ['-e', 'process.stdout.write("€".repeat(200000))'], {
      timeoutMs: 20_000,
      onOutput: (chunk) => chunks.push(chunk),
    });
    expect(result.stdout.includes('\ufffd')).toBe(false);
    expect(result.stdout === expected).toBe(true);
    // One line of 600 KB: relayed in parts of whole characters, each ending a line.
    expect(chunks.every((chunk) => chunk.endsWith('\n'))).toBe(true);
    expect(chunks.join('').replace(/\n/g, '') === expected).toBe(true);
  });

  it('removes registered secrets from the error and from output chunks', async () => {
    const secret = 'exec-s3cr3t-Value-9921';
    registerQuietly(secret);
    const chunks: string[] = [];
    const script =
      'console.log("token=" + process.argv[1]); console.error("auth failed for " + process.argv[1]); process.exit(1)';
    const error = await toolErrorOf(
      runTool(NODE, ['-e', script, secret], { timeoutMs: 20_000, onOutput: (chunk) => chunks.push(chunk) }),
    );
    expect(error.message).not.toContain(secret);
    expect(error.message).toMatch(/ \*\*\* failed with exit code 1:\nauth failed for \*\*\*$/);
    expect(chunks.join('')).not.toContain(secret);
    expect(chunks.join('')).toContain('token=***');
    expect(chunks.join('')).toContain('auth failed for ***');
  });

  it('stops the whole process group at the deadline', async () => {
    const started = performance.now();
    const error = await toolErrorOf(
      runTool('bash', ['-c', 'echo $$; sleep 30 & echo $!; wait'], {
        timeoutMs: 500,
      }),
    );
    const elapsed = performance.now() - started;
    const pids = (error.result?.stdout ?? '').split(/\s+/).filter(Boolean).map(Number);
    expect(pids).toHaveLength(2);
    expect(error.message).toMatch(/^bash -c ".*" did not finish within 500ms and was stopped$/);
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(4_000);
    await Promise.all(pids.map((pid) => waitUntilGone(pid)));
  });

  it('stops a background child that outlived the tool and holds its output open', async () => {
    const warnings = captureWarnings();
    const started = performance.now();
    // bash exits at once; the background sleep keeps stdout open: it gets OUTPUT_GRACE_MS, then
    // is stopped, and the tool's own exit (0) stands.
    const result = await runTool('bash', ['-c', 'sleep 30 & echo $!; sleep 0.2'], { timeoutMs: 20_000 });
    const elapsed = performance.now() - started;
    const pid = Number(result.stdout.trim());
    expect(result.code).toBe(0);
    expect(result.leftovers).toEqual([`pid ${pid} "sleep 30" (held its output open)`]);
    expect(elapsed).toBeGreaterThanOrEqual(OUTPUT_GRACE_MS - 50);
    expect(elapsed).toBeLessThan(OUTPUT_GRACE_MS + 3_000);
    await waitUntilGone(pid);
    expect(warnings()).toEqual([
      `::warning::bash -c "sleep 30 & echo $!; sleep 0.2" exited (code 0), but what it started in the background kept its output open: pid ${pid} "sleep 30" (held its output open). Stopped after 1s; what they print is not shown`,
    ]);
  });

  it('holds the deadline against a process that left the group (setsid) and holds the output', async () => {
    const warnings = captureWarnings();
    const started = performance.now();
    // `setsid` makes a new session: a kill of the tool's group misses it, and it holds stdout.
    const error = await toolErrorOf(
      runTool('bash', ['-c', 'setsid sleep 30 & echo $!; wait'], { timeoutMs: 1_000 }),
    );
    const elapsed = performance.now() - started;
    const pid = Number(error.result?.stdout.trim());
    const named = `pid ${pid} "sleep 30" (outside its process group, held its output open)`;
    expect(error.message).toBe(
      `bash -c "setsid sleep 30 & echo $!; wait" did not finish within 1s and was stopped; also stopped: ${named}`,
    );
    expect(error.result?.stopped).toMatchObject({ reason: 'deadline', signals: ['SIGTERM'] });
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(3_000);
    await waitUntilGone(pid);
    expect(warnings()).toEqual([
      `::warning::bash -c "setsid sleep 30 & echo $!; wait": also stopped ${named}`,
    ]);
  });

  it('stops a setsid process left holding the output after the tool exited', async () => {
    captureWarnings();
    // The tool lives a moment: its output is known by the links read right after it started.
    const result = await runTool('bash', ['-c', 'setsid sleep 30 & echo $!; sleep 0.2'], {
      timeoutMs: 20_000,
    });
    const pid = Number(result.stdout.trim());
    expect(result.code).toBe(0);
    expect(result.leftovers).toEqual([
      `pid ${pid} "sleep 30" (outside its process group, held its output open)`,
    ]);
    await waitUntilGone(pid);
  });

  it('finds a holder of the output that cleared its environment and left the group', async () => {
    captureWarnings();
    // No mark, no group, no session, no parent once bash exits: only the output it holds tells.
    const result = await runTool('bash', ['-c', 'env -i setsid sleep 30 & echo $!; sleep 0.2'], {
      timeoutMs: 20_000,
    });
    const pid = Number(result.stdout.trim());
    expect(result.leftovers).toEqual([
      `pid ${pid} "sleep 30" (outside its process group, held its output open)`,
    ]);
    await waitUntilGone(pid);
  });

  it('stops what a tool left running with its output elsewhere, without waiting for the grace', async () => {
    const warnings = captureWarnings();
    const started = performance.now();
    const result = await runTool(
      'bash',
      ['-c', 'setsid sleep 30 >/dev/null 2>&1 & echo $!; sleep 30 >/dev/null 2>&1 & echo $!; sleep 0.3'],
      { timeoutMs: 20_000 },
    );
    const [escaped, inGroup] = result.stdout.trim().split('\n').map(Number);
    expect(result.code).toBe(0);
    expect(result.leftovers).toEqual([
      `pid ${escaped} "sleep 30" (outside its process group)`,
      `pid ${inGroup} "sleep 30"`,
    ]);
    // The output closed with bash: nothing waited for OUTPUT_GRACE_MS.
    expect(performance.now() - started).toBeLessThan(OUTPUT_GRACE_MS + 1_500);
    await Promise.all([waitUntilGone(escaped ?? 0), waitUntilGone(inGroup ?? 0)]);
    expect(warnings()).toEqual([
      expect.stringMatching(
        /^::warning::bash -c .* exited \(code 0\) and left processes running: pid \d+ "sleep 30" \(outside its process group\), pid \d+ "sleep 30"\. They were stopped$/,
      ),
    ]);
  });

  it('SIGKILLs a leftover that ignores SIGTERM after LEFTOVER_GRACE_MS', async () => {
    captureWarnings();
    const result = await runTool(
      'bash',
      // bash waits a moment, so that the leftover is found as sleep, out of the group.
      ['-c', `setsid bash -c 'trap "" TERM; exec sleep 30' >/dev/null 2>&1 & echo $!; sleep 0.3`],
      { timeoutMs: 20_000 },
    );
    const pid = Number(result.stdout.trim());
    expect(result.leftovers).toEqual([`pid ${pid} "sleep 30" (outside its process group)`]);
    await waitUntilGone(pid);
    expect(result.durationMs).toBeGreaterThanOrEqual(LEFTOVER_GRACE_MS - 50);
    expect(result.durationMs).toBeLessThan(LEFTOVER_GRACE_MS + 2_500);
  });

  it('kills a child that ignores SIGTERM once the tool itself has exited', async () => {
    // The leader dies on SIGTERM; its child ignores SIGTERM and gets no grace afterwards.
    const child = `process.on("SIGTERM", () => {}); console.log(process.pid); ${IDLE}`;
    const leader = `require("child_process").spawn(process.execPath, ["-e", ${JSON.stringify(child)}], { stdio: "inherit" }); ${IDLE}`;
    const started = performance.now();
    // 2.5 s leave the child ample time to start and print its pid, even on a loaded machine.
    const error = await toolErrorOf(runTool(NODE, ['-e', leader], { timeoutMs: 2_500 }));
    const pid = Number(error.result?.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    // Under load the child may be seen as left over after the leader's exit and named too.
    expect(error.message).toMatch(
      new RegExp(` did not finish within 2\\.5s and was stopped(; also stopped: pid ${pid} "node")?$`),
    );
    // The 5 s grace is not waited for: the leader exits at SIGTERM, its child is killed at once.
    expect(performance.now() - started).toBeLessThan(6_500);
    await waitUntilGone(pid);
  });
});

describe('stopProcessGroup', () => {
  function startDetached(script: string): { child: ChildProcess; ready: Promise<void> } {
    const child = spawn(NODE, ['-e', script], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    const ready = new Promise<void>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('ready')) resolve();
      });
      child.once('exit', () => reject(new Error(`exited before it was ready: ${text}`)));
    });
    return { child, ready };
  }

  it('ends a tool that stops on SIGTERM without waiting for the grace', async () => {
    const { child, ready } = startDetached(`console.log("ready"); ${IDLE}`);
    await ready;
    const started = performance.now();
    await stopProcessGroup(child, 20_000);
    expect(child.signalCode).toBe('SIGTERM');
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('SIGKILLs a tool that ignores SIGTERM after the grace', async () => {
    const { child, ready } = startDetached(
      `process.on("SIGTERM", () => console.log("ignored SIGTERM")); console.log("ready"); ${IDLE}`,
    );
    await ready;
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const started = performance.now();
    await stopProcessGroup(child, 300);
    const elapsed = performance.now() - started;
    expect(child.signalCode).toBe('SIGKILL');
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3_000);
    await waitFor('the SIGTERM trace', () => output.includes('ignored SIGTERM'), 2_000);
  });

  it('returns at once for a tool that already exited', async () => {
    const child = spawn(NODE, ['-e', 'process.exit(0)'], { detached: true, stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    const started = performance.now();
    await stopProcessGroup(child, 20_000);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(child.exitCode).toBe(0);
  });
});

describe('stopAllTools', () => {
  it("stops every running tool on 'failure'", async () => {
    // toolErrorOf takes the rejections at once: they come while stopAllTools is awaited.
    const sleeping = toolErrorOf(runTool('sleep', ['30'], { timeoutMs: 60_000 }));
    const watcher = outputWatcher();
    const looping = toolErrorOf(
      runTool(NODE, ['-e', `console.log("ready"); ${IDLE}`], {
        timeoutMs: 60_000,
        onOutput: watcher.onOutput,
      }),
    );
    expect(liveToolCount()).toBe(2);
    await watcher.seen(/ready/);
    const started = performance.now();
    await stopAllTools('failure');
    const [sleepError, loopError] = await Promise.all([sleeping, looping]);
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(sleepError.message).toBe('sleep 30 was killed by SIGTERM');
    expect(loopError.message).toMatch(/ was killed by SIGTERM$/);
    expect(liveToolCount()).toBe(0);
  });

  it("forwards exactly one SIGINT on 'cancel' to a tool that asked for it, and waits for it to exit", async () => {
    const marker = join(scratch, 'interrupted.txt');
    // Counts SIGINTs for 300 ms after the first one, writes the count, and exits: Terraform's way.
    const script = [
      'const fs = require("fs");',
      'let count = 0;',
      'process.on("SIGINT", () => {',
      '  count += 1;',
      '  if (count === 1) setTimeout(() => { fs.writeFileSync(process.argv[1], String(count)); process.exit(0); }, 300);',
      '});',
      'console.log("ready");',
      `${IDLE};`,
    ].join('\n');
    const watcher = outputWatcher();
    const interrupted = runTool(NODE, ['-e', script, marker], {
      timeoutMs: 60_000,
      onCancel: 'interrupt',
      onOutput: watcher.onOutput,
    });
    const killed = toolErrorOf(runTool('sleep', ['30'], { timeoutMs: 60_000 }));
    await watcher.seen(/ready/);
    const started = performance.now();
    await stopAllTools('cancel');
    // Waited for: the marker is written before the tool exits.
    expect(existsSync(marker)).toBe(true);
    expect(readFileSync(marker, 'utf8')).toBe('1');
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    const result: ToolResult = await interrupted;
    expect(result.code).toBe(0);
    expect((await killed).message).toBe('sleep 30 was killed by SIGTERM');
    expect(liveToolCount()).toBe(0);
  });

  it('kills an interrupted tool that ignores SIGINT and SIGTERM, and what left its group, at CANCEL_KILL_MS', async () => {
    const signals = join(scratch, 'stubborn-signals.txt');
    // Records each signal with its time, ignores them all; its child left the group and ignores
    // them too: only a SIGKILL to each ends them.
    const script = [
      'const fs = require("fs");',
      'const started = Date.now();',
      'for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => fs.appendFileSync(process.argv[1], s + " " + (Date.now() - started) + "\\n"));',
      `const child = require("child_process").spawn("setsid", ["bash", "-c", "trap '' INT TERM; exec sleep 30"], { stdio: "inherit" });`,
      'console.log("child " + child.pid);',
      `${IDLE};`,
    ].join('\n');
    const watcher = outputWatcher();
    const running = toolErrorOf(
      runTool(NODE, ['-e', script, signals], {
        timeoutMs: 60_000,
        onCancel: 'interrupt',
        onOutput: watcher.onOutput,
      }),
    );
    const grandchild = Number((await watcher.seen(/child (\d+)/))[1]);
    await waitForCommand(grandchild, 'sleep 30');
    const started = performance.now();
    const stopping = stopAllTools('cancel');
    // The runner's SIGTERM right away (not 7.5 s later) waits until SECOND_SIGNAL_MIN_MS after
    // the SIGINT; asked twice, it is still sent once.
    const forwarded = forwardCancelSignal('SIGTERM');
    expect(forwarded).toHaveLength(1);
    expect(forwarded[0]?.inMs).toBeGreaterThan(SECOND_SIGNAL_MIN_MS - 500);
    expect(forwardCancelSignal('SIGTERM')).toEqual([]);
    const [report] = await stopping;
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(CANCEL_KILL_MS - 100);
    expect(elapsed).toBeLessThan(CANCEL_KILL_MS + 1_500);
    const error = await running;
    expect(error.message).toMatch(
      / was killed by SIGKILL; also stopped: pid \d+ "sleep 30" \(outside its process group, held its output open\)$/,
    );
    expect(error.result?.stopped).toMatchObject({
      reason: 'cancel',
      signals: ['SIGINT', 'SIGTERM', 'SIGKILL'],
    });
    const received = readFileSync(signals, 'utf8').trim().split('\n');
    expect(received.map((line) => line.split(' ')[0])).toEqual(['SIGINT', 'SIGTERM']);
    const termAt = Number(received[1]?.split(' ')[1]) - Number(received[0]?.split(' ')[1]);
    expect(termAt).toBeGreaterThanOrEqual(SECOND_SIGNAL_MIN_MS - 100);
    expect(termAt).toBeLessThan(SECOND_SIGNAL_MIN_MS + 1_000);
    expect(report?.outcome).toMatch(
      new RegExp(
        `^SIGINT, SIGTERM, SIGKILL; killed by SIGKILL 8\\.\\ds after the first signal; stopped with it: pid ${grandchild} "sleep 30" \\(outside its process group, held its output open\\)$`,
      ),
    );
    await waitUntilGone(grandchild);
    expect(liveToolCount()).toBe(0);
  }, 20_000);

  it('kills at once what an interrupted tool left behind when it stopped by itself', async () => {
    captureWarnings();
    // Like Terraform after a SIGINT: it exits, but a child it started in the background (which
    // ignores SIGINT, as a shell's background job does) would live on, holding its output.
    const script = [
      'process.on("SIGINT", () => setTimeout(() => process.exit(1), 100));',
      `const child = require("child_process").spawn("bash", ["-c", "trap '' INT; exec sleep 30"], { stdio: "inherit" });`,
      'console.log("child " + child.pid);',
      `${IDLE};`,
    ].join('\n');
    const watcher = outputWatcher();
    const running = toolErrorOf(
      runTool(NODE, ['-e', script], { timeoutMs: 60_000, onCancel: 'interrupt', onOutput: watcher.onOutput }),
    );
    const child = Number((await watcher.seen(/child (\d+)/))[1]);
    await waitForCommand(child, 'sleep 30');
    const started = performance.now();
    const [report] = await stopAllTools('cancel');
    expect(performance.now() - started).toBeLessThan(2_000);
    const error = await running;
    expect(error.message).toMatch(
      new RegExp(
        ` failed with exit code 1; also stopped: pid ${child} "sleep 30" \\(held its output open\\)$`,
      ),
    );
    expect(report?.outcome).toMatch(
      new RegExp(
        `^SIGINT; exited with code 1 \\d+ms after the first signal; stopped with it: pid ${child} "sleep 30" \\(held its output open\\)$`,
      ),
    );
    await waitUntilGone(child);
  });

  it('stops a process that left the group of a tool that is killed on cancel', async () => {
    captureWarnings();
    const watcher = outputWatcher();
    const running = toolErrorOf(
      // The pid is printed once the sleep has left the group (a moment after the fork).
      runTool('bash', ['-c', 'setsid sleep 30 & pid=$!; sleep 0.3; echo $pid; wait'], {
        timeoutMs: 60_000,
        onOutput: watcher.onOutput,
      }),
    );
    const pid = Number((await watcher.seen(/(\d+)/))[1]);
    await stopAllTools('cancel');
    const error = await running;
    expect(error.message).toBe(
      `bash -c "setsid sleep 30 & pid=$!; sleep 0.3; echo $pid; wait" was killed by SIGTERM; also stopped: pid ${pid} "sleep 30" (outside its process group, held its output open)`,
    );
    await waitUntilGone(pid);
  });
});

describe('runTool live: the log pipe’s backpressure', () => {
  it('stops reading the tool while the log is behind, and prints all of it once the log drains', async () => {
    const written: string[] = [];
    const log = { behind: true };
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return !log.behind;
    });
    const line = 'x'.repeat(999);
    try {
      // 4 MB of lines: `yes` blocks on its full pipe while nobody reads it.
      const run = runTool('bash', ['-c', `yes ${line} | head -n 4000`], { live: true, timeoutMs: 20_000 });
      await new Promise((resolve) => setTimeout(resolve, 600));
      const whileBehind = written.join('').length;
      // One read of the pipe at most (64 KiB), not the 4 MB the tool would have printed.
      expect(whileBehind).toBeGreaterThan(0);
      expect(whileBehind).toBeLessThan(200_000);
      log.behind = false;
      process.stdout.emit('drain');
      const result = await run;
      expect(result.code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const printed = written
      .join('')
      .split('\n')
      .filter((text) => text === line);
    expect(printed).toHaveLength(4000);
  });
});
