// What a Cloud Run service resource (Admin API v2) says, checked before any of it is used:
// every field that reaches a log line, a message, a URL, an output or a traffic change is
// validated first (revision names by the revision rule, percents as whole numbers, enums as
// Google's), and the traffic it serves read by revision name.
import { RUN_TYPE_LATEST, revisionShortName, type RunService, type RunTrafficStatus } from './cloud-run.js';
import { shown } from './names.js';

/** A revision that cannot become ready, or a ready one that gets no traffic: waiting will not help. */
export class RevisionFailedError extends Error {
  override name = 'RevisionFailedError';
}

/** A value from the answer, for a message: what an API (or a proxy in front of it) says is not trusted. */
function answered(value: unknown): string {
  if (typeof value === 'string') return shown(value);
  // JSON.stringify's type says string; at run time it is undefined for undefined.
  const text = JSON.stringify(value) as string | undefined;
  return shown(text ?? 'undefined');
}

function refuse(field: string, value: unknown, what: string): never {
  throw new RevisionFailedError(`Cloud Run answered ${answered(value)} as ${field}, which is not ${what}`);
}

/** GoogleCloudRunV2Condition.StateValueValuesEnum. */
const CONDITION_STATES = new Set([
  'STATE_UNSPECIFIED',
  'CONDITION_PENDING',
  'CONDITION_RECONCILING',
  'CONDITION_SUCCEEDED',
  'CONDITION_FAILED',
]);
const ENUM = /^[A-Z][A-Z0-9_]{0,80}$/;
const INT64 = /^(?:0|[1-9][0-9]{0,18})$/;

/** The short name of a revision field, or a refusal naming the field. */
function revisionField(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const short = revisionShortName(value);
  if (short === undefined) refuse(field, value, 'a revision name');
  return short;
}

/** A checked condition: state one of Google's, reasons enums, message text. */
function checkCondition(field: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) refuse(field, value, 'an object');
  const condition = value as Record<string, unknown>;
  if (condition['state'] !== undefined && !CONDITION_STATES.has(condition['state'] as string)) {
    refuse(`the state of ${field}`, condition['state'], 'a condition state');
  }
  for (const key of ['reason', 'revisionReason', 'executionReason']) {
    if (condition[key] !== undefined && !(typeof condition[key] === 'string' && ENUM.test(condition[key]))) {
      refuse(`the ${key} of ${field}`, condition[key], 'a reason');
    }
  }
  if (condition['message'] !== undefined && typeof condition['message'] !== 'string') {
    refuse(`the message of ${field}`, condition['message'], 'text');
  }
}

/**
 * Checks every field of the answer that reaches a log line, a message, a URL or an output
 * before any of them is used: revision names by the revision rule, generations as int64
 * strings, percents as whole numbers from 0 to 100, condition states as Google's enum, URLs as
 * one line of printable ASCII. An answer that is anything else fails the stage, the value escaped.
 */
export function checkAnswer(answer: unknown): asserts answer is RunService {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    refuse('the service', answer, 'a JSON object');
  }
  const service = answer as Record<string, unknown>;
  revisionField('the latest created revision', service['latestCreatedRevision']);
  revisionField('the latest ready revision', service['latestReadyRevision']);
  for (const field of ['generation', 'observedGeneration']) {
    const value = service[field];
    if (value !== undefined && !(typeof value === 'string' && INT64.test(value))) {
      refuse(`the ${field}`, value, 'a whole number');
    }
  }
  if (service['reconciling'] !== undefined && typeof service['reconciling'] !== 'boolean') {
    refuse('reconciling', service['reconciling'], 'true or false');
  }
  checkCondition('the terminal condition', service['terminalCondition']);
  for (const field of ['traffic', 'trafficStatuses']) {
    const list = service[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) refuse(`the ${field}`, list, 'a list');
    for (const entry of list as unknown[]) {
      if (typeof entry !== 'object' || entry === null) refuse(`an entry of ${field}`, entry, 'an object');
      const target = entry as Record<string, unknown>;
      if (target['revision'] !== undefined) revisionField(`a revision of ${field}`, target['revision']);
      const percent = target['percent'];
      if (
        percent !== undefined &&
        !(typeof percent === 'number' && Number.isInteger(percent) && percent >= 0 && percent <= 100)
      ) {
        refuse(`a percent of ${field}`, percent, 'a whole number from 0 to 100');
      }
      if (
        target['type'] !== undefined &&
        !(typeof target['type'] === 'string' && ENUM.test(target['type']))
      ) {
        refuse(`a type of ${field}`, target['type'], 'a traffic type');
      }
    }
  }
  const uri = service['uri'];
  // eslint-disable-next-line no-control-regex -- a control character in a URL is what is refused
  if (uri !== undefined && !(typeof uri === 'string' && !/[\u0000-\u0020\u007f-\uffff]/.test(uri))) {
    refuse('the service URL', uri, 'a URL of printable ASCII');
  }
}

/** The traffic as served now (trafficStatuses), else as asked for (traffic). */
export function servedTraffic(service: RunService): RunTrafficStatus[] {
  return service.trafficStatuses ?? service.traffic ?? [];
}

/** The percent of the traffic `revision` serves now: by name, or as the latest ready revision. */
export function servedPercent(service: RunService, revision: string): number {
  const latestReady = revisionShortName(service.latestReadyRevision);
  return servedTraffic(service)
    .filter((t) =>
      t.revision === undefined || t.revision === ''
        ? t.type === RUN_TYPE_LATEST && latestReady === revision
        : revisionShortName(t.revision) === revision,
    )
    .reduce((sum, t) => sum + (t.percent ?? 0), 0);
}

export function trafficText(service: RunService): string {
  const traffic = servedTraffic(service);
  if (traffic.length === 0) return 'no traffic targets';
  return traffic
    .map(
      (t) =>
        `${revisionShortName(t.revision) ?? (t.type === RUN_TYPE_LATEST ? '(latest)' : '(none)')} ${t.percent ?? 0}%`,
    )
    .join(', ');
}
