// The reference service's Terraform (examples/fastapi-service/infra): Terraform cannot run here
// (no providers, no network), so the stacks are parsed with @cdktf/hcl2json and the parts that
// decide a plan are evaluated (./hcl.ts): which secrets exist per environment, which variables
// the Cloud Run service gets and from where, what the variable validations refuse. The names
// come from the service's runtime contract, and the plan fixtures the deploy tests use
// (testkit/deploy-scenarios.ts) must name only what these stacks define.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { declaredVariables } from '../../src/deploy/terraform.js';
import { allKnownNames, loadContract, secretIdFor, type RuntimeContract } from '../../src/lib/contract.js';
import {
  platformPlan,
  RUNTIME_ACCOUNT_ID,
  referenceBypass,
  servicePlan,
  stackDirs,
  type Environment,
  type JsonObject,
} from '../../testkit/deploy-scenarios.js';
import {
  address,
  attributeAst,
  block,
  blocks,
  dynamicBlocks,
  eachBinding,
  Evaluator,
  expandBlocks,
  expandDynamic,
  instanceKeys,
  loadStack,
  planAddresses,
  resource,
  stripInterpolation,
  UNKNOWN,
  type AstNode,
  type Body,
  type Stack,
  type Value,
} from './hcl.js';
import { exampleWorkflowsDir, loadWorkflow, stageSteps } from '../../testkit/workflows.js';

const example = join(import.meta.dirname, '..', '..', 'examples', 'fastapi-service');
const platformDir = join(example, 'infra', 'platform');
const serviceDir = join(example, 'infra', 'service');

const SERVICE = 'google_cloud_run_v2_service';
const SECRET = 'google_secret_manager_secret';
const SECRET_ACCESS = 'google_secret_manager_secret_iam_member';
const BYPASS = 'allow_dev_auth_bypass';
const DIGEST = `europe-west1-docker.pkg.dev/acme-dev/services/fastapi-service@sha256:${'b2'.repeat(32)}`;
const COMMIT = '3f2a9c81d4e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9';
const ENVIRONMENTS: Environment[] = ['dev', 'prod'];
/** The combinations a deploy can run with: prod never takes the bypass. */
const ALLOWED: [Environment, boolean][] = [
  ['dev', false],
  ['dev', true],
  ['prod', false],
];

let contract: RuntimeContract;
let platform: Stack;
let service: Stack;

beforeAll(async () => {
  [contract, platform, service] = await Promise.all([
    loadContract(join(example, 'runtime-contract.yml'), 'contract'),
    loadStack(platformDir),
    loadStack(serviceDir),
  ]);
});

function platformVars(environment: Environment, bypass: boolean, extra: Record<string, Value> = {}) {
  return { project: `acme-${environment}`, region: 'europe-west1', environment, [BYPASS]: bypass, ...extra };
}

function serviceVars(environment: Environment, bypass: boolean, extra: Record<string, Value> = {}) {
  return {
    project: `acme-${environment}`,
    region: 'europe-west1',
    environment,
    image: DIGEST,
    commit_sha: COMMIT,
    base_url: `https://api.${environment}.example.com`,
    clerk_jwks_url: 'https://clerk.example.com/.well-known/jwks.json',
    cloud_sql_instance: `acme-${environment}:europe-west1:main`,
    [BYPASS]: bypass,
    ...extra,
  };
}

/** The contract's secret ids of an environment, for these env names. */
function secretIds(names: string[], environment: string): string[] {
  return names.map((name) => secretIdFor(contract, name, environment)).sort();
}

interface EnvEntry {
  name: string;
  value?: Value;
  secret?: Value;
  version?: Value;
}

function isObject(value: unknown): value is Record<string, Value> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One evaluated env block in the shape the checks compare: a plain value or a secret reference. */
function envEntry(raw: Value): EnvEntry {
  if (!isObject(raw) || typeof raw['name'] !== 'string') {
    throw new Error(`env block without name: ${JSON.stringify(raw)}`);
  }
  const entry: EnvEntry = { name: raw['name'] };
  // A plan shows an unset value as null and an absent value_source as [].
  if (raw['value'] !== undefined && raw['value'] !== null) entry.value = raw['value'];
  const source = raw['value_source'];
  if (source !== undefined && !(Array.isArray(source) && source.length === 0)) {
    const ref = Array.isArray(source) && isObject(source[0]) ? source[0]['secret_key_ref'] : undefined;
    const key = Array.isArray(ref) && isObject(ref[0]) ? ref[0] : undefined;
    if (key === undefined) throw new Error(`${entry.name}: value_source without secret_key_ref`);
    entry.secret = key['secret'];
    entry.version = key['version'];
  }
  return entry;
}

