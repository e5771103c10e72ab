import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPlanAgainstContract, type ContractCheckContext } from '../../src/deploy/checks.js';
import { DEFAULT_CONTRACT, loadContract, type RuntimeContract } from '../../src/lib/contract.js';
import { changeKind, parsePlan, secretIdOf, summarisePlan } from '../../src/deploy/terraform-plan.js';
import { platformPlan, servicePlan, type ServicePlanOptions } from '../../testkit/deploy-scenarios.js';

let contract: RuntimeContract;
beforeAll(async () => {
  contract = await loadContract(
    join(import.meta.dirname, '..', 'fixtures', 'contracts', 'runtime-contract.yml'),
    'contract',
  );
});

const summary = (options: ServicePlanOptions = {}) =>
  summarisePlan(parsePlan(JSON.stringify(servicePlan(options))));

function check(options: ServicePlanOptions, context: Partial<ContractCheckContext> = {}) {
  const environment = context.environment ?? options.environment ?? 'dev';
  const plan = summary({ environment: environment === 'prod' ? 'prod' : 'dev', ...options });
  // As Terraform resolves it from the -var the action passes.
  plan.variables['allow_dev_auth_bypass'] = environment !== 'prod' && (context.allowDevAuthBypass ?? false);
  return checkPlanAgainstContract(plan, {
    contract,
    hasContract: true,
    environment,
    production: environment === 'prod',
    allowDevAuthBypass: false,
    bypassVariable: 'allow_dev_auth_bypass',
    allowDestroy: false,
    ...context,
  });
}
const errors = (findings: ReturnType<typeof check>) =>
  findings.filter((f) => f.level === 'error').map((f) => f.message);
const warnings = (findings: ReturnType<typeof check>) =>
  findings.filter((f) => f.level === 'warning').map((f) => f.message);

const bypassEnv = {
  plainEnv: { ENV: 'dev', BASE_URL: 'https://api.dev.example.com', ALLOW_DEV_AUTH_BYPASS: 'true' },
  secretEnv: {
    DATABASE_URL: { secret: 'database-url-dev', version: 'latest' },
    CLERK_SECRET_KEY: { secret: 'clerk-secret-key-dev', version: 'latest' },
    ADMIN_API_KEY: { secret: 'admin-api-key-dev', version: 'latest' },
    DEV_BYPASS_SECRET: { secret: 'dev-bypass-secret-dev', version: 'latest' },
  },
};

describe('parsePlan', () => {
  it('refuses text that is not a plan, without quoting it', () => {
    expect(() => parsePlan('{"password": "hunter2"')).toThrow(
      'terraform show -json printed no valid JSON (22 characters)',
    );
    expect(() => parsePlan('{"a": 1}')).toThrow(/without format_version/);
    expect(() => parsePlan('{"format_version": "2.0"}')).toThrow(/unsupported plan format_version 2.0/);
  });
});

