// Cloud Run Admin API v2, the parts the stages use: services get and patch, revisions get and
// list, long-running operations get and wait. Field names are Google's REST names
// (GoogleCloudRunV2Service, …); int64 fields such as `generation` arrive as JSON strings.
// Every name that goes into a path is checked first (names.ts): a value that Google would
// refuse fails before a URL exists, naming the input.
import type { GoogleApi } from './google-api.js';
import { checkName, isName, shown } from './names.js';

export interface RunCondition {
  type?: string;
  /** CONDITION_PENDING, CONDITION_RECONCILING, CONDITION_SUCCEEDED, CONDITION_FAILED. */
  state?: string;
  message?: string;
  lastTransitionTime?: string;
  severity?: string;
  reason?: string;
  revisionReason?: string;
  executionReason?: string;
}

export interface RunTrafficTarget {
  /** TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST or TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION. */
  type?: string;
  /** The revision's short name (for type REVISION). */
  revision?: string;
  percent?: number;
  tag?: string;
}

export interface RunTrafficStatus extends RunTrafficTarget {
  /** The tag's own URL, when the target has a tag. */
  uri?: string;
}

export interface RunContainer {
  name?: string;
  image?: string;
  [field: string]: unknown;
}

export interface RunService {
  name?: string;
  uid?: string;
  generation?: string;
  observedGeneration?: string;
  reconciling?: boolean;
  terminalCondition?: RunCondition;
  conditions?: RunCondition[];
  /** Full resource names: projects/P/locations/R/services/S/revisions/REV. */
  latestReadyRevision?: string;
  latestCreatedRevision?: string;
  traffic?: RunTrafficTarget[];
  trafficStatuses?: RunTrafficStatus[];
  uri?: string;
  urls?: string[];
  etag?: string;
  template?: { revision?: string; containers?: RunContainer[]; [field: string]: unknown };
  [field: string]: unknown;
}

export interface RunRevision {
  name?: string;
  uid?: string;
  generation?: string;
  observedGeneration?: string;
  reconciling?: boolean;
  conditions?: RunCondition[];
  createTime?: string;
  containers?: RunContainer[];
  [field: string]: unknown;
}

export interface Operation<T> {
  name?: string;
  done?: boolean;
  error?: { code?: number; message?: string };
  response?: T;
  metadata?: unknown;
}

/** A Cloud Run service: where it lives and what it is called, each checked. */
export interface ServiceRef {
  readonly project: string;
  readonly region: string;
  readonly service: string;
}

export const RUN_TYPE_LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
export const RUN_TYPE_REVISION = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';

/** `projects/P/locations/R/services/S` as path segments, each name checked (inputs named as given). */
export function servicePath(
  ref: ServiceRef,
  inputs = { project: 'project', region: 'region', service: 'service' },
) {
  return [
    'v2',
    'projects',
    checkName('project', inputs.project, ref.project),
    'locations',
    checkName('region', inputs.region, ref.region),
    'services',
    checkName('service', inputs.service, ref.service),
  ];
}

/** The resource name of a service, for messages. */
export const serviceName = (ref: ServiceRef): string =>
  `projects/${ref.project}/locations/${ref.region}/services/${ref.service}`;

/**
 * The short name of a revision from its full resource name (`…/revisions/api-00002-xyz`), when
 * it is one: undefined for anything else, so a forged answer never becomes a name.
 */
export function revisionShortName(full: unknown): string | undefined {
  if (typeof full !== 'string') return undefined;
  const short = /\/revisions\/([^/]+)$/.exec(full)?.[1] ?? full;
  return isName('revision', short) ? short : undefined;
}

/** An operation's name as Cloud Run gives it, checked before it becomes a path. */
const OPERATION_NAME =
  /^projects\/[a-z0-9-]{1,30}\/locations\/[a-z0-9-]{1,40}\/operations\/[A-Za-z0-9_-]{1,128}$/;

export function operationPath(name: unknown): string[] {
  if (typeof name !== 'string' || !OPERATION_NAME.test(name)) {
    throw new Error(`Cloud Run answered ${shown(String(name))} as an operation name, which is not one`);
  }
  return ['v2', ...name.split('/')];
}

export class CloudRun {
  constructor(private readonly api: GoogleApi) {}

  getService(ref: ServiceRef, deadline: number): Promise<RunService> {
    return this.api.call<RunService>('run', {
      method: 'GET',
      path: servicePath(ref),
      what: `get service ${serviceName(ref)}`,
      deadline,
    });
  }

  /** PATCH with an update mask: only the named fields change. Returns the operation. */
  patchService(
    ref: ServiceRef,
    service: RunService,
    updateMask: readonly string[],
    deadline: number,
  ): Promise<Operation<RunService>> {
    return this.api.call<Operation<RunService>>('run', {
      method: 'PATCH',
      path: servicePath(ref),
      query: { updateMask: updateMask.join(',') },
      body: service,
      what: `update ${updateMask.join(', ')} of service ${serviceName(ref)}`,
      deadline,
    });
  }

  getRevision(ref: ServiceRef, revision: string, deadline: number): Promise<RunRevision> {
    return this.api.call<RunRevision>('run', {
      method: 'GET',
      path: [...servicePath(ref), 'revisions', checkName('revision', 'revision', revision)],
      what: `get revision ${revision} of ${serviceName(ref)}`,
      deadline,
    });
  }

  /** Every revision of the service (all pages, at most `maxPages` of 100). */
  async listRevisions(ref: ServiceRef, deadline: number, maxPages = 10): Promise<RunRevision[]> {
    const revisions: RunRevision[] = [];
    let pageToken = '';
    for (let page = 0; page < maxPages; page++) {
      const answer = await this.api.call<{ revisions?: RunRevision[]; nextPageToken?: string }>('run', {
        method: 'GET',
        path: [...servicePath(ref), 'revisions'],
        query: { pageSize: '100', ...(pageToken === '' ? {} : { pageToken }) },
        what: `list the revisions of ${serviceName(ref)}`,
        deadline,
      });
      revisions.push(...(Array.isArray(answer.revisions) ? answer.revisions : []));
      pageToken = typeof answer.nextPageToken === 'string' ? answer.nextPageToken : '';
      if (pageToken === '') break;
    }
    return revisions;
  }

  getOperation<T>(name: unknown, deadline: number): Promise<Operation<T>> {
    return this.api.call<Operation<T>>('run', {
      method: 'GET',
      path: operationPath(name),
      what: `get operation ${String(name)}`,
      deadline,
    });
  }

  /**
   * Waits until the operation is done (the API's own `:wait`, at most 30 s per call, again until
   * the deadline), then returns its response or throws its error.
   */
  async waitOperation<T>(operation: Operation<T>, deadline: number): Promise<T> {
    let current = operation;
    while (current.done !== true) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`Cloud Run operation ${String(current.name)} was not done before the deadline`);
      }
      const seconds = Math.max(1, Math.min(30, Math.floor(left / 1000)));
      current = await this.api.call<Operation<T>>('run', {
        method: 'POST',
        path: operationPath(current.name),
        verb: 'wait',
        body: { timeout: `${seconds}s` },
        what: `wait for operation ${String(current.name)}`,
        deadline,
      });
    }
    if (current.error !== undefined) {
      throw new Error(
        `Cloud Run operation ${String(current.name)} failed: ${shown(String(current.error.message ?? current.error.code ?? 'no message'), 400)}`,
      );
    }
    return current.response as T;
  }
}
