// Cancellation within the runner's window, as the runner runs the deploy bundle: SIGINT, then
// SIGTERM 7.5 s later, then (at 10 s) a kill that would leave orphans behind. Terraform gets each
// signal once; what it started (a provider, a provisioner's background job, something that left
// its process group) does not outlive the step; a Terraform that ignores both signals is killed
// before the runner would, and the summary says what was interrupted and what became of the
// state lock. The terraform stand-in runs behind a wrapper that misbehaves first.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CANCEL_KILL_MS } from '../../src/lib/exec.js';
import { devServiceScenario, runWrappedDeploy, startCompareApi } from '../../testkit/deploy-wrapped.js';
import type { GitHubApi } from '../../testkit/github-api.js';
import { waitUntilGone } from '../../testkit/process.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

let githubApi: GitHubApi;
beforeAll(async () => {
  githubApi = await startCompareApi();
});
afterAll(() => githubApi.close());

/**
 * The runner's cancellation once the wrapper wrote its `ready` note (its children started) and
 * the log matches `whenLog`, with the runner's SIGTERM `secondSignalAfterMs` later; `at.signal`
 * records when the SIGINT went.
 */
function cancelWhenReady(options: { secondSignalAfterMs?: number; whenLog?: RegExp } = {}) {
  const { secondSignalAfterMs, whenLog } = options;
  const at = { signal: 0 };
  return {
    at,
    cancel: (_log: string, note: (name: string) => string | undefined) => ({
      ...(whenLog === undefined ? {} : { whenLog }),
      when: () => {
        const ready = note('ready') !== undefined;
        if (ready && at.signal === 0) at.signal = Date.now();
        return ready;
      },
      signal: 'SIGINT' as const,
      ...(secondSignalAfterMs === undefined ? {} : { secondSignalAfterMs }),
    }),
  };
}

describe('deploy bundle: cancellation within the runner window', () => {
  it('Terraform stops at the SIGINT and releases the lock; what it started, in its group or not, is killed', async () => {
    // Once the stand-in prints its progress, its interrupt handling is in place.
    const { at, cancel } = cancelWhenReady({ whenLog: /Modifying\.\.\./ });
    const { result, pids, endedAt, signals } = await runWrappedDeploy(
      {
        command: 'apply',
        // A provider-like child that ignores SIGINT and SIGTERM (as a shell's background job
        // ignores SIGINT), and one that left the group; both hold Terraform's output.
        before: [
          `bash -c 'trap "" INT TERM; exec sleep 30' & echo $! > "$PIDS/provider.pid"`,
          `setsid bash -c 'trap "" INT TERM; exec sleep 30' & echo $! > "$PIDS/escaped.pid"`,
          // Both on their way through bash and setsid until they run sleep.
          'for pid in $(cat "$PIDS"/*.pid); do',
          '  for _ in $(seq 250); do [ "$(cat /proc/$pid/comm)" = sleep ] && break; sleep 0.02; done',
          'done',
          'echo ready > "$PIDS/ready"',
        ].join('\n'),
        terraform: devServiceScenario({ delayMs: 20_000 }),
        cancel,
      },
      githubApi,
      cleanups,
    );
    const provider = pids['provider'] ?? 0;
    const escaped = pids['escaped'] ?? 0;
    expect(provider).toBeGreaterThan(0);
    expect(escaped).toBeGreaterThan(0);
    expect(result.code).toBe(1);
    expect(signals).toEqual(['SIGINT']);
    expect(result.summary).toMatch(/^### ❌ deploy: cancelled\n/);
    expect(result.summary).toContain('| Cancelled | SIGINT during "terraform apply (the saved plan)" |');
    expect(result.summary).toMatch(
      /> terraform apply was interrupted by the cancellation \(SIGINT sent\): it stopped by itself \(exit code 1\) \d+ms after the first signal; it released the state lock \("Releasing state lock" in its output\); what it left running was stopped: /,
    );
    expect(result.summary).toContain(`pid ${provider} "sleep 30" (held its output open)`);
    expect(result.summary).toContain(
      `pid ${escaped} "sleep 30" (outside its process group, held its output open)`,
    );
    expect(result.summary).toMatch(
      /> stopped terraform apply .*: SIGINT; exited with code 1 \d+ms after the first signal; stopped with it: /,
    );
    expect(endedAt - at.signal).toBeLessThan(5_000);
    await waitUntilGone(provider);
    await waitUntilGone(escaped);
  });

  it('a Terraform that ignores SIGINT and SIGTERM is killed before the runner would, with what it started; the lock may be held', async () => {
    const lockId = '5a1c7e9b-2d4f-4a6b-8c0e-1f3a5b7d9e2c';
    const { at, cancel } = cancelWhenReady({ secondSignalAfterMs: 7_500 });
    const { result, pids, endedAt } = await runWrappedDeploy(
      {
        command: 'apply',
        // Ignores both signals (so does its child), holding the lock as the local backend shows it.
        before: [
          `trap '' INT TERM`,
          `printf '{"ID":"${lockId}","Operation":"OperationTypeApply","Who":"runner@fv-az1","Version":"1.11.4"}' > .terraform.tfstate.lock.info`,
          'sleep 60 & echo $! > "$PIDS/child.pid"',
          'echo ready > "$PIDS/ready"',
          'wait',
        ].join('\n'),
        thenStandin: false,
        terraform: devServiceScenario(),
        cancel,
        timeoutMs: 40_000,
      },
      githubApi,
      cleanups,
    );
    const child = pids['child'] ?? 0;
    expect(child).toBeGreaterThan(0);
    expect(result.code).toBe(1);
    const window = endedAt - at.signal;
    // Killed at CANCEL_KILL_MS, the summary written: the runner's kill at 10 s finds nothing.
    expect(window).toBeGreaterThanOrEqual(CANCEL_KILL_MS - 100);
    expect(window).toBeLessThan(10_000);
    expect(result.summary).toMatch(/^### ❌ deploy: cancelled\n/);
    expect(result.summary).toMatch(
      new RegExp(
        `> terraform apply was interrupted by the cancellation \\(SIGINT, SIGTERM, SIGKILL sent\\): it did not stop and was killed \\(SIGKILL\\) 8\\.\\ds after the first signal; the state lock may still be held: lock ID "${lockId}" \\(its info is left in \\.terraform\\.tfstate\\.lock\\.info\\)`,
      ),
    );
    expect(result.summary).toContain(
      `If the next run says the state is locked and no other run uses this stack, release it with: terraform force-unlock ${lockId}`,
    );
    expect(result.summary).toMatch(
      /> stopped terraform apply .*: SIGINT, SIGTERM, SIGKILL; killed by SIGKILL 8\.\ds after the first signal/,
    );
    expect(result.log).toMatch(
      /deploy: SIGTERM received while already stopping the tools; passed on to terraform apply /,
    );
    await waitUntilGone(child);
  }, 40_000);
});
