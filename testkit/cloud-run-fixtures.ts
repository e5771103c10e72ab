// Cloud Run Admin API v2 answers for unit tests: the Service resource (GoogleCloudRunV2Service)
// as `GET https://run.googleapis.com/v2/projects/P/locations/R/services/S` returns it, with
// Google's field names, int64 fields as JSON strings and full revision resource names.
import {
  RUN_TYPE_LATEST,
  RUN_TYPE_REVISION,
  type RunCondition,
  type RunService,
  type RunTrafficStatus,
  type RunTrafficTarget,
} from '../src/lib/cloud-run.js';

export type ConditionState = 'CONDITION_SUCCEEDED' | 'CONDITION_RECONCILING' | 'CONDITION_FAILED';

/** A traffic entry as a test states it: `revision` is a short name; no revision means LATEST. */
export interface TrafficSpec {
  revision?: string;
  percent?: number;
  tag?: string;
  /** Default: REVISION with a revision, LATEST without. */
  type?: string;
}

export interface ServiceState {
  /** The service's short name (default api). */
  name?: string;
  project?: string;
  region?: string;
  generation?: number;
  /** Default: the generation (reconciled). */
  observedGeneration?: number;
  /** The latest created revision's short name (default `<name>-000<generation>-xyz`). */
  created?: string;
  /** The latest ready revision's short name; null leaves the field out (none is ready). */
  readyRevision?: string | null;
  /** The terminal condition's state (default CONDITION_SUCCEEDED). */
  state?: ConditionState;
  /** Default: true while the state is CONDITION_RECONCILING. */
  reconciling?: boolean;
  reason?: string;
  revisionReason?: string;
  message?: string;
  /** What was asked for (`traffic`); default 100% LATEST. */
  traffic?: TrafficSpec[];
  /** What is served now (`trafficStatuses`); default the asked-for traffic, LATEST resolved to the ready revision. */
  trafficStatuses?: TrafficSpec[];
  uri?: string;
}

/** `projects/P/locations/R/services/S/revisions/REV`, as the v2 API names a revision. */
export function revisionResourceName(
  revision: string,
  where: { project?: string; region?: string; service?: string } = {},
): string {
  return `projects/${where.project ?? 'acme-dev'}/locations/${where.region ?? 'europe-west1'}/services/${where.service ?? 'api'}/revisions/${revision}`;
}

const LAST_TRANSITION = '2026-11-28T10:15:42.117203000Z';

function trafficTarget(spec: TrafficSpec): RunTrafficTarget {
  const type = spec.type ?? (spec.revision === undefined ? RUN_TYPE_LATEST : RUN_TYPE_REVISION);
  return {
    type,
    ...(spec.revision === undefined ? {} : { revision: spec.revision }),
    ...(spec.percent === undefined || spec.percent === 0 ? {} : { percent: spec.percent }),
    ...(spec.tag === undefined ? {} : { tag: spec.tag }),
  };
}

/**
 * A service as the Cloud Run Admin API v2 returns it. By default reconciled and ready: revision
 * `api-00042-xyz` created and ready, 100% of the traffic to LATEST (served by that revision).
 */
export function runService(state: ServiceState = {}): RunService {
  const name = state.name ?? 'api';
  const project = state.project ?? 'acme-dev';
  const region = state.region ?? 'europe-west1';
  const where = { project, region, service: name };
  const generation = state.generation ?? 42;
  const created = state.created ?? `${name}-000${generation}-xyz`;
  const conditionState = state.state ?? 'CONDITION_SUCCEEDED';
  const readyRevision =
    state.readyRevision === null
      ? undefined
      : (state.readyRevision ??
        (conditionState === 'CONDITION_SUCCEEDED' ? created : `${name}-000${generation - 1}-abc`));
  const uri = state.uri ?? `https://${name}-q7h2kq3zaa-ew.a.run.app`;
  const asked = (state.traffic ?? [{ percent: 100 }]).map(trafficTarget);
  const served: RunTrafficStatus[] = (state.trafficStatuses ?? state.traffic ?? [{ percent: 100 }]).map(
    (spec) => {
      const target: RunTrafficStatus = trafficTarget(spec);
      if (target.type === RUN_TYPE_LATEST && target.revision === undefined && readyRevision !== undefined) {
        target.revision = readyRevision;
      }
      if (spec.tag !== undefined) target.uri = `https://${spec.tag}---${name}-q7h2kq3zaa-ew.a.run.app`;
      return target;
    },
  );
  const terminalCondition: RunCondition = {
    type: 'Ready',
    state: conditionState,
    ...(state.message === undefined ? {} : { message: state.message }),
    lastTransitionTime: LAST_TRANSITION,
    ...(state.reason === undefined ? {} : { reason: state.reason }),
    ...(state.revisionReason === undefined ? {} : { revisionReason: state.revisionReason }),
  };
  const service: RunService = {
    name: `projects/${project}/locations/${region}/services/${name}`,
    uid: '0b5e6c1e-8d3f-4a7b-9c2d-1e2f3a4b5c6d',
    generation: String(generation),
    labels: { 'commit-sha': '3f2a9c8' },
    createTime: '2026-10-01T08:00:00.000000000Z',
    updateTime: LAST_TRANSITION,
    creator: `deployer@${project}.iam.gserviceaccount.com`,
    lastModifier: `deployer@${project}.iam.gserviceaccount.com`,
    ingress: 'INGRESS_TRAFFIC_ALL',
    launchStage: 'GA',
    template: {
      scaling: { maxInstanceCount: 10 },
      timeout: '300s',
      serviceAccount: `api-runtime@${project}.iam.gserviceaccount.com`,
      containers: [
        {
          image: `europe-west1-docker.pkg.dev/${project}/services/${name}@sha256:${'ab'.repeat(32)}`,
          ports: [{ name: 'http1', containerPort: 8080 }],
          resources: { limits: { cpu: '1000m', memory: '512Mi' }, cpuIdle: true },
        },
      ],
      maxInstanceRequestConcurrency: 80,
    },
    traffic: asked,
    observedGeneration: String(state.observedGeneration ?? generation),
    terminalCondition,
    conditions: [
      { type: 'RoutesReady', state: conditionState, lastTransitionTime: LAST_TRANSITION },
      { ...terminalCondition, type: 'ConfigurationsReady' },
    ],
    latestCreatedRevision: revisionResourceName(created, where),
    ...(readyRevision === undefined
      ? {}
      : { latestReadyRevision: revisionResourceName(readyRevision, where) }),
    trafficStatuses: served,
    uri,
    urls: [`https://${name}-123456789012.${region}.run.app`, uri],
    reconciling: state.reconciling ?? conditionState === 'CONDITION_RECONCILING',
    etag: '"AAYkF3q8mQ4kZ2lqbWx0eQ"',
  };
  return service;
}
