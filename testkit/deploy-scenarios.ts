// Builders for what the deploy action reads: Terraform 1.11 plan documents (`terraform show
// -json`, format_version 1.2) for the reference service's stacks with the google provider v6,
// and scenario files for the terraform stand-in (test/standins/bin).
// The plan JSON format: https://developer.hashicorp.com/terraform/internals/json-format
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startGitHubApi, type GitHubApi } from './github-api.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = Record<string, Json>;

/** Where the stand-ins live: put this first on PATH. */
export const standinsDir = join(import.meta.dirname, '..', 'test', 'standins', 'bin');
/** Terraform roots whose variables.tf declares what the plan builders' configuration does. */
export const stackDirs = {
  service: join(import.meta.dirname, '..', 'test', 'fixtures', 'deploy', 'stacks', 'service'),
  platform: join(import.meta.dirname, '..', 'test', 'fixtures', 'deploy', 'stacks', 'platform'),
} as const;

export const GOOGLE_PROVIDER = 'registry.terraform.io/hashicorp/google';
export const PROJECT_NUMBER = '123456789012';
export const RUNTIME_ACCOUNT_ID = 'api-runtime';
/** The image a plan builder puts in the service; the stand-in replaces it with the variable. */
export const IMAGE_PLACEHOLDER = '${var.image}';
export const PREVIOUS_IMAGE = `europe-west1-docker.pkg.dev/acme-dev/services/api@sha256:${'a1'.repeat(32)}`;

/** This run's commit: the harness's GITHUB_SHA (testkit/local-runner.mjs). */
export const RUN_COMMIT = '3f2a9c81d4e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9';
/** The commit the live service carries by default (its `commit-sha` label is the first 7). */
export const PREVIOUS_COMMIT = '9d8e7f6c5b4a39281706f5e4d3c2b1a098765432';
/** The repository the harness names in GITHUB_REPOSITORY. */
export const REPOSITORY = 'example-org/fastapi-service';

/** The image a deploy runner test deploys: a digest reference, as build-push outputs it. */
export const DEPLOY_IMAGE = `europe-west1-docker.pkg.dev/acme-dev/services/api@sha256:${'c3'.repeat(32)}`;
/** The runtime contract the deploy runner tests check plans against. */
export const DEPLOY_CONTRACT = join(
  import.meta.dirname,
  '..',
  'test',
  'fixtures',
  'contracts',
  'runtime-contract.yml',
);

/** The inputs of a dev deploy of `stack` (the service stack) against the stand-ins; `overrides` win. */
export function devDeployInputs(
  githubToken: string,
  overrides: Record<string, string> = {},
  stack: string = stackDirs.service,
): Record<string, string> {
  return {
    'working-directory': stack,
    environment: 'dev',
    image: DEPLOY_IMAGE,
    contract: DEPLOY_CONTRACT,
    project: 'acme-dev',
    'github-token': githubToken,
    ...overrides,
  };
}

/**
 * The GitHub REST API stand-in a test file's deploy runs ask (the stale-commit guard's compare of
 * PREVIOUS_COMMIT and RUN_COMMIT in REPOSITORY, `token` its only accepted token): started before
 * the file's tests, closed after them.
 */
export function useDeployGitHubApi(token: string): { readonly url: string } {
  let api: GitHubApi | undefined;
  beforeAll(async () => {
    api = await startGitHubApi({
      repository: REPOSITORY,
      graph: { main: [PREVIOUS_COMMIT, RUN_COMMIT] },
      token,
    });
  });
  afterAll(() => api?.close());
  return {
    get url(): string {
      if (api === undefined) {
        throw new Error('the GitHub API stand-in is not started yet (use it inside a test)');
      }
      return api.url;
    },
  };
}

/**
 * The environment of a deploy run against the Terraform stand-in, Google (the emulator's
 * `emulatorRunEnv(emulator, {}, [standinsDir])`: endpoints, credentials file, PATH without
 * gcloud) and a GitHub API.
 */
export function standinRunEnv(
  terraform: { env: Record<string, string> },
  google: { env: Record<string, string> },
  githubApiUrl: string,
): Record<string, string> {
  return {
    ...terraform.env,
    ...google.env,
    TF_CLI_CONFIG_FILE: '/dev/null',
    GITHUB_API_URL: githubApiUrl,
    GITHUB_REPOSITORY: REPOSITORY,
  };
}

export type Environment = 'dev' | 'prod';
/** Terraform's action lists by name; `replace` is ["delete", "create"]. */
export type PlanAction =
  'create' | 'update' | 'no-op' | 'delete' | 'replace' | 'delete-create' | 'create-delete';

const ACTIONS: Record<PlanAction, string[]> = {
  create: ['create'],
  update: ['update'],
  'no-op': ['no-op'],
  delete: ['delete'],
  replace: ['delete', 'create'],
  'delete-create': ['delete', 'create'],
  'create-delete': ['create', 'delete'],
};

