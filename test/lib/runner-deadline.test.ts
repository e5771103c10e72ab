// The shared tool runner's deadline, as the runner runs the bundles: a tool that puts a process
// in the background, out of its process group (`setsid`), and waits for it or exits. The step
// ends at the deadline (or right after the tool), nothing the tool started outlives it, and the
// log names what held on. actions/test runs real bash commands; actions/deploy runs the
// terraform stand-in behind a wrapper that starts the background process first.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../../testkit/local-runner.mjs';
import { isRunning, waitUntilGone } from '../../testkit/process.js';
import { runWrappedDeploy, startCompareApi } from '../../testkit/deploy-wrapped.js';
import type { GitHubApi } from '../../testkit/github-api.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

let githubApi: GitHubApi;
beforeAll(async () => {
  githubApi = await startCompareApi();
});
afterAll(() => githubApi.close());

/** Kills, after the test, a pid the test's own command started, if it still runs. */
function reap(pid: number): void {
  cleanups.push(() => {
    if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  });
}

const warnings = (log: string): string[] => log.split('\n').filter((line) => line.startsWith('::warning::'));

describe('test bundle: a command that leaves the process group', () => {
  it('timeout 2s: a command waiting on a setsid sleep ends at the deadline, and neither sleep outlives the step', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runner-deadline-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const result = await runAction({
      stage: 'test',
      cwd: dir,
      inputs: {
        // Waits for a sleep in a session of its own: the deadline's kill of the group misses it.
        test: 'setsid sleep 30 & echo $! > test.pid; wait',
        // Passes at once, leaving a sleep of its own session running.
        lint: 'setsid sleep 30 & echo $! > lint.pid',
        timeout: '2s',
      },
      timeoutMs: 30_000,
    });
    cleanups.push(result.cleanup);
    const testPid = Number(readFileSync(join(dir, 'test.pid'), 'utf8'));
    const lintPid = Number(readFileSync(join(dir, 'lint.pid'), 'utf8'));
    reap(testPid);
    reap(lintPid);
    expect(result.code).toBe(1);
    expect(result.outputs).toEqual({ failed: 'test' });
    expect(result.summary).toMatch(/\| test \| ❌ stopped at the 2s deadline in 2(\.\d)?s \|/);
    expect(result.summary).toMatch(/\| lint \| ✅ passed in [\d.]+m?s \|/);
    // Node's start, the 2 s deadline, the stop: well under the 30 s of the sleep.
    expect(result.durationMs).toBeLessThan(8_000);
    await waitUntilGone(testPid);
    await waitUntilGone(lintPid);
    const logged = warnings(result.log);
    expect(logged).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^::warning::bash .*setsid sleep 30 & echo \\$! > test\\.pid; wait": also stopped pid ${testPid} "sleep 30" \\(outside its process group(, held its output open)?\\)$`,
        ),
      ),
    );
    expect(logged).toContainEqual(
      expect.stringMatching(
        new RegExp(
          // Found at once, it may still be between its fork and its exec of sleep.
          `^::warning::bash .*lint\\.pid" exited \\(code 0\\) and left processes running: pid ${lintPid} "(setsid )?sleep 30"( \\(outside its process group\\))?\\. They were stopped$`,
        ),
      ),
    );
  });
});

describe('deploy bundle: a Terraform that leaves a process holding its output', () => {
  it('timeout 2s: a plan waiting on a setsid sleep that holds its output is stopped at the deadline, naming the sleep', async () => {
    const { result, pids, files, endedAt, commands } = await runWrappedDeploy(
      {
        command: 'plan',
        before: 'date +%s%3N > "$PIDS/plan.started"; setsid sleep 30 & echo $! > "$PIDS/sleep.pid"; wait',
        thenStandin: false,
        inputs: { timeout: '2s' },
      },
      githubApi,
      cleanups,
    );
    const pid = pids['sleep'] ?? 0;
    expect(pid).toBeGreaterThan(0);
    expect(result.code).toBe(1);
    expect(commands).toEqual(['init']);
    const error = result.log.split('\n').find((line) => line.startsWith('::error::')) ?? '';
    const named = `pid ${pid} "sleep 30" (outside its process group, held its output open)`;
    expect(error).toMatch(
      /^::error::deploy: terraform plan .* did not finish within 2s and was stopped; also stopped: /,
    );
    expect(error).toContain(named);
    expect(result.summary).toContain(`did not finish within 2s and was stopped; also stopped: ${named}`);
    const deadlineAt = Number(files('plan.started')) + 2_000;
    // From the deadline to the end of the step: the stop, the summary, Node's exit.
    expect(endedAt - deadlineAt).toBeLessThan(2_500);
    await waitUntilGone(pid);
  });

  it('an init that exits but leaves a setsid sleep holding its output: stopped after the grace, the deploy goes on', async () => {
    const { result, pids, commands } = await runWrappedDeploy(
      { command: 'init', before: 'setsid sleep 30 & echo $! > "$PIDS/sleep.pid"' },
      githubApi,
      cleanups,
    );
    const pid = pids['sleep'] ?? 0;
    expect(pid).toBeGreaterThan(0);
    expect(result.code, result.log).toBe(0);
    expect(commands).toEqual(['init', 'plan', 'show', 'apply', 'output']);
    expect(warnings(result.log)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^::warning::terraform init -input=false -no-color exited \\(code 0\\), but what it started in the background kept its output open: pid ${pid} "sleep 30" \\(outside its process group, held its output open\\)\\. Stopped after 1s; what they print is not shown$`,
        ),
      ),
    );
    expect(result.durationMs).toBeLessThan(15_000);
    await waitUntilGone(pid);
  });
});
