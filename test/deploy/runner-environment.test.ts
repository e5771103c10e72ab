// actions/deploy as the runner runs it, on what ties a deploy to its environment: the image to
// its repository (and its digest to the registry: Debian's docker-registry on 127.0.0.1, an
// image pushed there with skopeo), the secrets to the deploy's project (Secret Manager: the local
// Google emulator, no gcloud on PATH), the contract's names compared trimmed, and no dev-only
// value in a production job's environment.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runAction, workflowCommands } from '../../testkit/local-runner.mjs';
import { startGitHubApi, type GitHubApi } from '../../testkit/github-api.js';
import {
  defaultPlainEnv,
  defaultSecretEnv,
  PREVIOUS_COMMIT,
  referenceBypass,
  REPOSITORY,
  RUN_COMMIT,
  serviceOutputs,
  servicePlan,
  stackDirs,
  standinsDir,
  terraformCalls,
  writeTerraformScenario,
  type Environment,
  type TerraformScenario,
} from '../../testkit/deploy-scenarios.js';
import { emulatorRunEnv, putSecrets, startEmulator, type SecretVersions } from '../../testkit/google.js';
import {
  containersEnv,
  startFlakyProxy,
  startRegistry,
  startSilentServer,
  type ContainersEnv,
  type TestRegistry,
} from '../../testkit/registry.js';
import { run as runTool } from '../../testkit/process.js';

const GCP_IMAGE = `europe-west1-docker.pkg.dev/acme-dev/services/api@sha256:${'c3'.repeat(32)}`;
const CONTRACT = join(repoRoot, 'test', 'fixtures', 'contracts', 'runtime-contract.yml');
const GITHUB_TOKEN = 'ghs_EnvironmentTestToken5e2d8a1c9b4f7e3a6d';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let githubApi: GitHubApi;
let registry: TestRegistry;
let tokenRegistry: TestRegistry;
let containers: ContainersEnv;
beforeAll(async () => {
  githubApi = await startGitHubApi({
    repository: REPOSITORY,
    graph: { main: [PREVIOUS_COMMIT, RUN_COMMIT] },
    token: GITHUB_TOKEN,
  });
  [registry, tokenRegistry] = await Promise.all([startRegistry(), startRegistry({ auth: 'token' })]);
  containers = containersEnv();
}, 30_000);
afterAll(async () => {
  await githubApi.close();
  await Promise.all([registry.stop(), tokenRegistry.stop()]);
  await containers.cleanup();
});

/**
 * A small image as an OCI layout (one layer with one file, its config), written by hand and
 * pushed with skopeo: the registry then holds a real manifest whose digest skopeo reports.
 */
async function pushImage(target: TestRegistry, repository: string, text: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'oci-layout-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const blobs = join(dir, 'layout', 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const sha = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
  const blob = (data: Buffer): { digest: string; size: number } => {
    const hex = sha(data);
    writeFileSync(join(blobs, hex), data);
    return { digest: `sha256:${hex}`, size: data.length };
  };
  mkdirSync(join(dir, 'root'));
  writeFileSync(join(dir, 'root', 'hello.txt'), text);
  execFileSync('tar', ['-C', join(dir, 'root'), '-cf', join(dir, 'layer.tar'), 'hello.txt']);
  const tar = execFileSync('cat', [join(dir, 'layer.tar')]);
  const layer = blob(execFileSync('gzip', ['-n', '-c', join(dir, 'layer.tar')]));
  const config = blob(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: {},
        rootfs: { type: 'layers', diff_ids: [`sha256:${sha(tar)}`] },
      }),
    ),
  );
  const manifest = blob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
      }),
    ),
  );
  writeFileSync(join(dir, 'layout', 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(dir, 'layout', 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          annotations: { 'org.opencontainers.image.ref.name': 'latest' },
        },
      ],
    }),
  );
  await runTool(
    'skopeo',
    [
      'copy',
      '--preserve-digests',
      '--dest-tls-verify=false',
      ...(target.auth === 'none' ? [] : ['--dest-creds', `${target.username}:${target.password}`]),
      `oci:${join(dir, 'layout')}:latest`,
      `docker://${target.host}/${repository}:sha-3f2a9c8`,
    ],
    { env: containers.env, timeoutMs: 30_000 },
  );
  const digest = await target.manifestDigest(repository, 'sha-3f2a9c8');
  expect(digest).toBe(manifest.digest);
  return digest;
}