export interface SecretRef {
  secret: string;
  version: string;
}

// ---------------------------------------------------------------------------------------------
// Values with unknown parts: a builder writes UNKNOWN where Terraform shows "(known after
// apply)"; the document gets `after` without them and `after_unknown` marking them.

const UNKNOWN = Symbol('known after apply');
type Planned = Json | typeof UNKNOWN | Planned[] | { [key: string]: Planned };

function isRecord(value: Planned): value is { [key: string]: Planned } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The known part: unknown attributes are left out, as Terraform leaves them out of `after`. */
function known(value: Planned): Json {
  if (value === UNKNOWN) return null;
  if (Array.isArray(value)) return value.map(known);
  if (isRecord(value)) {
    const result: JsonObject = {};
    for (const [key, item] of Object.entries(value)) if (item !== UNKNOWN) result[key] = known(item);
    return result;
  }
  return value;
}

/**
 * Terraform's `*_unknown` and `*_sensitive` shapes: lists keep every element (false for a
 * primitive), objects keep only what is not false, a marked value is true.
 */
function mask(
  value: Planned,
  marked: (path: (string | number)[]) => boolean,
  path: (string | number)[] = [],
): Json {
  if (value === UNKNOWN || marked(path)) return true;
  if (Array.isArray(value)) return value.map((item, index) => mask(item, marked, [...path, index]));
  if (isRecord(value)) {
    const result: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      const child = mask(item, marked, [...path, key]);
      if (child !== false) result[key] = child;
    }
    return result;
  }
  return false;
}

const noMarks = (): boolean => false;

interface Change {
  address: string;
  type: string;
  name: string;
  index?: string;
  action: PlanAction;
  /** The state before: undefined for create. */
  before?: Planned;
  /** The planned value: undefined for delete. */
  after?: Planned;
  sensitive?: (path: (string | number)[]) => boolean;
  replacePaths?: (string | number)[][];
}

function resourceChange(change: Change): JsonObject {
  const actions = ACTIONS[change.action];
  const sensitive = change.sensitive ?? noMarks;
  const body: JsonObject = {
    actions,
    before: change.before === undefined ? null : known(change.before),
    after: change.after === undefined ? null : known(change.after),
    after_unknown: change.after === undefined ? {} : mask(change.after, noMarks),
    before_sensitive: change.before === undefined ? false : mask(change.before, sensitive),
    after_sensitive: change.after === undefined ? false : mask(change.after, sensitive),
  };
  if (change.replacePaths) body['replace_paths'] = change.replacePaths;
  return {
    address: change.address,
    mode: 'managed',
    type: change.type,
    name: change.name,
    ...(change.index === undefined ? {} : { index: change.index }),
    provider_name: GOOGLE_PROVIDER,
    change: body,
    ...(actions.length === 2 ? { action_reason: 'replace_because_cannot_update' } : {}),
  };
}

function stateResource(change: Change, side: 'before' | 'after'): JsonObject | undefined {
  const value = change[side];
  if (value === undefined) return undefined;
  return {
    address: change.address,
    mode: 'managed',
    type: change.type,
    name: change.name,
    ...(change.index === undefined ? {} : { index: change.index }),
    provider_name: GOOGLE_PROVIDER,
    schema_version: 0,
    values: known(value),
    sensitive_values: mask(value, change.sensitive ?? noMarks),
  };
}

interface OutputChange {
  action: PlanAction;
  before?: Json;
  after?: Json | typeof UNKNOWN;
  sensitive?: boolean;
}

function outputChange(output: OutputChange): JsonObject {
  const unknown = output.after === UNKNOWN;
  const sensitive = output.sensitive ?? false;
  return {
    actions: ACTIONS[output.action],
    before: output.before ?? null,
    ...(unknown ? {} : { after: (output.after as Json | undefined) ?? null }),
    after_unknown: unknown,
    before_sensitive: output.before === undefined ? false : sensitive,
    after_sensitive: sensitive,
  };
}

interface DocumentParts {
  variables: JsonObject;
  configurationVariables: JsonObject;
  changes: Change[];
  outputs: Record<string, OutputChange>;
  configurationResources: JsonObject[];
  configurationOutputs: JsonObject;
}

