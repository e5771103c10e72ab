import { runTool } from '../lib/exec.js';
import { excerpt } from '../lib/format.js';
import { isName, shown } from '../lib/names.js';
import { poll, type Attempt } from '../lib/poll.js';
import type { CloudRunTarget } from './inputs.js';

/** The parts of `gcloud run services describe --format=json` (a Knative Service) read here. */
export interface KnativeService {
  metadata?: { name?: string; generation?: number };
  status?: {
    observedGeneration?: number;
    url?: string;
    address?: { url?: string };
    latestCreatedRevisionName?: string;
    latestReadyRevisionName?: string;
    conditions?: { type?: string; status?: string; reason?: string; message?: string }[];
    traffic?: { revisionName?: string; percent?: number; latestRevision?: boolean; tag?: string }[];
  };
}

export interface ReadyRevision {
  revision: string;
  url: string;
  trafficPercent: number;
}

/** A revision that cannot become ready, or a ready one that gets no traffic: waiting will not help. */
export class RevisionFailedError extends Error {
  override name = 'RevisionFailedError';
}

/** The gcloud arguments that describe a service as JSON. */
export function describeServiceArgs(target: CloudRunTarget): string[] {
  return [
    'run',
    'services',
    'describe',
    target.service,
    `--region=${target.region}`,
    ...(target.project === '' ? [] : [`--project=${target.project}`]),
    '--format=json',
    '--quiet',
  ];
}

function trafficText(traffic: NonNullable<KnativeService['status']>['traffic']): string {
  if (traffic === undefined || traffic.length === 0) return 'no traffic targets';
  return traffic.map((t) => `${t.revisionName ?? '(latest)'} ${t.percent ?? 0}%`).join(', ');
}

/**
 * Decides from one description whether `wanted` (default: the latest created revision) is
 * ready and serving. Throws `RevisionFailedError` when it never will be.
 */
export function evaluateService(service: KnativeService, wanted: string): Attempt<ReadyRevision> {
  const status = service.status ?? {};
  // Names from the answer go into log lines and outputs: each must be a revision name.
  const named = [
    status.latestCreatedRevisionName,
    status.latestReadyRevisionName,
    ...(status.traffic ?? []).map((t) => t.revisionName),
  ];
  for (const name of named) {
    if (name !== undefined && !isName('revision', name)) {
      throw new RevisionFailedError(`Cloud Run answered ${shown(name)} as a revision name, which is not one`);
    }
  }
  const generation = service.metadata?.generation;
  if (generation !== undefined && (status.observedGeneration ?? 0) < generation) {
    return {
      done: false,
      reason: `Cloud Run has not yet reconciled generation ${generation} (observed ${status.observedGeneration ?? 'none'})`,
    };
  }
  const target = wanted === '' ? (status.latestCreatedRevisionName ?? '') : wanted;
  if (target === '') return { done: false, reason: 'the service has no revision yet' };
  const ready = (status.conditions ?? []).find((condition) => condition.type === 'Ready');
  const created = status.latestCreatedRevisionName;

  if (created !== target) {
    return { done: false, reason: `the latest created revision is ${created ?? 'none'}, not ${target}` };
  }
  if (ready?.status === 'False') {
    const why = [ready.reason, ready.message].filter(Boolean).join(': ');
    throw new RevisionFailedError(
      `revision ${target} cannot become ready: ${excerpt(why || 'Ready is False', 600)}`,
    );
  }
  if (ready?.status !== 'True' || status.latestReadyRevisionName !== target) {
    const detail = ready?.reason === undefined ? '' : ` (${excerpt(ready.reason, 120)})`;
    return {
      done: false,
      reason: `revision ${target} is not ready yet: Ready=${ready?.status ?? 'unknown'}${detail}, latest ready ${status.latestReadyRevisionName ?? 'none'}`,
    };
  }
  const percent = (status.traffic ?? [])
    .filter((t) => t.revisionName === target)
    .reduce((sum, t) => sum + (t.percent ?? 0), 0);
  if (percent === 0) {
    throw new RevisionFailedError(
      `revision ${target} is ready but receives no traffic (${trafficText(status.traffic)}); ` +
        `route traffic to it, e.g. gcloud run services update-traffic ${isName('service', service.metadata?.name ?? '') ? service.metadata?.name : 'SERVICE'} --to-latest`,
    );
  }
  const url = status.url ?? status.address?.url ?? '';
  return { done: true, value: { revision: target, url, trafficPercent: percent } };
}

const GCLOUD_CALL_MAX_MS = 60_000;

/** Polls `gcloud run services describe` until the revision is ready and takes traffic. */
export async function waitForRevision(
  target: CloudRunTarget,
  deadline: number,
  onWait: (reason: string) => void,
): Promise<ReadyRevision> {
  const args = describeServiceArgs(target);
  const { value } = await poll(
    async ({ remainingMs }) => {
      const { stdout } = await runTool('gcloud', args, {
        timeoutMs: Math.min(GCLOUD_CALL_MAX_MS, remainingMs),
      });
      let described: KnativeService;
      try {
        described = JSON.parse(stdout) as KnativeService;
      } catch {
        throw new Error(`gcloud ${args.slice(0, 4).join(' ')} printed no JSON: ${excerpt(stdout)}`);
      }
      const result = evaluateService(described, target.revision);
      if (!result.done) onWait(result.reason);
      return result;
    },
    { deadline, what: `revision ${target.revision || 'latest'} of ${target.service} to be ready` },
  );
  return value;
}
