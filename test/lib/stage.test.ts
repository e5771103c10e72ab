import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CancelledError, ConfigurationError, DeadlineError, messageOf } from '../../src/lib/errors.js';
import {
  CANCEL_KILL_MS,
  isCancelling,
  liveToolCount,
  resetCancellation,
  runTool,
  ToolError,
} from '../../src/lib/exec.js';
import { registerSecret } from '../../src/lib/secrets.js';
import { runStage, type Stage } from '../../src/lib/stage.js';

/** What `@actions/core` printed: workflow commands go to stdout, where the runner reads them. */
let printed: string[] = [];

/** The signal listeners there were before a test: a cancelled stage leaves its own (it exits). */
let signalListeners: { SIGINT: NodeJS.SignalsListener[]; SIGTERM: NodeJS.SignalsListener[] } = {
  SIGINT: [],
  SIGTERM: [],
};

beforeEach(() => {
  signalListeners = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  printed = [];
  process.exitCode = undefined;
  resetCancellation();
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    printed.push(...text.split(/\r?\n/).filter((line) => line !== ''));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) {
      if (!signalListeners[signal].includes(listener)) process.off(signal, listener);
    }
  }
});

const errorLines = (): string[] => printed.filter((line) => line.startsWith('::error::'));

/** A stage whose inputs are nothing: the body is its steps. */
function runSteps(name: string, steps: (stage: Stage) => Promise<void>): Promise<void> {
  return runStage({
    name,
    readInputs: () => ({}),
    describeInputs: () => ({}),
    steps: (_, stage) => steps(stage),
  });
}
/** Debug lines other than the inputs dump that every run starts with. */
const debugLines = (): string[] =>
  printed.filter((line) => line.startsWith('::debug::') && !line.startsWith('::debug::inputs: '));

