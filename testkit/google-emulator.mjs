// A local Google Cloud emulator on 127.0.0.1: the parts of Google's REST APIs the actions use,
// in Google's wire format (field names, enum values and int64-as-string from the API definitions
// the Cloud SDK ships: run_v2_messages.py, secretmanager_v1_messages.py).
//   - GitHub OIDC token endpoint (as ACTIONS_ID_TOKEN_REQUEST_URL serves it)
//   - STS token exchange (sts.googleapis.com/v1/token) and IAM credentials generateAccessToken
//   - Cloud Run Admin API v2: services get/create/patch, revisions get/list, operations get/wait
//   - Secret Manager v1: secrets get, versions list/get
// Every /v1 and /v2 request needs a bearer token the emulator issued. State is scripted in
// process (putService, deployRevision, putSecret, scriptDeploy, fault) or, for another process,
// over HTTP without a token: POST /emulator/v1/state with a JSON body
//   { "services": [putService options], "secrets": [putSecret options],
//     "deploys": [scriptDeploy options], "faults": [fault options, "path" a RegExp source],
//     "issueToken": true }  →  {} or { "token": "<access token>" }
// Deploys themselves go through the real API (POST …/services?serviceId=, PATCH …/services/S).
// Revision readiness is computed when read (no background timers): a revision created at T with
// readyAfterMs D is reconciling until T + D, then ready or failed. While it reconciles, the
// service shows reconciling: true, terminalCondition CONDITION_RECONCILING and observedGeneration
// one behind generation; the LATEST traffic stays on the newest ready revision.
// Plain JavaScript so that tests, the rehearsal and benchmarks share it.
import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const SERVICE_TYPE = 'type.googleapis.com/google.cloud.run.v2.Service';
const ERROR_INFO_TYPE = 'type.googleapis.com/google.rpc.ErrorInfo';
const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
const BY_REVISION = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';

/** GoogleCloudRunV2Condition.ReasonValueValuesEnum (run_v2_messages.py). */
export const CONDITION_REASONS = Object.freeze([
  'COMMON_REASON_UNDEFINED',
  'UNKNOWN',
  'REVISION_FAILED',
  'PROGRESS_DEADLINE_EXCEEDED',
  'CONTAINER_MISSING',
  'CONTAINER_PERMISSION_DENIED',
  'CONTAINER_IMAGE_UNAUTHORIZED',
  'CONTAINER_IMAGE_AUTHORIZATION_CHECK_FAILED',
  'ENCRYPTION_KEY_PERMISSION_DENIED',
  'ENCRYPTION_KEY_CHECK_FAILED',
  'SECRETS_ACCESS_CHECK_FAILED',
  'WAITING_FOR_OPERATION',
  'IMMEDIATE_RETRY',
  'POSTPONED_RETRY',
  'INTERNAL',
  'VPC_NETWORK_NOT_FOUND',
]);
/** GoogleCloudRunV2Condition.RevisionReasonValueValuesEnum (run_v2_messages.py). */
export const REVISION_REASONS = Object.freeze([
  'REVISION_REASON_UNDEFINED',
  'PENDING',
  'RESERVE',
  'RETIRED',
  'RETIRING',
  'RECREATING',
  'HEALTH_CHECK_CONTAINER_ERROR',
  'CUSTOMIZED_PATH_RESPONSE_PENDING',
  'MIN_INSTANCES_NOT_PROVISIONED',
  'ACTIVE_REVISION_LIMIT_REACHED',
  'NO_DEPLOYMENT',
  'HEALTH_CHECK_SKIPPED',
  'MIN_INSTANCES_WARMING',
]);
/** SecretVersion.StateValueValuesEnum (secretmanager_v1_messages.py), without STATE_UNSPECIFIED. */
export const SECRET_VERSION_STATES = Object.freeze(['ENABLED', 'DISABLED', 'DESTROYED']);

/** google.rpc.Code names by HTTP status, as Google's JSON errors carry them. */
const STATUS_NAMES = /** @type {Record<number, string>} */ ({
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  412: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
});

/**
 * @typedef {{ reason: string, message?: string, code?: number }} RevisionFailure
 *   `reason` is a Condition reason (CONDITION_REASONS) or revision reason (REVISION_REASONS);
 *   `code` is the google.rpc.Code of the failed operation (default 13, INTERNAL).
 * @typedef {object} RevisionRecord
 * @property {string} name short name, e.g. api-00002-xyz
 * @property {string} uid
 * @property {number} createdAt ms
 * @property {number} readyAt ms when reconciling ends
 * @property {RevisionFailure | null} failure
 * @property {Record<string, unknown>} template the service template it was made from
 * @property {number} serviceGeneration
 * @typedef {{ type?: string, revision?: string, percent?: number, tag?: string }} TrafficTarget
 * @typedef {object} ServiceRecord
 * @property {string} project project id
 * @property {string} region
 * @property {string} name
 * @property {string} uid
 * @property {number} generation
 * @property {number} createdAt
 * @property {number} updatedAt
 * @property {Record<string, unknown>} template
 * @property {TrafficTarget[]} traffic
 * @property {RevisionRecord[]} revisions oldest first
 * @property {Record<string, string>} labels
 * @property {string | undefined} uri
 * @property {Record<string, unknown>} extra other writable fields (ingress, description, ...)
 * @typedef {{ state: string, createTime?: string }} SecretVersionSpec
 * @typedef {{ project: string, id: string, createdAt: number, versions: { state: string, createTime: string }[] }} SecretRecord
 * @typedef {object} FaultSpec
 * @property {string} [method]
 * @property {RegExp | string} [path] matched against the path without the query
 * @property {number} [times] how many requests it answers (default: every one)
 * @property {number} [status]
 * @property {Record<string, string>} [headers]
 * @property {unknown} [body] a JSON value, or a string sent as is; default Google's error for the status
 * @property {string} [permission] with status 403: Google's IAM_PERMISSION_DENIED error for this permission
 * @property {number} [delayMs] wait first; without status or reset, the request is then served normally
 * @property {boolean} [reset] destroy the connection instead of answering
 * @typedef {{ hits: number, remove: () => void }} FaultHandle
 * @typedef {{ method: string, path: string, query: Record<string, string>, authorization: boolean, at: number }} RequestRecord
 * @typedef {object} PutServiceOptions
 * @property {string} [project] id or number (default the emulator's project)
 * @property {string} [region] default the emulator's region
 * @property {string} name
 * @property {({ name?: string, image?: string, readyAfterMs?: number, fails?: RevisionFailure })[]} [revisions]
 *   oldest first; default one revision of `image`
 * @property {string} [image] default us-docker.pkg.dev/cloudrun/container/hello
 * @property {TrafficTarget[]} [traffic] default 100% LATEST
 * @property {boolean | { afterMs: number }} [ready] the last revision: ready now (true), reconciling for
 *   afterMs, or reconciling for an hour (false)
 * @property {RevisionFailure} [failure] the last revision fails
 * @property {string} [uri]
 * @typedef {object} DeployOptions
 * @property {string} [image] default the current one
 * @property {number} [readyAfterMs] default the emulator's readyAfterMs
 * @property {RevisionFailure} [fails]
 * @property {boolean} [noTraffic] pin the traffic to the revisions serving now (as --no-traffic does)
 * @property {string} [revision] the revision's name (template.revision)
 * @typedef {object} ScriptedDeploy
 * @property {string} [service] only for this service (default any)
 * @property {number} [readyAfterMs]
 * @property {RevisionFailure} [fails]
 * @property {number} [times] how many deploys it applies to (default 1)
 * @typedef {object} EmulatorOptions
 * @property {string} [project] default "my-project"
 * @property {string} [projectNumber] default "123456789012"
 * @property {string} [region] default "us-central1"
 * @property {string} [serviceAccount] default "deployer@<project>.iam.gserviceaccount.com"
 * @property {number} [readyAfterMs] how long a revision deployed over HTTP reconciles (default 200)
 * @property {(service: string, tag?: string) => string} [serviceUrl] the service's URL (tag undefined) or a
 *   tag's URL, instead of https://<tag>---<service>-<hash>-<region code>.a.run.app
 * @property {number} [tokenLifetimeSeconds] expires_in of issued tokens (default 3600)
 */