function container(stack: Stack): Body {
  return block(block(resource(stack, SERVICE, 'api'), 'template'), 'containers');
}

/** The service's env as a plan with these variables would hold it. */
async function renderedEnv(vars: Record<string, Value>): Promise<EnvEntry[]> {
  const env = await expandBlocks(new Evaluator(service, vars), container(service), 'env');
  return env.map(envEntry);
}

function byName(entries: EnvEntry[]): Map<string, EnvEntry> {
  const map = new Map<string, EnvEntry>();
  for (const entry of entries) {
    if (map.has(entry.name)) throw new Error(`env ${entry.name} is set twice`);
    map.set(entry.name, entry);
  }
  return map;
}

/** Every conditional in an AST (the node and its meta). */
function conditionals(node: AstNode): AstNode[] {
  const own = node.type === 'conditional' ? [node] : [];
  return [...own, ...node.children.flatMap(conditionals)];
}

/** The locals an expression refers to, followed through other locals. */
async function reachableLocals(stack: Stack, raw: unknown, seen = new Set<string>()): Promise<Set<string>> {
  if (typeof raw !== 'string') return seen;
  for (const match of raw.matchAll(/\blocal\.([A-Za-z_][\w-]*)/g)) {
    const name = match[1]!;
    if (seen.has(name)) continue;
    seen.add(name);
    await reachableLocals(stack, stack.locals[name], seen);
  }
  return seen;
}

function terraformSettings(stack: Stack): Body {
  expect(stack.terraform).toHaveLength(1);
  return stack.terraform[0]!;
}

describe.each([
  ['platform', () => platform, platformVars],
  ['service', () => service, serviceVars],
])('infra/%s: Terraform settings', (_name, stack, vars) => {
  it('pins Terraform >= 1.9 (cross-variable validations), the google provider ~> 6 and a gcs backend set by -backend-config', () => {
    const settings = terraformSettings(stack());
    expect(settings['required_version']).toMatch(/^>= 1\.(9|1\d)\.\d+, < 2\.0\.0$/);
    const providers = blocks(settings, 'required_providers');
    expect(providers).toHaveLength(1);
    const google = providers[0]!['google'] as Record<string, unknown>;
    expect(Object.keys(google).sort()).toEqual(['source', 'version']);
    expect(google['source']).toBe('hashicorp/google');
    expect(google['version']).toMatch(/^~> 6\.\d+$/);
    // Only google: the fixtures' plans know no other provider.
    expect(Object.keys(providers[0]!)).toEqual(['google']);
    expect(settings['backend']).toEqual({ gcs: [{}] });
    expect(Object.keys(stack().providers)).toEqual(['google']);
  });

  it('writes no secret value into Terraform (state and plan would hold it)', () => {
    expect(Object.keys(stack().resources)).not.toContain('google_secret_manager_secret_version');
    expect(stack().text).not.toMatch(/secret_data|google_secret_manager_secret_version/);
  });

  it('declares environment (dev or prod) and allow_dev_auth_bypass (bool, default false)', async () => {
    const variables = stack().variables;
    expect(variables['environment']).toBeDefined();
    expect(variables['environment']).not.toHaveProperty('default');
    expect(variables[BYPASS]).toMatchObject({ type: '${bool}', default: false });
    // What actions/deploy itself reads before it passes -var allow_dev_auth_bypass=….
    expect(declaredVariables(stack().dir).has(BYPASS)).toBe(true);
    for (const environment of ['staging', 'Prod', 'production', '']) {
      const failed = await new Evaluator(stack(), vars('dev', false, { environment })).failedValidations();
      expect(failed.join('\n'), environment).toMatch(/^environment: /m);
    }
    for (const environment of ENVIRONMENTS) {
      expect(await new Evaluator(stack(), vars(environment, false)).failedValidations()).toEqual([]);
    }
  });

  it('refuses the dev auth bypass in prod: a validation of allow_dev_auth_bypass that names it', async () => {
    const validations = blocks(stack().variables[BYPASS]!, 'validation');
    expect(validations.some((v) => /var\.allow_dev_auth_bypass/.test(String(v['condition'])))).toBe(true);
    expect(validations.some((v) => /var\.environment/.test(String(v['condition'])))).toBe(true);
    const refused = await new Evaluator(stack(), vars('prod', true)).failedValidations();
    expect(refused).toEqual([expect.stringMatching(/^allow_dev_auth_bypass: .*prod/)]);
    for (const [environment, bypass] of ALLOWED) {
      expect(await new Evaluator(stack(), vars(environment, bypass)).failedValidations()).toEqual([]);
    }
  });
});

