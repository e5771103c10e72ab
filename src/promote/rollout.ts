// The promotion itself: from the split found, each step routes its percent to the revision (the
// rest shared among the others in their proportions), confirms it in trafficStatuses, then
// watches the service URL for `step-wait`. Any failure, timeout or cancellation puts back exactly
// the traffic targets found (tags kept, the rollout's own tag removed); someone else's change in
// between (a 409 on the etag, a split that is not ours) is never overwritten.
import { GoogleApiError } from '../lib/google-api.js';
import type { CloudRun, RunService, RunTrafficTarget, ServiceRef } from '../lib/cloud-run.js';
import { excerpt } from '../lib/format.js';
import { joinUrl, mayCarryToken, probeOnce, ProbeFailedError, type ProbeOptions } from '../lib/probe.js';
import {
  restoreCommand,
  sameSplit,
  servingSplit,
  setTraffic,
  splitText,
  stepSplit,
  tagsOf,
  trafficTargets,
  waitForSplit,
  type Share,
  type Tagged,
} from '../lib/traffic.js';

/** What one step did, for the log, the table and the chart. */
export interface StepRecord {
  readonly label: string;
  /** The revision's percent during the step. */
  readonly percent: number;
  readonly split: readonly Share[];
  checks: number;
  failures: number;
  outcome: 'healthy' | 'failed' | 'cancelled' | 'restored' | 'found';
  detail: string;
}

/** A step whose watch saw the service unhealthy: the rollout is undone. */
export class StepFailedError extends Error {
  override name = 'StepFailedError';
}

/** Someone else changed the service's traffic during the rollout: never overwritten. */
export class TrafficMovedError extends Error {
  override name = 'TrafficMovedError';
}

/** A check needs at least this long to count (a request cut after 1 ms says nothing of the service). */
const MIN_CHECK_MS = 500;

/** How often the service URL is checked while a step is watched. */
export const WATCH_INTERVAL_MS = 1_000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RolloutContext {
  readonly cloudRun: CloudRun;
  readonly ref: ServiceRef;
  readonly revision: string;
  /** The rollout's own tag (removed at the end), '' for none. */
  readonly tag: string;
  readonly probe: ProbeOptions & { path: string };
  readonly stepWaitMs: number;
  readonly deadline: number;
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
}

/** The traffic as found at the start: restored exactly on failure. */
export interface Found {
  readonly service: RunService;
  readonly split: Share[];
  readonly targets: RunTrafficTarget[];
  readonly tags: Tagged[];
}

export function found(service: RunService): Found {
  return {
    service,
    split: servingSplit(service),
    targets: (service.traffic ?? []).map((target) => ({ ...target })),
    tags: tagsOf(service),
  };
}

/** The revision's percent in a split. */
export const shareOf = (split: readonly Share[], revision: string): number =>
  split.find((share) => share.revision === revision)?.percent ?? 0;

/**
 * Whether `now` is where a rollout from `previous` to `revision` can be: the other revisions
 * share what `revision` does not have in the proportions they had (a rerun finds its own steps).
 */
export function continuesFrom(previous: readonly Share[], now: readonly Share[], revision: string): boolean {
  const percent = shareOf(now, revision);
  if (percent === 100) return now.length === 1;
  try {
    return sameSplit(now, stepSplit(previous, revision, percent));
  } catch {
    return false;
  }
}

/** The service URL a step is watched on: the one Cloud Run reports, fit for the token. */
function watchUrl(service: RunService, context: RolloutContext): URL {
  let base: URL;
  try {
    base = new URL(String(service.uri));
  } catch {
    throw new Error(`Cloud Run reports no usable URL for ${context.ref.service}; nothing can be watched`);
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new Error(`Cloud Run reports ${excerpt(base.href, 200)} as the service URL, which is not http(s)`);
  }
  if (context.probe.bearerToken !== '' && !mayCarryToken(base)) {
    throw new Error(
      `Cloud Run reports the plain http:// URL ${base.href}; the bearer token is sent only over HTTPS or to a loopback address`,
    );
  }
  return joinUrl(base, context.probe.path);
}

/**
 * Sends one traffic change with the etag last seen. A 409 means the service changed since: read
 * it again, and if its traffic is still what this rollout left (only its status moved), send the
 * change once more with the new etag; else someone else moved it.
 */
async function change(
  context: RolloutContext,
  current: RunService,
  split: readonly Share[],
  tags: readonly Tagged[],
  ours: readonly Share[],
): Promise<RunService> {
  const targets = trafficTargets(split, tags);
  for (let attempt = 1; ; attempt++) {
    try {
      const etag = typeof current.etag === 'string' ? current.etag : undefined;
      return await setTraffic(
        context.cloudRun,
        context.ref,
        { targets, expected: split, etag },
        context.deadline,
        context.signal,
      );
    } catch (error) {
      if (!(error instanceof GoogleApiError) || error.httpStatus !== 409 || attempt >= 3) throw error;
      current = await context.cloudRun.getService(context.ref, context.deadline);
      const serving = servingSplit(current);
      if (!sameSplit(serving, ours)) {
        throw new TrafficMovedError(
          `someone else changed the traffic of ${context.ref.service} during the rollout: it serves ${splitText(serving)}, not ${splitText(ours)}; promote leaves it as it is`,
        );
      }
      context.log(`the service changed since it was read (409); its traffic is still ours, sending again`);
    }
  }
}