describe('summarisePlan', () => {
  it('reads the v2 service env: plain values and Secret Manager references with versions', () => {
    const plan = summary({
      secretEnv: { DATABASE_URL: { secret: 'database-url-dev', version: '3' } },
      plainEnv: { ENV: 'dev' },
    });
    expect(plan.services).toHaveLength(1);
    expect(plan.services[0]).toMatchObject({
      address: 'google_cloud_run_v2_service.api',
      type: 'google_cloud_run_v2_service',
      envUnknown: false,
    });
    expect(plan.services[0]?.env).toEqual([
      { name: 'DATABASE_URL', source: 'secret', secret: 'database-url-dev', version: '3' },
      { name: 'ENV', source: 'plain' },
    ]);
  });

  it('reads the v1 google_cloud_run_service shape the same way', () => {
    const plan = summary({
      v1: true,
      secretEnv: { DATABASE_URL: { secret: 'database-url-dev', version: 'latest' } },
      plainEnv: { ENV: 'dev' },
    });
    expect(plan.services[0]?.type).toBe('google_cloud_run_service');
    expect(plan.services[0]?.env).toEqual([
      { name: 'DATABASE_URL', source: 'secret', secret: 'database-url-dev', version: 'latest' },
      { name: 'ENV', source: 'plain' },
    ]);
  });

  it('marks an env known only after apply', () => {
    expect(summary({ unknownEnv: true }).services[0]?.envUnknown).toBe(true);
  });

  it('counts changes and tells no-op plans apart', () => {
    expect(summary({ action: 'update' }).counts).toEqual({ add: 0, change: 1, replace: 0, destroy: 0 });
    expect(summary({ action: 'replace' }).counts).toEqual({ add: 0, change: 0, replace: 1, destroy: 0 });
    const platform = summarisePlan(parsePlan(JSON.stringify(platformPlan({ action: 'no-op' }))));
    expect(platform.services).toEqual([]);
    expect(platform.counts).toEqual({ add: 0, change: 0, replace: 0, destroy: 0 });
  });

  it.each([
    [['create'], 'create'],
    [['update'], 'update'],
    [['delete', 'create'], 'replace'],
    [['create', 'delete'], 'replace'],
    [['delete'], 'delete'],
    [['no-op'], 'no-op'],
    [['read'], 'read'],
  ])('changeKind(%j) = %s', (actions, kind) => {
    expect(changeKind(actions)).toBe(kind);
  });

  it('takes the secret id from a full resource name', () => {
    expect(secretIdOf('projects/123456789012/secrets/database-url-dev')).toBe('database-url-dev');
    expect(secretIdOf('database-url-dev')).toBe('database-url-dev');
  });
});

