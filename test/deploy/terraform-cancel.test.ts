// A cancelled apply against the REAL Terraform CLI (1.11.4, local backend, the builtin
// terraform_data resource: offline, no providers): what the deploy stage's Terraform runner makes
// of it. Terraform stops at the one SIGINT, releases its state lock and kills its provisioner's
// shell, but not what that shell put in the background (a background job ignores SIGINT, and
// Terraform kills the shell's pid only); those are killed once Terraform exited, and the
// message says what was interrupted and that the lock was released. Skipped, and says so, only
// when no terraform binary is on PATH.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeCancelledTerraform, LOCAL_LOCK_INFO, terraform } from '../../src/deploy/terraform.js';
import { CancelledError } from '../../src/lib/errors.js';
import { liveToolCount, resetCancellation, stopAllTools } from '../../src/lib/exec.js';
import { isRunning, waitFor, waitUntilGone } from '../../testkit/process.js';

const standins = join(import.meta.dirname, '..', 'standins');

function realTerraform(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '' || dir.startsWith(standins)) continue;
    try {
      accessSync(join(dir, 'terraform'), constants.X_OK);
      return join(dir, 'terraform');
    } catch {
      // Not here.
    }
  }
  return undefined;
}

const binary = realTerraform();
const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', CHECKPOINT_DISABLE: '1' };
let stack = '';

beforeAll(() => {
  if (binary === undefined) return;
  stack = mkdtempSync(join(tmpdir(), 'terraform-cancel-'));
  // The provisioner's shell puts two sleeps in the background, one in a session of its own.
  writeFileSync(
    join(stack, 'main.tf'),
    [
      'resource "terraform_data" "slow" {',
      '  input = "x"',
      '  provisioner "local-exec" {',
      '    command = "sleep 30 & echo $! > bg.pid; setsid sleep 30 & echo $! > escaped.pid; wait"',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  for (const args of [
    ['init', '-input=false', '-no-color'],
    ['plan', '-input=false', '-no-color', '-out=tfplan'],
  ]) {
    const done = spawnSync(binary, args, { cwd: stack, env, encoding: 'utf8', timeout: 60_000 });
    if (done.status !== 0) throw new Error(`terraform ${args.join(' ')}: ${done.stderr}`);
  }
});

const pids: number[] = [];
afterEach(() => {
  resetCancellation();
  // Only what this test's provisioner started, by pid, if the code under test left it running.
  for (const pid of pids.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
});
afterAll(() => {
  if (stack !== '') rmSync(stack, { recursive: true, force: true });
});

describe.skipIf(binary === undefined)('real terraform: a cancelled apply', () => {
  it('stops at one SIGINT and releases the lock; what its provisioner left running is killed', async () => {
    let output = '';
    const tf = terraform(stack, 60_000, env);
    const applying = tf
      .run('apply', ['apply', '-input=false', '-no-color', '-lock-timeout=5s', 'tfplan'], {
        onOutput: (text) => (output += text),
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    const readPid = (name: string): number =>
      existsSync(join(stack, name)) ? Number(readFileSync(join(stack, name), 'utf8').trim()) : 0;
    const runsSleep = (pid: number): boolean => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep';
      } catch {
        return false;
      }
    };
    await waitFor(
      'the provisioner to start its sleeps',
      () =>
        output.includes('Executing:') && runsSleep(readPid('bg.pid')) && runsSleep(readPid('escaped.pid')),
      30_000,
    );
    const background = readPid('bg.pid');
    const escaped = readPid('escaped.pid');
    pids.push(background, escaped);
    // Terraform holds the local backend's lock while it applies.
    expect(existsSync(join(stack, LOCAL_LOCK_INFO))).toBe(true);
    const started = performance.now();
    const [report] = await stopAllTools('cancel');
    expect(performance.now() - started).toBeLessThan(5_000);
    const error = await applying;
    expect(error).toBeInstanceOf(CancelledError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /^terraform apply was interrupted by the cancellation \(SIGINT sent\): it stopped by itself \(exit code 1\) [\d.]+m?s after the first signal; a clean stop releases the state lock; what it left running was stopped: /,
    );
    expect(message).toContain(`pid ${background} "sleep 30"`);
    expect(message).toContain(`pid ${escaped} "sleep 30" (outside its process group)`);
    expect(output).toContain('Interrupt received.');
    expect(existsSync(join(stack, LOCAL_LOCK_INFO))).toBe(false);
    expect(report?.outcome).toMatch(/^SIGINT; exited with code 1 /);
    await waitUntilGone(background);
    await waitUntilGone(escaped);
    expect(liveToolCount()).toBe(0);
  }, 60_000);
});

describe('describeCancelledTerraform', () => {
  const base = { code: 1, stdout: '', stderr: '', durationMs: 1 };

  it('says the lock was released when Terraform printed so', () => {
    const text = describeCancelledTerraform(
      'apply',
      {
        ...base,
        signal: null,
        stdout: 'Stopping operation...\nReleasing state lock. This may take a few moments...\n',
        stopped: { reason: 'cancel', signals: ['SIGINT'], exitedAfterMs: 240 },
      },
      tmpdir(),
    );
    expect(text).toBe(
      'terraform apply was interrupted by the cancellation (SIGINT sent): it stopped by itself (exit code 1) 240ms after the first signal; it released the state lock ("Releasing state lock" in its output)',
    );
  });

  it('says the lock may be held, and how to release it, after the second interrupt', () => {
    const text = describeCancelledTerraform(
      'plan',
      {
        ...base,
        signal: null,
        stderr: '\nTwo interrupts received. Exiting immediately. Note that data loss may have\noccurred.\n',
        stopped: { reason: 'cancel', signals: ['SIGINT', 'SIGTERM'], exitedAfterMs: 7_600 },
      },
      tmpdir(),
    );
    expect(text).toBe(
      `terraform plan was interrupted by the cancellation (SIGINT, SIGTERM sent): it quit at the second interrupt without finishing (exit code 1) 7.6s after the first signal; the state lock may still be held (a remote backend such as GCS keeps it; the next run's "Error acquiring the state lock" names its ID). If the next run says the state is locked and no other run uses this stack, release it with: terraform force-unlock <lock ID>`,
    );
  });

  it('says nothing of a lock for a command that takes none', () => {
    const text = describeCancelledTerraform(
      'init',
      { ...base, signal: null, stopped: { reason: 'cancel', signals: ['SIGINT'], exitedAfterMs: 90 } },
      tmpdir(),
    );
    expect(text).toBe(
      'terraform init was interrupted by the cancellation (SIGINT sent): it stopped by itself (exit code 1) 90ms after the first signal',
    );
  });
});
