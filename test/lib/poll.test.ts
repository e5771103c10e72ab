import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlineError } from '../../src/lib/errors.js';
import { backoffDelay, DEFAULT_BACKOFF, poll, type Attempt, type PollInfo } from '../../src/lib/poll.js';

const START = 1_700_000_000_000;
const middle = (): number => 0.5;

/**
 * `poll` reads the deadline from `Date.now()`. Only `Date` is faked: the injected `sleep`
 * records each wait and moves the clock by it, so a minute of backoff takes no real time.
 */
function recordingSleep(): { delays: number[]; sleep: (ms: number) => Promise<void> } {
  const delays: number[] = [];
  return {
    delays,
    sleep: (ms) => {
      delays.push(ms);
      vi.setSystemTime(Date.now() + ms);
      return Promise.resolve();
    },
  };
}

/** Not done for the first `failures` attempts, then done with `value`; records what each attempt saw. */
function succeedsAfter<T>(
  failures: number,
  value: T,
  extra: Partial<{ retryAfterMs: number }> = {},
): { seen: PollInfo[]; attempt: (info: PollInfo) => Promise<Attempt<T>> } {
  const seen: PollInfo[] = [];
  return {
    seen,
    attempt: (info) => {
      seen.push(info);
      if (seen.length > failures) return Promise.resolve({ done: true, value });
      return Promise.resolve({ done: false, reason: `not yet (${seen.length})`, ...extra });
    },
  };
}

async function deadlineErrorOf(promise: Promise<unknown>): Promise<DeadlineError> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DeadlineError);
  return error as DeadlineError;
}

describe('backoffDelay', () => {
  it.each([
    [1, 250],
    [2, 313],
    [3, 391],
    [4, 488],
    [5, 610],
    [6, 763],
    [7, 954],
    [8, 1192],
    [9, 1490],
    [10, 1863],
    [11, 2328],
    [12, 2500],
    [30, 2500],
  ])('waits %i: %i ms without jitter (random 0.5)', (n, expected) => {
    expect(backoffDelay(n, DEFAULT_BACKOFF, middle)).toBe(expected);
  });

  it('draws the jitter from 80 % to 120 % of the nominal wait', () => {
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0)).toBe(200);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 1)).toBe(300);
    expect(backoffDelay(2, DEFAULT_BACKOFF, () => 0)).toBe(250);
    expect(backoffDelay(2, DEFAULT_BACKOFF, () => 1)).toBe(375);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0.25)).toBe(225);
  });

  it('caps the wait, jitter included', () => {
    // Nominal 2328 ms; 120 % of it would be 2794 ms.
    expect(backoffDelay(11, DEFAULT_BACKOFF, () => 1)).toBe(2500);
    expect(backoffDelay(11, DEFAULT_BACKOFF, () => 0)).toBe(1863);
    expect(backoffDelay(50, DEFAULT_BACKOFF, () => 0)).toBe(2500);
  });

  it('follows a custom backoff', () => {
    const linear = { initialMs: 100, factor: 1, maxMs: 10_000, jitter: 0 };
    expect([1, 2, 3].map((n) => backoffDelay(n, linear, () => 0.9))).toEqual([100, 100, 100]);
    const doubling = { initialMs: 100, factor: 2, maxMs: 1_000, jitter: 0.5 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, doubling, () => 1))).toEqual([
      150, 300, 600, 1000, 1000,
    ]);
  });

  it('stays within the jitter bounds with Math.random', () => {
    for (let n = 1; n <= 40; n++) {
      const nominal = 250 * 1.25 ** (n - 1);
      for (let i = 0; i < 25; i++) {
        const delay = backoffDelay(n, DEFAULT_BACKOFF);
        expect(delay).toBeGreaterThanOrEqual(Math.min(2500, Math.round(0.8 * nominal)));
        expect(delay).toBeLessThanOrEqual(Math.min(2500, Math.round(1.2 * nominal)));
      }
    }
  });
});