/** An RFC 3339 timestamp as Google's APIs write them (nanosecond digits). @param {number} ms */
const timestamp = (ms) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
/** @param {number} bytes */
const randomText = (bytes) => randomBytes(bytes).toString('base64url');
/** Three random lowercase letters, as Cloud Run's revision suffixes. */
const revisionSuffix = () =>
  Array.from(randomBytes(3), (byte) => String.fromCharCode(97 + (byte % 26))).join('');
/** A short hash of a text, lowercase letters and digits. @param {string} text @param {number} length */
const shortHash = (text, length) =>
  BigInt('0x' + createHash('sha256').update(text).digest('hex').slice(0, 16))
    .toString(36)
    .padStart(length, '0')
    .slice(0, length);
/** Cloud Run's region code in run.app host names: us-central1 → uc, europe-west1 → ew. @param {string} region */
const regionCode = (region) =>
  region
    .split('-')
    .map((part) => part.replace(/\d+$/, '').charAt(0))
    .join('');
/** A quoted etag as Google's APIs send them. @param {string} seed */
const etagOf = (seed) => `"${createHash('sha256').update(seed).digest('base64url').slice(0, 22)}"`;
/** @param {unknown} value @returns {value is Record<string, unknown>} */
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
/** @param {unknown} value @returns {Record<string, unknown>} */
const clone = (value) => /** @type {Record<string, unknown>} */ (JSON.parse(JSON.stringify(value ?? {})));

/**
 * Google's JSON error body.
 * @param {number} code HTTP status
 * @param {string} message
 * @param {unknown[]} [details]
 */
export function googleError(code, message, details = []) {
  return { error: { code, message, status: STATUS_NAMES[code] ?? 'UNKNOWN', details } };
}

/**
 * Google's 403 for a missing IAM permission.
 * @param {string} permission e.g. run.services.get
 * @param {string} resource e.g. projects/P/locations/R/services/S
 */
export function permissionDenied(permission, resource) {
  return googleError(
    403,
    `Permission '${permission}' denied on resource '${resource}' (or it may not exist).`,
    [
      {
        '@type': ERROR_INFO_TYPE,
        reason: 'IAM_PERMISSION_DENIED',
        domain: 'iam.googleapis.com',
        metadata: { permission, resource },
      },
    ],
  );
}

/** An error a handler throws to answer with Google's error shape. */
class ApiError extends Error {
  /** @param {number} status @param {string} message @param {unknown} [body] */
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body ?? googleError(status, message);
  }
}

/** @param {number} status @param {string} message @returns {never} */
const fail = (status, message) => {
  throw new ApiError(status, message);
};

/** Reads a request's body as text. @param {http.IncomingMessage} req @returns {Promise<string>} */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (chunk) => chunks.push(/** @type {Buffer} */ (chunk)));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** @param {string} text @returns {Record<string, unknown>} */
function parseJsonBody(text) {
  if (text.trim() === '') return {};
  try {
    const value = /** @type {unknown} */ (JSON.parse(text));
    if (isObject(value)) return value;
  } catch {
    // answered below
  }
  return fail(400, `Invalid JSON payload received. Unexpected token.\n${text.slice(0, 40)}`);
}

/**
 * A fake GitHub OIDC JWT (unsigned: the emulator recognises the ones it issued).
 * @param {string} audience
 */