/** Watches one step: the service URL checked every WATCH_INTERVAL_MS for `stepWaitMs`; any failure ends it. */
async function watch(context: RolloutContext, url: URL, record: StepRecord): Promise<void> {
  const wanted = Date.now() + context.stepWaitMs;
  const until = Math.min(wanted, context.deadline);
  for (;;) {
    const started = Date.now();
    // Too little of the timeout left for a fair check: the timeout ends the watch, not a failed check.
    if (until < wanted && context.deadline - started < MIN_CHECK_MS) break;
    let reason: string | undefined;
    try {
      const answer = await probeOnce(url, context.probe, Math.max(1, context.deadline - started));
      if (!answer.done) reason = answer.reason;
    } catch (error) {
      if (!(error instanceof ProbeFailedError)) throw error;
      reason = error.message;
    }
    record.checks++;
    if (reason !== undefined) {
      record.failures++;
      record.outcome = 'failed';
      record.detail = excerpt(reason, 300);
      throw new StepFailedError(
        `${record.label}: check ${record.checks} of ${url.href} failed: ${excerpt(reason, 300)}`,
      );
    }
    // The last check is made once the wait is over: a step is healthy at its end too.
    if (Date.now() >= until) break;
    await sleep(Math.min(WATCH_INTERVAL_MS, until - Date.now()), context.signal);
  }
  if (until < wanted) {
    // The timeout came first: a step not watched to its end is not a healthy step.
    record.outcome = 'failed';
    record.detail = 'the timeout ended the watch';
    throw new StepFailedError(
      `${record.label}: the timeout ended the watch ${Math.round((wanted - until) / 1000)} s before its end (raise "timeout" or shorten "step-wait")`,
    );
  }
  record.outcome = 'healthy';
  record.detail = `${record.checks} check${record.checks === 1 ? '' : 's'} healthy`;
}

/**
 * Runs the steps left (those above the revision's share now). Returns the service at the end;
 * throws on any failure, after which `restore` puts back what was found.
 */
export async function promote(
  context: RolloutContext,
  start: Found,
  steps: readonly number[],
  records: StepRecord[],
  onMoved: () => void,
): Promise<RunService> {
  let current = start.service;
  let ours = start.split;
  const keptTags = start.tags.filter((tagged) => tagged.tag !== context.tag);
  const left = steps.filter((step) => step > shareOf(start.split, context.revision));
  for (const [index, percent] of left.entries()) {
    const last = index === left.length - 1;
    const split = stepSplit(start.split, context.revision, percent);
    const record: StepRecord = {
      label: `step ${index + 1} of ${left.length} (${percent}%)`,
      percent,
      split,
      checks: 0,
      failures: 0,
      outcome: 'failed',
      detail: '',
    };
    records.push(record);
    if (context.signal.aborted) throw context.signal.reason as Error;
    context.log(`${record.label}: routing ${splitText(split)}`);
    // The rollout's tag goes with the last step: the tag URL is not needed at 100 %.
    const tags = last ? keptTags : start.tags;
    onMoved();
    current = await change(context, current, split, tags, ours);
    ours = split;
    context.log(
      `${record.label}: Cloud Run serves ${splitText(split)}; watching for ${context.stepWaitMs / 1000} s`,
    );
    await watch(context, watchUrl(current, context), record);
    context.log(`${record.label}: ${record.detail}`);
  }
  if (left.length === 0 && start.tags.some((tagged) => tagged.tag === context.tag)) {
    // Nothing to move (a rerun after the last step): the tag still goes.
    onMoved();
    current = await change(context, current, start.split, keptTags, start.split);
  }
  return current;
}

/**
 * Puts back the traffic targets found (the rollout's tag removed), then confirms the split in
 * trafficStatuses. With its own deadline and no cancellation: it runs when the step is cancelled.
 * A failure says what serves now and the command that restores the split.
 */
export async function restore(
  context: Omit<RolloutContext, 'signal' | 'deadline'>,
  start: Found,
  deadline: number,
): Promise<void> {
  const targets = start.targets.map((target) => {
    if (target.tag !== context.tag || context.tag === '') return target;
    const rest = { ...target };
    delete rest.tag;
    return rest;
  });
  const kept = targets.filter((target) => (target.percent ?? 0) > 0 || target.tag !== undefined);
  try {
    const operation = await context.cloudRun.patchService(
      context.ref,
      { traffic: kept },
      ['traffic'],
      deadline,
    );
    await context.cloudRun.waitOperation(operation, deadline);
    await waitForSplit(context.cloudRun, context.ref, start.split, deadline);
  } catch (error) {
    let now = 'unknown (the service could not be read)';
    try {
      now = splitText(servingSplit(await context.cloudRun.getService(context.ref, Date.now() + 10_000)));
    } catch {
      // what serves stays unknown
    }
    throw new Error(
      `the traffic could not be put back (${error instanceof Error ? error.message : String(error)}); it serves ${now}. Restore it with: ${restoreCommand(context.ref, start.split)}`,
      { cause: error },
    );
  }
}
