// Reads `terraform show -json <plan>` (Terraform's documented JSON output format) into what the
// deploy checks need: the resource changes, and the environment that each planned Cloud Run
// service will get, with each variable's source (plain value or Secret Manager reference).
// Values are read only to tell "set" from "empty"; nothing here returns or prints a value.

export type ChangeKind = 'create' | 'update' | 'replace' | 'delete' | 'no-op' | 'read';

export interface ResourceChange {
  address: string;
  mode?: string;
  type: string;
  name?: string;
  /** Why Terraform plans this action (`replace_because_tainted`, `replace_because_cannot_update`, …). */
  action_reason?: string;
  change: {
    actions: string[];
    before?: unknown;
    after?: unknown;
    after_unknown?: unknown;
  };
}

export interface TerraformPlan {
  format_version: string;
  terraform_version?: string;
  variables?: Record<string, { value?: unknown }>;
  resource_changes?: ResourceChange[];
  output_changes?: Record<string, { actions: string[] }>;
}

export interface PlannedEnv {
  name: string;
  /** `unknown`: the entry exists but Terraform only knows at apply whether it is a value or a reference. */
  source: 'plain' | 'secret' | 'unknown';
  /** The secret id (the last segment of `projects/P/secrets/ID`); undefined when unknown until apply. */
  secret?: string;
  /** The pinned version, or `latest`. */
  version?: string;
  /** The project part of `projects/P/secrets/ID` (an id or a number); undefined for a bare id. */
  secretProject?: string;
}

export interface PlannedService {
  address: string;
  type: string;
  kind: ChangeKind;
  env: PlannedEnv[];
  /** The env list itself is unknown until apply: no check can see it. */
  envUnknown: boolean;
  /** The service's name and location as planned (undefined when not known as text). */
  name?: string;
  location?: string;
  /**
   * Whether the plan changes the service's `traffic` (before and after differ, or after is
   * unknown): without `lifecycle { ignore_changes = [traffic] }` Terraform moves traffic too.
   */
  trafficChanges: boolean;
}

export interface PlanSummary {
  services: PlannedService[];
  /** `reason`: the plan's `action_reason`, when it gives one. */
  /** `actions`: the plan's own action list (`["delete", "create"]` for a replacement). */
  changes: { address: string; type: string; kind: ChangeKind; actions: string[]; reason?: string }[];
  counts: { add: number; change: number; replace: number; destroy: number };
  hasChanges: boolean;
  variables: Record<string, unknown>;
}

export const CLOUD_RUN_V2 = 'google_cloud_run_v2_service';
export const CLOUD_RUN_V1 = 'google_cloud_run_service';

/** Parses and checks the plan document; the error never quotes the document (it holds secrets). */
export function parsePlan(json: string, tool = 'terraform'): TerraformPlan {
  let plan: unknown;
  try {
    plan = JSON.parse(json);
  } catch {
    throw new Error(`${tool} show -json printed no valid JSON (${json.length} characters)`);
  }
  if (
    typeof plan !== 'object' ||
    plan === null ||
    typeof (plan as TerraformPlan).format_version !== 'string'
  ) {
    throw new Error(`${tool} show -json printed JSON without format_version: is this a plan file?`);
  }
  const major = (plan as TerraformPlan).format_version.split('.')[0];
  if (major !== '1') {
    throw new Error(
      `unsupported plan format_version ${(plan as TerraformPlan).format_version}; this action reads 1.x`,
    );
  }
  return plan as TerraformPlan;
}

/** The plan's reason for a replacement of a tainted object (an interrupted or failed create). */
export const REPLACE_BECAUSE_TAINTED = 'replace_because_tainted';

export function changeKind(actions: readonly string[]): ChangeKind {
  const key = actions.join(',');
  if (key === 'create') return 'create';
  if (key === 'update') return 'update';
  if (key === 'delete') return 'delete';
  if (key === 'read') return 'read';
  if (key === 'delete,create' || key === 'create,delete') return 'replace';
  return 'no-op';
}

/** A value of the plan document, read without trusting its shape. */
export type Json = unknown;
/** The value as an object; anything else (a list, a scalar, null) reads as an empty one. */
export const record = (value: Json): Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, Json>) : {};
/** Nested blocks are lists in the provider's JSON; accept a bare object too. */
export const first = (value: Json): Json => (Array.isArray(value) ? (value[0] as Json) : value);
/** Every block of a nested block list; a bare object is one block. */
const blocks = (value: Json): Json[] =>
  Array.isArray(value) ? value : typeof value === 'object' && value !== null ? [value] : [];
const text = (value: Json): string | undefined => (typeof value === 'string' ? value : undefined);

/** `projects/acme-dev/secrets/database-url-dev` → `acme-dev`; undefined for a bare id. */
export function secretProjectOf(reference: string): string | undefined {
  return /^projects\/([^/]+)\//.exec(reference)?.[1];
}

const withSecretProject = (reference: string): Pick<PlannedEnv, 'secretProject'> => {
  const project = secretProjectOf(reference);
  return project === undefined ? {} : { secretProject: project };
};

/** `projects/123/secrets/database-url-dev` → `database-url-dev`; a bare id stays as it is. */
export function secretIdOf(reference: string): string {
  const match = /(?:^|\/)secrets\/([^/]+)/.exec(reference);
  return match?.[1] ?? reference;
}