function fakeGithubJwt(audience) {
  const now = Math.floor(Date.now() / 1000);
  const part = (/** @type {unknown} */ value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = { alg: 'RS256', typ: 'JWT', kid: 'emulator' };
  const payload = {
    iss: 'https://token.actions.githubusercontent.com',
    aud: audience,
    sub: 'repo:example-org/example-service:ref:refs/heads/main',
    repository: 'example-org/example-service',
    ref: 'refs/heads/main',
    jti: randomUUID(),
    iat: now,
    nbf: now - 5,
    exp: now + 300,
  };
  return `${part(header)}.${part(payload)}.${randomText(64)}`;
}

/**
 * Starts the emulator on 127.0.0.1 on a free port.
 * @param {EmulatorOptions} [options]
 */
export async function startGoogleEmulator(options = {}) {
  const project = options.project ?? 'my-project';
  const projectNumber = options.projectNumber ?? '123456789012';
  const region = options.region ?? 'us-central1';
  const serviceAccount = options.serviceAccount ?? `deployer@${project}.iam.gserviceaccount.com`;
  const defaultReadyAfterMs = options.readyAfterMs ?? 200;
  const tokenLifetime = options.tokenLifetimeSeconds ?? 3600;
  const audience = `//iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/github/providers/github`;
  const oidcRequestToken = `ghs-oidc-${randomText(18)}`;

  /** @type {Map<string, ServiceRecord>} */
  const services = new Map();
  /** @type {Map<string, SecretRecord>} */
  const secrets = new Map();
  /** @type {Map<string, { project: string, region: string, service: string, revision: string | null, createdAt: number }>} */
  const operations = new Map();
  /** @type {Set<string>} */
  const oidcTokens = new Set();
  /** @type {Set<string>} */
  const stsTokens = new Set();
  /** @type {Set<string>} */
  const accessTokens = new Set();
  /** @type {(FaultSpec & FaultHandle & { left: number })[]} */
  const faults = [];
  /** @type {(ScriptedDeploy & { left: number })[]} */
  const scriptedDeploys = [];
  /** @type {RequestRecord[]} */
  const requests = [];
  /**
   * Every change of a service's traffic, in order: what was asked for (`traffic`, as stored) and
   * by what (`PATCH` over the API, `deploy` of the test helper).
   * @type {{ at: number, service: string, by: 'PATCH' | 'deploy', traffic: TrafficTarget[] }[]}
   */
  const trafficChanges = [];
  /** @param {ServiceRecord} record @param {string} before JSON of its traffic before @param {'PATCH' | 'deploy'} by */
  const noteTraffic = (record, before, by) => {
    if (JSON.stringify(record.traffic) === before) return;
    trafficChanges.push({
      at: Date.now(),
      service: record.name,
      by,
      traffic: JSON.parse(JSON.stringify(record.traffic)),
    });
  };
  const tokensIssued = { oidc: 0, sts: 0, iam: 0, direct: 0 };
  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set();
  /** @type {string[]} */
  const credentialDirs = [];

  /** Project id for an id or number in a path. @param {string} idOrNumber */
  const projectId = (idOrNumber) => (idOrNumber === projectNumber ? project : idOrNumber);
  /** Project number for an id or number (other projects keep their id). @param {string} idOrNumber */
  const numberOf = (idOrNumber) => (idOrNumber === project ? projectNumber : idOrNumber);
  /** @param {string} p @param {string} r @param {string} s */
  const serviceKey = (p, r, s) => `${projectId(p)}/${r}/${s}`;
  /** @param {ServiceRecord} record */
  const serviceName = (record) =>
    `projects/${record.project}/locations/${record.region}/services/${record.name}`;
  /** @param {ServiceRecord} record @param {string} revision */
  const revisionName = (record, revision) => `${serviceName(record)}/revisions/${revision}`;

  /** @param {ServiceRecord} record @param {string} [tag] */
  const urlFor = (record, tag) => {
    if (options.serviceUrl) return options.serviceUrl(record.name, tag);
    const host = `${record.name}-${shortHash(`${record.project}/${record.name}`, 10)}-${regionCode(record.region)}.a.run.app`;
    if (tag) return `https://${tag}---${host}`;
    return record.uri ?? `https://${host}`;
  };

  /** @param {RevisionRecord} revision @param {number} now @returns {'reconciling' | 'ready' | 'failed'} */
  const revisionState = (revision, now) => {
    if (now < revision.readyAt) return 'reconciling';
    return revision.failure ? 'failed' : 'ready';
  };

  /** @param {RevisionFailure | undefined} failure @returns {RevisionFailure | null} */
  const checkFailure = (failure) => {
    if (!failure) return null;
    if (!CONDITION_REASONS.includes(failure.reason) && !REVISION_REASONS.includes(failure.reason)) {
      throw new Error(
        `failure reason ${failure.reason} is neither a Condition reason nor a revision reason of Cloud Run v2`,
      );
    }
    return failure;
  };

  /**
   * A condition in Google's shape; a failure's reason goes to `reason` or `revisionReason`.
   * @param {string} type @param {'reconciling' | 'ready' | 'failed'} state @param {number} at
   * @param {RevisionFailure | null} [failure] @param {string} [message]
   */
  const condition = (type, state, at, failure, message) => {
    /** @type {Record<string, unknown>} */
    const result = {
      type,
      state:
        state === 'ready'
          ? 'CONDITION_SUCCEEDED'
          : state === 'failed'
            ? 'CONDITION_FAILED'
            : 'CONDITION_RECONCILING',
    };
    if (state === 'failed' && failure) {
      if (REVISION_REASONS.includes(failure.reason)) result.revisionReason = failure.reason;
      else result.reason = failure.reason;
    }
    if (message) result.message = message;
    result.lastTransitionTime = timestamp(at);
    return result;
  };

  /** @param {string} revision @param {RevisionFailure} failure */
  const failureMessage = (revision, failure) =>
    failure.message ??
    `Revision '${revision}' is not ready and cannot serve traffic. The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable within the allocated timeout.`;

  /** The traffic as served now: LATEST resolves to the newest ready revision. @param {ServiceRecord} record @param {number} now */
  const trafficStatuses = (record, now) => {
    const latestReady = [...record.revisions].reverse().find((rev) => revisionState(rev, now) === 'ready');
    return record.traffic.map((target) => {
      /** @type {Record<string, unknown>} */
      const status = { type: target.type ?? LATEST };
      if (status.type === LATEST) {
        if (latestReady) status.revision = latestReady.name;
      } else if (target.revision) status.revision = target.revision;
      if (target.percent) status.percent = target.percent;
      if (target.tag) {
        status.tag = target.tag;
        status.uri = urlFor(record, target.tag);
      }
      return status;
    });
  };

  /** @param {ServiceRecord} record @param {RevisionRecord} revision @param {number} now */
  const revisionResource = (record, revision, now) => {
    const state = revisionState(revision, now);
    const template = revision.template;
    const message =
      state === 'failed' && revision.failure ? failureMessage(revision.name, revision.failure) : undefined;
    return {
      name: revisionName(record, revision.name),
      uid: revision.uid,
      generation: '1',
      labels: clone(template.labels),
      createTime: timestamp(revision.createdAt),
      updateTime: timestamp(Math.min(now, revision.readyAt)),
      launchStage: 'GA',
      service: serviceName(record),
      scaling: { maxInstanceCount: 100 },
      timeout: template.timeout ?? '300s',
      serviceAccount: template.serviceAccount ?? `${projectNumber}-compute@developer.gserviceaccount.com`,
      containers: clone({ c: template.containers }).c,
      maxInstanceRequestConcurrency: template.maxInstanceRequestConcurrency ?? 80,
      executionEnvironment: template.executionEnvironment ?? 'EXECUTION_ENVIRONMENT_GEN2',
      reconciling: state === 'reconciling',
      conditions: [
        condition('Ready', state, Math.min(now, revision.readyAt), revision.failure, message),
        condition('ContainerHealthy', state, Math.min(now, revision.readyAt), revision.failure, message),
        condition(
          'ResourcesAvailable',
          state === 'failed' ? 'ready' : state,
          Math.min(now, revision.readyAt),
          null,
        ),
      ],
      observedGeneration: '1',
      logUri: `https://console.cloud.google.com/logs/viewer?project=${record.project}&resource=cloud_run_revision/service_name/${record.name}/revision_name/${revision.name}`,
      etag: etagOf(`${revision.uid}/${state}`),
    };
  };

  /** The Service resource as the API returns it now. @param {ServiceRecord} record */
  const serviceResource = (record) => {
    const now = Date.now();
    const latest = record.revisions.at(-1);
    const state = latest ? revisionState(latest, now) : 'ready';
    const latestReady = [...record.revisions].reverse().find((rev) => revisionState(rev, now) === 'ready');
    const settledAt = latest ? Math.min(now, latest.readyAt) : record.updatedAt;
    const message =
      state === 'failed' && latest?.failure ? failureMessage(latest.name, latest.failure) : undefined;
    const uri = urlFor(record);
    /** @type {Record<string, unknown>} */
    const resource = {
      name: serviceName(record),
      uid: record.uid,
      generation: String(record.generation),
      labels: clone(record.labels),
      createTime: timestamp(record.createdAt),
      updateTime: timestamp(record.updatedAt),
      creator: serviceAccount,
      lastModifier: serviceAccount,
      ...clone(record.extra),
      ingress: record.extra.ingress ?? 'INGRESS_TRAFFIC_ALL',
      launchStage: record.extra.launchStage ?? 'GA',
      template: clone(record.template),
      traffic: record.traffic.map((target) => ({ ...target })),
      observedGeneration: String(
        state === 'reconciling' ? Math.max(record.generation - 1, 0) : record.generation,
      ),
      terminalCondition: condition('Ready', state, settledAt, latest?.failure, message),
      conditions: [
        condition('RoutesReady', state === 'failed' ? 'ready' : state, settledAt),
        condition('ConfigurationsReady', state, settledAt, latest?.failure, message),
      ],
      latestCreatedRevision: latest ? revisionName(record, latest.name) : undefined,
      latestReadyRevision: latestReady ? revisionName(record, latestReady.name) : undefined,
      trafficStatuses: trafficStatuses(record, now),
      uri,
      urls: options.serviceUrl
        ? [uri]
        : [`https://${record.name}-${numberOf(record.project)}.${record.region}.run.app`, uri],
      reconciling: state === 'reconciling',
      etag: etagOf(`${record.uid}/${record.generation}/${state}`),
    };
    for (const key of Object.keys(resource)) if (resource[key] === undefined) delete resource[key];
    return resource;
  };

  /**
   * Makes a new revision of a service from its template (what an apply does).
   * @param {ServiceRecord} record
   * @param {{ readyAfterMs?: number, fails?: RevisionFailure, name?: string }} how
   */
  const addRevision = (record, how) => {
    const scripted = scriptedDeploys.find(
      (s) => s.left > 0 && (s.service === undefined || s.service === record.name),
    );
    if (scripted) scripted.left--;
    const readyAfterMs = how.readyAfterMs ?? scripted?.readyAfterMs ?? defaultReadyAfterMs;
    const failure = checkFailure(how.fails ?? scripted?.fails);
    const generation = record.generation;
    const requested =
      how.name ?? (typeof record.template.revision === 'string' ? record.template.revision : undefined);
    const name = requested ?? `${record.name}-${String(generation).padStart(5, '0')}-${revisionSuffix()}`;
    if (!name.startsWith(`${record.name}-`)) {
      fail(400, `Revision name must be prefixed by the name of the enclosing Service: ${record.name}-`);
    }
    if (record.revisions.some((rev) => rev.name === name)) {
      fail(409, `Revision named '${name}' with different configuration already exists.`);
    }
    const now = Date.now();
    const template = clone(record.template);
    delete template.revision;
    record.revisions.push({
      name,
      uid: randomUUID(),
      createdAt: now,
      readyAt: now + readyAfterMs,
      failure,
      template,
      serviceGeneration: generation,
    });
    return name;
  };

  /** @param {Record<string, unknown>} template */
  const normaliseTemplate = (template) => {
    const result = clone(template);
    if (!Array.isArray(result.containers) || result.containers.length === 0) {
      result.containers = [{ image: 'us-docker.pkg.dev/cloudrun/container/hello' }];
    }
    for (const container of /** @type {Record<string, unknown>[]} */ (result.containers)) {
      if (typeof container.image !== 'string' || container.image === '') {
        fail(400, 'spec.template.spec.containers[0].image: Required');
      }
      container.resources ??= {
        limits: { cpu: '1000m', memory: '512Mi' },
        cpuIdle: true,
        startupCpuBoost: true,
      };
      container.ports ??= [{ name: 'http1', containerPort: 8080 }];
    }
    return result;
  };

  /** @param {unknown} traffic @returns {TrafficTarget[]} */
  const normaliseTraffic = (traffic) => {
    if (!Array.isArray(traffic) || traffic.length === 0) return [{ type: LATEST, percent: 100 }];
    const targets = traffic.map((target) => {
      if (!isObject(target)) return fail(400, 'Invalid traffic target');
      const type = String(target.type ?? (target.revision ? BY_REVISION : LATEST));
      if (type !== LATEST && type !== BY_REVISION) {
        fail(400, `Invalid value at 'service.traffic.type' (${type})`);
      }
      /** @type {TrafficTarget} */
      const result = { type };
      if (type === BY_REVISION) result.revision = String(target.revision ?? '');
      if (target.percent !== undefined && Number(target.percent) !== 0) {
        result.percent = Number(target.percent);
      }
      if (typeof target.tag === 'string' && target.tag !== '') result.tag = target.tag;
      return result;
    });
    const total = targets.reduce((sum, target) => sum + (target.percent ?? 0), 0);
    if (total !== 100) fail(400, `Traffic percentages must add up to 100, got ${total}.`);
    return targets;
  };

  /** @param {ServiceRecord} record */
  const checkTrafficRevisions = (record) => {
    for (const target of record.traffic) {
      if (target.type === BY_REVISION && !record.revisions.some((rev) => rev.name === target.revision)) {
        fail(400, `Revision '${target.revision ?? ''}' referenced in traffic not found.`);
      }
    }
  };

  /** Pins traffic to the revisions serving now (a deploy with --no-traffic). @param {ServiceRecord} record */
  const pinTraffic = (record) => {
    const served = trafficStatuses(record, Date.now()).filter((t) => t.revision && t.percent);
    record.traffic = [
      ...served.map((t) => ({ type: BY_REVISION, revision: String(t.revision), percent: Number(t.percent) })),
      ...record.traffic.filter((t) => t.tag && !t.percent),
    ];
    if (record.traffic.length === 0) record.traffic = [{ type: LATEST, percent: 100 }];
  };

  /** @param {string} p @param {string} r @param {string} s */
  const findService = (p, r, s) => {
    const record = services.get(serviceKey(p, r, s));
    if (!record) fail(404, `Resource 'projects/${projectId(p)}/locations/${r}/services/${s}' was not found`);
    return record;
  };

  /** Records an operation for a change and returns it. @param {ServiceRecord} record @param {string | null} revision */
  const startOperation = (record, revision) => {
    const id = randomUUID();
    operations.set(id, {
      project: record.project,
      region: record.region,
      service: record.name,
      revision,
      createdAt: Date.now(),
    });
    return operationResource(id);
  };

  /** @param {string} id */
  const operationResource = (id) => {
    const op = operations.get(id);
    if (!op) return fail(404, `Operation not found: ${id}`);
    const record = services.get(serviceKey(op.project, op.region, op.service));
    const name = `projects/${op.project}/locations/${op.region}/operations/${id}`;
    if (!record) {
      return { name, done: true, error: { code: 5, message: `Service '${op.service}' was deleted.` } };
    }
    const service = serviceResource(record);
    const revision = op.revision ? record.revisions.find((rev) => rev.name === op.revision) : undefined;
    const state = revision ? revisionState(revision, Date.now()) : 'ready';
    /** @type {Record<string, unknown>} */
    const result = { name, metadata: { '@type': SERVICE_TYPE, ...service }, done: state !== 'reconciling' };
    if (state === 'failed' && revision?.failure) {
      result.error = {
        code: revision.failure.code ?? 13,
        message: failureMessage(revision.name, revision.failure),
      };
    } else if (state === 'ready') {
      result.response = { '@type': SERVICE_TYPE, ...service };
    }
    return result;
  };

  /** @param {string} id @returns {number} ms when the operation's revision settles */
  const operationSettlesAt = (id) => {
    const op = operations.get(id);
    if (!op?.revision) return 0;
    const record = services.get(serviceKey(op.project, op.region, op.service));
    return record?.revisions.find((rev) => rev.name === op.revision)?.readyAt ?? 0;
  };

  /** Applies a Service body to a record (create or patch). @param {ServiceRecord} record @param {Record<string, unknown>} body @param {string[] | null} mask */
  const applyServiceBody = (record, body, mask) => {
    const has = (/** @type {string} */ field) =>
      mask
        ? mask.includes(field) || mask.some((path) => path.startsWith(`${field}.`))
        : body[field] !== undefined;
    let templateChanged = false;
    if (has('template')) {
      const template = normaliseTemplate(isObject(body.template) ? body.template : {});
      const current = clone(record.template);
      delete current.revision;
      const compared = clone(template);
      delete compared.revision;
      templateChanged =
        record.revisions.length === 0 ||
        JSON.stringify(compared) !== JSON.stringify(current) ||
        template.revision !== undefined;
      record.template = template;
    }
    if (has('traffic')) record.traffic = normaliseTraffic(body.traffic);
    if (has('labels')) {
      record.labels = isObject(body.labels) ? /** @type {Record<string, string>} */ (clone(body.labels)) : {};
    }
    for (const field of [
      'description',
      'ingress',
      'annotations',
      'scaling',
      'invokerIamDisabled',
      'launchStage',
      'client',
      'clientVersion',
    ]) {
      if (has(field) && body[field] !== undefined) record.extra[field] = body[field];
    }
    return templateChanged;
  };

  /** @param {string} p @param {string} r @param {string} s */
  const newRecord = (p, r, s) => {
    const now = Date.now();
    /** @type {ServiceRecord} */
    const record = {
      project: projectId(p),
      region: r,
      name: s,
      uid: randomUUID(),
      generation: 0,
      createdAt: now,
      updatedAt: now,
      template: normaliseTemplate({}),
      traffic: [{ type: LATEST, percent: 100 }],
      revisions: [],
      labels: {},
      uri: undefined,
      extra: {},
    };
    return record;
  };

  // ---- HTTP handlers ----

  /** @param {URL} url @param {http.IncomingHttpHeaders} headers */
  const githubOidc = (url, headers) => {
    if (headers.authorization !== `Bearer ${oidcRequestToken}`) {
      return { status: 401, body: { message: 'Bad credentials' } };
    }
    const jwt = fakeGithubJwt(url.searchParams.get('audience') ?? 'https://github.com/example-org');
    oidcTokens.add(jwt);
    tokensIssued.oidc++;
    return { status: 200, body: { count: 1, value: jwt } };
  };

  /** @param {string} text */
  const sts = (text) => {
    const form = new URLSearchParams(text);
    /** @param {string} error @param {string} description */
    const stsError = (error, description) => ({
      status: 400,
      body: { error, error_description: description },
    });
    if (form.get('grant_type') !== TOKEN_EXCHANGE) {
      return stsError(
        'invalid_request',
        `Invalid value for "grant_type": ${form.get('grant_type') ?? '(missing)'}.`,
      );
    }
    if (form.get('subject_token_type') !== JWT_TYPE) {
      return stsError('invalid_request', 'Invalid value for "subject_token_type".');
    }
    const requested = form.get('requested_token_type');
    if (requested !== null && requested !== ACCESS_TOKEN_TYPE) {
      return stsError('invalid_request', 'Invalid value for "requested_token_type".');
    }
    if (form.get('audience') !== audience) {
      return stsError(
        'invalid_target',
        'The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn\'t exist.',
      );
    }
    const subject = form.get('subject_token') ?? '';
    if (!oidcTokens.has(subject)) {
      return stsError(
        'invalid_grant',
        'The given ID Token is invalid: the token was not issued by the identity provider.',
      );
    }
    const token = `ya29.sts-${randomText(24)}`;
    stsTokens.add(token);
    accessTokens.add(token);
    tokensIssued.sts++;
    return {
      status: 200,
      body: {
        access_token: token,
        issued_token_type: ACCESS_TOKEN_TYPE,
        token_type: 'Bearer',
        expires_in: tokenLifetime,
      },
    };
  };

  /** @param {string} email @param {http.IncomingHttpHeaders} headers @param {string} text */
  const generateAccessToken = (email, headers, text) => {
    const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
    if (!bearer) fail(401, 'Request is missing required authentication credential.');
    if (!stsTokens.has(bearer) && !accessTokens.has(bearer)) {
      fail(401, 'Request had invalid authentication credentials.');
    }
    const body = parseJsonBody(text);
    if (!Array.isArray(body.scope) || body.scope.length === 0) fail(400, 'Scope required.');
    if (email !== serviceAccount) {
      throw new ApiError(
        403,
        'denied',
        permissionDenied('iam.serviceAccounts.getAccessToken', `projects/-/serviceAccounts/${email}`),
      );
    }
    const lifetime = /^(\d+)s$/.exec(String(body.lifetime ?? '3600s'))?.[1] ?? '3600';
    const token = `ya29.c.iam-${randomText(24)}`;
    accessTokens.add(token);
    tokensIssued.iam++;
    return {
      status: 200,
      body: {
        accessToken: token,
        expireTime: new Date(Date.now() + Number(lifetime) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
    };
  };

  /** @param {http.IncomingHttpHeaders} headers @param {string} service */
  const requireToken = (headers, service) => {
    const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
    const info = (/** @type {string} */ reason) => [
      { '@type': ERROR_INFO_TYPE, reason, domain: 'googleapis.com', metadata: { service } },
    ];
    if (!bearer) {
      throw new ApiError(
        401,
        'missing',
        googleError(
          401,
          'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
          info('CREDENTIALS_MISSING'),
        ),
      );
    }
    if (!accessTokens.has(bearer)) {
      throw new ApiError(
        401,
        'invalid',
        googleError(
          401,
          'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
          info('ACCESS_TOKEN_TYPE_UNSUPPORTED'),
        ),
      );
    }
  };

  /** @param {string[]} params @returns {{ offset: number, size: number }} */
  const page = ([pageSize, pageToken]) => {
    const size = Math.max(0, Number(pageSize ?? 0)) || 100;
    let offset = 0;
    if (pageToken) {
      offset = Number(
        Buffer.from(pageToken, 'base64url')
          .toString('utf8')
          .replace(/^offset:/, ''),
      );
      if (!Number.isInteger(offset) || offset < 0) fail(400, 'Invalid page token.');
    }
    return { offset, size };
  };
  /** @param {number} offset */
  const pageToken = (offset) => Buffer.from(`offset:${offset}`).toString('base64url');

  /** Cloud Run Admin v2. @param {string} method @param {string[]} parts after v2 @param {URL} url @param {string} text */
  const cloudRun = async (method, parts, url, text) => {
    const [p0, p, l0, r, kind, id, sub, subId, ...rest] = parts;
    if (p0 !== 'projects' || l0 !== 'locations' || !p || !r || rest.length) return fail(404, 'Not Found');
    if (kind === 'services' && id === undefined && method === 'POST') {
      const serviceId = url.searchParams.get('serviceId');
      if (!serviceId) fail(400, 'serviceId is required.');
      if (!/^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$/.test(serviceId)) fail(400, `Invalid service id: ${serviceId}`);
      if (services.has(serviceKey(p, r, serviceId))) {
        fail(409, `Resource 'projects/${projectId(p)}/locations/${r}/services/${serviceId}' already exists.`);
      }
      const body = parseJsonBody(text);
      const record = newRecord(p, r, serviceId);
      applyServiceBody(record, body, null);
      record.generation = 1;
      const revision = addRevision(record, {});
      checkTrafficRevisions(record);
      services.set(serviceKey(p, r, serviceId), record);
      return { status: 200, body: startOperation(record, revision) };
    }
    if (kind === 'services' && id && sub === undefined && method === 'GET') {
      return { status: 200, body: serviceResource(findService(p, r, id)) };
    }
    if (kind === 'services' && id && sub === undefined && method === 'PATCH') {
      const body = parseJsonBody(text);
      const allowMissing = url.searchParams.get('allowMissing') === 'true';
      let record = services.get(serviceKey(p, r, id));
      const creating = !record;
      if (!record) {
        if (!allowMissing) findService(p, r, id);
        record = newRecord(p, r, id);
      }
      const current = serviceResource(record);
      if (typeof body.etag === 'string' && !creating && body.etag !== current.etag) {
        fail(409, `The etag ${body.etag} does not match the service's current etag.`);
      }
      const maskText = url.searchParams.get('updateMask');
      const mask = maskText ? maskText.split(',').map((path) => path.trim()) : null;
      const before = JSON.stringify([record.template, record.traffic, record.labels, record.extra]);
      const saved = {
        template: record.template,
        traffic: record.traffic,
        labels: record.labels,
        extra: { ...record.extra },
      };
      const trafficBefore = JSON.stringify(record.traffic);
      const templateChanged = applyServiceBody(record, body, mask);
      try {
        const changed =
          before !== JSON.stringify([record.template, record.traffic, record.labels, record.extra]);
        if (changed || templateChanged || creating) record.generation++;
        const revision = templateChanged || creating ? addRevision(record, {}) : null;
        checkTrafficRevisions(record);
        record.updatedAt = Date.now();
        if (creating) services.set(serviceKey(p, r, id), record);
        if (!creating) noteTraffic(record, trafficBefore, 'PATCH');
        return { status: 200, body: startOperation(record, revision) };
      } catch (error) {
        Object.assign(record, saved);
        throw error;
      }
    }
    if (kind === 'services' && id && sub === 'revisions' && method === 'GET') {
      const record = findService(p, r, id);
      const now = Date.now();
      if (subId !== undefined) {
        const revision = record.revisions.find((rev) => rev.name === subId);
        if (!revision) return fail(404, `Resource '${revisionName(record, subId)}' was not found`);
        return { status: 200, body: revisionResource(record, revision, now) };
      }
      const all = [...record.revisions].reverse();
      const { offset, size } = page([
        url.searchParams.get('pageSize') ?? '',
        url.searchParams.get('pageToken') ?? '',
      ]);
      const slice = all.slice(offset, offset + size);
      /** @type {Record<string, unknown>} */
      const result = {};
      if (slice.length) result.revisions = slice.map((rev) => revisionResource(record, rev, now));
      if (offset + size < all.length) result.nextPageToken = pageToken(offset + size);
      return { status: 200, body: result };
    }
    if (kind === 'operations' && id && sub === undefined) {
      const [opId, verb] = id.split(':');
      if (!opId || !operations.has(opId)) {
        return fail(404, `Operation 'projects/${p}/locations/${r}/operations/${opId ?? ''}' not found.`);
      }
      if (method === 'GET' && verb === undefined) return { status: 200, body: operationResource(opId) };
      if (method === 'POST' && verb === 'wait') {
        const body = parseJsonBody(text);
        const seconds = Number(/^([\d.]+)s$/.exec(String(body.timeout ?? '60s'))?.[1] ?? 60);
        const deadline = Date.now() + Math.min(seconds, 60) * 1000;
        const until = Math.min(deadline, operationSettlesAt(opId));
        const waitMs = until - Date.now();
        if (waitMs > 0) await sleep(waitMs);
        return { status: 200, body: operationResource(opId) };
      }
    }
    return fail(404, 'Not Found');
  };

  /** Secret Manager v1. @param {string} method @param {string[]} parts after v1 @param {URL} url */
  const secretManager = (method, parts, url) => {
    const [p0, p, s0, s, v0, v, ...rest] = parts;
    if (method !== 'GET' || p0 !== 'projects' || s0 !== 'secrets' || !p || !s || rest.length) {
      return fail(404, 'Not Found');
    }
    const record = secrets.get(`${projectId(p)}/${s}`);
    const secretPath = `projects/${numberOf(p)}/secrets/${s}`;
    if (!record) return fail(404, `Secret [${secretPath}] not found or has no versions.`);
    /** @param {number} index 0-based */
    const versionResource = (index) => {
      const version = /** @type {{ state: string, createTime: string }} */ (record.versions[index]);
      /** @type {Record<string, unknown>} */
      const result = {
        name: `${secretPath}/versions/${index + 1}`,
        createTime: version.createTime,
        state: version.state,
        replicationStatus: { automatic: {} },
        etag: etagOf(`${secretPath}/${index}/${version.state}`),
      };
      if (version.state === 'DESTROYED') result.destroyTime = version.createTime;
      return result;
    };
    if (v0 === undefined) {
      return {
        status: 200,
        body: {
          name: secretPath,
          replication: { automatic: {} },
          createTime: timestamp(record.createdAt),
          etag: etagOf(`${secretPath}/${record.createdAt}`),
        },
      };
    }
    if (v0 !== 'versions') return fail(404, 'Not Found');
    if (v !== undefined) {
      const index = v === 'latest' ? record.versions.length - 1 : Number(v) - 1;
      if (!/^(\d+|latest)$/.test(v)) fail(400, `Invalid version id: ${v}`);
      if (index < 0 || index >= record.versions.length) {
        return fail(404, `Secret Version [${secretPath}/versions/${v}] not found.`);
      }
      return { status: 200, body: versionResource(index) };
    }
    const accepts = stateFilter(url.searchParams.get('filter') ?? '');
    const all = record.versions
      .map((_, index) => index)
      .reverse()
      .filter((index) => accepts(/** @type {{ state: string }} */ (record.versions[index]).state));
    const { offset, size } = page([
      url.searchParams.get('pageSize') ?? '',
      url.searchParams.get('pageToken') ?? '',
    ]);
    /** @type {Record<string, unknown>} */
    const result = {};
    const slice = all.slice(offset, offset + size);
    if (slice.length) result.versions = slice.map(versionResource);
    if (offset + size < all.length) result.nextPageToken = pageToken(offset + size);
    if (all.length) result.totalSize = all.length;
    return { status: 200, body: result };
  };

  /** @param {Record<string, unknown>} body */
  const controlState = (body) => {
    for (const spec of /** @type {PutServiceOptions[]} */ (
      Array.isArray(body.services) ? body.services : []
    )) {
      putService(spec);
    }
    for (const spec of /** @type {Parameters<typeof putSecret>[0][]} */ (
      Array.isArray(body.secrets) ? body.secrets : []
    )) {
      putSecret(spec);
    }
    for (const spec of /** @type {ScriptedDeploy[]} */ (Array.isArray(body.deploys) ? body.deploys : [])) {
      scriptDeploy(spec);
    }
    for (const spec of /** @type {(FaultSpec & { path?: string })[]} */ (
      Array.isArray(body.faults) ? body.faults : []
    )) {
      fault(spec);
    }
    if (body.issueToken === true) return { status: 200, body: { token: issueToken() } };
    return { status: 200, body: {} };
  };

  /** @param {http.IncomingMessage} req @param {URL} url @param {string} text */
  const route = async (req, url, text) => {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (method === 'GET' && path === '/github-oidc/token') return githubOidc(url, req.headers);
    if (method === 'POST' && path === '/sts/v1/token') return sts(text);
    const iam = /^\/iamcredentials\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/.exec(
      path,
    );
    if (method === 'POST' && iam) {
      return generateAccessToken(decodeURIComponent(/** @type {string} */ (iam[1])), req.headers, text);
    }
    if (method === 'POST' && path === '/emulator/v1/state') return controlState(parseJsonBody(text));
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] === 'v2') {
      requireToken(req.headers, 'run.googleapis.com');
      return cloudRun(method, parts.slice(1), url, text);
    }
    if (parts[0] === 'v1') {
      requireToken(req.headers, 'secretmanager.googleapis.com');
      return secretManager(method, parts.slice(1), url);
    }
    return fail(404, `The requested URL ${path} was not found on this server.`);
  };

  /** @param {number} ms */
  const sleep = (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve(undefined);
      }, ms);
      timers.add(timer);
    });

  /** @param {http.ServerResponse} res @param {number} status @param {unknown} body @param {Record<string, string>} [headers] */
  const send = (res, status, body, headers = {}) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2) + '\n';
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
    res.end(text);
  };

  /** @param {string} method @param {string} path */
  const takeFault = (method, path) => {
    const match = faults.find(
      (f) =>
        f.left > 0 &&
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (f.path === undefined || (typeof f.path === 'string' ? new RegExp(f.path) : f.path).test(path)),
    );
    if (!match) return undefined;
    match.left--;
    match.hits++;
    return match;
  };

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  const handle = async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    requests.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization !== undefined,
      at: Date.now(),
    });
    const text = await readBody(req);
    const injected = takeFault(method, url.pathname);
    if (injected?.delayMs) await sleep(injected.delayMs);
    if (injected?.reset) {
      req.socket.destroy();
      return;
    }
    if (injected?.status !== undefined) {
      const status = injected.status;
      const body =
        injected.body ??
        (status === 403 && injected.permission
          ? permissionDenied(injected.permission, url.pathname.replace(/^\/v\d\//, ''))
          : googleError(status, status === 429 ? 'Quota exceeded.' : `Injected fault ${status}.`));
      send(res, status, body, injected.headers);
      return;
    }
    try {
      const answer = await route(req, url, text);
      send(res, answer.status, answer.body);
    } catch (error) {
      if (error instanceof ApiError) {
        /** @type {Record<string, string>} */
        const headers =
          error.status === 401 ? { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' } : {};
        send(res, error.status, error.body, headers);
      } else {
        send(res, 500, googleError(500, error instanceof Error ? error.message : String(error)));
      }
    }
  };

  // ---- state API ----

  /**
   * Puts a service in place (replacing one of that name).
   * @param {PutServiceOptions} spec
   * @returns {Record<string, unknown>} the Service resource
   */
  function putService(spec) {
    const p = spec.project ?? project;
    const r = spec.region ?? region;
    const record = newRecord(p, r, spec.name);
    record.uri = spec.uri;
    const revisions = spec.revisions ?? [{ image: spec.image }];
    if (revisions.length === 0) throw new Error('putService needs at least one revision');
    const start = Date.now() - revisions.length * 60_000;
    revisions.forEach((rev, index) => {
      const last = index === revisions.length - 1;
      record.generation = index + 1;
      record.template = normaliseTemplate({
        containers: [{ image: rev.image ?? spec.image ?? 'us-docker.pkg.dev/cloudrun/container/hello' }],
      });
      const ready = last ? spec.ready : true;
      const pendingMs =
        rev.readyAfterMs ?? (ready === false ? 3_600_000 : typeof ready === 'object' ? ready.afterMs : 0);
      const fails = rev.fails ?? (last ? spec.failure : undefined);
      addRevision(record, { readyAfterMs: pendingMs, fails, name: rev.name });
      if (pendingMs === 0) {
        // settled in the past, a minute apart
        const added = /** @type {RevisionRecord} */ (record.revisions.at(-1));
        added.createdAt = start + index * 60_000;
        added.readyAt = added.createdAt + 1000;
      }
    });
    record.createdAt = start;
    record.updatedAt = /** @type {RevisionRecord} */ (record.revisions.at(-1)).createdAt;
    record.traffic = normaliseTraffic(spec.traffic);
    checkTrafficRevisions(record);
    services.set(serviceKey(p, r, spec.name), record);
    return serviceResource(record);
  }

  /**
   * Deploys a new revision of an existing service, as an apply does.
   * @param {string} p project id or number
   * @param {string} r region
   * @param {string} name service
   * @param {DeployOptions} [how]
   * @returns {string} the new revision's short name
   */
  function deployRevision(p, r, name, how = {}) {
    const record = services.get(serviceKey(p, r, name));
    if (!record) throw new Error(`no service ${serviceKey(p, r, name)} in the emulator`);
    const trafficBefore = JSON.stringify(record.traffic);
    if (how.noTraffic) pinTraffic(record);
    noteTraffic(record, trafficBefore, 'deploy');
    const containers = /** @type {Record<string, unknown>[]} */ (record.template.containers);
    if (how.image) {
      record.template = {
        ...record.template,
        containers: [{ ...containers[0], image: how.image }, ...containers.slice(1)],
      };
    }
    record.generation++;
    record.updatedAt = Date.now();
    return addRevision(record, { readyAfterMs: how.readyAfterMs, fails: how.fails, name: how.revision });
  }

  /**
   * The Service resource now, or undefined.
   * @param {string} p @param {string} r @param {string} name
   */
  function service(p, r, name) {
    const record = services.get(serviceKey(p, r, name));
    return record ? serviceResource(record) : undefined;
  }

  /**
   * Puts a secret with its versions (oldest first: version 1 is the first).
   * @param {{ project?: string, id: string, versions: SecretVersionSpec[] }} spec
   */
  function putSecret(spec) {
    const p = projectId(spec.project ?? project);
    const start = Date.now() - (spec.versions.length + 1) * 3_600_000;
    const versions = spec.versions.map((version, index) => {
      if (!SECRET_VERSION_STATES.includes(version.state)) {
        throw new Error(`unknown secret version state ${version.state}`);
      }
      return {
        state: version.state,
        createTime: version.createTime ?? timestamp(start + (index + 1) * 3_600_000),
      };
    });
    secrets.set(`${p}/${spec.id}`, { project: p, id: spec.id, createdAt: start, versions });
  }

  /** An access token the /v1 and /v2 endpoints accept, without the OIDC/STS dance. */
  function issueToken() {
    const token = `ya29.emulator-${randomText(24)}`;
    accessTokens.add(token);
    tokensIssued.direct++;
    return token;
  }

  /**
   * Scripts a fault on matching requests (any endpoint, STS included).
   * @param {FaultSpec} spec
   * @returns {FaultHandle}
   */
  function fault(spec) {
    /** @type {FaultSpec & FaultHandle & { left: number }} */
    const entry = {
      ...spec,
      left: spec.times ?? Number.POSITIVE_INFINITY,
      hits: 0,
      remove: () => {
        entry.left = 0;
      },
    };
    faults.push(entry);
    return entry;
  }

  /**
   * Scripts how the next deploys made over HTTP (create / patch) behave.
   * @param {ScriptedDeploy} spec
   */
  function scriptDeploy(spec) {
    checkFailure(spec.fails);
    scriptedDeploys.push({ ...spec, left: spec.times ?? 1 });
  }

  /**
   * Writes an external_account credentials file as google-github-actions/auth v3 does.
   * @param {{ serviceAccount?: string | null, dir?: string }} [how] serviceAccount null: direct WIF
   * @returns {string} the file's path
   */
  function writeCredentials(how = {}) {
    const account = how.serviceAccount === undefined ? serviceAccount : how.serviceAccount;
    const dir = how.dir ?? mkdtempSync(join(tmpdir(), 'gcp-credentials-'));
    if (!how.dir) credentialDirs.push(dir);
    const oidcAudience = `https:${audience}`;
    /** @type {Record<string, unknown>} */
    const credentials = {
      type: 'external_account',
      audience,
      subject_token_type: JWT_TYPE,
      token_url: `${url}/sts/v1/token`,
    };
    if (account) {
      credentials.service_account_impersonation_url = `${url}/iamcredentials/v1/projects/-/serviceAccounts/${account}:generateAccessToken`;
    }
    credentials.credential_source = {
      url: `${oidcRequestUrl}&audience=${encodeURIComponent(oidcAudience)}`,
      headers: { Authorization: `Bearer ${oidcRequestToken}` },
      format: { type: 'json', subject_token_field_name: 'value' },
    };
    const file = join(dir, `gha-creds-${randomBytes(8).toString('hex')}.json`);
    writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
    return file;
  }

  /**
   * The variables an action's process needs to use the emulator.
   * @param {Record<string, string>} [extra]
   * @returns {Record<string, string>}
   */
  function env(extra = {}) {
    return {
      CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: `${url}/`,
      CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER: `${url}/`,
      GOOGLE_APPLICATION_CREDENTIALS: writeCredentials(),
      GOOGLE_CLOUD_PROJECT: project,
      CLOUDSDK_CORE_PROJECT: project,
      CLOUDSDK_PROJECT: project,
      GCLOUD_PROJECT: project,
      ACTIONS_ID_TOKEN_REQUEST_URL: oidcRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidcRequestToken,
      ...extra,
    };
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((/** @type {unknown} */ error) => {
      send(res, 500, googleError(500, error instanceof Error ? error.message : String(error)));
    });
  });
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  const url = `http://127.0.0.1:${port}`;
  const oidcRequestUrl = `${url}/github-oidc/token?api-version=2.0`;

  /** Closes the server: destroys open connections and clears timers; never hangs. */
  function close() {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    for (const socket of sockets) socket.destroy();
    for (const dir of credentialDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    return new Promise((resolve) => server.close(() => resolve(undefined)));
  }

  return {
    url,
    port,
    project,
    projectNumber,
    region,
    serviceAccount,
    audience,
    oidcRequestToken,
    requests,
    trafficChanges,
    tokensIssued,
    close,
    env,
    writeCredentials,
    putService,
    deployRevision,
    service,
    putSecret,
    issueToken,
    fault,
    scriptDeploy,
    /** Removes every fault and scripted deploy; clears the request log. */
    resetScripts() {
      faults.length = 0;
      scriptedDeploys.length = 0;
      requests.length = 0;
      trafficChanges.length = 0;
    },
  };
}

/**
 * Accepts a Secret Manager list filter on state: `state:ENABLED`, `state=DISABLED`,
 * `NOT state:DESTROYED`, terms joined with OR / AND; an empty filter accepts all.
 * @param {string} filter
 * @returns {(state: string) => boolean}
 */
export function stateFilter(filter) {
  const text = filter.trim();
  if (text === '') return () => true;
  const orTerms = text.replace(/\bNOT\s+/g, '-').split(/\s+OR\s+/);
  const tests = orTerms.map((orTerm) =>
    orTerm
      .split(/\s+AND\s+|\s+/)
      .filter(Boolean)
      .map((term) => {
        const match = /^(-)?\(?state\s*[:=]\s*"?([A-Z_]+)"?\)?$/i.exec(term);
        if (!match) throw new ApiError(400, `Invalid filter: ${filter}`);
        const negate = Boolean(match[1]);
        const state = /** @type {string} */ (match[2]).toUpperCase();
        return (/** @type {string} */ value) => (value === state) !== negate;
      }),
  );
  return (state) => tests.some((all) => all.every((test) => test(state)));
}

/** @typedef {Awaited<ReturnType<typeof startGoogleEmulator>>} GoogleEmulator */