describe('runStage', () => {
  it('leaves a stage that succeeds alone', async () => {
    let ran = false;
    await runSteps('health-check', () => {
      ran = true;
      return Promise.resolve();
    });
    expect(ran).toBe(true);
    expect(process.exitCode).toBeUndefined();
    expect(errorLines()).toEqual([]);
  });

  it('fails the step with the stage name for a thrown Error', async () => {
    await runSteps('deploy', () => Promise.reject(new Error('terraform plan failed with exit code 1')));
    expect(process.exitCode).toBe(1);
    expect(errorLines()).toEqual(['::error::deploy: terraform plan failed with exit code 1']);
  });

  it('fails the step for a thrown string', async () => {
    await runSteps('migrate', () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- what the boundary must survive
      throw 'the proxy did not start';
    });
    expect(process.exitCode).toBe(1);
    expect(errorLines()).toEqual(['::error::migrate: the proxy did not start']);
  });

  it('fails the step for a thrown object that is not an Error', async () => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what the boundary must survive
    await runSteps('build-push', () => Promise.reject({ status: 500, detail: 'registry down' }));
    expect(process.exitCode).toBe(1);
    expect(errorLines()).toEqual(['::error::build-push: {"status":500,"detail":"registry down"}']);
  });

  it('marks a ConfigurationError as invalid configuration', async () => {
    await runSteps('health-check', () =>
      Promise.reject(new ConfigurationError('input "timeout" is "soon": not a duration')),
    );
    expect(process.exitCode).toBe(1);
    expect(errorLines()).toEqual([
      '::error::health-check: invalid configuration: input "timeout" is "soon": not a duration',
    ]);
    // The user's mistake needs no stack trace.
    expect(debugLines()).toEqual([]);
  });

  it('logs the stack of an unexpected error at debug level', async () => {
    await runSteps('deploy', () => Promise.reject(new DeadlineError('gave up waiting')));
    const debug = debugLines();
    expect(debug).toHaveLength(1);
    expect(debug[0]).toMatch(/^::debug::DeadlineError: gave up waiting%0A\s+at /);
  });

  it('removes a registered secret from the message and the stack', async () => {
    const secret = 'stage-Pa55word-7731';
    registerSecret(secret);
    printed = [];
    await runSteps('migrate', () =>
      Promise.reject(new Error(`could not connect to postgresql://app:${secret}@127.0.0.1:5432/app`)),
    );
    expect(process.exitCode).toBe(1);
    expect(errorLines()).toEqual([
      '::error::migrate: could not connect to postgresql://app:***@127.0.0.1:5432/app',
    ]);
    expect(printed.join('\n')).not.toContain(secret);
    expect(debugLines()[0]).toContain('postgresql://app:***@127.0.0.1');
  });

  it('removes the encoded form of a registered secret', async () => {
    const secret = 'stage p@ss/2';
    registerSecret(secret);
    printed = [];
    await runSteps('migrate', () =>
      Promise.reject(new Error(`bad url ?password=${encodeURIComponent(secret)}`)),
    );
    expect(errorLines()).toEqual(['::error::migrate: bad url ?password=***']);
  });

  it('escapes a multi-line message into one workflow command', async () => {
    await runSteps('test', () => Promise.reject(new CancelledError('cancelled\nby the runner')));
    expect(errorLines()).toEqual(['::error::test: cancelled%0Aby the runner']);
  });

  it('stops tools the stage left running', async () => {
    let tool: Promise<ToolError | undefined> = Promise.resolve(undefined);
    await runSteps('deploy', () => {
      tool = runTool('sleep', ['30'], { timeoutMs: 60_000 }).then(
        () => undefined,
        (error: unknown) => error as ToolError,
      );
      return Promise.reject(new Error('plan checks failed'));
    });
    const started = performance.now();
    const error = await tool;
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(error).toBeInstanceOf(ToolError);
    expect(error?.message).toBe('sleep 30 was killed by SIGTERM');
    expect(liveToolCount()).toBe(0);
    expect(errorLines()).toEqual(['::error::deploy: plan checks failed']);
  });

  it('removes its signal handlers when done', async () => {
    const sigint = process.listenerCount('SIGINT');
    const sigterm = process.listenerCount('SIGTERM');
    let during = [0, 0];
    await runSteps('health-check', () => {
      during = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
      return Promise.reject(new Error('x'));
    });
    expect(during).toEqual([sigint + 1, sigterm + 1]);
    expect(process.listenerCount('SIGINT')).toBe(sigint);
    expect(process.listenerCount('SIGTERM')).toBe(sigterm);
  });
});

describe('messageOf', () => {
  it.each([
    [new Error('an error'), 'an error'],
    ['a string', 'a string'],
    [42, '42'],
    [null, 'null'],
    [{ a: [1, 2] }, '{"a":[1,2]}'],
    [undefined, 'undefined'],
    [Symbol('s'), 'Symbol(s)'],
  ])('reads %s as %j', (thrown, expected) => {
    expect(messageOf(thrown)).toBe(expected);
  });

  it('survives a value JSON cannot write', () => {
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    expect(messageOf(circular)).toBe('[object Object]');
    expect(messageOf(10n)).toBe('10');
  });
});