describe('infra/platform', () => {
  it('defines the runtime service account, one secret per id and one accessor binding per secret', () => {
    expect(resource(platform, 'google_service_account', 'api_runtime')).toBeDefined();
    expect(stripInterpolation(String(resource(platform, SECRET, 'secrets')['for_each']))).toMatch(/^local\./);
    const access = resource(platform, SECRET_ACCESS, 'runtime_access');
    // The same keys as the secrets: a binding for each, and none without its secret.
    expect(access['for_each']).toBe(`\${${SECRET}.secrets}`);
    expect(access['role']).toBe('roles/secretmanager.secretAccessor');
    expect(access['member']).toBe('${google_service_account.api_runtime.member}');
    expect(() => resource(platform, SECRET, 'api')).toThrow(/defines no google_secret_manager_secret\.api/);
  });

  it('names the runtime account as the plan fixtures do (api-runtime@PROJECT)', async () => {
    const evaluator = new Evaluator(platform, platformVars('dev', false));
    expect(
      await evaluator.value(resource(platform, 'google_service_account', 'api_runtime')['account_id']),
    ).toBe(RUNTIME_ACCOUNT_ID);
  });

  it.each(ALLOWED)(
    'in %s with the bypass %s, creates a secret for each contract secret, the dev-only ones only with the bypass',
    async (environment, bypass) => {
      const evaluator = new Evaluator(platform, platformVars(environment, bypass));
      const names = [
        ...contract.env.requiredSecrets,
        ...contract.env.optionalSecrets,
        ...(bypass ? contract.env.devOnlySecrets : []),
      ];
      const keys = await instanceKeys(evaluator, SECRET, 'secrets');
      expect(keys).toEqual(secretIds(names, environment));
      expect(await instanceKeys(evaluator, SECRET_ACCESS, 'runtime_access')).toEqual(keys);
      const secrets = resource(platform, SECRET, 'secrets');
      for (const key of keys as string[]) {
        const each = await eachBinding(evaluator, SECRET, 'secrets', key);
        // secret_id is the key: the id the service stack and the deploy preflight ask for.
        expect(await evaluator.value(secrets['secret_id'], { each })).toBe(key);
      }
      expect(blocks(secrets, 'replication')).toEqual([{ auto: [{}] }]);
      const bypassIds = secretIds(contract.env.devOnlySecrets, environment);
      for (const id of bypassIds) expect(keys.includes(id)).toBe(bypass);
    },
  );

  it('adds the dev-bypass secret through a conditional on var.allow_dev_auth_bypass, with nothing otherwise', async () => {
    const secrets = resource(platform, SECRET, 'secrets');
    const locals = await reachableLocals(platform, secrets['for_each']);
    const found: AstNode[] = [];
    for (const name of locals) {
      const raw = platform.locals[name];
      if (typeof raw === 'string' && raw.includes('${')) found.push(...conditionals(await attributeAst(raw)));
    }
    const onBypass = found.filter((node) => node.meta['conditionExpression'] === 'var.allow_dev_auth_bypass');
    expect(onBypass).toHaveLength(1);
    const evaluator = new Evaluator(platform, platformVars('dev', true));
    const branch = (key: string) => evaluator.expression(String(onBypass[0]!.meta[key]));
    expect(await branch('trueExpression')).toEqual(contract.env.devOnlySecrets);
    expect(await branch('falseExpression')).toEqual([]);
    // Nothing else of the secret set depends on a condition.
    expect(found).toHaveLength(1);
  });

  it('outputs the runtime account (as the fixtures name it) and the secret ids', () => {
    expect(Object.keys(platform.outputs).sort()).toEqual(['runtime_service_account', 'secret_ids']);
    expect(platform.outputs['runtime_service_account']!['value']).toBe(
      '${google_service_account.api_runtime.email}',
    );
  });

  it('declares no image variable: actions/deploy would then demand an image for the platform stack', () => {
    expect(declaredVariables(platformDir).has('image')).toBe(false);
    expect(declaredVariables(serviceDir).has('image')).toBe(true);
  });
});