function envEntry(entry: Json, unknown: Json, version: 'v1' | 'v2'): PlannedEnv | undefined {
  const name = text(record(entry)['name']);
  if (name === undefined) return undefined;
  const unknownEntry = record(unknown);
  const refKey = version === 'v2' ? 'value_source' : 'value_from';
  const ref = blocks(record(entry)[refKey])[0];
  const keyRef = blocks(record(ref)['secret_key_ref'])[0];
  if (keyRef !== undefined) {
    const secret = text(record(keyRef)[version === 'v2' ? 'secret' : 'name']);
    const pinned = text(record(keyRef)[version === 'v2' ? 'version' : 'key']);
    return {
      name,
      source: 'secret',
      ...(secret === undefined ? {} : { secret: secretIdOf(secret) }),
      ...(secret === undefined ? {} : withSecretProject(secret)),
      version: pinned ?? 'latest',
    };
  }
  if (unknownEntry[refKey] === true) return { name, source: 'unknown' };
  return { name, source: 'plain' };
}

/** Every container's env of a Cloud Run service change, v2 or v1 schema. */
function serviceEnv(change: ResourceChange): { env: PlannedEnv[]; envUnknown: boolean } {
  const version = change.type === CLOUD_RUN_V2 ? 'v2' : 'v1';
  const after = record(change.change.after);
  const afterUnknown = record(change.change.after_unknown);
  const env: PlannedEnv[] = [];
  let envUnknown = false;
  const templates = blocks(after['template']);
  const unknownTemplates = blocks(afterUnknown['template']);
  if (afterUnknown['template'] === true) envUnknown = true;
  templates.forEach((template, t) => {
    const specs = version === 'v2' ? [template] : blocks(record(template)['spec']);
    const unknownSpecs =
      version === 'v2' ? [unknownTemplates[t]] : blocks(record(unknownTemplates[t])['spec']);
    specs.forEach((spec, s) => {
      const unknownSpec = record(unknownSpecs[s]);
      if (unknownSpec['containers'] === true) envUnknown = true;
      const containers = blocks(record(spec)['containers']);
      const unknownContainers = blocks(unknownSpec['containers']);
      containers.forEach((container, c) => {
        const unknownContainer = record(unknownContainers[c]);
        if (unknownContainer['env'] === true) envUnknown = true;
        const unknownEnv = blocks(unknownContainer['env']);
        blocks(record(container)['env']).forEach((entry, e) => {
          const parsed = envEntry(entry, unknownEnv[e], version);
          if (parsed !== undefined) env.push(parsed);
        });
      });
    });
  });
  return { env, envUnknown };
}

/** The planned service's name and location, when the plan knows them as text. */
function serviceWhere(change: ResourceChange): Pick<PlannedService, 'name' | 'location'> {
  const after = record(change.change.after);
  const name = text(after['name']);
  const location = text(after['location']);
  return { ...(name === undefined ? {} : { name }), ...(location === undefined ? {} : { location }) };
}

/**
 * Whether an existing service's `traffic` differs between before and after (a created service
 * has no traffic to keep). Terraform's after holds the refreshed value for an ignored attribute.
 */
function trafficChanges(change: ResourceChange): boolean {
  const before = change.change.before;
  if (before === undefined || before === null) return false;
  if (record(change.change.after_unknown)['traffic'] === true) return true;
  return (
    JSON.stringify(record(before)['traffic'] ?? null) !==
    JSON.stringify(record(change.change.after)['traffic'] ?? null)
  );
}

/** What the checks and the summary need from a plan. */
export function summarisePlan(plan: TerraformPlan): PlanSummary {
  const changes: PlanSummary['changes'] = [];
  const services: PlannedService[] = [];
  const counts = { add: 0, change: 0, replace: 0, destroy: 0 };
  for (const change of plan.resource_changes ?? []) {
    if (change.mode === 'data') continue;
    const kind = changeKind(change.change.actions);
    const reason = typeof change.action_reason === 'string' ? change.action_reason : undefined;
    changes.push({
      address: change.address,
      type: change.type,
      kind,
      actions: [...change.change.actions],
      ...(reason ? { reason } : {}),
    });
    if (kind === 'create') counts.add++;
    else if (kind === 'update') counts.change++;
    else if (kind === 'replace') counts.replace++;
    else if (kind === 'delete') counts.destroy++;
    if ((change.type === CLOUD_RUN_V2 || change.type === CLOUD_RUN_V1) && kind !== 'delete') {
      services.push({
        address: change.address,
        type: change.type,
        kind,
        ...serviceEnv(change),
        ...serviceWhere(change),
        trafficChanges: trafficChanges(change),
      });
    }
  }
  const outputsChange = Object.values(plan.output_changes ?? {}).some(
    (output) => changeKind(output.actions) !== 'no-op',
  );
  const variables = Object.fromEntries(
    Object.entries(plan.variables ?? {}).map(([name, variable]) => [name, variable.value]),
  );
  return {
    services,
    changes,
    counts,
    hasChanges: counts.add + counts.change + counts.replace + counts.destroy > 0 || outputsChange,
    variables,
  };
}
