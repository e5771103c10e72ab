// Units of what ties a deploy to its environment: the image repository input, the dev-only
// values in a production job's environment, the digest reference split, and the contract
// checks on secret projects and padded names (runner-level: runner-environment.test.ts).
import { describe, expect, it } from 'vitest';
import { checkPlanAgainstContract } from '../../src/deploy/checks.js';
import { splitDigestReference } from '../../src/deploy/image-check.js';
import { assertNoDevOnlyValues, parseImageRepository, repositoryOf } from '../../src/deploy/inputs.js';
import { secretProjectOf, summarisePlan, type TerraformPlan } from '../../src/deploy/terraform-plan.js';
import { join } from 'node:path';
import { DEFAULT_CONTRACT, loadContract, type RuntimeContract } from '../../src/lib/contract.js';
import { ConfigurationError } from '../../src/lib/errors.js';
import { defaultPlainEnv, defaultSecretEnv, servicePlan } from '../../testkit/deploy-scenarios.js';

const DIGEST = `sha256:${'e5'.repeat(32)}`;

describe('parseImageRepository', () => {
  it.each([
    'europe-west1-docker.pkg.dev/acme-dev/services/api',
    '127.0.0.1:5000/acme/api',
    'ghcr.io/acme/api-server_x.y',
    'docker.io/library/nginx',
  ])('accepts %s', (value) => {
    expect(parseImageRepository(value)).toBe(value);
  });

  it.each([
    ['europe-west1-docker.pkg.dev/acme/api:v1', 'which holds a tag'],
    [`europe-west1-docker.pkg.dev/acme/api@${DIGEST}`, 'which holds a digest'],
    ['127.0.0.1:5000', 'which is not a repository name'],
    ['Ghcr.io/acme/api', 'which is not a repository name'],
    ['ghcr.io/acme/api\n::error::x', 'which is not a repository name'],
    [' ghcr.io/acme/api', 'which is not a repository name'],
  ])('refuses %j (%s), naming the input', (value, why) => {
    expect(() => parseImageRepository(value)).toThrow(ConfigurationError);
    expect(() => parseImageRepository(value)).toThrow(
      new RegExp(`^input "image-repository" is ".*", ${why}`),
    );
  });

  it('repositoryOf and splitDigestReference take a digest reference apart', () => {
    const image = `127.0.0.1:5000/acme/services/api@${DIGEST}`;
    expect(repositoryOf(image)).toBe('127.0.0.1:5000/acme/services/api');
    expect(splitDigestReference(image)).toEqual({
      registry: '127.0.0.1:5000',
      repository: 'acme/services/api',
      digest: DIGEST,
    });
  });
});