describe('poll', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(START);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('returns at once when the first attempt is done', async () => {
    const { delays, sleep } = recordingSleep();
    const { seen, attempt } = succeedsAfter(0, 'ready');
    const result = await poll(attempt, {
      deadline: START + 10_000,
      what: 'the service',
      sleep,
      random: middle,
    });
    expect(result).toEqual({ value: 'ready', attempts: 1 });
    expect(seen).toEqual([{ attempt: 1, remainingMs: 10_000 }]);
    expect(delays).toEqual([]);
  });

  it('retries with a growing backoff and tells each attempt the time left', async () => {
    const { delays, sleep } = recordingSleep();
    const { seen, attempt } = succeedsAfter(5, { revision: 'api-00042-xyz' });
    const result = await poll(attempt, {
      deadline: START + 60_000,
      what: 'the revision',
      sleep,
      random: middle,
    });
    expect(result).toEqual({ value: { revision: 'api-00042-xyz' }, attempts: 6 });
    expect(delays).toEqual([250, 313, 391, 488, 610]);
    expect(seen.map((info) => info.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seen.map((info) => info.remainingMs)).toEqual([60_000, 59_750, 59_437, 59_046, 58_558, 57_948]);
  });

  it('keeps every wait within the jitter bounds and the 2.5 s cap', async () => {
    const { delays, sleep } = recordingSleep();
    const { attempt } = succeedsAfter(30, true);
    const result = await poll(attempt, { deadline: START + 3_600_000, what: 'x', sleep });
    expect(result.attempts).toBe(31);
    expect(delays).toHaveLength(30);
    delays.forEach((delay, index) => {
      const nominal = 250 * 1.25 ** index;
      expect(delay).toBeGreaterThanOrEqual(Math.min(2500, Math.round(0.8 * nominal)));
      expect(delay).toBeLessThanOrEqual(Math.min(2500, Math.round(1.2 * nominal)));
    });
    expect(delays[0]).toBeLessThanOrEqual(300);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2500);
    // From the 13th wait on even the lowest draw (80 % of 3637 ms) is above the cap.
    expect(delays.slice(12)).toEqual(Array<number>(18).fill(2500));
  });

  it('honours a retryAfterMs longer than the backoff', async () => {
    const { delays, sleep } = recordingSleep();
    const { attempt } = succeedsAfter(2, 'ok', { retryAfterMs: 7_000 });
    const result = await poll(attempt, { deadline: START + 60_000, what: 'x', sleep, random: middle });
    expect(result.attempts).toBe(3);
    expect(delays).toEqual([7_000, 7_000]);
  });

  it('ignores a retryAfterMs shorter than the backoff', async () => {
    const { delays, sleep } = recordingSleep();
    const { attempt } = succeedsAfter(2, 'ok', { retryAfterMs: 10 });
    await poll(attempt, { deadline: START + 60_000, what: 'x', sleep, random: middle });
    expect(delays).toEqual([250, 313]);
  });

  it('gives up at once when retryAfterMs ends past the deadline, without a useless sleep', async () => {
    const { delays, sleep } = recordingSleep();
    const { seen, attempt } = succeedsAfter(1, 'ok', { retryAfterMs: 120_000 });
    const error = await deadlineErrorOf(
      poll(attempt, { deadline: START + 3_000, what: 'GET /health to answer 200', sleep, random: middle }),
    );
    expect(delays).toEqual([]);
    expect(seen).toHaveLength(1);
    expect(error.message).toBe(
      'gave up waiting for GET /health to answer 200 after 0ms and 1 attempt; last: not yet (1) (asked to retry after 2m, past the deadline)',
    );
  });

  it('honours a retryAfterMs that still leaves room for an attempt', async () => {
    const { delays, sleep } = recordingSleep();
    const { seen, attempt } = succeedsAfter(1, 'ok', { retryAfterMs: 2_000 });
    const result = await poll(attempt, { deadline: START + 3_000, what: 'x', sleep, random: middle });
    expect(delays).toEqual([2_000]);
    expect(seen).toHaveLength(2);
    expect(result).toEqual({ value: 'ok', attempts: 2 });
  });

  it('ends with a DeadlineError that names the last reason and the attempts', async () => {
    const { delays, sleep } = recordingSleep();
    let calls = 0;
    const error = await deadlineErrorOf(
      poll<never>(
        () => {
          calls += 1;
          return Promise.resolve({ done: false, reason: `503 on try ${calls}` });
        },
        { deadline: START + 2_000, what: 'the revision to be ready', sleep, random: middle },
      ),
    );
    // 250 + 313 + 391 + 488 = 1442 ms; 558 ms are left, and the next wait (610 ms) is cut to
    // 458 ms so that a last attempt still has 100 ms before the deadline.
    expect(delays).toEqual([250, 313, 391, 488, 458]);
    expect(calls).toBe(6);
    expect(error.name).toBe('DeadlineError');
    expect(error.message).toBe(
      'gave up waiting for the revision to be ready after 1.9s and 6 attempts; last: 503 on try 6',
    );
  });

  it('starts no attempt with less than 100 ms left', async () => {
    const { delays, sleep } = recordingSleep();
    let calls = 0;
    const error = await deadlineErrorOf(
      poll<never>(
        () => {
          calls += 1;
          // The attempt itself uses up the time: 80 ms are left when it returns.
          vi.setSystemTime(Date.now() + 1_920);
          return Promise.resolve({ done: false, reason: 'connect ECONNREFUSED' });
        },
        { deadline: START + 2_000, what: 'x', sleep, random: middle },
      ),
    );
    expect(calls).toBe(1);
    expect(delays).toEqual([]);
    expect(error.message).toBe('gave up waiting for x after 1.9s and 1 attempt; last: connect ECONNREFUSED');
  });

  it('makes no attempt when the deadline has passed', async () => {
    const { sleep } = recordingSleep();
    const attempt = vi.fn(() => Promise.resolve<Attempt<number>>({ done: true, value: 1 }));
    const error = await deadlineErrorOf(poll(attempt, { deadline: START + 99, what: 'x', sleep }));
    expect(attempt).not.toHaveBeenCalled();
    expect(error.message).toBe(
      'gave up waiting for x after 0ms and 0 attempts; last: no attempt could start',
    );
  });

  it('ends at once when an attempt throws, with that error', async () => {
    const { delays, sleep } = recordingSleep();
    const final = new Error('revision api-00042-xyz failed: container exited with code 1');
    let calls = 0;
    const outcome = poll<string>(
      () => {
        calls += 1;
        if (calls === 2) return Promise.reject(final);
        return Promise.resolve({ done: false, reason: 'not ready' });
      },
      { deadline: START + 60_000, what: 'x', sleep, random: middle },
    );
    await expect(outcome).rejects.toBe(final);
    expect(calls).toBe(2);
    expect(delays).toEqual([250]);
  });
});

describe('poll with its own sleep', () => {
  it('really waits between attempts', async () => {
    const backoff = { initialMs: 40, factor: 1, maxMs: 40, jitter: 0 };
    const { attempt } = succeedsAfter(2, 'ok');
    const started = performance.now();
    const result = await poll(attempt, { deadline: Date.now() + 20_000, what: 'x', backoff });
    const elapsed = performance.now() - started;
    expect(result.attempts).toBe(3);
    // Two waits of 40 ms; timers may fire a little late on a loaded machine, never much early.
    expect(elapsed).toBeGreaterThanOrEqual(75);
    expect(elapsed).toBeLessThan(5_000);
  });
});