/** A whole plan document, as `terraform show -json` prints it. */
function planDocument(parts: DocumentParts): JsonObject {
  const priorResources = parts.changes
    .map((change) => stateResource(change, 'before'))
    .filter((r): r is JsonObject => r !== undefined);
  const plannedResources = parts.changes
    .map((change) => stateResource(change, 'after'))
    .filter((r): r is JsonObject => r !== undefined);
  const priorOutputs: JsonObject = {};
  const plannedOutputs: JsonObject = {};
  for (const [name, output] of Object.entries(parts.outputs)) {
    const sensitive = output.sensitive ?? false;
    if (output.before !== undefined) {
      priorOutputs[name] = {
        sensitive,
        value: output.before,
        type: typeof output.before === 'string' ? 'string' : 'dynamic',
      };
    }
    plannedOutputs[name] =
      output.after === UNKNOWN || output.after === undefined
        ? { sensitive }
        : { sensitive, type: typeof output.after === 'string' ? 'string' : 'dynamic', value: output.after };
  }
  const anyPrior = priorResources.length > 0 || Object.keys(priorOutputs).length > 0;
  const changed =
    parts.changes.some((change) => change.action !== 'no-op') ||
    Object.values(parts.outputs).some((output) => output.action !== 'no-op');
  return {
    format_version: '1.2',
    terraform_version: '1.11.4',
    variables: parts.variables,
    planned_values: { outputs: plannedOutputs, root_module: { resources: plannedResources } },
    resource_changes: parts.changes.map(resourceChange),
    output_changes: Object.fromEntries(
      Object.entries(parts.outputs).map(([name, output]) => [name, outputChange(output)]),
    ),
    ...(anyPrior
      ? {
          prior_state: {
            format_version: '1.0',
            terraform_version: '1.11.4',
            values: { outputs: priorOutputs, root_module: { resources: priorResources } },
          },
        }
      : {}),
    configuration: {
      provider_config: {
        google: {
          name: 'google',
          full_name: GOOGLE_PROVIDER,
          version_constraint: '~> 6.0',
          expressions: { project: { references: ['var.project'] }, region: { references: ['var.region'] } },
        },
      },
      root_module: {
        outputs: parts.configurationOutputs,
        resources: parts.configurationResources,
        variables: parts.configurationVariables,
      },
    },
    timestamp: '2026-11-28T10:00:00Z',
    applyable: changed,
    complete: true,
    errored: false,
  };
}

// ---------------------------------------------------------------------------------------------
// The service stack: google_cloud_run_v2_service "api" (or the v1 google_cloud_run_service)

/** DATABASE_URL in dev -> database-url-dev: the contract's "{name}-{environment}". */
export function secretId(name: string, environment: string): string {
  return `${name.toLowerCase().replace(/_/g, '-')}-${environment}`;
}

export function defaultSecretEnv(environment: Environment): Record<string, SecretRef> {
  return Object.fromEntries(
    ['DATABASE_URL', 'CLERK_SECRET_KEY', 'ADMIN_API_KEY'].map((name) => [
      name,
      { secret: secretId(name, environment), version: 'latest' },
    ]),
  );
}

export function defaultPlainEnv(environment: Environment): Record<string, string> {
  return {
    ENV: environment,
    BASE_URL: environment === 'prod' ? 'https://api.example.com' : 'https://api.dev.example.com',
  };
}

export interface ServicePlanOptions {
  environment?: Environment;
  /** The service's action (default update; replace = ["delete","create"]). */
  action?: PlanAction;
  /** Plain env (default ENV and BASE_URL). */
  plainEnv?: Record<string, string>;
  /** Env from Secret Manager (default DATABASE_URL, CLERK_SECRET_KEY, ADMIN_API_KEY at latest). */
  secretEnv?: Record<string, SecretRef>;
  /** The env in the state before (default: the same env as planned). */
  previousPlainEnv?: Record<string, string>;
  previousSecretEnv?: Record<string, SecretRef>;
  /** Plain env whose values are sensitive (set from a sensitive variable). */
  sensitiveEnv?: string[];
  /** The env is not known until apply (after_unknown marks it). */
  unknownEnv?: boolean;
  /** The v1 google_cloud_run_service shape instead of google_cloud_run_v2_service. */
  v1?: boolean;
  /** Default "${var.image}", which the stand-in fills from -var image=…. */
  image?: string;
  previousImage?: string;
  /** This run's commit, which the stack labels the service with (`commit-sha`, from var.commit_sha). */
  commitSha?: string;
  /**
   * The `commit-sha` label of the live service (`before`), which the stale-commit guard reads:
   * default 9d8e7f6 (the same as commitSha for no-op); null: the service carries no such label.
   */
  previousCommitSha?: string | null;
  /** Where the live service carries the label (default `labels`, as the reference stack sets it). */
  previousLabelPlace?: 'labels' | 'template';
  project?: string;
  region?: string;
  name?: string;
}

interface EnvEntry {
  name: string;
  value?: string;
  ref?: SecretRef;
}

