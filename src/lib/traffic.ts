// A Cloud Run service's traffic as the pipeline owns it: the split serving now (by revision
// name, from trafficStatuses), the targets that pin a split by name with its tags, a change
// sent with the service's etag (someone else's change in between is refused by Cloud Run, not
// overwritten), and the wait until trafficStatuses shows the split asked for.
import { MIN_REQUEST_MS } from './google-api.js';
import {
  RUN_TYPE_LATEST,
  RUN_TYPE_REVISION,
  revisionShortName,
  serviceName,
  type CloudRun,
  type RunService,
  type RunTrafficTarget,
  type ServiceRef,
} from './cloud-run.js';
import { poll, type Backoff } from './poll.js';
import { checkAnswer, servedTraffic } from './run-service.js';

/** One revision's part of the traffic, in whole percent. */
export interface Share {
  readonly revision: string;
  readonly percent: number;
}

/** A tag on a revision, with the tag's own URL once Cloud Run reports it. */
export interface Tagged {
  readonly revision: string;
  readonly tag: string;
  readonly uri?: string;
}

/** The revision a traffic entry routes to: by name, or the latest ready one for LATEST. */
function entryRevision(service: RunService, entry: RunTrafficTarget): string | undefined {
  if (entry.revision !== undefined && entry.revision !== '') return revisionShortName(entry.revision);
  return entry.type === RUN_TYPE_LATEST ? revisionShortName(service.latestReadyRevision) : undefined;
}

/**
 * The split serving now, by revision name (LATEST resolved to the latest ready revision),
 * entries of one revision added up, revisions at 0 % left out; largest share first. The answer is
 * checked first.
 */
export function servingSplit(service: RunService): Share[] {
  checkAnswer(service);
  const byRevision = new Map<string, number>();
  for (const entry of servedTraffic(service)) {
    const percent = entry.percent ?? 0;
    if (percent === 0) continue;
    const revision = entryRevision(service, entry);
    if (revision === undefined) {
      throw new Error(
        `Cloud Run reports ${percent}% of the traffic of ${String(service.name)} on the latest revision, but no revision is ready`,
      );
    }
    byRevision.set(revision, (byRevision.get(revision) ?? 0) + percent);
  }
  return [...byRevision]
    .map(([revision, percent]) => ({ revision, percent }))
    .sort((a, b) => b.percent - a.percent || a.revision.localeCompare(b.revision));
}

/** The tags on the service now (trafficStatuses, else traffic), each on its revision. */
export function tagsOf(service: RunService): Tagged[] {
  checkAnswer(service);
  const tags: Tagged[] = [];
  for (const entry of servedTraffic(service)) {
    if (entry.tag === undefined || entry.tag === '') continue;
    const revision = entryRevision(service, entry);
    if (revision === undefined) continue;
    const uri = 'uri' in entry && typeof entry.uri === 'string' ? entry.uri : undefined;
    tags.push({ revision, tag: entry.tag, ...(uri === undefined ? {} : { uri }) });
  }
  return tags;
}

/** Whether two splits route the same percent to the same revisions. */
export function sameSplit(a: readonly Share[], b: readonly Share[]): boolean {
  const key = (split: readonly Share[]) =>
    split
      .filter((share) => share.percent > 0)
      .map((share) => `${share.revision}=${share.percent}`)
      .sort()
      .join(',');
  return key(a) === key(b);
}

/** `api-00041-abc 90%, api-00042-xyz 10%`, or `no traffic`. */
export function splitText(split: readonly Share[]): string {
  return split.length === 0 ? 'no traffic' : split.map((s) => `${s.revision} ${s.percent}%`).join(', ');
}

/**
 * The split as an output: the revision's name when one revision serves 100 %, else JSON
 * (`[{"revision":"api-00041-abc","percent":90},…]`), empty when nothing serves.
 */
export function splitOutput(split: readonly Share[]): string {
  if (split.length === 0) return '';
  if (split.length === 1 && split[0]?.percent === 100) return split[0].revision;
  return JSON.stringify(split.map(({ revision, percent }) => ({ revision, percent })));
}

/**
 * The traffic targets that route `split` by revision name and keep `tags` (a tag rides on its
 * revision's share, or on a target of its own at 0 %).
 */
export function trafficTargets(split: readonly Share[], tags: readonly Tagged[] = []): RunTrafficTarget[] {
  const targets: RunTrafficTarget[] = split
    .filter((share) => share.percent > 0)
    .map((share) => ({ type: RUN_TYPE_REVISION, revision: share.revision, percent: share.percent }));
  for (const { revision, tag } of tags) {
    const carrier = targets.find((target) => target.revision === revision && target.tag === undefined);
    if (carrier === undefined) targets.push({ type: RUN_TYPE_REVISION, revision, tag });
    else carrier.tag = tag;
  }
  return targets;
}

/**
 * `percent` to `revision`, the rest shared among the other revisions of `from` in their
 * proportions (whole percents by largest remainder, so the sum is exactly 100).
 */