describe('infra/service', () => {
  it('defines google_cloud_run_v2_service.api, labelled commit-sha = var.commit_sha', async () => {
    const api = resource(service, SERVICE, 'api');
    expect(api['labels']).toEqual({ 'commit-sha': '${var.commit_sha}' });
    const evaluator = new Evaluator(service, serviceVars('dev', false));
    expect(await evaluator.value(api['labels'])).toEqual({ 'commit-sha': COMMIT });
    expect(await evaluator.value(api['name'])).toBe('fastapi-service');
    expect(Object.keys(service.resources)).toEqual([SERVICE]);
  });

  it('declares image, allow_dev_auth_bypass and commit_sha; image and commit_sha have no default', () => {
    for (const name of ['image', BYPASS, 'commit_sha', 'environment', 'project', 'region']) {
      expect(declaredVariables(serviceDir).has(name), name).toBe(true);
    }
    expect(service.variables['image']).not.toHaveProperty('default');
    expect(service.variables['commit_sha']).not.toHaveProperty('default');
  });

  it.each([
    ['a tag', 'europe-west1-docker.pkg.dev/acme-dev/services/fastapi-service:latest', false],
    ['a short digest', 'europe-west1-docker.pkg.dev/acme-dev/services/fastapi-service@sha256:abc', false],
    ['a digest', DIGEST, true],
  ])('image: %s is %s', async (_label, image, accepted) => {
    const failed = await new Evaluator(service, serviceVars('dev', false, { image })).failedValidations();
    expect(failed).toEqual(accepted ? [] : [expect.stringMatching(/^image: /)]);
  });

  it.each([
    ['a full SHA', COMMIT, true],
    ['a short SHA', '3f2a9c8', true],
    ['a branch name', 'main', false],
    ['an upper-case SHA', COMMIT.toUpperCase(), false],
  ])(
    'commit_sha: %s is %s (the stale-commit guard reads 7 to 40 hex digits)',
    async (_label, commit, accepted) => {
      const failed = await new Evaluator(
        service,
        serviceVars('dev', false, { commit_sha: commit }),
      ).failedValidations();
      expect(failed).toEqual(accepted ? [] : [expect.stringMatching(/^commit_sha: /)]);
    },
  );

  it('runs the digest on port 8080 as the runtime account, with Cloud SQL mounted at /cloudsql', async () => {
    const evaluator = new Evaluator(service, serviceVars('prod', false));
    const template = block(resource(service, SERVICE, 'api'), 'template');
    expect(await evaluator.value(template['service_account'])).toBe(
      `${RUNTIME_ACCOUNT_ID}@acme-prod.iam.gserviceaccount.com`,
    );
    const main = container(service);
    expect(await evaluator.value(main['image'])).toBe(DIGEST);
    expect(blocks(main, 'ports')).toEqual([{ container_port: 8080 }]);
    expect(await evaluator.value(blocks(template, 'volumes'))).toEqual([
      { name: 'cloudsql', cloud_sql_instance: [{ instances: ['acme-prod:europe-west1:main'] }] },
    ]);
    expect(blocks(main, 'volume_mounts')).toEqual([{ name: 'cloudsql', mount_path: '/cloudsql' }]);
  });

  const scenarios: [Environment, boolean, Record<string, Value>][] = ALLOWED.flatMap(
    ([environment, bypass]) => [
      [environment, bypass, {}],
      [
        environment,
        bypass,
        {
          clerk_issuer: 'https://clerk.example.com',
          resend_enabled: true,
          resend_from_email: 'noreply@example.com',
        },
      ],
    ],
  );

  it.each(scenarios)(
    'in %s with the bypass %s (%j): the env follows the contract',
    async (environment, bypass, extra) => {
      const vars = serviceVars(environment, bypass, extra);
      const env = byName(await renderedEnv(vars));
      const secretNames = new Set([
        ...contract.env.requiredSecrets,
        ...contract.env.optionalSecrets,
        ...contract.env.devOnlySecrets,
      ]);
      // Every secret the service gets comes from Secret Manager, named by the contract: never a value.
      for (const entry of env.values()) {
        if (!secretNames.has(entry.name)) continue;
        expect(entry, entry.name).toEqual({
          name: entry.name,
          secret: secretIdFor(contract, entry.name, environment),
          version: 'latest',
        });
      }
      for (const name of contract.env.requiredSecrets) expect(env.get(name)?.secret, name).toBeDefined();
      for (const name of contract.env.requiredPlain) {
        expect(typeof env.get(name)?.value, name).toBe('string');
        expect(env.get(name)?.secret, name).toBeUndefined();
      }
      expect(env.get('ENV')?.value).toBe(environment);
      expect(env.get('BASE_URL')?.value).toBe(vars.base_url);
      expect(env.get('COMMIT_SHA')?.value).toBe(COMMIT);
      // The dev-only variables exactly when the bypass is on.
      expect(env.get('ALLOW_DEV_AUTH_BYPASS')).toEqual(
        bypass ? { name: 'ALLOW_DEV_AUTH_BYPASS', value: 'true' } : undefined,
      );
      for (const name of [...contract.env.devOnlyPlain, ...contract.env.devOnlySecrets]) {
        expect(env.has(name), name).toBe(bypass);
      }
      // Optional ones only when given; no name the contract does not know (actions/deploy warns).
      expect(env.has('CLERK_ISSUER')).toBe('clerk_issuer' in extra);
      expect(env.has('RESEND_API_KEY')).toBe('resend_enabled' in extra);
      const known = allKnownNames(contract);
      expect([...env.keys()].filter((name) => !known.has(name))).toEqual([]);
      expect([...env.keys()].filter((name) => contract.env.codeDefaults.includes(name))).toEqual([]);
    },
  );

  it('injects the dev-only variables only from dynamic blocks whose for_each is a conditional on var.allow_dev_auth_bypass', async () => {
    const devOnly = new Set([...contract.env.devOnlyPlain, ...contract.env.devOnlySecrets]);
    const main = container(service);
    // Never a static env block.
    const staticNames = blocks(main, 'env').map((entry) => entry['name']);
    expect(staticNames.filter((name) => devOnly.has(String(name)))).toEqual([]);
    const evaluator = new Evaluator(
      service,
      serviceVars('dev', true, { resend_enabled: true, clerk_issuer: 'x' }),
    );
    const producing = new Set<string>();
    let conditional = 0;
    for (const dynamic of dynamicBlocks(main, 'env')) {
      const names = (await expandDynamic(evaluator, dynamic)).map((raw) => envEntry(raw).name);
      if (!names.some((name) => devOnly.has(name))) continue;
      // A block that yields a dev-only variable yields nothing else, and only on the flag.
      expect(
        names.every((name) => devOnly.has(name)),
        names.join(),
      ).toBe(true);
      names.forEach((name) => producing.add(name));
      const ast = await attributeAst(String(dynamic.forEach));
      expect(ast.type).toBe('conditional');
      expect(ast.meta['conditionExpression']).toBe('var.allow_dev_auth_bypass');
      expect(await evaluator.expression(String(ast.meta['falseExpression']))).toEqual([]);
      conditional += 1;
    }
    expect([...producing].sort()).toEqual([...devOnly].sort());
    expect(conditional).toBe(2);
  });

  it('outputs url and revision from the service', () => {
    expect(Object.keys(service.outputs).sort()).toEqual(['revision', 'url']);
    expect(service.outputs['url']!['value']).toBe(`\${${SERVICE}.api.uri}`);
    expect(String(service.outputs['revision']!['value'])).toMatch(
      new RegExp(`^\\$\\{basename\\(${SERVICE}\\.api\\.latest_(created|ready)_revision\\)\\}$`),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The plan fixtures of the deploy tests against these stacks

interface FixtureChange {
  address: string;
  type: string;
  name: string;
  index?: string | number;
  change: { actions: string[]; after: Value; before: Value };
}

function changes(plan: JsonObject): FixtureChange[] {
  return plan['resource_changes'] as unknown as FixtureChange[];
}

function fixtureVariables(plan: JsonObject): Record<string, Value> {
  const variables = plan['variables'] as Record<string, { value: Value }>;
  return Object.fromEntries(Object.entries(variables).map(([name, entry]) => [name, entry.value]));
}

/**
 * What a fixture plan names that the stack, with the fixture's variables (and `extra`), would
 * not: undeclared variables and outputs, and resource instances the stack cannot produce.
 */
async function mismatches(plan: JsonObject, stack: Stack, extra: Record<string, Value>): Promise<string[]> {
  const problems: string[] = [];
  const given = Object.entries({ ...fixtureVariables(plan), ...extra });
  for (const [name] of given) {
    if (!Object.hasOwn(stack.variables, name)) problems.push(`variable ${name}`);
  }
  const declared = given.filter(([name]) => Object.hasOwn(stack.variables, name));
  const produced = await planAddresses(new Evaluator(stack, Object.fromEntries(declared)));
  for (const change of changes(plan)) {
    if (address(change.type, change.name, change.index) !== change.address) {
      problems.push(`address ${change.address} does not match its type, name and index`);
    }
    const deletion = change.change.actions.length === 1 && change.change.actions[0] === 'delete';
    if (!deletion) {
      if (!produced.has(change.address)) problems.push(`resource ${change.address}`);
    } else if (stack.resources[change.type]?.[change.name] === undefined) {
      problems.push(`resource ${change.address}`);
    } else if (produced.has(change.address)) {
      // A deletion is of an instance the configuration no longer has.
      problems.push(`deleted ${change.address}, which the stack still defines`);
    }
  }
  for (const name of Object.keys(plan['output_changes'] as JsonObject)) {
    if (!Object.hasOwn(stack.outputs, name)) problems.push(`output ${name}`);
  }
  const configuration = (
    plan['configuration'] as { root_module: { resources: { type: string; name: string }[] } }
  ).root_module.resources;
  for (const { type, name } of configuration) {
    if (stack.resources[type]?.[name] === undefined) problems.push(`configuration ${type}.${name}`);
  }
  return problems;
}

const SERVICE_EXTRA = {
  base_url: 'https://api.dev.example.com',
  clerk_jwks_url: 'https://clerk.example.com/.well-known/jwks.json',
  cloud_sql_instance: 'acme-dev:europe-west1:main',
};

describe("the deploy tests' plan fixtures name what the stacks define", () => {
  const platformCases = ALLOWED.flatMap(([environment, bypass]) =>
    (['no-op', 'create'] as const).map((action) => [environment, bypass, action] as const),
  );

  it.each(platformCases)('platformPlan(%s, bypass %s, %s)', async (environment, bypass, action) => {
    const plan = platformPlan({ environment, devBypassSecret: bypass, action });
    // Without the Cloud SQL binding the stack and the fixture hold the same instances.
    expect(await mismatches(plan, platform, { [BYPASS]: bypass, grant_cloud_sql_client: false })).toEqual([]);
    const evaluator = (grant: boolean) =>
      new Evaluator(platform, { ...fixtureVariables(plan), [BYPASS]: bypass, grant_cloud_sql_client: grant });
    const fixture = new Set(changes(plan).map((change) => change.address));
    expect(await planAddresses(evaluator(false))).toEqual(fixture);
    expect([...(await planAddresses(evaluator(true)))].filter((a) => !fixture.has(a))).toEqual([
      'google_project_iam_member.runtime_cloud_sql_client[0]',
    ]);
    // The for_each keys are the contract's secret ids of the environment.
    const secretNames = [
      ...contract.env.requiredSecrets,
      ...contract.env.optionalSecrets,
      ...contract.env.devOnlySecrets,
    ];
    const ids = new Set(secretIds(secretNames, environment));
    for (const change of changes(plan).filter((c) => c.index !== undefined)) {
      expect(ids.has(String(change.index)), change.address).toBe(true);
    }
  });

  it('a prod platform plan with the bypass secret names an instance the stack cannot produce', async () => {
    const plan = platformPlan({ environment: 'prod', devBypassSecret: true });
    expect(await mismatches(plan, platform, { [BYPASS]: false })).toEqual([
      `resource ${SECRET}.secrets["dev-bypass-secret-prod"]`,
      `resource ${SECRET_ACCESS}.runtime_access["dev-bypass-secret-prod"]`,
    ]);
    // …and with the flag on, the stack refuses to plan at all.
    expect(await new Evaluator(platform, platformVars('prod', true)).failedValidations()).not.toEqual([]);
  });

  it('a secret the contract does not know, a made-up resource or variable is found', async () => {
    const plan = platformPlan({
      secrets: ['DATABASE_URL', 'CLERK_SECRET_KEY', 'ADMIN_API_KEY', 'RESEND_API_KEY', 'OLD_KEY'],
    });
    expect(await mismatches(plan, platform, { grant_cloud_sql_client: false })).toEqual([
      `resource ${SECRET}.secrets["old-key-dev"]`,
      `resource ${SECRET_ACCESS}.runtime_access["old-key-dev"]`,
    ]);
    const base = platformPlan();
    const madeUp: JsonObject = {
      ...base,
      variables: { ...(base['variables'] as JsonObject), undeclared_thing: { value: 'x' } },
      resource_changes: [
        ...changes(base).map((change) => change as unknown as JsonObject),
        {
          address: 'google_service_account.deployer',
          type: 'google_service_account',
          name: 'deployer',
          change: { actions: ['create'], before: null, after: {} },
        },
      ],
    };
    expect(await mismatches(madeUp, platform, {})).toEqual([
      'variable undeclared_thing',
      'resource google_service_account.deployer',
    ]);
  });

  it('a deletion names a resource of the stack, and an instance it no longer has', async () => {
    const plan = platformPlan({ deleteSecrets: ['OLD_KEY'] });
    expect(await mismatches(plan, platform, {})).toEqual([]);
    expect(await mismatches(platformPlan({ deleteSecrets: ['DATABASE_URL'] }), platform, {})).toEqual([
      `deleted ${SECRET}.secrets["database-url-dev"], which the stack still defines`,
    ]);
  });

  const serviceCases = ENVIRONMENTS.flatMap((environment) =>
    (['update', 'create', 'no-op', 'replace'] as const).map((action) => [environment, action] as const),
  );

  it.each(serviceCases)('servicePlan(%s, %s)', async (environment, action) => {
    const plan = servicePlan({ environment, action });
    expect(await mismatches(plan, service, SERVICE_EXTRA)).toEqual([]);
    const evaluator = new Evaluator(service, { ...fixtureVariables(plan), ...SERVICE_EXTRA });
    expect(await planAddresses(evaluator)).toEqual(new Set(changes(plan).map((change) => change.address)));
    const after = changes(plan)[0]!.change.after as Record<string, Value>;
    const template = (after['template'] as Record<string, Value>[])[0]!;
    // The label the stale-commit guard reads, and the account the platform stack creates.
    expect(await evaluator.value(resource(service, SERVICE, 'api')['labels'])).toEqual(after['labels']);
    expect(
      await evaluator.value(block(resource(service, SERVICE, 'api'), 'template')['service_account']),
    ).toBe(template['service_account']);
    // Each secret the fixture's service reads is one the stack reads, from the same secret.
    const rendered = byName(
      await renderedEnv({ ...fixtureVariables(plan), ...SERVICE_EXTRA, image: DIGEST, commit_sha: COMMIT }),
    );
    const containers = template['containers'] as Record<string, Value>[];
    for (const entry of (containers[0]!['env'] as Value[]).map(envEntry)) {
      expect(rendered.has(entry.name), entry.name).toBe(true);
      if (entry.secret !== undefined) {
        expect(entry.secret).toBe(secretIdFor(contract, entry.name, environment));
        expect(rendered.get(entry.name)).toMatchObject({ secret: entry.secret, version: entry.version });
      }
    }
  });

  it('the reference bypass rule is what the stack injects in dev with the flag', async () => {
    const rule = referenceBypass('dev');
    expect(rule.variable).toBe(BYPASS);
    expect(rule.resource).toBe(`${SERVICE}.api`);
    const env = byName(await renderedEnv(serviceVars('dev', true)));
    for (const expected of rule.env) {
      const entry = env.get(expected.name);
      expect(entry, expected.name).toEqual(
        'secret' in expected
          ? { name: expected.name, secret: expected.secret, version: expected.version }
          : { name: expected.name, value: expected.value },
      );
    }
    expect(rule.env.map((entry) => entry.name).sort()).toEqual(
      [...contract.env.devOnlyPlain, ...contract.env.devOnlySecrets].sort(),
    );
  });

  it('a v1 service or another name is not what the stack defines', async () => {
    expect(await mismatches(servicePlan({ v1: true }), service, SERVICE_EXTRA)).toEqual([
      'resource google_cloud_run_service.api',
      'configuration google_cloud_run_service.api',
    ]);
    expect(await mismatches(servicePlan({ name: 'web' }), service, SERVICE_EXTRA)).toEqual([
      `resource ${SERVICE}.web`,
      `configuration ${SERVICE}.web`,
    ]);
  });

  it.each([
    ['service', () => service, stackDirs.service],
    ['platform', () => platform, stackDirs.platform],
  ])(
    'the fixture %s stack declares only variables the real one declares, with the same types',
    async (_name, stack, dir) => {
      const fixture = await loadStack(dir);
      for (const [name, body] of Object.entries(fixture.variables)) {
        expect(stack().variables[name], name).toBeDefined();
        expect(stack().variables[name]!['type'], name).toEqual(body['type']);
      }
      expect(Object.keys(fixture.variables).length).toBeGreaterThan(0);
    },
  );
});

/** The names a `vars` input sets (`name=value` lines); a line that is one expression is skipped. */
function varNames(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^\$\{\{.*\}\}$/.test(line))
    .map((line) => line.slice(0, line.indexOf('=')).trim());
}

describe('the pipeline and the reference callers set what the stacks need', () => {
  it.each([
    ['platform', 'platform', 'platform-stack', 'platform-vars'],
    ['service', 'deploy', 'service-stack', 'service-vars'],
  ] as const)(
    'infra/%s: every variable set is declared, and every one without a default is set',
    (stackName, jobId, stackInput, varsInput) => {
      const stack = stackName === 'service' ? service : platform;
      const step = stageSteps(loadWorkflow('pipeline.yml').jobs[jobId]!).find(
        (s) => s.stage === 'deploy',
      )?.step;
      expect(step, jobId).toBeDefined();
      expect(String(step!.with?.['working-directory'])).toContain(`inputs.${stackInput}`);
      const fromPipeline = varNames(step!.with?.['vars']);
      expect(fromPipeline).toEqual(expect.arrayContaining(['project', 'region', 'environment']));
      // actions/deploy passes these itself, each when the stack declares it.
      const fromAction = stackName === 'service' ? ['image', BYPASS] : [BYPASS];
      for (const caller of ['deploy-dev.yml', 'deploy-prod.yml']) {
        const call = loadWorkflow(join(exampleWorkflowsDir, caller)).jobs['deploy']!;
        const set = new Set([...fromPipeline, ...varNames(call.with?.[varsInput]), ...fromAction]);
        // Terraform refuses a -var for an undeclared variable…
        expect(
          [...set].filter((name) => !Object.hasOwn(stack.variables, name)),
          caller,
        ).toEqual([]);
        // …and asks for a variable without a default, which a run in automation cannot answer.
        const required = Object.entries(stack.variables)
          .filter(([, body]) => !Object.hasOwn(body, 'default'))
          .map(([name]) => name);
        expect(
          required.filter((name) => !set.has(name)),
          caller,
        ).toEqual([]);
      }
    },
  );
});

describe('the evaluator refuses what it does not understand', () => {
  it('throws on an unknown function, an unknown reference and an undeclared variable', async () => {
    const evaluator = new Evaluator(service, serviceVars('dev', false));
    await expect(evaluator.value('${sha256(var.image)}')).rejects.toThrow(/unsupported function sha256/);
    await expect(evaluator.value('${module.x.y}')).rejects.toThrow(/unknown reference/);
    await expect(evaluator.value('${var.nope}')).rejects.toThrow(/undeclared variable/);
    expect(() => new Evaluator(service, { nope: 1 })).toThrow(/declares no variable "nope"/);
    expect(await evaluator.value(`\${${SERVICE}.api.uri}`)).toBe(UNKNOWN);
  });
});