describe('checkPlanAgainstContract', () => {
  it('passes the reference service in dev and in prod', () => {
    expect(check({ environment: 'dev' })).toEqual([]);
    expect(check({ environment: 'prod' })).toEqual([]);
  });

  it('refuses any dev-only variable in prod, named case-insensitively, with its source', () => {
    const findings = check(
      {
        environment: 'prod',
        plainEnv: { ENV: 'prod', BASE_URL: 'https://api.example.com', allow_dev_auth_bypass: 'false' },
      },
      { environment: 'prod' },
    );
    expect(errors(findings)).toEqual([
      expect.stringMatching(
        /^google_cloud_run_v2_service\.api: the dev-only variable allow_dev_auth_bypass \(a plain value\) is planned for prod: it must never reach production/,
      ) as string,
    ]);
  });

  it('refuses a bypass variable that resolved to on in prod even without env', () => {
    const plan = summary({ environment: 'prod' });
    plan.variables['allow_dev_auth_bypass'] = true;
    const findings = checkPlanAgainstContract(plan, {
      contract,
      hasContract: true,
      environment: 'prod',
      production: true,
      allowDevAuthBypass: false,
      bypassVariable: 'allow_dev_auth_bypass',
      allowDestroy: false,
    });
    expect(errors(findings)[0]).toMatch(/^the plan sets variable allow_dev_auth_bypass = true for prod/);
  });

  it('holds the production guard without a contract file', () => {
    const plan = summary({
      environment: 'prod',
      secretEnv: { DEV_BYPASS_SECRET: { secret: 'x', version: 'latest' } },
      plainEnv: {},
    });
    const findings = checkPlanAgainstContract(plan, {
      contract: DEFAULT_CONTRACT,
      hasContract: false,
      environment: 'production',
      production: true,
      allowDevAuthBypass: false,
      bypassVariable: 'allow_dev_auth_bypass',
      allowDestroy: false,
    });
    expect(errors(findings)).toHaveLength(1);
    expect(errors(findings)[0]).toContain(
      'the dev-only variable DEV_BYPASS_SECRET (secret x:latest) is planned for production',
    );
  });

  it('in dev, wants the dev-only variables exactly when the flag is true', () => {
    expect(check(bypassEnv, { allowDevAuthBypass: true })).toEqual([]);
    expect(errors(check(bypassEnv, { allowDevAuthBypass: false }))).toEqual([
      expect.stringContaining(
        'ALLOW_DEV_AUTH_BYPASS is planned although allow-dev-auth-bypass is false',
      ) as string,
      expect.stringContaining(
        'DEV_BYPASS_SECRET is planned although allow-dev-auth-bypass is false',
      ) as string,
    ]);
    expect(errors(check({}, { allowDevAuthBypass: true }))).toEqual([
      expect.stringContaining(
        'allow-dev-auth-bypass is true but the plan injects no ALLOW_DEV_AUTH_BYPASS',
      ) as string,
      expect.stringContaining(
        'allow-dev-auth-bypass is true but the plan injects no DEV_BYPASS_SECRET',
      ) as string,
    ]);
  });

  it('refuses a required secret given as a plain value', () => {
    const findings = check({
      plainEnv: { ENV: 'dev', BASE_URL: 'x', DATABASE_URL: 'postgresql://u:p@/db' },
      secretEnv: {
        CLERK_SECRET_KEY: { secret: 'clerk-secret-key-dev', version: 'latest' },
        ADMIN_API_KEY: { secret: 'admin-api-key-dev', version: 'latest' },
      },
    });
    expect(errors(findings)).toEqual([
      'google_cloud_run_v2_service.api: DATABASE_URL is a secret but the plan sets it as a plain value: inject it from Secret Manager (value_source.secret_key_ref, secret database-url-dev)',
    ]);
    expect(JSON.stringify(findings)).not.toContain('postgresql://');
  });

  it('refuses a -dev secret in a prod plan', () => {
    const findings = check(
      {
        environment: 'prod',
        secretEnv: {
          DATABASE_URL: { secret: 'database-url-dev', version: 'latest' },
          CLERK_SECRET_KEY: { secret: 'clerk-secret-key-prod', version: 'latest' },
          ADMIN_API_KEY: { secret: 'admin-api-key-prod', version: 'latest' },
        },
      },
      { environment: 'prod' },
    );
    expect(errors(findings)).toEqual([
      'google_cloud_run_v2_service.api: DATABASE_URL reads secret database-url-dev, but in prod it must be database-url-prod (naming {name}-{environment})',
    ]);
  });

  it('names missing required secrets and plain variables; unknown names are warnings', () => {
    const findings = check({
      plainEnv: { ENV: 'dev', FEATURE_X: 'on' },
      secretEnv: { DATABASE_URL: { secret: 'database-url-dev', version: 'latest' } },
    });
    expect(errors(findings)).toEqual([
      'google_cloud_run_v2_service.api: the required secret CLERK_SECRET_KEY is not in the planned environment; add it as value_source.secret_key_ref',
      'google_cloud_run_v2_service.api: the required secret ADMIN_API_KEY is not in the planned environment; add it as value_source.secret_key_ref',
      'google_cloud_run_v2_service.api: the required variable BASE_URL is not in the planned environment',
    ]);
    expect(warnings(findings)).toEqual([
      expect.stringContaining('FEATURE_X is not in the runtime contract') as string,
    ]);
  });

  it('refuses a replace or delete unless allowed', () => {
    expect(errors(check({ action: 'replace' }))).toEqual([
      'google_cloud_run_v2_service.api would be replaced (destroyed, then created): refused unless input allow-destroy is true; check the plan for an unintended change first',
    ]);
    expect(check({ action: 'replace' }, { allowDestroy: true })).toEqual([]);
    const platform = summarisePlan(parsePlan(JSON.stringify(platformPlan({ deleteSecrets: ['OLD_KEY'] }))));
    const findings = checkPlanAgainstContract(platform, {
      contract,
      hasContract: true,
      environment: 'dev',
      production: false,
      allowDevAuthBypass: false,
      bypassVariable: 'allow_dev_auth_bypass',
      allowDestroy: false,
    });
    expect(errors(findings).some((message) => /would be destroyed/.test(message))).toBe(true);
  });

  it('cannot check an env known only after apply: error in prod, warning in dev', () => {
    expect(errors(check({ environment: 'prod', unknownEnv: true }, { environment: 'prod' }))[0]).toMatch(
      /known only after apply.*a production deploy needs a plan that shows it/,
    );
    expect(warnings(check({ unknownEnv: true }))[0]).toMatch(/known only after apply/);
  });
});
