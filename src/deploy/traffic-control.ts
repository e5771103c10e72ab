// Input `traffic`: Terraform owns the Cloud Run service's configuration, the pipeline its traffic.
// `hold` pins the split serving now by revision name before the plan (the Google provider sends
// the traffic as the refreshed state holds it), so the revision the apply creates starts at 0 %,
// and puts the traffic back exactly as found when the run ends before the apply starts. `latest`
// sends 100 % to the latest revision after the apply, when the service is named.
import * as core from '@actions/core';
import {
  RUN_TYPE_LATEST,
  RUN_TYPE_REVISION,
  revisionShortName,
  serviceName,
  type CloudRun,
  type RunService,
  type RunTrafficTarget,
  type ServiceRef,
} from '../lib/cloud-run.js';
import { GoogleApiError } from '../lib/google-api.js';
import { logLine } from '../lib/names.js';
import { checkAnswer, servedPercent } from '../lib/run-service.js';
import {
  restoreCommand,
  sameSplit,
  servingSplit,
  setTraffic,
  splitText,
  tagsOf,
  trafficTargets,
  type Share,
} from '../lib/traffic.js';
import { Inputs } from './constants.js';
import type { Finding } from './findings.js';
import type { TrafficMode } from './inputs.js';
import type { PlanSummary } from './terraform-plan.js';

/** The budget of one traffic change or read, retries included (the `timeout` input caps it). */
export const TRAFFIC_DEADLINE_MS = 120_000;

/** What the service served before this run changed anything. */
export interface FoundTraffic {
  readonly ref: ServiceRef;
  /** False on a first deploy: the service does not exist yet (404). */
  readonly exists: boolean;
  /** The split serving now, by revision name (empty on a first deploy). */
  readonly split: readonly Share[];
  /** The service's traffic targets exactly as found (LATEST entries included). */
  readonly targets: readonly RunTrafficTarget[];
}

/** A traffic target with only the fields Cloud Run takes back, as found. */
function targetAsFound(entry: RunTrafficTarget): RunTrafficTarget {
  const revision = revisionShortName(entry.revision);
  return {
    ...(entry.type === undefined ? {} : { type: entry.type }),
    ...(revision === undefined ? {} : { revision }),
    ...(entry.percent === undefined ? {} : { percent: entry.percent }),
    ...(entry.tag === undefined || entry.tag === '' ? {} : { tag: entry.tag }),
  };
}

/** Targets compared as Cloud Run stores them: type, revision, a percent above 0, tag; any order. */
export function sameTargets(a: readonly RunTrafficTarget[], b: readonly RunTrafficTarget[]): boolean {
  const key = (targets: readonly RunTrafficTarget[]) =>
    targets
      .map((target) => {
        const type = target.type ?? (target.revision ? RUN_TYPE_REVISION : RUN_TYPE_LATEST);
        const revision = type === RUN_TYPE_REVISION ? (revisionShortName(target.revision) ?? '') : '';
        return `${type}|${revision}|${target.percent ?? 0}|${target.tag ?? ''}`;
      })
      .sort()
      .join(',');
  return key(a) === key(b);
}

/** Whether the targets send all traffic to the latest revision (type LATEST, 100 %). */
export function isLatest100(targets: readonly RunTrafficTarget[]): boolean {
  return targets.some(
    (target) => target.type === RUN_TYPE_LATEST && target.percent === 100 && (target.revision ?? '') === '',
  );
}

/** The service now, or undefined when it does not exist (404); the answer checked. */
async function getServiceIfAny(
  cloudRun: CloudRun,
  ref: ServiceRef,
  deadline: number,
): Promise<RunService | undefined> {
  try {
    const service = await cloudRun.getService(ref, deadline);
    checkAnswer(service);
    return service;
  } catch (error) {
    if (error instanceof GoogleApiError && error.httpStatus === 404) return undefined;
    throw error;
  }
}

/** Reads what the service serves now: the split by name and its targets exactly as they are. */
export async function readTraffic(
  cloudRun: CloudRun,
  ref: ServiceRef,
  deadline: number,
): Promise<FoundTraffic> {
  const service = await getServiceIfAny(cloudRun, ref, deadline);
  if (service === undefined) return { ref, exists: false, split: [], targets: [] };
  return {
    ref,
    exists: true,
    split: servingSplit(service),
    targets: (service.traffic ?? []).map(targetAsFound),
  };
}

