import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CancelledError, ConfigurationError, DeadlineError, messageOf } from '../../src/lib/errors.js';
import { liveToolCount, runTool, ToolError } from '../../src/lib/exec.js';
import { registerSecret } from '../../src/lib/secrets.js';
import { runStage } from '../../src/lib/stage.js';

/** What `@actions/core` printed: workflow commands go to stdout, where the runner reads them. */
let printed: string[] = [];

beforeEach(() => {
  printed = [];
  process.exitCode = undefined;
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    printed.push(...text.split(/\r?\n/).filter((line) => line !== ''));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const errorLines = (): string[] => printed.filter((line) => line.startsWith('::error::'));
const debugLines = (): string[] => printed.filter((line) => line.startsWith('::debug::'));

describe('runStage', () => {
  it('leaves a stage that succeeds alone', async () => {
    let ran = false;
    await runStage('health-check', () => {
      ran = true;
      return Promise.resolve();
    });
    expect(ran).toBe(true);
    expect(process.exitCode).toBeUndefined();
    expect(errorLines()).toEqual([]);
  });

  it('fails the step with the stage name for a thrown Error', async () => {
    await runStage('deploy', () => Promise.reject(new Error('terraform plan failed with exit code 1')));
    expect(process.exitCode).toBe(1);
    expect(errorLines()).toEqual(['::error::deploy: terraform plan failed with exit code 1']);
  });

  it('fails the step for a thrown string', async () => {
    await runStage('migrate', () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- what the boundary must survive
      throw 'the proxy did not start';
    });
    expect(process.exitCode).toBe(1);
    expect(errorLines()).toEqual(['::error::migrate: the proxy did not start']);
  });

  it('fails the step for a thrown object that is not an Error', async () => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what the boundary must survive
    await runStage('build-push', () => Promise.reject({ status: 500, detail: 'registry down' }));
    expect(process.exitCode).toBe(1);
    expect(errorLines()).toEqual(['::error::build-push: {"status":500,"detail":"registry down"}']);
  });

  it('marks a ConfigurationError as invalid configuration', async () => {
    await runStage('health-check', () =>
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
    await runStage('deploy', () => Promise.reject(new DeadlineError('gave up waiting')));
    const debug = debugLines();
    expect(debug).toHaveLength(1);
    expect(debug[0]).toMatch(/^::debug::DeadlineError: gave up waiting%0A\s+at /);
  });

  it('removes a registered secret from the message and the stack', async () => {
    const secret = 'stage-Pa55word-7731';
    registerSecret(secret);
    printed = [];
    await runStage('migrate', () =>
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
    await runStage('migrate', () =>
      Promise.reject(new Error(`bad url ?password=${encodeURIComponent(secret)}`)),
    );
    expect(errorLines()).toEqual(['::error::migrate: bad url ?password=***']);
  });

  it('escapes a multi-line message into one workflow command', async () => {
    await runStage('test', () => Promise.reject(new CancelledError('cancelled\nby the runner')));
    expect(errorLines()).toEqual(['::error::test: cancelled%0Aby the runner']);
  });

  it('stops tools the stage left running', async () => {
    let tool: Promise<ToolError | undefined> = Promise.resolve(undefined);
    await runStage('deploy', () => {
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
    await runStage('health-check', () => {
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
    const stage = runStage('deploy', () =>
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
    expect(printed).toContain('deploy: SIGTERM received while already stopping the tools');
    expect(process.exitCode).toBe(1);
    expect(liveToolCount()).toBe(0);
  });
});