/** A runner HOME without registry logins, or with one for `host` in Docker's config.json. */
function registryLogin(login?: { host: string; username: string; password: string }): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), 'runner-home-'));
  cleanups.push(() => rmSync(home, { recursive: true, force: true }));
  mkdirSync(join(home, '.docker'));
  const auths =
    login === undefined
      ? {}
      : { [login.host]: { auth: Buffer.from(`${login.username}:${login.password}`).toString('base64') } };
  writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths }));
  return {
    HOME: home,
    DOCKER_CONFIG: join(home, '.docker'),
    REGISTRY_AUTH_FILE: join(home, 'auth.json'),
    XDG_RUNTIME_DIR: join(home, 'run'),
  };
}

function enabledSecrets(
  environment: Environment,
  names = ['database-url', 'clerk-secret-key', 'admin-api-key'],
): Record<string, SecretVersions> {
  return Object.fromEntries(
    names.map((name) => [
      `${name}-${environment}`,
      { project: `acme-${environment}`, versions: [{ version: 2, state: 'ENABLED' as const }] },
    ]),
  );
}

interface DeployCase {
  environment?: Environment;
  terraform: TerraformScenario;
  /** The secrets in Secret Manager (default: enabledSecrets). */
  google?: Record<string, SecretVersions>;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  secrets?: string[];
}

async function deploy(test: DeployCase) {
  const environment = test.environment ?? 'dev';
  const terraform = writeTerraformScenario(test.terraform);
  cleanups.push(() => rmSync(terraform.dir, { recursive: true, force: true }));
  const emulator = await startEmulator(cleanups, { project: `acme-${environment}` });
  putSecrets(emulator, test.google ?? enabledSecrets(environment));
  const result = await runAction({
    stage: 'deploy',
    // To show that these tests fail on an older bundle: a folder with its action.yml and dist.
    ...(process.env['DEPLOY_ACTION_DIR'] ? { actionDir: process.env['DEPLOY_ACTION_DIR'] } : {}),
    inputs: {
      'working-directory': stackDirs.service,
      environment,
      image: GCP_IMAGE,
      contract: CONTRACT,
      project: `acme-${environment}`,
      'github-token': GITHUB_TOKEN,
      ...test.inputs,
    },
    env: {
      ...registryLogin(),
      ...terraform.env,
      ...emulatorRunEnv(emulator, {}, [standinsDir]),
      TF_CLI_CONFIG_FILE: '/dev/null',
      GITHUB_API_URL: githubApi.url,
      ...test.env,
    },
    secrets: [GITHUB_TOKEN, ...(test.secrets ?? [])],
  });
  cleanups.push(result.cleanup);
  const calls = terraformCalls(terraform.log);
  return {
    result,
    commands: calls.map((call) => call.argv.find((arg) => !arg.startsWith('-')) ?? ''),
    planArgv: calls.find((call) => call.argv[0] === 'plan')?.argv ?? [],
    /** Every request the run made of Google (the token exchange included). */
    google: emulator.requests.map((request) => `${request.method} ${request.path}`),
  };
}

const serviceScenario = (
  environment: Environment = 'dev',
  options: Parameters<typeof servicePlan>[0] = {},
): TerraformScenario => ({
  plan: {
    document: servicePlan({ environment, ...options }),
    requiredVariables: ['image'],
    bypass: referenceBypass(environment),
  },
  output: serviceOutputs(),
});

const errors = (log: string): string[] => workflowCommands(log).filter((line) => line.startsWith('::error'));

