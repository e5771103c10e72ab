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

/** A value from the answer, for a message: what gcloud printed is not trusted to be one line. */
function answered(value: unknown): string {
  if (typeof value === 'string') return shown(value);
  // JSON.stringify's type says string; at run time it is undefined for undefined.
  const text = JSON.stringify(value) as string | undefined;
  return shown(text ?? 'undefined');
}

function refuse(field: string, value: unknown, what: string): never {
  throw new RevisionFailedError(`Cloud Run answered ${answered(value)} as ${field}, which is not ${what}`);
}

const CONDITION_STATUSES = new Set(['True', 'False', 'Unknown']);

/**
 * Checks every field of the answer that reaches a log line, a message, a URL or an output
 * before any of them is used: revision names by the revision rule, numbers as numbers, the
 * Ready status as one of Knative's three, the URL as a one-line string. A gcloud (or a proxy
 * in front of the API) that answers something else fails the stage with the value escaped.
 */
export function checkAnswer(answer: unknown): asserts answer is KnativeService {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    refuse('the service', answer, 'a JSON object');
  }
  const service = answer as KnativeService;
  const status: Record<string, unknown> = service.status ?? {};
  const names: [string, unknown][] = [
    ['the latest created revision name', status['latestCreatedRevisionName']],
    ['the latest ready revision name', status['latestReadyRevisionName']],
  ];
  const traffic = status['traffic'];
  if (traffic !== undefined && !Array.isArray(traffic)) refuse('the traffic', traffic, 'a list');
  for (const target of (traffic ?? []) as Record<string, unknown>[]) {
    names.push(['a traffic target revision name', target['revisionName']]);
    const percent = target['percent'];
    if (percent !== undefined && !(typeof percent === 'number' && percent >= 0 && percent <= 100)) {
      refuse('a traffic percent', percent, 'a number from 0 to 100');
    }
  }
  // Names from the answer go into log lines and outputs: each must be a revision name.
  for (const [field, name] of names) {
    if (name !== undefined && !(typeof name === 'string' && isName('revision', name))) {
      refuse(field, name, 'a revision name');
    }
  }
  const wholeNumber = (field: string, value: unknown): void => {
    if (value !== undefined && !(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) {
      refuse(field, value, 'a whole number');
    }
  };
  wholeNumber('the generation', service.metadata?.generation);
  wholeNumber('the observed generation', status['observedGeneration']);
  const conditions = status['conditions'];
  if (conditions !== undefined && !Array.isArray(conditions)) refuse('the conditions', conditions, 'a list');
  for (const condition of (conditions ?? []) as Record<string, unknown>[]) {
    if (condition['type'] !== 'Ready') continue;
    const value = condition['status'];
    if (value !== undefined && !(typeof value === 'string' && CONDITION_STATUSES.has(value))) {
      refuse('the Ready status', value, 'True, False or Unknown');
    }
    for (const text of ['reason', 'message']) {
      if (condition[text] !== undefined && typeof condition[text] !== 'string') {
        refuse(`the Ready ${text}`, condition[text], 'text');
      }
    }
  }
  const address = status['address'] as Record<string, unknown> | undefined;
  for (const [field, url] of [
    ['the service URL', status['url']],
    ['the service address URL', address?.['url']],
  ] as const) {
    // eslint-disable-next-line no-control-regex -- a control character in a URL is what is refused
    if (url !== undefined && !(typeof url === 'string' && !/[\u0000-\u0020\u007f-\uffff]/.test(url))) {
      refuse(field, url, 'a URL of printable ASCII');
    }
  }
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
  checkAnswer(service);
  const status = service.status ?? {};
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
