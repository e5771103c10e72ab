import { DeadlineError } from './errors.js';
import { formatMs } from './format.js';

export type Attempt<T> =
  | { done: true; value: T }
  /** Not yet: `reason` says why (it ends the deadline error); `retryAfterMs` asks for a longer wait. */
  | { done: false; reason: string; retryAfterMs?: number };

export interface Backoff {
  /** First wait, before jitter. */
  initialMs: number;
  /** Growth of each wait. */
  factor: number;
  /** No wait is longer, jitter included. */
  maxMs: number;
  /** Spread of each wait: 0.2 draws it from 80 % to 120 % of its nominal value. */
  jitter: number;
}

/** From about 250 ms up to 2.5 s: quick to notice a service that just came up, gentle on one that did not. */
export const DEFAULT_BACKOFF: Backoff = { initialMs: 250, factor: 1.25, maxMs: 2_500, jitter: 0.2 };

/** An attempt with less time than this left is not started: it could only time out. */
const MIN_ATTEMPT_MS = 100;

export interface PollOptions {
  /** `Date.now()`-based instant after which no attempt starts. */
  deadline: number;
  /** What is awaited, for the deadline error: "the revision to be ready". */
  what: string;
  backoff?: Backoff;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Stops the polling (between attempts and during a wait) with the signal's reason. */
  signal?: AbortSignal;
  /**
   * The least time an attempt needs (default 100 ms): no attempt starts, and no wait ends, with
   * less left. An attempt that makes a Google API call needs what that client needs.
   */
  minAttemptMs?: number;
}

export interface PollInfo {
  /** 1 for the first attempt. */
  attempt: number;
  /** Milliseconds left before the deadline: an attempt's own timeout must not exceed it. */
  remainingMs: number;
}

/** The nominal wait after attempt `n` (1-based), with jitter, capped at `maxMs`. */
export function backoffDelay(n: number, backoff: Backoff, random: () => number = Math.random): number {
  const nominal = backoff.initialMs * backoff.factor ** (n - 1);
  const spread = 1 - backoff.jitter + 2 * backoff.jitter * random();
  return Math.min(backoff.maxMs, Math.round(nominal * spread));
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A wait that ends early, with a rejection, when the signal aborts. */
function abortable(wait: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return wait;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    void wait.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

export interface PollResult<T> {
  value: T;
  attempts: number;
}

/**
 * Calls `attempt` until it is done, waiting with backoff and jitter between tries, never past
 * the deadline: the last wait is cut so that a final attempt still fits. A `retryAfterMs`
 * longer than the backoff is honoured; one that ends past the deadline ends the polling at once.
 * An attempt that throws ends the polling at once (the error is final); the deadline ends it
 * with a `DeadlineError` carrying the last reason.
 */
export async function poll<T>(
  attempt: (info: PollInfo) => Promise<Attempt<T>>,
  options: PollOptions,
): Promise<PollResult<T>> {
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  const started = Date.now();
  const minAttemptMs = options.minAttemptMs ?? MIN_ATTEMPT_MS;
  let lastReason = 'no attempt could start';
  const giveUp = (attempts: number): DeadlineError =>
    new DeadlineError(
      `gave up waiting for ${options.what} after ${formatMs(Date.now() - started)} and ${attempts} attempt${attempts === 1 ? '' : 's'}; last: ${lastReason}`,
    );
  for (let n = 1; ; n++) {
    options.signal?.throwIfAborted();
    const remainingMs = options.deadline - Date.now();
    if (remainingMs < minAttemptMs) throw giveUp(n - 1);
    const result = await attempt({ attempt: n, remainingMs });
    if (result.done) return { value: result.value, attempts: n };
    lastReason = result.reason;
    // Room for the wait: one more attempt must still fit before the deadline.
    const room = options.deadline - Date.now() - minAttemptMs;
    if (result.retryAfterMs !== undefined && result.retryAfterMs > room) {
      // The server said when to come back, and that is past the deadline: sleeping first helps no one.
      lastReason += ` (asked to retry after ${formatMs(result.retryAfterMs)}, past the deadline)`;
      throw giveUp(n);
    }
    if (room <= 0) throw giveUp(n);
    const wait = Math.max(backoffDelay(n, backoff, random), result.retryAfterMs ?? 0);
    await abortable(sleep(Math.min(wait, room)), options.signal);
  }
}
