// Readiness of a Cloud Run revision, read from the Cloud Run Admin API v2 service resource:
// the service has reconciled its newest generation (observedGeneration, reconciling), its
// terminalCondition has succeeded, the revision wanted is the latest ready one, and it serves
// traffic (trafficStatuses: what is routed now, not what was asked for), unless it is to be
// checked on a tag of its own, where a revision at 0 % is what a verified rollout expects.
import { MIN_REQUEST_MS } from '../lib/google-api.js';
import { excerpt } from '../lib/format.js';
import { revisionShortName, type CloudRun, type RunService, type ServiceRef } from '../lib/cloud-run.js';
import { poll, type Attempt, type Backoff } from '../lib/poll.js';
import { checkAnswer, RevisionFailedError, servedPercent, trafficText } from '../lib/run-service.js';
import type { CloudRunTarget } from './inputs.js';

export interface EvaluateOptions {
  /**
   * A ready revision that gets no traffic is done, not a failure: it is to be checked on a tag
   * of its own (a revision deployed with its traffic held at the one serving now).
   */
  readonly noTrafficExpected?: boolean;
}

export interface ReadyRevision {
  revision: string;
  url: string;
  trafficPercent: number;
}

/**
 * Decides from one service resource whether `wanted` (default: the latest created revision) is
 * ready and serving (or only ready, with `noTrafficExpected`). Throws `RevisionFailedError` when
 * it never will be.
 */
export function evaluateService(
  service: RunService,
  wanted: string,
  serviceName: string,
  options: EvaluateOptions = {},
): Attempt<ReadyRevision> {
  checkAnswer(service);
  const generation = service.generation === undefined ? undefined : Number(service.generation);
  const observed = service.observedGeneration === undefined ? 0 : Number(service.observedGeneration);
  const terminal = service.terminalCondition;
  const created = revisionShortName(service.latestCreatedRevision);
  const latestReady = revisionShortName(service.latestReadyRevision);
  const target = wanted === '' ? (created ?? '') : wanted;
  const settled = generation === undefined || observed >= generation;
  if (
    settled &&
    service.reconciling !== true &&
    terminal?.state === 'CONDITION_FAILED' &&
    target === created
  ) {
    const why = [terminal.reason ?? terminal.revisionReason, terminal.message].filter(Boolean).join(': ');
    throw new RevisionFailedError(
      `revision ${target || '(latest)'} cannot become ready: ${excerpt(why || 'the Ready condition failed', 600)}`,
    );
  }
  if (!settled) {
    return {
      done: false,
      reason: `Cloud Run has not yet reconciled generation ${generation} (observed ${service.observedGeneration ?? 'none'})`,
    };
  }
  if (service.reconciling === true) {
    return { done: false, reason: `the service is reconciling (${terminal?.state ?? 'no condition yet'})` };
  }
  if (target === '') return { done: false, reason: 'the service has no revision yet' };
  if (wanted === '' || created === wanted) {
    if (terminal?.state !== 'CONDITION_SUCCEEDED' || latestReady !== target) {
      const detail = terminal?.reason === undefined ? '' : ` (${terminal.reason})`;
      return {
        done: false,
        reason: `revision ${target} is not ready yet: Ready=${terminal?.state ?? 'unknown'}${detail}, latest ready ${latestReady ?? 'none'}`,
      };
    }
  } else if (latestReady !== target) {
    // An older revision (a rollback): Cloud Run routes traffic only to a revision that was
    // ready, so one that serves is ready; one that does not may still be coming up.
    const serving = servedPercent(service, target);
    if (serving === 0) {
      return { done: false, reason: `the latest created revision is ${created ?? 'none'}, not ${target}` };
    }
    return { done: true, value: { revision: target, url: service.uri ?? '', trafficPercent: serving } };
  }
  const percent = servedPercent(service, target);
  if (percent === 0 && options.noTrafficExpected !== true) {
    throw new RevisionFailedError(
      `revision ${target} is ready but receives no traffic (${trafficText(service)}); ` +
        `route traffic to it, e.g. gcloud run services update-traffic ${serviceName} --to-revisions=${target}=100`,
    );
  }
  return { done: true, value: { revision: target, url: service.uri ?? '', trafficPercent: percent } };
}

/**
 * A GET of the service costs a millisecond of CPU, not a process: polled often enough to notice
 * a ready revision within a few hundred milliseconds, never more than once a second at length.
 */
export const READINESS_BACKOFF: Backoff = { initialMs: 200, factor: 1.2, maxMs: 1_000, jitter: 0.2 };

/**
 * Polls the service (one GET each time, our retry policy inside) until the revision is ready and
 * serves; with a tag to check it on, until it is ready, whatever traffic it has.
 */
export async function waitForRevision(
  cloudRun: CloudRun,
  target: CloudRunTarget,
  deadline: number,
  onWait: (reason: string) => void,
  signal?: AbortSignal,
): Promise<ReadyRevision> {
  const ref: ServiceRef = { project: target.project, region: target.region, service: target.service };
  const { value } = await poll(
    async () => {
      const service = await cloudRun.getService(ref, deadline);
      const result = evaluateService(service, target.revision, target.service, {
        noTrafficExpected: target.tag !== '',
      });
      if (!result.done) onWait(result.reason);
      return result;
    },
    {
      deadline,
      backoff: READINESS_BACKOFF,
      // Each attempt is a Google API call: the client's own least time left.
      minAttemptMs: MIN_REQUEST_MS,
      what: `revision ${target.revision || 'latest'} of ${target.service} to be ready`,
      ...(signal === undefined ? {} : { signal }),
    },
  );
  return value;
}