function envEntries(plain: Record<string, string>, secret: Record<string, SecretRef>): EnvEntry[] {
  const entries: EnvEntry[] = [
    ...Object.entries(plain).map(([name, value]) => ({ name, value })),
    ...Object.entries(secret).map(([name, ref]) => ({ name, ref })),
  ];
  // The stacks build env with for_each over a map: Terraform iterates it in key order.
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The provider's env blocks: v2 {name, value, value_source: [{secret_key_ref: [{secret,
 * version}]}]}, v1 {name, value, value_from: [{secret_key_ref: [{key, name}]}]}. An unset
 * `value` is null in a plan and "" in the state (the SDK's zero value).
 */
function providerEnv(entries: EnvEntry[], v1: boolean, state: boolean): Json[] {
  const unset = state ? '' : null;
  return entries.map((entry): Json => {
    if (entry.ref === undefined) {
      return v1
        ? { name: entry.name, value: entry.value ?? unset, value_from: [] }
        : { name: entry.name, value: entry.value ?? unset, value_source: [] };
    }
    return v1
      ? {
          name: entry.name,
          value: unset,
          value_from: [{ secret_key_ref: [{ key: entry.ref.version, name: entry.ref.secret }] }],
        }
      : {
          name: entry.name,
          value: unset,
          value_source: [{ secret_key_ref: [{ secret: entry.ref.secret, version: entry.ref.version }] }],
        };
  });
}

interface ServiceState {
  project: string;
  region: string;
  name: string;
  image: string;
  commitSha: string | null;
  labelPlace?: 'labels' | 'template';
  env: EnvEntry[];
  account: string;
  /** Planned (computed attributes unknown) or from the state (all known). */
  planned: boolean;
  unknownEnv: boolean;
}

function cloudRunV2(s: ServiceState): Planned {
  const computed = (value: Planned): Planned => (s.planned ? UNKNOWN : value);
  const commitLabel: Record<string, string> = s.commitSha === null ? {} : { 'commit-sha': s.commitSha };
  const onService = (s.labelPlace ?? 'labels') === 'labels';
  const labels = onService && s.commitSha !== null ? commitLabel : null;
  const withAttribution = { ...(onService ? commitLabel : {}), 'goog-terraform-provisioned': 'true' };
  const serviceName = `projects/${s.project}/locations/${s.region}/services/${s.name}`;
  return {
    annotations: null,
    binary_authorization: [],
    client: null,
    client_version: null,
    conditions: computed([]),
    create_time: computed('2026-10-01T08:00:00.000000Z'),
    creator: computed(`deployer@${s.project}.iam.gserviceaccount.com`),
    custom_audiences: null,
    default_uri_disabled: null,
    delete_time: computed(''),
    deletion_protection: false,
    description: null,
    effective_annotations: computed({}),
    effective_labels: withAttribution,
    etag: computed('"CKu6oaYGEJDd7L8D/cHJvamVjdHMvYWNtZS9sb2NhdGlvbnMvZXVyb3BlLXdlc3QxL3NlcnZpY2VzL2FwaQ"'),
    expire_time: computed(''),
    generation: computed('42'),
    id: computed(serviceName),
    ingress: 'INGRESS_TRAFFIC_ALL',
    invoker_iam_disabled: null,
    labels,
    last_modifier: computed(`deployer@${s.project}.iam.gserviceaccount.com`),
    latest_created_revision: computed(`${serviceName}/revisions/${s.name}-00042-xyz`),
    latest_ready_revision: computed(`${serviceName}/revisions/${s.name}-00042-xyz`),
    launch_stage: computed('GA'),
    location: s.region,
    name: s.name,
    observed_generation: computed('42'),
    project: s.project,
    reconciling: computed(false),
    scaling: [],
    template: [
      {
        annotations: null,
        containers: [
          {
            args: null,
            command: null,
            depends_on: null,
            env: s.unknownEnv ? UNKNOWN : providerEnv(s.env, false, !s.planned),
            image: s.image,
            liveness_probe: [],
            name: null,
            ports: computed([{ container_port: 8080, name: 'http1' }]),
            resources: [{ cpu_idle: true, limits: { cpu: '1', memory: '512Mi' }, startup_cpu_boost: false }],
            startup_probe: computed([
              {
                failure_threshold: 1,
                grpc: [],
                http_get: [],
                initial_delay_seconds: 0,
                period_seconds: 240,
                tcp_socket: [{ port: 8080 }],
                timeout_seconds: 240,
              },
            ]),
            volume_mounts: [],
            working_dir: null,
          },
        ],
        encryption_key: null,
        execution_environment: null,
        labels: onService || s.commitSha === null ? null : commitLabel,
        max_instance_request_concurrency: computed(80),
        node_selector: [],
        revision: null,
        scaling: [{ max_instance_count: 10, min_instance_count: 0 }],
        service_account: s.account,
        service_mesh: [],
        session_affinity: null,
        timeout: computed('300s'),
        volumes: [],
        vpc_access: [],
      },
    ],
    terminal_condition: computed([]),
    terraform_labels: withAttribution,
    timeouts: null,
    traffic: [{ percent: 100, revision: '', tag: '', type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST' }],
    traffic_statuses: computed([]),
    uid: computed('0b5e6c1e-8d3f-4a7b-9c2d-1e2f3a4b5c6d'),
    update_time: computed('2026-11-20T09:00:00.000000Z'),
    uri: computed(`https://${s.name}-q7h2kq3zaa-ew.a.run.app`),
    urls: computed([
      `https://${s.name}-${PROJECT_NUMBER}.${s.region}.run.app`,
      `https://${s.name}-q7h2kq3zaa-ew.a.run.app`,
    ]),
  };
}

function cloudRunV1(s: ServiceState): Planned {
  const computed = (value: Planned): Planned => (s.planned ? UNKNOWN : value);
  const label: Record<string, string> = s.commitSha === null ? {} : { 'commit-sha': s.commitSha };
  const onTemplate = s.labelPlace === 'template';
  const commitLabel = onTemplate ? {} : label;
  return {
    autogenerate_revision_name: true,
    id: computed(`locations/${s.region}/namespaces/${s.project}/services/${s.name}`),
    location: s.region,
    metadata: [
      {
        annotations: null,
        effective_annotations: computed({}),
        effective_labels: { ...commitLabel, 'goog-terraform-provisioned': 'true' },
        generation: computed(42),
        labels: s.commitSha === null || onTemplate ? null : commitLabel,
        namespace: computed(s.project),
        resource_version: computed('AAYkF3q8mQ4'),
        self_link: computed(`/apis/serving.knative.dev/v1/namespaces/${PROJECT_NUMBER}/services/${s.name}`),
        terraform_labels: { ...commitLabel, 'goog-terraform-provisioned': 'true' },
        uid: computed('0b5e6c1e-8d3f-4a7b-9c2d-1e2f3a4b5c6d'),
      },
    ],
    name: s.name,
    project: s.project,
    status: computed([
      {
        conditions: [],
        latest_created_revision_name: `${s.name}-00042-xyz`,
        latest_ready_revision_name: `${s.name}-00042-xyz`,
        observed_generation: 42,
        traffic: [],
        url: `https://${s.name}-q7h2kq3zaa-ew.a.run.app`,
      },
    ]),
    template: [
      {
        metadata: onTemplate
          ? [{ annotations: {}, generation: 0, labels: label, name: '', namespace: '' }]
          : computed([{ annotations: {}, generation: 0, labels: {}, name: '', namespace: '' }]),
        spec: [
          {
            container_concurrency: computed(80),
            containers: [
              {
                args: null,
                command: null,
                env: s.unknownEnv ? UNKNOWN : providerEnv(s.env, true, !s.planned),
                env_from: [],
                image: s.image,
                liveness_probe: [],
                name: null,
                ports: computed([{ container_port: 8080, name: 'http1', protocol: '' }]),
                resources: [{ limits: { cpu: '1000m', memory: '512Mi' }, requests: null }],
                startup_probe: computed([]),
                volume_mounts: [],
                working_dir: null,
              },
            ],
            node_selector: null,
            service_account_name: s.account,
            serving_state: computed(''),
            timeout_seconds: computed(300),
            volumes: [],
          },
        ],
      },
    ],
    timeouts: null,
    traffic: [{ latest_revision: true, percent: 100, revision_name: '', tag: '', url: '' }],
  };
}

/** The path of a container's env value in the v2 or v1 shape, for sensitive marks. */
function envValuePath(v1: boolean, index: number): (string | number)[] {
  return v1
    ? ['template', 0, 'spec', 0, 'containers', 0, 'env', index, 'value']
    : ['template', 0, 'containers', 0, 'env', index, 'value'];
}

/**
 * A plan of the service stack (one Cloud Run service, outputs `url` and `revision`).
 * Defaults: dev, an update of the image, the contract's env.
 */
export function servicePlan(options: ServicePlanOptions = {}): JsonObject {
  const environment = options.environment ?? 'dev';
  const action = options.action ?? 'update';
  const v1 = options.v1 ?? false;
  const project = options.project ?? `acme-${environment}`;
  const region = options.region ?? 'europe-west1';
  const name = options.name ?? 'api';
  const account = `${RUNTIME_ACCOUNT_ID}@${project}.iam.gserviceaccount.com`;
  const image = options.image ?? IMAGE_PLACEHOLDER;
  const plainEnv = options.plainEnv ?? defaultPlainEnv(environment);
  const secretEnv = options.secretEnv ?? defaultSecretEnv(environment);
  const env = envEntries(plainEnv, secretEnv);
  const previousEnv = envEntries(
    options.previousPlainEnv ?? plainEnv,
    options.previousSecretEnv ?? secretEnv,
  );
  const type = v1 ? 'google_cloud_run_service' : 'google_cloud_run_v2_service';
  const build = v1 ? cloudRunV1 : cloudRunV2;
  const base = { project, region, name, account, unknownEnv: false };
  const before =
    action === 'create'
      ? undefined
      : build({
          ...base,
          image: options.previousImage ?? (action === 'no-op' ? image : PREVIOUS_IMAGE),
          commitSha:
            options.previousCommitSha === undefined
              ? action === 'no-op'
                ? (options.commitSha ?? '3f2a9c8')
                : '9d8e7f6'
              : options.previousCommitSha,
          ...(options.previousLabelPlace ? { labelPlace: options.previousLabelPlace } : {}),
          env: previousEnv,
          planned: false,
        });
  const creates = action === 'create' || ACTIONS[action].length === 2;
  const after =
    action === 'delete'
      ? undefined
      : build({
          ...base,
          image,
          commitSha: options.commitSha ?? '3f2a9c8',
          env,
          // A new object has every computed attribute unknown; an update keeps the state's
          // values (the SDK's plan copies them, and "" for an unset string).
          planned: creates,
          unknownEnv: options.unknownEnv ?? false,
        });
  const sensitiveIndexes = (entries: EnvEntry[]) =>
    entries.flatMap((entry, index) => ((options.sensitiveEnv ?? []).includes(entry.name) ? [index] : []));
  const sensitivePaths = [...new Set([...sensitiveIndexes(env), ...sensitiveIndexes(previousEnv)])].map(
    (index) => envValuePath(v1, index).join('/'),
  );
  const change: Change = {
    address: `${type}.${name}`,
    type,
    name,
    action,
    ...(before === undefined ? {} : { before }),
    ...(after === undefined ? {} : { after }),
    sensitive: (path) => sensitivePaths.includes(path.join('/')),
    ...(ACTIONS[action].length === 2 ? { replacePaths: [['location']] } : {}),
  };
  const url = `https://${name}-q7h2kq3zaa-ew.a.run.app`;
  const previousRevision = `${name}-00041-abc`;
  const outputs: Record<string, OutputChange> = {
    url:
      action === 'create'
        ? { action: 'create', after: UNKNOWN }
        : action === 'delete'
          ? { action: 'delete', before: url }
          : creates
            ? { action: 'update', before: url, after: UNKNOWN }
            : { action: 'no-op', before: url, after: url },
    revision:
      action === 'create'
        ? { action: 'create', after: UNKNOWN }
        : action === 'delete'
          ? { action: 'delete', before: previousRevision }
          : action === 'no-op'
            ? { action: 'no-op', before: previousRevision, after: previousRevision }
            : { action: 'update', before: previousRevision, after: UNKNOWN },
  };
  const uriAttribute = v1 ? 'status' : 'uri';
  const revisionAttribute = v1 ? 'status' : 'latest_ready_revision';
  return planDocument({
    variables: {
      image: { value: image },
      environment: { value: environment },
      project: { value: project },
      region: { value: region },
      commit_sha: { value: options.commitSha ?? '3f2a9c8' },
      allow_dev_auth_bypass: { value: false },
    },
    configurationVariables: {
      image: { description: 'Container image as a digest reference (REPOSITORY@sha256:…).' },
      environment: { default: environment },
      project: { default: project },
      region: { default: region },
      commit_sha: { default: options.commitSha ?? '3f2a9c8' },
      allow_dev_auth_bypass: {
        default: false,
        description: 'Dev only: inject the auth bypass flag and secret.',
      },
    },
    changes: [change],
    outputs,
    configurationResources: [
      {
        address: `${type}.${name}`,
        mode: 'managed',
        type,
        name,
        provider_config_key: 'google',
        expressions: {
          name: { constant_value: name },
          location: { references: ['var.region'] },
          project: { references: ['var.project'] },
          deletion_protection: { constant_value: false },
        },
        schema_version: 0,
      },
    ],
    configurationOutputs: {
      url: { expression: { references: [`${type}.${name}.${uriAttribute}`, `${type}.${name}`] } },
      revision: { expression: { references: [`${type}.${name}.${revisionAttribute}`, `${type}.${name}`] } },
    },
  });
}

// ---------------------------------------------------------------------------------------------
// The platform stack: runtime service account, one secret per env secret, accessor bindings

export interface PlatformPlanOptions {
  environment?: Environment;
  /** What happens to the stack (default no-op: everything exists). */
  action?: 'create' | 'no-op';
  /** Env names of the secrets (default the contract's required and optional secrets). */
  secrets?: string[];
  /** Secrets in the state that the configuration no longer has: planned for deletion. */
  deleteSecrets?: string[];
  /** Also the dev-only DEV_BYPASS_SECRET (a dev stack with the bypass on). */
  devBypassSecret?: boolean;
  project?: string;
}

export function platformPlan(options: PlatformPlanOptions = {}): JsonObject {
  const environment = options.environment ?? 'dev';
  const project = options.project ?? `acme-${environment}`;
  const action = options.action ?? 'no-op';
  const creating = action === 'create';
  const names = [
    ...(options.secrets ?? ['DATABASE_URL', 'CLERK_SECRET_KEY', 'ADMIN_API_KEY', 'RESEND_API_KEY']),
    ...(options.devBypassSecret ? ['DEV_BYPASS_SECRET'] : []),
  ];
  const email = `${RUNTIME_ACCOUNT_ID}@${project}.iam.gserviceaccount.com`;
  const computed = (value: Planned, planned: boolean): Planned => (planned ? UNKNOWN : value);
  const serviceAccount = (planned: boolean): Planned => ({
    account_id: RUNTIME_ACCOUNT_ID,
    create_ignore_already_exists: null,
    description: 'Runtime identity of the api service',
    disabled: false,
    display_name: 'api runtime',
    email: computed(email, planned),
    id: computed(`projects/${project}/serviceAccounts/${email}`, planned),
    member: computed(`serviceAccount:${email}`, planned),
    name: computed(`projects/${project}/serviceAccounts/${email}`, planned),
    project,
    timeouts: null,
    unique_id: computed('108234567890123456789', planned),
  });
  const secret = (id: string, planned: boolean): Planned => ({
    annotations: null,
    create_time: computed('2026-10-01T08:00:00.000000Z', planned),
    deletion_protection: false,
    effective_annotations: computed({}, planned),
    effective_labels: { 'goog-terraform-provisioned': 'true' },
    expire_time: computed('', planned),
    id: computed(`projects/${project}/secrets/${id}`, planned),
    labels: null,
    name: computed(`projects/${PROJECT_NUMBER}/secrets/${id}`, planned),
    project,
    replication: [{ auto: [{ customer_managed_encryption: [] }], user_managed: [] }],
    rotation: [],
    secret_id: id,
    tags: null,
    terraform_labels: { 'goog-terraform-provisioned': 'true' },
    timeouts: null,
    topics: [],
    ttl: null,
    version_aliases: null,
    version_destroy_ttl: null,
  });
  const binding = (id: string, planned: boolean): Planned => ({
    condition: [],
    etag: computed('BwYkF3q8mQ4=', planned),
    id: computed(
      `projects/${project}/secrets/${id}/roles/secretmanager.secretAccessor/serviceAccount:${email}`,
      planned,
    ),
    member: computed(`serviceAccount:${email}`, planned),
    project: computed(project, planned),
    role: 'roles/secretmanager.secretAccessor',
    secret_id: computed(`projects/${project}/secrets/${id}`, planned),
  });
  const resourceAction: PlanAction = creating ? 'create' : 'no-op';
  const changes: Change[] = [
    {
      address: 'google_service_account.api_runtime',
      type: 'google_service_account',
      name: 'api_runtime',
      action: resourceAction,
      ...(creating ? {} : { before: serviceAccount(false) }),
      after: serviceAccount(creating),
    },
  ];
  const ids = names.map((name) => secretId(name, environment));
  for (const id of ids) {
    changes.push({
      address: `google_secret_manager_secret.secrets["${id}"]`,
      type: 'google_secret_manager_secret',
      name: 'secrets',
      index: id,
      action: resourceAction,
      ...(creating ? {} : { before: secret(id, false) }),
      after: secret(id, creating),
    });
  }
  for (const id of ids) {
    changes.push({
      address: `google_secret_manager_secret_iam_member.runtime_access["${id}"]`,
      type: 'google_secret_manager_secret_iam_member',
      name: 'runtime_access',
      index: id,
      action: resourceAction,
      ...(creating ? {} : { before: binding(id, false) }),
      after: binding(id, creating),
    });
  }
  for (const name of options.deleteSecrets ?? []) {
    const id = /^[A-Z0-9_]+$/.test(name) ? secretId(name, environment) : name;
    changes.push({
      address: `google_secret_manager_secret.secrets["${id}"]`,
      type: 'google_secret_manager_secret',
      name: 'secrets',
      index: id,
      action: 'delete',
      before: secret(id, false),
    });
  }
  return planDocument({
    variables: { environment: { value: environment }, project: { value: project } },
    configurationVariables: { environment: { default: environment }, project: { default: project } },
    changes,
    outputs: {
      runtime_service_account: creating
        ? { action: 'create', after: UNKNOWN }
        : { action: 'no-op', before: email, after: email },
    },
    configurationResources: [
      {
        address: 'google_service_account.api_runtime',
        mode: 'managed',
        type: 'google_service_account',
        name: 'api_runtime',
        provider_config_key: 'google',
        expressions: {
          account_id: { constant_value: RUNTIME_ACCOUNT_ID },
          project: { references: ['var.project'] },
        },
        schema_version: 0,
      },
      {
        address: 'google_secret_manager_secret.secrets',
        mode: 'managed',
        type: 'google_secret_manager_secret',
        name: 'secrets',
        provider_config_key: 'google',
        expressions: { secret_id: { references: ['each.key'] }, project: { references: ['var.project'] } },
        schema_version: 0,
        for_each_expression: { references: ['local.secret_ids'] },
      },
      {
        address: 'google_secret_manager_secret_iam_member.runtime_access',
        mode: 'managed',
        type: 'google_secret_manager_secret_iam_member',
        name: 'runtime_access',
        provider_config_key: 'google',
        expressions: {
          role: { constant_value: 'roles/secretmanager.secretAccessor' },
          member: {
            references: ['google_service_account.api_runtime.member', 'google_service_account.api_runtime'],
          },
        },
        schema_version: 0,
        for_each_expression: { references: ['google_secret_manager_secret.secrets'] },
      },
    ],
    configurationOutputs: {
      runtime_service_account: {
        expression: {
          references: ['google_service_account.api_runtime.email', 'google_service_account.api_runtime'],
        },
      },
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Stand-in scenarios

export interface BypassRule {
  variable?: string;
  resource?: string;
  env: ({ name: string; value: string } | { name: string; secret: string; version: string })[];
}

export interface StateLock {
  id: string;
  who: string;
  operation: string;
  created: string;
  path?: string;
  version?: string;
  info?: string;
  message?: string;
  /** Give up after this long even if -lock-timeout is longer (default: wait it out). */
  holdMs?: number;
  /** The holder releases the lock after this long; within -lock-timeout the plan goes on. */
  releaseAfterMs?: number;
}

export interface TerraformOutput {
  value: Json;
  type?: Json;
  sensitive?: boolean;
}

export interface TerraformScenario {
  init?: { exitCode?: number; stderr?: string };
  plan?: {
    document: JsonObject;
    requiredVariables?: string[];
    variableDefaults?: JsonObject;
    bypass?: BypassRule;
    lock?: StateLock;
    exitCode?: number;
    stderr?: string;
  };
  apply?: { stale?: boolean; delayMs?: number; exitCode?: number; stderr?: string };
  output?: Record<string, TerraformOutput>;
}

export interface StandinFiles {
  /** The scenario file. */
  scenario: string;
  /** The calls log (JSON lines), created by the first call. */
  log: string;
  /** A temporary directory for the test's own files (plan files, working directories). */
  dir: string;
  /** The environment the stand-in reads. */
  env: Record<string, string>;
}

/** The bypass rule of the reference service stack (dev-only plain flag and secret). */
export function referenceBypass(environment: Environment = 'dev'): BypassRule {
  return {
    variable: 'allow_dev_auth_bypass',
    resource: 'google_cloud_run_v2_service.api',
    env: [
      { name: 'ALLOW_DEV_AUTH_BYPASS', value: 'true' },
      { name: 'DEV_BYPASS_SECRET', secret: secretId('DEV_BYPASS_SECRET', environment), version: 'latest' },
    ],
  };
}

/** What `terraform output -json` of the service stack returns after an apply. */
export function serviceOutputs(
  revision = 'api-00042-xyz',
  url = 'https://api-q7h2kq3zaa-ew.a.run.app',
): Record<string, TerraformOutput> {
  return {
    url: { value: url, type: 'string', sensitive: false },
    revision: { value: revision, type: 'string', sensitive: false },
  };
}

export function writeTerraformScenario(scenario: TerraformScenario): StandinFiles {
  const dir = mkdtempSync(join(tmpdir(), 'terraform-scenario-'));
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  const log = join(dir, 'calls.jsonl');
  return { scenario: file, log, dir, env: { TERRAFORM_STANDIN_SCENARIO: file, TERRAFORM_STANDIN_LOG: log } };
}

export interface TerraformCall {
  pid: number;
  argv: string[];
  cwd: string;
  tfVars: Record<string, string>;
}

export interface TerraformSignal {
  pid: number;
  signal: string;
}

function logLines(logFile: string): unknown[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as unknown);
}

/** The terraform invocations, in order. */
export function terraformCalls(logFile: string): TerraformCall[] {
  return logLines(logFile).filter(
    (entry): entry is TerraformCall => typeof entry === 'object' && entry !== null && 'argv' in entry,
  );
}

/** The signals the terraform stand-in received, in order. */
export function terraformSignals(logFile: string): TerraformSignal[] {
  return logLines(logFile).filter(
    (entry): entry is TerraformSignal => typeof entry === 'object' && entry !== null && 'signal' in entry,
  );
}

/** The gcloud invocations, in order. */
export function gcloudCalls(logFile: string): { pid: number; argv: string[] }[] {
  return logLines(logFile).filter(
    (entry): entry is { pid: number; argv: string[] } =>
      typeof entry === 'object' && entry !== null && 'argv' in entry,
  );
}