describe('runStage summary', () => {
  let summaryFile = '';
  beforeEach(() => {
    summaryFile = join(mkdtempSync(join(tmpdir(), 'stage-summary-')), 'summary.md');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summaryFile);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  const summary = (): string => readFileSync(summaryFile, 'utf8');

  it('writes the rows, tables, notes and headline the steps collected, then the time', async () => {
    await runSteps('deploy', async (stage) => {
      stage.row('Environment', 'dev');
      const planned = await stage.group('terraform plan', () => Promise.resolve('1 to add'));
      stage.table({ title: 'Resource changes', header: ['Address', 'Action'], rows: [['a.b', 'create']] });
      stage.note('plan-only: nothing was applied');
      stage.headline(`planned (${planned})`);
    });
    expect(process.exitCode).toBeUndefined();
    expect(printed).toContain('::group::terraform plan');
    expect(printed).toContain('::endgroup::');
    const text = summary();
    expect(text).toMatch(/^### ✅ deploy: planned \(1 to add\)\n/);
    expect(text).toContain('| Environment | dev |');
    expect(text).toMatch(/\| Time \| \d+ms \|/);
    expect(text).toContain('| a.b | create |');
    expect(text).toContain('> plan-only: nothing was applied');
    expect(text.indexOf('| Environment |')).toBeLessThan(text.indexOf('| Time |'));
  });

  it('names the outcome when the steps set no headline', async () => {
    await runSteps('migrate', () => Promise.resolve());
    expect(summary()).toMatch(/^### ✅ migrate: succeeded\n/);
  });

  it('writes the failure with its reason, keeping the headline the steps set', async () => {
    await runSteps('test', (stage) => {
      stage.row('lint', '❌ exit 1');
      stage.headline('1 of 3 checks failed');
      return Promise.reject(new Error('lint failed; every check ran to the end'));
    });
    const text = summary();
    expect(text).toMatch(/^### ❌ test: 1 of 3 checks failed\n/);
    expect(text).toContain('| lint | ❌ exit 1 |');
    expect(text).toContain('> lint failed; every check ran to the end');
  });

  it('writes invalid input when the inputs are refused, and runs no step', async () => {
    let ran = false;
    await runStage({
      name: 'health-check',
      readInputs: () => {
        throw new ConfigurationError('input "timeout" is "soon": not a duration (e.g. 90s, 5m)');
      },
      describeInputs: () => ({}),
      steps: () => {
        ran = true;
        return Promise.resolve();
      },
    });
    expect(ran).toBe(false);
    expect(process.exitCode).toBe(1);
    const text = summary();
    expect(text).toMatch(/^### ❌ health-check: invalid input\n/);
    expect(text).toContain('> input "timeout" is "soon": not a duration (e.g. 90s, 5m)');
  });

  it("writes invalid configuration for the user's mistake found by a step", async () => {
    await runSteps('build-push', () =>
      Promise.reject(new ConfigurationError('the build context would carry cloud credentials')),
    );
    expect(summary()).toMatch(/^### ❌ build-push: invalid configuration\n/);
  });

  it('counts an input that cannot be read for another reason as a failure', async () => {
    await runStage({
      name: 'test',
      readInputs: () => Promise.reject(new Error('EACCES: permission denied, open runtime-contract.yml')),
      describeInputs: () => ({}),
      steps: () => Promise.resolve(),
    });
    expect(summary()).toMatch(/^### ❌ test: failed\n/);
    expect(summary()).toContain('> EACCES: permission denied, open runtime-contract.yml');
  });

  it('dumps the described inputs at debug level, secrets removed', async () => {
    registerSecret('dump-S3cret-value');
    printed = [];
    await runStage({
      name: 'migrate',
      readInputs: () => ({ url: 'x', password: 'dump-S3cret-value' }),
      describeInputs: (inputs) => ({ url: inputs.url, note: 'dump-S3cret-value' }),
      steps: () => Promise.resolve(),
    });
    expect(printed).toContain('::debug::inputs: {"url":"x","note":"***"}');
  });

  it('runs every cleanup, last first, on success and failure, and removes its private folders', async () => {
    const order: string[] = [];
    let dir = '';
    await runSteps('deploy', (stage) => {
      dir = stage.tempDir('deploy-plan-');
      stage.defer(() => {
        order.push('first');
      });
      stage.defer(() => {
        order.push('second');
        throw new Error('cannot remove x');
      });
      expect(existsSync(dir)).toBe(true);
      return Promise.reject(new Error('apply failed'));
    });
    expect(order).toEqual(['second', 'first']);
    expect(existsSync(dir)).toBe(false);
    expect(printed).toContain('::warning::deploy: cleanup failed: cannot remove x');
    expect(errorLines()).toEqual(['::error::deploy: apply failed']);
  });

  it('warns in the log and notes the warning in the summary', async () => {
    await runSteps('deploy', (stage) => {
      stage.warning('the plan changes traffic');
      return Promise.resolve();
    });
    expect(printed).toContain('::warning::deploy: the plan changes traffic');
    expect(summary()).toContain('> warning: the plan changes traffic');
  });

  it('writes the summary once, with the secret removed, when the message carries one', async () => {
    registerSecret('summary-T0ken-991');
    await runSteps('health-check', () => Promise.reject(new Error('401 for Bearer summary-T0ken-991')));
    const text = summary();
    expect(text).not.toContain('summary-T0ken-991');
    expect(text.match(/^### /gm)).toHaveLength(1);
  });
});

describe('runStage cancellation', () => {
  it('interrupts a tool once, even when SIGTERM follows SIGINT, and waits for its clean exit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cancel-'));
    const marks = join(dir, 'signals');
    const ready = join(dir, 'ready');
    // A tool that, like Terraform, takes a moment after SIGINT to clean up, and records every signal.
    const script = `
      const fs = require('node:fs');
      process.on('SIGINT', () => { fs.appendFileSync(${JSON.stringify(marks)}, 'INT\\n'); setTimeout(() => process.exit(130), 300); });
      process.on('SIGTERM', () => fs.appendFileSync(${JSON.stringify(marks)}, 'TERM\\n'));
      fs.writeFileSync(${JSON.stringify(ready)}, '');
      setTimeout(() => {}, 20000);`;
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    const exited = new Promise<void>((resolve) => exit.mockImplementation((() => resolve()) as never));
    const stage = runSteps('deploy', () =>
      runTool(process.execPath, ['-e', script], { timeoutMs: 20_000, onCancel: 'interrupt' }).then(
        () => undefined,
      ),
    );
    await vi.waitFor(() => expect(existsSync(ready)).toBe(true), { timeout: 10_000 });
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGTERM', 'SIGTERM');
    await exited;
    await stage;
    expect(readFileSync(marks, 'utf8')).toBe('INT\n');
    expect(errorLines()[0]).toBe('::error::deploy: cancelled (SIGINT); stopping the tools this step started');
    // The runner's SIGTERM right after its SIGINT waits (a second interrupt would make Terraform
    // quit without releasing its lock); the tool exited meanwhile, so it never got it.
    expect(printed).toContainEqual(
      expect.stringMatching(
        /^deploy: SIGTERM received while already stopping the tools; passed on to .* in [45](\.\d)?s$/,
      ),
    );
    expect(process.exitCode).toBe(1);
    expect(liveToolCount()).toBe(0);
  });

  it('kills a tool that ignores SIGINT and SIGTERM before the runner would, and the summary says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cancel-stubborn-'));
    const summaryFile = join(dir, 'summary.md');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summaryFile);
    const marks = join(dir, 'signals');
    const ready = join(dir, 'ready');
    const script = `
      const fs = require('node:fs');
      for (const s of ['SIGINT', 'SIGTERM']) process.on(s, () => fs.appendFileSync(${JSON.stringify(marks)}, s + '\\n'));
      fs.writeFileSync(${JSON.stringify(ready)}, '');
      setTimeout(() => {}, 30000);`;
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    const exited = new Promise<void>((resolve) => exit.mockImplementation((() => resolve()) as never));
    const stage = runSteps('deploy', (run) =>
      run.group('terraform apply (the saved plan)', () =>
        runTool(process.execPath, ['-e', script], { timeoutMs: 60_000, onCancel: 'interrupt' }).then(
          () => undefined,
        ),
      ),
    );
    await vi.waitFor(() => expect(existsSync(ready)).toBe(true), { timeout: 10_000 });
    const started = performance.now();
    process.emit('SIGINT', 'SIGINT');
    await vi.waitFor(() => expect(existsSync(marks)).toBe(true), { timeout: 5_000 });
    process.emit('SIGTERM', 'SIGTERM');
    await exited;
    const elapsed = performance.now() - started;
    await stage;
    vi.unstubAllEnvs();
    // Killed at CANCEL_KILL_MS, the summary written, the step over: all before the runner's 10 s.
    expect(elapsed).toBeGreaterThanOrEqual(CANCEL_KILL_MS - 100);
    expect(elapsed).toBeLessThan(10_000);
    expect(readFileSync(marks, 'utf8')).toBe('SIGINT\nSIGTERM\n');
    const text = readFileSync(summaryFile, 'utf8');
    expect(text).toMatch(/^### ❌ deploy: cancelled\n/);
    expect(text).toContain('| Cancelled | SIGINT during "terraform apply (the saved plan)" |');
    expect(text).toMatch(
      /> stopped .+: SIGINT, SIGTERM, SIGKILL; killed by SIGKILL 8\.\ds after the first signal/,
    );
    expect(liveToolCount()).toBe(0);
  }, 20_000);
});

describe('runStage cancellation summary', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('stops the tools, runs the cleanups and writes a cancelled summary naming the step it stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cancel-summary-'));
    const summaryFile = join(dir, 'summary.md');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summaryFile);
    const ready = join(dir, 'ready');
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    const exited = new Promise<void>((resolve) => exit.mockImplementation((() => resolve()) as never));
    let planDir = '';
    const stage = runSteps('deploy', async (run) => {
      run.row('Environment', 'prod');
      planDir = run.tempDir('deploy-plan-');
      await run.group('terraform apply (the saved plan)', () =>
        runTool(
          process.execPath,
          [
            '-e',
            `require('node:fs').writeFileSync(${JSON.stringify(ready)}, ''); setTimeout(() => {}, 20000)`,
          ],
          { timeoutMs: 20_000 },
        ),
      );
      run.headline('applied');
    });
    await vi.waitFor(() => expect(existsSync(ready)).toBe(true), { timeout: 10_000 });
    process.emit('SIGINT', 'SIGINT');
    await exited;
    await stage;
    const text = readFileSync(summaryFile, 'utf8');
    expect(text).toMatch(/^### ❌ deploy: cancelled\n/);
    expect(text).toContain('| Environment | prod |');
    expect(text).toContain('| Cancelled | SIGINT during "terraform apply (the saved plan)" |');
    // The killed tool's own error is the note: what was interrupted.
    expect(text).toMatch(/> .*was killed by SIGTERM/);
    expect(text.match(/^### /gm)).toHaveLength(1);
    expect(existsSync(planDir)).toBe(false);
    expect(process.exitCode).toBe(1);
    expect(liveToolCount()).toBe(0);
  });

  it("aborts the steps' signal and starts no tool once cancelling", async () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    const exited = new Promise<void>((resolve) => exit.mockImplementation((() => resolve()) as never));
    let reason: unknown;
    let refused: unknown;
    const stage = runSteps('build-push', async (run) => {
      await new Promise<void>((resolve) => run.cancelled.addEventListener('abort', () => resolve()));
      reason = run.cancelled.reason;
      // The steps go on (a build that exited 0 on SIGTERM): the push must not start.
      await vi.waitFor(() => expect(isCancelling()).toBe(true));
      refused = await runTool('sleep', ['30'], { timeoutMs: 60_000 }).catch((error: unknown) => error);
    });
    await vi.waitFor(() => expect(process.listenerCount('SIGINT')).toBeGreaterThan(0));
    process.emit('SIGINT', 'SIGINT');
    await exited;
    await stage;
    expect(reason).toBe('SIGINT');
    expect(refused).toBeInstanceOf(CancelledError);
    expect((refused as Error).message).toBe('sleep 30 was not started: the step is being cancelled');
    expect(liveToolCount()).toBe(0);
  });
});
