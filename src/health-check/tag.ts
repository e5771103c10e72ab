// The candidate's own URL: the revision to check gets a traffic tag at the traffic it has
// (usually 0 %), by one PATCH of the service's traffic that keeps the serving split exactly and
// every other tag, sent with the service's etag so that a change someone made in between is
// refused by Cloud Run (409) instead of overwritten; then the wait until trafficStatuses shows
// the tag, with its URL, on that revision. Only that revision answers on that URL.
import type { CloudRun, RunService, ServiceRef } from '../lib/cloud-run.js';
import { GoogleApiError } from '../lib/google-api.js';
import {
  servingSplit,
  setTraffic,
  splitText,
  tagsOf,
  trafficTargets,
  waitForTag,
  type Tagged,
} from '../lib/traffic.js';

/** How many times a PATCH refused for a stale etag is read again and sent again. */
export const MAX_CONFLICT_RETRIES = 3;

export interface TagResult {
  /** The tag's URL as Cloud Run reports it (checked by the caller before use). */
  readonly uri: string;
  /** Whether a PATCH was sent (false: the tag was on the revision already). */
  readonly patched: boolean;
  /** The split serving when the tag was set, unchanged by it. */
  readonly split: string;
}

/** A PATCH refused because the service changed since it was read (its etag no longer matches). */
const isConflict = (error: unknown): boolean => error instanceof GoogleApiError && error.httpStatus === 409;

/**
 * The tags the service is to carry: every tag it has, with `tag` on `revision` (a tag of that
 * name on another revision moves; no other tag changes).
 */
export function tagsWith(service: RunService, revision: string, tag: string): Tagged[] {
  return [...tagsOf(service).filter((tagged) => tagged.tag !== tag), { revision, tag }];
}

/**
 * Gives `revision` the tag `tag` (no PATCH when it has it already) and waits for the tag's URL.
 * A 409 (the service changed between the read and the PATCH) is read again and retried, at
 * most MAX_CONFLICT_RETRIES times within the deadline.
 */
export async function tagRevision(
  cloudRun: CloudRun,
  ref: ServiceRef,
  wanted: { readonly revision: string; readonly tag: string },
  deadline: number,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<TagResult> {
  for (let conflicts = 0; ; conflicts++) {
    const service = await cloudRun.getService(ref, deadline);
    const split = servingSplit(service);
    const current = tagsOf(service).find((tagged) => tagged.tag === wanted.tag);
    if (current?.revision === wanted.revision) {
      log(`the tag ${wanted.tag} is on ${wanted.revision} already: no traffic change`);
      const { uri } = await waitForTag(cloudRun, ref, wanted, deadline, signal);
      return { uri, patched: false, split: splitText(split) };
    }
    const targets = trafficTargets(split, tagsWith(service, wanted.revision, wanted.tag));
    log(
      `tagging ${wanted.revision} ${wanted.tag}${current === undefined ? '' : ` (moved from ${current.revision})`}, the traffic kept at ${splitText(split)}`,
    );
    try {
      await setTraffic(cloudRun, ref, { targets, expected: split, etag: service.etag }, deadline, signal);
    } catch (error) {
      if (!isConflict(error)) throw error;
      if (conflicts >= MAX_CONFLICT_RETRIES) {
        throw new Error(
          `the service ${ref.service} changed between each read and the PATCH that tags ${wanted.revision} (${conflicts + 1} times refused with 409 for a stale etag): someone else is changing it now; let that finish, then run the check again`,
          { cause: error },
        );
      }
      if (Date.now() >= deadline) throw error;
      log(`the service changed since it was read (409, stale etag): reading it again`);
      continue;
    }
    const { uri } = await waitForTag(cloudRun, ref, wanted, deadline, signal);
    return { uri, patched: true, split: splitText(split) };
  }
}

/**
 * Takes `tag` off the service again (the split kept exactly, every other tag kept), for a
 * candidate that failed its check: nothing of it is left reachable. No PATCH when the tag is
 * gone already; a 409 is read again, as in tagRevision.
 */
export async function untag(
  cloudRun: CloudRun,
  ref: ServiceRef,
  tag: string,
  deadline: number,
): Promise<boolean> {
  for (let conflicts = 0; ; conflicts++) {
    const service = await cloudRun.getService(ref, deadline);
    const tags = tagsOf(service);
    if (!tags.some((tagged) => tagged.tag === tag)) return false;
    const split = servingSplit(service);
    const targets = trafficTargets(
      split,
      tags.filter((tagged) => tagged.tag !== tag),
    );
    try {
      await setTraffic(cloudRun, ref, { targets, expected: split, etag: service.etag }, deadline);
      return true;
    } catch (error) {
      if (!isConflict(error) || conflicts >= MAX_CONFLICT_RETRIES) throw error;
    }
  }
}