/** The gcloud command that puts `found` back, for a message when the action could not. */
export function putBackCommand(found: FoundTraffic): string {
  if (isLatest100(found.targets)) {
    const { ref } = found;
    return `gcloud run services update-traffic ${ref.service} --region=${ref.region} --project=${ref.project} --to-latest`;
  }
  return restoreCommand(found.ref, found.split);
}

/**
 * The pin of `traffic: hold`: the split serving now by revision name, same percentages, tags
 * kept, sent with the service's etag. Armed from the moment the change may be sent until the
 * apply starts (`release`); `restore` then puts the targets back exactly as found.
 */
export class TrafficHold {
  #armed = false;
  private pinned: RunTrafficTarget[] | undefined;

  constructor(
    private readonly cloudRun: CloudRun,
    readonly found: FoundTraffic,
    private readonly timeoutMs: number,
  ) {}

  /** Pins the traffic; returns what the log and the summary say of it. */
  async pin(signal: AbortSignal): Promise<string> {
    const { ref, split } = this.found;
    if (split.length === 0) {
      throw new Error(
        `${serviceName(ref)} serves no traffic now, so there is no split to hold: make a revision serve (or deploy with ${Inputs.Traffic}: latest) and run again; nothing was changed`,
      );
    }
    const deadline = Date.now() + Math.min(TRAFFIC_DEADLINE_MS, this.timeoutMs);
    const service = await this.cloudRun.getService(ref, deadline);
    checkAnswer(service);
    const serving = servingSplit(service);
    const targets = trafficTargets(serving, tagsOf(service));
    if (sameTargets(service.traffic ?? [], targets)) {
      return `already pinned by name: ${splitText(serving)}`;
    }
    this.pinned = targets;
    this.#armed = true;
    await setTraffic(
      this.cloudRun,
      ref,
      { targets, expected: serving, etag: service.etag },
      deadline,
      signal,
    );
    return `pinned by name: ${splitText(serving)}`;
  }

  /** Whether the traffic may be pinned and is still to be put back. */
  get armed(): boolean {
    return this.#armed;
  }

  /** The apply starts: the pin stays (the new revision starts at 0 %). */
  release(): void {
    this.#armed = false;
  }