export function stepSplit(from: readonly Share[], revision: string, percent: number): Share[] {
  const others = from.filter((share) => share.revision !== revision && share.percent > 0);
  const total = others.reduce((sum, share) => sum + share.percent, 0);
  const rest = 100 - percent;
  if (rest > 0 && total === 0) {
    throw new Error(`no other revision serves traffic, so ${revision} cannot take only ${percent}%`);
  }
  const exact = others.map((share) => ({ ...share, exact: (share.percent * rest) / total }));
  const floors = exact.map((share) => ({ ...share, percent: Math.floor(share.exact) }));
  let left = rest - floors.reduce((sum, share) => sum + share.percent, 0);
  const byRemainder = [...floors].sort(
    (a, b) => b.exact - Math.floor(b.exact) - (a.exact - Math.floor(a.exact)) || b.percent - a.percent,
  );
  for (const share of byRemainder) {
    if (left === 0) break;
    share.percent++;
    left--;
  }
  const split: Share[] = [
    ...(percent > 0 ? [{ revision, percent }] : []),
    ...byRemainder.filter((s) => s.percent > 0).map((s) => ({ revision: s.revision, percent: s.percent })),
  ];
  return split.sort((a, b) => b.percent - a.percent || a.revision.localeCompare(b.revision));
}

/** The gcloud command that routes `split`, for a message when the action itself could not. */
export function restoreCommand(ref: ServiceRef, split: readonly Share[]): string {
  const to = split.map((share) => `${share.revision}=${share.percent}`).join(',');
  return `gcloud run services update-traffic ${ref.service} --region=${ref.region} --project=${ref.project} --to-revisions=${to}`;
}

/** How often trafficStatuses is read while a change settles. */
export const TRAFFIC_BACKOFF: Backoff = { initialMs: 100, factor: 1.5, maxMs: 1_000, jitter: 0.2 };

/**
 * Sends `targets` as the service's traffic (update mask `traffic`, with `etag` when given, so a
 * change someone else made since is refused with 409 instead of overwritten), waits for the
 * operation, then until trafficStatuses routes `expected`. Returns the service as it then is.
 */
export async function setTraffic(
  cloudRun: CloudRun,
  ref: ServiceRef,
  change: { targets: RunTrafficTarget[]; expected: readonly Share[]; etag?: string | undefined },
  deadline: number,
  signal?: AbortSignal,
): Promise<RunService> {
  const body: RunService = {
    traffic: change.targets,
    ...(change.etag === undefined ? {} : { etag: change.etag }),
  };
  const operation = await cloudRun.patchService(ref, body, ['traffic'], deadline);
  await cloudRun.waitOperation(operation, deadline);
  return waitForSplit(cloudRun, ref, change.expected, deadline, signal);
}

/** Polls the service until it has reconciled and trafficStatuses routes `expected`. */
export async function waitForSplit(
  cloudRun: CloudRun,
  ref: ServiceRef,
  expected: readonly Share[],
  deadline: number,
  signal?: AbortSignal,
): Promise<RunService> {
  const { value } = await poll(
    async () => {
      const service = await cloudRun.getService(ref, deadline);
      const serving = servingSplit(service);
      const settled =
        service.generation === undefined ||
        Number(service.observedGeneration ?? 0) >= Number(service.generation);
      if (settled && sameSplit(serving, expected)) return { done: true, value: service };
      return {
        done: false,
        reason: `${serviceName(ref)} serves ${splitText(serving)}, not yet ${splitText(expected)}`,
      };
    },
    {
      deadline,
      backoff: TRAFFIC_BACKOFF,
      minAttemptMs: MIN_REQUEST_MS,
      what: `the traffic of ${ref.service} to be ${splitText(expected)}`,
      ...(signal === undefined ? {} : { signal }),
    },
  );
  return value;
}

/**
 * Polls the service until it has reconciled and trafficStatuses shows `tag` on `revision` with
 * the tag's own URL. Returns the service and that URL as Cloud Run reports it (a caller checks
 * it before sending anything there).
 */
export async function waitForTag(
  cloudRun: CloudRun,
  ref: ServiceRef,
  wanted: { readonly revision: string; readonly tag: string },
  deadline: number,
  signal?: AbortSignal,
): Promise<{ service: RunService; uri: string }> {
  const { value } = await poll<{ service: RunService; uri: string }>(
    async () => {
      const service = await cloudRun.getService(ref, deadline);
      const found = tagsOf(service).filter((tagged) => tagged.tag === wanted.tag);
      const settled =
        service.generation === undefined ||
        Number(service.observedGeneration ?? 0) >= Number(service.generation);
      const onIt = found.find((tagged) => tagged.revision === wanted.revision);
      if (settled && onIt?.uri !== undefined && onIt.uri !== '') {
        return { done: true, value: { service, uri: onIt.uri } };
      }
      const where =
        onIt !== undefined
          ? 'has no URL yet'
          : found.length > 0
            ? `is on ${found.map((tagged) => tagged.revision).join(', ')}`
            : 'is not in its traffic yet';
      return {
        done: false,
        reason: `the tag ${wanted.tag} of ${serviceName(ref)} ${where}${settled ? '' : ' (reconciling)'}, not yet on ${wanted.revision}`,
      };
    },
    {
      deadline,
      backoff: TRAFFIC_BACKOFF,
      minAttemptMs: MIN_REQUEST_MS,
      what: `the tag ${wanted.tag} of ${ref.service} to reach ${wanted.revision}`,
      ...(signal === undefined ? {} : { signal }),
    },
  );
  return value;
}