describe('deploy bundle: the image comes from image-repository', () => {
  it.each(['dev', 'prod'] as const)(
    'refuses an image from another repository in %s before terraform init',
    async (environment) => {
      const evil = `docker.io/evil/api@sha256:${'ab'.repeat(32)}`;
      const { result, commands } = await deploy({
        environment,
        terraform: serviceScenario(environment),
        inputs: { image: evil, 'image-repository': 'europe-west1-docker.pkg.dev/acme-dev/services/api' },
      });
      expect(result.code).toBe(1);
      expect(commands).toEqual([]);
      expect(result.log).toContain(
        `::error::deploy: invalid configuration: input "image" is ${evil}, which is not in repository europe-west1-docker.pkg.dev/acme-dev/services/api (input "image-repository")`,
      );
      expect(result.summary).toContain('### ❌ deploy: invalid input');
    },
  );

  it.each([
    [`europe-west1-docker.pkg.dev/acme-dev/services/api:v1`, 'which holds a tag'],
    [`europe-west1-docker.pkg.dev/acme-dev/services/api@sha256:${'c3'.repeat(32)}`, 'which holds a digest'],
    ['Europe-West1-docker.pkg.dev/acme/api', 'which is not a repository name'],
    ['api', 'which is not a repository name'],
  ])('refuses image-repository %s (%s) before terraform init', async (value, why) => {
    const { result, commands } = await deploy({
      terraform: serviceScenario('dev'),
      inputs: { 'image-repository': value },
    });
    expect(result.code).toBe(1);
    expect(commands).toEqual([]);
    expect(result.log).toContain(`::error::deploy: invalid configuration: input "image-repository" is "`);
    expect(result.log).toContain(value.slice(0, 60));
    expect(result.log).toContain(`, ${why}: give the repository without tag or digest`);
  });

  it('applies an image whose digest the registry holds in that repository', async () => {
    const digest = await pushImage(registry, 'acme/api', 'applies');
    const repository = `${registry.host}/acme/api`;
    const image = `${repository}@${digest}`;
    const { result, commands, planArgv } = await deploy({
      terraform: serviceScenario('dev'),
      inputs: { image, 'image-repository': repository },
    });
    expect(result.code, result.log).toBe(0);
    expect(commands).toEqual(['init', 'plan', 'show', 'apply', 'output']);
    expect(planArgv).toContain(`image=${image}`);
    expect(result.summary).toContain(
      `| Image check | ✅ found in ${repository} (application/vnd.oci.image.manifest.v1+json) |`,
    );
    expect(result.log).toContain(`${image}: found in ${repository}`);
  });

  it('fails before any plan when the digest is not in the repository (404), naming it', async () => {
    // Pushed to another repository of the same registry: not in this one.
    const digest = await pushImage(registry, 'acme/other', 'elsewhere');
    const repository = `${registry.host}/acme/api`;
    const image = `${repository}@${digest}`;
    const { result, commands } = await deploy({
      environment: 'prod',
      terraform: serviceScenario('prod'),
      inputs: { image, 'image-repository': repository },
    });
    expect(result.code).toBe(1);
    expect(commands).toEqual([]);
    expect(errors(result.rawLog)).toContainEqual(
      expect.stringContaining(
        `::error::deploy: the image ${image} does not exist: ${registry.host} has no manifest ${digest} in repository acme/api (HTTP 404)`,
      ),
    );
    expect(result.summary).toContain('| Image check | failed |');
  });

  it('retries a registry that answers 503, and applies once it serves the manifest', async () => {
    const digest = await pushImage(registry, 'acme/flaky', 'flaky');
    const proxy = await startFlakyProxy(registry, { failFirst: 2 });
    cleanups.push(() => proxy.stop());
    const repository = `${proxy.host}/acme/flaky`;
    const { result, commands } = await deploy({
      terraform: serviceScenario('dev'),
      inputs: { image: `${repository}@${digest}`, 'image-repository': repository },
    });
    expect(result.code, result.log).toBe(0);
    expect(proxy.failures).toBe(2);
    const manifestGets = proxy.requests.filter((r) => r.url === `/v2/acme/flaky/manifests/${digest}`);
    expect(manifestGets.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(commands).toEqual(['init', 'plan', 'show', 'apply', 'output']);
  });

  it('gives up at the deadline on a registry that never answers, before any plan', async () => {
    const silent = await startSilentServer();
    cleanups.push(() => silent.stop());
    const repository = `${silent.host}/acme/api`;
    const started = Date.now();
    const { result, commands } = await deploy({
      terraform: serviceScenario('dev'),
      inputs: {
        image: `${repository}@sha256:${'d4'.repeat(32)}`,
        'image-repository': repository,
        timeout: '3s',
      },
    });
    const elapsed = Date.now() - started;
    expect(result.code).toBe(1);
    expect(commands).toEqual([]);
    expect(result.log).toContain(`could not check that ${repository}@sha256:`);
    expect(result.log).toMatch(/gave up waiting for .* after \d/);
    expect(silent.connections).toBeGreaterThanOrEqual(1);
    // 3 s of deadline, plus Node's start and the harness: far from the 60 s default.
    expect(elapsed).toBeLessThan(15_000);
  });

  it('reads the runner registry login (Docker config.json) for a registry with token auth', async () => {
    const digest = await pushImage(tokenRegistry, 'acme/private', 'private');
    const repository = `${tokenRegistry.host}/acme/private`;
    const login = {
      host: tokenRegistry.host,
      username: tokenRegistry.username,
      password: tokenRegistry.password,
    };
    const { result, commands } = await deploy({
      terraform: serviceScenario('dev'),
      inputs: { image: `${repository}@${digest}`, 'image-repository': repository },
      env: registryLogin(login),
      secrets: [tokenRegistry.password],
    });
    expect(result.code, result.log).toBe(0);
    expect(commands).toContain('apply');
    expect(tokenRegistry.tokenRequests.some((r) => r.scopes.includes('repository:acme/private:pull'))).toBe(
      true,
    );
  });

  it('without a registry login, a private registry fails the check with the way to log in', async () => {
    const digest = await pushImage(tokenRegistry, 'acme/nologin', 'nologin');
    const repository = `${tokenRegistry.host}/acme/nologin`;
    const { result, commands } = await deploy({
      terraform: serviceScenario('dev'),
      inputs: { image: `${repository}@${digest}`, 'image-repository': repository },
    });
    expect(result.code).toBe(1);
    expect(commands).toEqual([]);
    expect(result.log).toMatch(/refused to show .* without credentials .*docker\/login-action/);
  });
});

describe('deploy bundle: a secret reference names the deploy project', () => {
  const prodSecrets = (database: string) => ({
    ...defaultSecretEnv('prod'),
    DATABASE_URL: { secret: database, version: 'latest' },
  });

  it('refuses projects/acme-dev/secrets/database-url-prod in prod, before apply', async () => {
    const { result, commands } = await deploy({
      environment: 'prod',
      terraform: serviceScenario('prod', {
        secretEnv: prodSecrets('projects/acme-dev/secrets/database-url-prod'),
      }),
    });
    expect(result.code).toBe(1);
    expect(commands).not.toContain('apply');
    expect(result.log).toContain(
      `DATABASE_URL reads secret "projects/acme-dev/secrets/database-url-prod", which is in project "acme-dev", not in this deploy's project acme-prod (input project)`,
    );
  });

  it('refuses a reference by project number, which cannot be tied to the project', async () => {
    const { result, commands } = await deploy({
      environment: 'prod',
      terraform: serviceScenario('prod', {
        secretEnv: prodSecrets('projects/123456789012/secrets/database-url-prod'),
      }),
    });
    expect(result.code).toBe(1);
    expect(commands).not.toContain('apply');
    expect(result.log).toContain('by project number, which cannot be tied to project acme-prod');
  });

  it('applies projects/acme-prod/secrets/database-url-prod in prod', async () => {
    const { result, commands } = await deploy({
      environment: 'prod',
      terraform: serviceScenario('prod', {
        secretEnv: prodSecrets('projects/acme-prod/secrets/database-url-prod'),
      }),
    });
    expect(result.code, result.log).toBe(0);
    expect(commands).toContain('apply');
  });
});

describe('deploy bundle: names are compared trimmed and in any case', () => {
  it('refuses "ALLOW_DEV_AUTH_BYPASS " (a stray space) in a prod plan, as an error', async () => {
    const { result, commands } = await deploy({
      environment: 'prod',
      terraform: serviceScenario('prod', {
        plainEnv: { ...defaultPlainEnv('prod'), 'ALLOW_DEV_AUTH_BYPASS ': 'true' },
      }),
    });
    expect(result.code).toBe(1);
    expect(commands).not.toContain('apply');
    expect(result.log).toContain(
      '::error::deploy: google_cloud_run_v2_service.api: the dev-only variable "ALLOW_DEV_AUTH_BYPASS " (a plain value) is planned for prod',
    );
    expect(result.log).toContain(
      'the variable "ALLOW_DEV_AUTH_BYPASS " has white space around its name, so the service would not read it as ALLOW_DEV_AUTH_BYPASS',
    );
    expect(result.log).not.toContain('is not in the runtime contract');
  });

  it('refuses a lower-case, padded dev-only secret name in prod', async () => {
    const { result, commands } = await deploy({
      environment: 'prod',
      terraform: serviceScenario('prod', {
        secretEnv: {
          ...defaultSecretEnv('prod'),
          ' dev_bypass_secret': { secret: 'dev-bypass-secret-prod', version: 'latest' },
        },
      }),
    });
    expect(result.code).toBe(1);
    expect(commands).not.toContain('apply');
    expect(result.log).toContain(
      'the dev-only variable " dev_bypass_secret" (secret dev-bypass-secret-prod:latest)',
    );
  });
});

describe('deploy bundle: no dev-only value in a production job', () => {
  const BYPASS_SECRET = 'dev-bypass-value-9f3c2e71a';

  it.each([
    ['DEV_BYPASS_SECRET', BYPASS_SECRET, '"DEV_BYPASS_SECRET"'],
    [
      'TF_VAR_dev_bypass_secret',
      BYPASS_SECRET,
      '"TF_VAR_dev_bypass_secret" (the dev-only secret DEV_BYPASS_SECRET)',
    ],
    ['ALLOW_DEV_AUTH_BYPASS', 'true', '"ALLOW_DEV_AUTH_BYPASS"'],
    [
      'tf_var_Allow_Dev_Auth_Bypass',
      'true',
      '"tf_var_Allow_Dev_Auth_Bypass" (the dev-only variable ALLOW_DEV_AUTH_BYPASS)',
    ],
  ])(
    'fails a prod job whose environment holds %s, before anything runs, never showing it',
    async (name, value, named) => {
      const { result, commands, google } = await deploy({
        environment: 'prod',
        terraform: serviceScenario('prod'),
        env: { [name]: value },
        secrets: value === BYPASS_SECRET ? [BYPASS_SECRET] : [],
      });
      expect(result.code).toBe(1);
      expect(commands).toEqual([]);
      expect(google).toEqual([]);
      expect(result.log).toContain(
        `::error::deploy: invalid configuration: this production job's environment holds dev-only variable ${named} (value not shown)`,
      );
    },
  );

  it('lets a prod job with ALLOW_DEV_AUTH_BYPASS=false and an empty DEV_BYPASS_SECRET apply', async () => {
    const { result, commands } = await deploy({
      environment: 'prod',
      terraform: serviceScenario('prod'),
      env: { ALLOW_DEV_AUTH_BYPASS: 'false', DEV_BYPASS_SECRET: '' },
    });
    expect(result.code, result.log).toBe(0);
    expect(commands).toContain('apply');
  });

  it('lets a dev job see DEV_BYPASS_SECRET (dev is where it belongs)', async () => {
    const { result, commands } = await deploy({
      terraform: serviceScenario('dev'),
      env: { DEV_BYPASS_SECRET: BYPASS_SECRET },
      secrets: [BYPASS_SECRET],
    });
    expect(result.code, result.log).toBe(0);
    expect(commands).toContain('apply');
  });
});