  /**
   * Puts the traffic targets back exactly as found when the pin is still armed: the run ended
   * before the apply. A change someone else made meanwhile is not overwritten: the error says
   * what serves now and the command that puts the found split back.
   */
  async restore(): Promise<string | undefined> {
    if (!this.#armed) return undefined;
    this.#armed = false;
    const { ref, targets, split } = this.found;
    const deadline = Date.now() + Math.min(TRAFFIC_DEADLINE_MS, this.timeoutMs);
    let service: RunService | undefined;
    try {
      service = await this.cloudRun.getService(ref, deadline);
      checkAnswer(service);
      const now = service.traffic ?? [];
      if (sameTargets(now, targets)) return `traffic as found: ${splitText(split)}`;
      if (this.pinned === undefined || !sameTargets(now, this.pinned)) {
        throw new Error(
          `the traffic of ${serviceName(ref)} changed after this run pinned it (it serves ${splitText(servingSplit(service))}): someone else moved it, so it was not put back`,
        );
      }
      await setTraffic(
        this.cloudRun,
        ref,
        { targets: [...targets], expected: split, etag: service.etag },
        deadline,
      );
      return `traffic put back as found: ${splitText(split)}`;
    } catch (error) {
      let serving = 'unknown';
      try {
        if (service !== undefined) serving = splitText(servingSplit(service));
      } catch {
        // the answer was refused: what it says is not repeated
      }
      const why = error instanceof Error ? error.message : String(error);
      throw new Error(
        `could not put the traffic of ${serviceName(ref)} back as found (${splitText(split)}; it serves ${serving}): ${why}. Put it back with: ${putBackCommand(this.found)}`,
        { cause: error },
      );
    }
  }
}

/** The targets that send 100 % to the latest revision (type LATEST), every tag kept where it is. */
export function latestTargets(traffic: readonly RunTrafficTarget[]): RunTrafficTarget[] {
  const latest: RunTrafficTarget = { type: RUN_TYPE_LATEST, percent: 100 };
  const targets: RunTrafficTarget[] = [latest];
  for (const entry of traffic) {
    if (entry.tag === undefined || entry.tag === '') continue;
    const revision = revisionShortName(entry.revision);
    if (entry.type === RUN_TYPE_REVISION && revision !== undefined) {
      targets.push({ type: RUN_TYPE_REVISION, revision, tag: entry.tag });
    } else if (latest.tag === undefined) {
      latest.tag = entry.tag;
    } else {
      targets.push({ type: RUN_TYPE_LATEST, tag: entry.tag });
    }
  }
  return targets;
}

/**
 * `traffic: latest` after the apply: when the service's traffic is not 100 % LATEST, sends it to
 * the latest revision (tags kept) and waits until trafficStatuses shows it. Returns the log line.
 */
export async function sendToLatest(
  cloudRun: CloudRun,
  ref: ServiceRef,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<string> {
  const deadline = Date.now() + Math.min(TRAFFIC_DEADLINE_MS, timeoutMs);
  const service = await cloudRun.getService(ref, deadline);
  checkAnswer(service);
  const latest = revisionShortName(service.latestCreatedRevision);
  if (isLatest100(service.traffic ?? [])) {
    return `the latest revision${latest === undefined ? '' : ` (${latest})`} takes 100 % (type LATEST)`;
  }
  if (latest === undefined) {
    throw new Error(`${serviceName(ref)} names no latest revision, so no traffic can be sent to it`);
  }
  const before = servingSplit(service);
  await setTraffic(
    cloudRun,
    ref,
    {
      targets: latestTargets(service.traffic ?? []),
      expected: [{ revision: latest, percent: 100 }],
      etag: service.etag,
    },
    deadline,
    signal,
  );
  return `traffic sent to the latest revision ${latest}: 100 % (type LATEST), was ${splitText(before)}`;
}

/** After a `hold` apply: what serves now, and the new revision's share (0 % when held). */
export async function describeHeld(
  cloudRun: CloudRun,
  found: FoundTraffic,
  timeoutMs: number,
): Promise<{ line: string; held: boolean }> {
  const deadline = Date.now() + Math.min(TRAFFIC_DEADLINE_MS, timeoutMs);
  const service = await cloudRun.getService(found.ref, deadline);
  checkAnswer(service);
  const serving = servingSplit(service);
  const latest = revisionShortName(service.latestCreatedRevision);
  const newRevision =
    latest === undefined || found.split.some((share) => share.revision === latest) ? undefined : latest;
  const held = sameSplit(serving, found.split);
  const share =
    newRevision === undefined
      ? ''
      : `; the new revision ${newRevision} serves ${servedPercent(service, newRevision)} %`;
  return { line: logLine(`held: ${splitText(serving)}${share}`), held };
}

/**
 * What the plan means for the traffic: with `service` given, a planned Cloud Run service must be
 * that one (name and location), else an error naming both; with `hold`, a planned service whose
 * `traffic` changes is a warning (Terraform and the pipeline would fight over it).
 */
export function plannedTrafficFindings(
  planned: PlanSummary,
  traffic: TrafficMode,
  ref: ServiceRef | undefined,
): Finding[] {
  const findings: Finding[] = [];
  const services = planned.services;
  if (ref !== undefined && services.length > 0) {
    const matches = services.some(
      (service) => service.name === ref.service && service.location === ref.region,
    );
    if (!matches) {
      const planned = services
        .map((service) => `${service.address} (${service.name ?? '?'} in ${service.location ?? '?'})`)
        .join(', ');
      findings.push({
        level: 'error',
        message: `the plan's Cloud Run service is ${planned}, but inputs "${Inputs.Service}" and "${Inputs.Region}" name ${ref.service} in ${ref.region}: give the service and region the stack manages; nothing was applied`,
      });
    }
  }
  if (traffic === 'hold') {
    for (const service of services) {
      if (!service.trafficChanges) continue;
      findings.push({
        level: 'warning',
        message: `${service.address}: the plan changes its traffic, so Terraform and the pipeline would fight over it (${Inputs.Traffic}: hold pins it, the apply would move it): declare lifecycle { ignore_changes = [traffic] } on the service`,
      });
    }
  }
  return findings;
}

/** A log line for the first deploy of a service. */
export const FIRST_DEPLOY =
  'no such service yet (a first deploy): nothing to pin, the new revision takes 100 % as Cloud Run does';

/** Logs a line of this module's making (names checked, values escaped). */
export const info = (line: string): void => core.info(logLine(line));
