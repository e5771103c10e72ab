// A push is idempotent: the registry keeps the blobs that arrived, and pushing the same image
// again uploads what is missing and writes the same manifest. So a push that a registry failed
// for a moment (a 503 on one layer upload) is retried, with backoff, a bounded number of times,
// inside the step's deadline. A refusal (401, 403, denied) is not: trying again changes nothing.
import { ToolError } from '../lib/exec.js';
import { excerpt, formatMs } from '../lib/format.js';
import { backoffDelay, type Backoff } from '../lib/poll.js';

/** Attempts of one push, the first included. */
export const PUSH_ATTEMPTS = 4;
/** 1 s, 2 s, 4 s (±20 %): long enough for a registry to recover, short against a step's deadline. */
export const PUSH_BACKOFF: Backoff = { initialMs: 1_000, factor: 2, maxMs: 8_000, jitter: 0.2 };
/** A retry with less time than this left before the deadline is not started: it could only time out. */
const MIN_PUSH_MS = 2_000;

/** What a registry or a builder says when the registry refused: retrying does not help. */
const REFUSED =
  /\b(401|403)\b|unauthori[sz]ed|\bdenied\b|forbidden|authentication required|invalid username\/password|insufficient_scope|name unknown|manifest invalid|blob unknown to registry/i;

/**
 * What containers/image (buildah, podman) and BuildKit (buildx) print when the registry or the
 * network failed for a moment: a 5xx, 408 or 429 answer, a reset or refused connection, a
 * timeout, a connection closed halfway.
 */
const TRANSIENT =
  /\b(500 Internal Server Error|502 Bad Gateway|503 Service Unavailable|504 Gateway Timeout|429 Too Many Requests|408 Request Timeout)\b|unexpected (HTTP )?status(: | code | from \w+ request to \S+: )(5\d\d|408|429)\b|connection reset by peer|connection refused|broken pipe|i\/o timeout|TLS handshake timeout|unexpected EOF|: EOF\s*$|net\/http: (timeout|request canceled)|server closed idle connection|http2: server sent GOAWAY/im;

const REASON_MAX = 160;

export type PushFailure = { transient: true; reason: string } | { transient: false };

/**
 * Whether a failed push is worth another try, from the tool's stderr: only a failure that names
 * a passing fault (and no refusal) is. `onlyIfPushing`: for docker, whose one command builds and
 * pushes, only a failure that says it was pushing counts (a build step that fails is final).
 */
export function classifyPushFailure(stderr: string, onlyIfPushing = false): PushFailure {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  // The tools end with their error: the last lines decide, not a progress line from earlier.
  const tail = lines.slice(-5).join('\n');
  if (REFUSED.test(tail)) return { transient: false };
  if (onlyIfPushing && !/push/i.test(tail)) return { transient: false };
  const match = TRANSIENT.exec(tail);
  if (match === null) return { transient: false };
  const line = excerpt(lines.slice(-5).find((candidate) => TRANSIENT.test(candidate)) ?? match[0], 10_000);
  // The end of a tool's error line names the fault; its start repeats the command.
  return { transient: true, reason: line.length > REASON_MAX ? `…${line.slice(-REASON_MAX)}` : line };
}

export interface PushRetryOptions {
  /** `Date.now()`-based: no attempt starts after it, and each attempt's tool gets what is left. */
  deadline: number;
  /** What is pushed, for messages: "127.0.0.1:5000/svc/api:sha-3f2a9c8". */
  what: string;
  /** For docker: only failures that say they were pushing are retried. */
  onlyIfPushing?: boolean;
  /** Each retry, before its wait: the log line says why and when. */
  onRetry: (text: string) => void;
  signal?: AbortSignal;
  attempts?: number;
  backoff?: Backoff;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `push` (which gets the milliseconds it may take) until it succeeds, retrying a transient
 * failure with backoff; returns how many retries it took. A final failure, the last attempt's
 * failure, or one with no time left for another attempt is thrown (as the tool's error, with
 * the attempts counted when there were retries).
 */
export async function pushWithRetry(
  push: (timeoutMs: number) => Promise<unknown>,
  options: PushRetryOptions,
): Promise<number> {
  const attempts = options.attempts ?? PUSH_ATTEMPTS;
  const backoff = options.backoff ?? PUSH_BACKOFF;
  const sleep = options.sleep ?? abortableSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      await push(Math.max(1, options.deadline - Date.now()));
      return attempt - 1;
    } catch (error) {
      // A deadline or a signal stopped the tool (no exit code): that is no registry fault.
      const stopped = !(error instanceof ToolError) || error.result === undefined || error.result.code === -1;
      if (stopped) throw error;
      const failure = classifyPushFailure(error.result.stderr, options.onlyIfPushing);
      if (!failure.transient) throw error;
      const counted = (): ToolError =>
        attempt === 1
          ? error
          : new ToolError(
              `the push of ${options.what} failed ${attempt} times (the registry kept failing: ${failure.reason}); the last attempt: ${error.message}`,
              error.result,
            );
      if (attempt >= attempts) throw counted();
      const wait = backoffDelay(attempt, backoff, options.random);
      if (options.deadline - Date.now() - wait < MIN_PUSH_MS) {
        throw new ToolError(
          `the push of ${options.what} failed (${failure.reason}) with too little of the deadline left to try again; ${error.message}`,
          error.result,
        );
      }
      options.onRetry(
        `the push of ${options.what} failed (${failure.reason}): a push is idempotent, so it is retried in ${formatMs(wait)} (attempt ${attempt + 1} of ${attempts})`,
      );
      await sleep(wait, options.signal);
    }
  }
}