describe('assertNoDevOnlyValues (a production job)', () => {
  const contract: RuntimeContract = {
    ...DEFAULT_CONTRACT,
    env: {
      ...DEFAULT_CONTRACT.env,
      devOnlyPlain: ['ALLOW_DEV_AUTH_BYPASS', 'DEV_TOOLS'],
      devOnlySecrets: ['DEV_BYPASS_SECRET'],
    },
  };

  it.each([
    [{ DEV_BYPASS_SECRET: 'x' }, '"DEV_BYPASS_SECRET"'],
    [{ TF_VAR_dev_bypass_secret: 'x' }, '"TF_VAR_dev_bypass_secret" (the dev-only secret DEV_BYPASS_SECRET)'],
    [{ dev_bypass_secret: ' false ' }, '"dev_bypass_secret" (the dev-only secret DEV_BYPASS_SECRET)'],
    [{ ALLOW_DEV_AUTH_BYPASS: 'TRUE' }, '"ALLOW_DEV_AUTH_BYPASS"'],
    [{ TF_VAR_dev_tools: '1' }, '"TF_VAR_dev_tools" (the dev-only variable DEV_TOOLS)'],
  ])('refuses %j', (env, named) => {
    expect(() => assertNoDevOnlyValues(contract, env)).toThrow(
      `this production job's environment holds dev-only variable ${named} (value not shown)`,
    );
  });

  it('names every one, and never a value', () => {
    const secret = 'bypass-secret-value-4c1e';
    let message = '';
    try {
      assertNoDevOnlyValues(contract, { DEV_BYPASS_SECRET: secret, ALLOW_DEV_AUTH_BYPASS: 'true' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('dev-only variables "DEV_BYPASS_SECRET", "ALLOW_DEV_AUTH_BYPASS"');
    expect(message).not.toContain(secret);
  });

  it.each([
    [{}],
    [{ ALLOW_DEV_AUTH_BYPASS: 'false', TF_VAR_allow_dev_auth_bypass: ' False ', DEV_BYPASS_SECRET: '' }],
    [{ DEV_BYPASS_SECRET_FILE: 'x', MY_DEV_BYPASS_SECRET: 'x', TF_VAR_other: 'x' }],
  ])('lets %j pass', (env) => {
    expect(() => assertNoDevOnlyValues(contract, env)).not.toThrow();
  });
});

/** The plan summary of a reference service plan, with its env changed. */
function summary(options: Parameters<typeof servicePlan>[0]) {
  return summarisePlan(servicePlan(options) as unknown as TerraformPlan);
}

const CONTRACT = await loadContract(
  join(import.meta.dirname, '..', 'fixtures', 'contracts', 'runtime-contract.yml'),
  'contract',
);
const context = {
  contract: CONTRACT,
  hasContract: true,
  environment: 'prod',
  production: true,
  allowDevAuthBypass: false,
  bypassVariable: 'allow_dev_auth_bypass',
  allowDestroy: false,
  project: 'acme-prod',
};

const errorsOf = (findings: ReturnType<typeof checkPlanAgainstContract>): string[] =>
  findings.filter((f) => f.level === 'error').map((f) => f.message);

describe('secret references and the deploy project', () => {
  it('secretProjectOf reads the project part, or nothing for a bare id', () => {
    expect(secretProjectOf('projects/acme-dev/secrets/database-url-prod')).toBe('acme-dev');
    expect(secretProjectOf('projects/acme-dev/locations/europe-west1/secrets/x')).toBe('acme-dev');
    expect(secretProjectOf('database-url-prod')).toBeUndefined();
  });

  it.each([
    [
      'projects/acme-dev/secrets/database-url-prod',
      'which is in project "acme-dev", not in this deploy\'s project acme-prod',
    ],
    ['projects/acme-dev/locations/europe-west1/secrets/database-url-prod', 'which is in project "acme-dev"'],
    [
      'projects/123456789012/secrets/database-url-prod',
      'by project number, which cannot be tied to project acme-prod',
    ],
  ])('refuses %s in prod', (reference, message) => {
    const plan = summary({
      environment: 'prod',
      secretEnv: { ...defaultSecretEnv('prod'), DATABASE_URL: { secret: reference, version: 'latest' } },
    });
    expect(errorsOf(checkPlanAgainstContract(plan, context))).toEqual([expect.stringContaining(message)]);
  });

  it.each(['projects/acme-prod/secrets/database-url-prod', 'database-url-prod'])(
    'accepts %s',
    (reference) => {
      const plan = summary({
        environment: 'prod',
        secretEnv: { ...defaultSecretEnv('prod'), DATABASE_URL: { secret: reference, version: 'latest' } },
      });
      expect(errorsOf(checkPlanAgainstContract(plan, context))).toEqual([]);
    },
  );

  it('without a project (the preflight then asks for one) the reference is not compared', () => {
    const plan = summary({
      environment: 'prod',
      secretEnv: {
        ...defaultSecretEnv('prod'),
        DATABASE_URL: { secret: 'projects/acme-dev/secrets/database-url-prod', version: 'latest' },
      },
    });
    expect(errorsOf(checkPlanAgainstContract(plan, { ...context, project: '' }))).toEqual([]);
  });
});

describe('names compared trimmed and in any case', () => {
  it.each(['ALLOW_DEV_AUTH_BYPASS ', ' allow_dev_auth_bypass', '\tAllow_Dev_Auth_Bypass'])(
    'a prod plan with %j is refused as dev-only, and for its white space',
    (name) => {
      const plan = summary({ environment: 'prod', plainEnv: { ...defaultPlainEnv('prod'), [name]: 'true' } });
      const errors = errorsOf(checkPlanAgainstContract(plan, context));
      expect(errors).toContainEqual(expect.stringContaining(`the dev-only variable ${JSON.stringify(name)}`));
      if (name !== name.trim()) {
        expect(errors).toContainEqual(expect.stringContaining('has white space around its name'));
      }
      const warnings = checkPlanAgainstContract(plan, context).filter((f) => f.level === 'warning');
      expect(warnings).toEqual([]);
    },
  );

  it('a padded required secret counts as that secret for the naming rule', () => {
    const plan = summary({
      environment: 'prod',
      secretEnv: {
        CLERK_SECRET_KEY: { secret: 'clerk-secret-key-prod', version: 'latest' },
        ADMIN_API_KEY: { secret: 'admin-api-key-prod', version: 'latest' },
        'DATABASE_URL ': { secret: 'database-url-dev', version: 'latest' },
      },
    });
    const errors = errorsOf(checkPlanAgainstContract(plan, context));
    expect(errors).toContainEqual(expect.stringContaining('but in prod it must be database-url-prod'));
    expect(errors).toContainEqual(expect.stringContaining('"DATABASE_URL " has white space around its name'));
  });
});
