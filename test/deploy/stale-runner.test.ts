// The stale-commit guard as the runner runs it: the deploy bundle started as a process with
// GITHUB_SHA, GITHUB_REPOSITORY and GITHUB_API_URL pointing at a local compare API that answers
// from a commit graph, the terraform stand-in first on PATH, Google the local emulator (no gcloud
// on PATH). The token is a secret of every run: the harness fails the test if it shows anywhere.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, runAction } from '../../testkit/local-runner.mjs';
import { commitSha, startGitHubApi, type GitHubApi } from '../../testkit/github-api.js';
import {
  referenceBypass,
  REPOSITORY,
  RUN_COMMIT,
  serviceOutputs,
  servicePlan,
  stackDirs,
  standinsDir,
  terraformCalls,
  writeTerraformScenario,
  type ServicePlanOptions,
} from '../../testkit/deploy-scenarios.js';
import {
  emulatorRunEnv,
  putSecrets,
  requestsTo,
  startEmulator,
  type SecretVersions,
} from '../../testkit/google.js';

const IMAGE = `europe-west1-docker.pkg.dev/acme-dev/services/api@sha256:${'c3'.repeat(32)}`;
const CONTRACT = join(repoRoot, 'test', 'fixtures', 'contracts', 'runtime-contract.yml');
const TOKEN = 'ghs_StaleGuardToken8d2e4f6a1b3c5d7e9f0a';
const SERVICE = 'google_cloud_run_v2_service.api';

// The history: OLDER → RUN_COMMIT (this run) → NEWER on main; REWRITTEN branches off OLDER
// (a force-pushed history: neither it nor this run's commit contains the other).
const OLDER = commitSha('older');
const NEWER = commitSha('newer');
const REWRITTEN = commitSha('rewritten');
const short = (sha: string): string => sha.slice(0, 7);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function githubApi(): Promise<GitHubApi> {
  const api = await startGitHubApi({
    repository: REPOSITORY,
    graph: { main: [OLDER, RUN_COMMIT, NEWER], branches: [{ from: OLDER, commits: [REWRITTEN] }] },
    token: TOKEN,
  });
  cleanups.push(api.close);
  return api;
}

const secrets: Record<string, SecretVersions> = Object.fromEntries(
  ['database-url-dev', 'clerk-secret-key-dev', 'admin-api-key-dev'].map((id) => [
    id,
    { project: 'acme-dev', versions: [{ version: 1, state: 'ENABLED' as const }] },
  ]),
);

interface GuardCase {
  /** The live service: its commit label (null: none), or a first deploy. */
  plan?: ServicePlanOptions;
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  api?: GitHubApi;
}

async function deploy(test: GuardCase = {}) {
  const api = test.api ?? (await githubApi());
  const terraform = writeTerraformScenario({
    plan: {
      document: servicePlan({ environment: 'dev', ...test.plan }),
      requiredVariables: ['image'],
      bypass: referenceBypass('dev'),
    },
    output: serviceOutputs(),
  });
  cleanups.push(() => rmSync(terraform.dir, { recursive: true, force: true }));
  const emulator = await startEmulator(cleanups, { project: 'acme-dev' });
  putSecrets(emulator, secrets);
  const result = await runAction({
    stage: 'deploy',
    inputs: {
      'working-directory': stackDirs.service,
      environment: 'dev',
      image: IMAGE,
      contract: CONTRACT,
      project: 'acme-dev',
      'github-token': TOKEN,
      ...test.inputs,
    },
    env: {
      ...terraform.env,
      ...emulatorRunEnv(emulator, {}, [standinsDir]),
      TF_CLI_CONFIG_FILE: '/dev/null',
      GITHUB_SHA: RUN_COMMIT,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_API_URL: api.url,
      ...test.env,
    },
    secrets: [TOKEN],
  });
  cleanups.push(result.cleanup);
  return {
    result,
    api,
    commands: terraformCalls(terraform.log).map((call) => call.argv[0] ?? ''),
    /** Every request the run made of Google (the token exchange included). */
    google: emulator.requests.map((request) => `${request.method} ${request.path}`),
    secretChecks: requestsTo(emulator, /^\/v1\/projects\/acme-dev\/secrets\//).length,
  };
}

const comparePath = (running: string): string =>
  `/repos/${REPOSITORY}/compare/${running}...${RUN_COMMIT}?per_page=1`;

describe('deploy bundle: the stale-commit guard stops an older commit over a newer one', () => {
  it('behind, on-stale fail (the default): fails before apply, names both commits and the service', async () => {
    const { result, commands, api, google } = await deploy({ plan: { previousCommitSha: NEWER } });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      `::error::deploy: this run's commit ${short(RUN_COMMIT)} is 1 commit behind ${short(NEWER)}, which ${SERVICE} already runs (a newer run deployed it first); nothing was applied. Re-run the newest run, or set on-stale: skip to let stale runs finish without applying`,
    );
    expect(commands).toEqual(['init', 'plan', 'show']);
    // The guard stopped the run before the secret preflight: Google was asked nothing.
    expect(google).toEqual([]);
    expect(result.outputs['stale']).toBeUndefined();
    expect(result.outputs['has-changes']).toBeUndefined();
    expect(api.requests.map((r) => [r.url, r.status])).toEqual([[comparePath(NEWER), 200]]);
    expect(result.summary).toContain(`| Running commit | ${short(NEWER)} |`);
    expect(result.summary).toContain(
      `| Stale check | stale: 1 commit behind ${short(NEWER)}; nothing applied |`,
    );
  });

  it('behind, on-stale skip: applies nothing, succeeds, and reports the running service', async () => {
    const { result, commands, google } = await deploy({
      plan: { previousCommitSha: NEWER },
      inputs: { 'on-stale': 'skip' },
    });
    expect(result.code, result.log).toBe(0);
    expect(commands).toEqual(['init', 'plan', 'show', 'output']);
    // Nothing will be applied: the secret preflight has nothing to protect.
    expect(google).toEqual([]);
    expect(result.outputs).toMatchObject({
      stale: 'true',
      'has-changes': 'true',
      url: 'https://api-q7h2kq3zaa-ew.a.run.app',
      revision: 'api-00042-xyz',
    });
    expect(result.log).toContain(
      `::warning::deploy: this run's commit ${short(RUN_COMMIT)} is 1 commit behind ${short(NEWER)}, which ${SERVICE} already runs (a newer run deployed it first); on-stale is skip: nothing is applied, and the outputs describe the running service`,
    );
    expect(result.summary).toContain(
      '### ✅ deploy: not applied: the running service carries a newer commit (on-stale: skip)',
    );
  });

  it('ahead: applies, with stale=false; the request carried the token', async () => {
    const { result, commands, api, secretChecks } = await deploy({ plan: { previousCommitSha: OLDER } });
    expect(result.code, result.log).toBe(0);
    expect(commands).toEqual(['init', 'plan', 'show', 'apply', 'output']);
    // Not stale: the preflight checked the three secrets before apply.
    expect(secretChecks).toBe(3);
    expect(result.outputs['stale']).toBe('false');
    expect(api.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        url: comparePath(OLDER),
        authorization: `token ${TOKEN}`,
        accept: 'application/vnd.github.v3+json',
        status: 200,
      }),
    ]);
    expect(result.log).toContain(
      `${SERVICE} runs ${short(OLDER)}, 1 commit older than this run's ${short(RUN_COMMIT)}`,
    );
    expect(result.summary).toContain(`| Stale check | ok: 1 commit newer than ${short(OLDER)} |`);
  });

  it('an abbreviated label (the first 7 of an older commit) is compared as it is', async () => {
    const { result, api } = await deploy({ plan: { previousCommitSha: short(OLDER) } });
    expect(result.code, result.log).toBe(0);
    expect(api.requests.map((r) => r.url)).toEqual([comparePath(short(OLDER))]);
  });

  it.each([
    [
      "the service already runs this run's commit",
      { previousCommitSha: RUN_COMMIT },
      "already runs this run's commit",
    ],
    ['the service carries no commit-sha label', { previousCommitSha: null }, 'carries no commit-sha label'],
    ['a first deploy', { action: 'create' as const }, 'does not run yet (first deploy)'],
  ])('%s: no request, apply', async (_name, plan, line) => {
    const { result, commands, api } = await deploy({ plan });
    expect(result.code, result.log).toBe(0);
    expect(commands).toContain('apply');
    expect(api.requests).toEqual([]);
    expect(result.log).toContain(line);
    expect(result.outputs['stale']).toBe('false');
  });

  it('a running commit the repository does not know (404): a warning, then apply', async () => {
    const unknown = commitSha('from-another-repository');
    const { result, commands, api } = await deploy({ plan: { previousCommitSha: unknown } });
    expect(result.code, result.log).toBe(0);
    expect(commands).toContain('apply');
    expect(api.requests.map((r) => r.status)).toEqual([404]);
    expect(result.log).toContain(
      `::warning::deploy: ${SERVICE} runs ${short(unknown)}, a commit that ${REPOSITORY} does not know (from another repository, or gone after a force-push): cannot tell which is newer, so the run goes on`,
    );
  });

  it('diverged histories: a warning, then apply', async () => {
    const { result, commands } = await deploy({ plan: { previousCommitSha: REWRITTEN } });
    expect(result.code, result.log).toBe(0);
    expect(commands).toContain('apply');
    expect(result.log).toContain(
      `::warning::deploy: ${SERVICE} runs ${short(REWRITTEN)}, and neither it nor this run's commit ${short(RUN_COMMIT)} contains the other`,
    );
    expect(result.outputs['stale']).toBe('false');
  });

  it('500, 500, then the answer: applies after the retries', async () => {
    const api = await githubApi();
    api.failNext(500, 2);
    const { result, commands } = await deploy({ api, plan: { previousCommitSha: OLDER } });
    expect(result.code, result.log).toBe(0);
    expect(commands).toContain('apply');
    expect(api.requests.map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('401: fails before apply, naming github-token and contents: read', async () => {
    const api = await githubApi();
    api.failNext(401);
    const { result, commands } = await deploy({ api, plan: { previousCommitSha: OLDER } });
    expect(result.code).toBe(1);
    expect(result.log).toMatch(
      /::error::deploy: invalid configuration: the GitHub API refused the comparison of commits in example-org\/fastapi-service \(401: Bad credentials.*\): input "github-token" must be a token that can read the repository; the job's GITHUB_TOKEN needs the permission contents: read/,
    );
    expect(commands).toEqual(['init', 'plan', 'show']);
    expect(api.requests).toHaveLength(1);
  });

  it('an unreachable API: fails before apply within the deadline, and says to re-run', async () => {
    const api = await githubApi();
    const url = api.url;
    await api.close();
    const { result, commands } = await deploy({
      api: { ...api, url },
      plan: { previousCommitSha: OLDER },
      // The guard's budget is capped by each Terraform command's deadline.
      inputs: { timeout: '2s' },
    });
    expect(result.code).toBe(1);
    expect(result.log).toMatch(
      /::error::deploy: could not reach the GitHub API at http:\/\/127\.0\.0\.1:\d+ to tell whether this run's commit is behind the running one \(.*\); nothing was applied; re-run the job/,
    );
    expect(commands).toEqual(['init', 'plan', 'show']);
  });

  it('an empty github-token: a warning, no request, apply', async () => {
    const { result, commands, api } = await deploy({
      plan: { previousCommitSha: NEWER },
      inputs: { 'github-token': '' },
    });
    expect(result.code, result.log).toBe(0);
    expect(commands).toContain('apply');
    expect(api.requests).toEqual([]);
    expect(result.log).toContain('::warning::deploy: stale check skipped: github-token is empty');
    expect(result.summary).toContain('| Stale check | skipped: github-token is empty |');
  });

  it('plan-only: nothing would be applied, so no request', async () => {
    const { result, api } = await deploy({
      plan: { previousCommitSha: NEWER },
      inputs: { 'plan-only': 'true' },
    });
    expect(result.code, result.log).toBe(0);
    expect(api.requests).toEqual([]);
    expect(result.outputs['stale']).toBe('false');
    expect(result.summary).toContain('| Stale check | not needed: plan-only |');
  });

  it('without GITHUB_SHA there is nothing to compare with: a configuration error before apply', async () => {
    const { result, commands, api } = await deploy({
      plan: { previousCommitSha: OLDER },
      env: { GITHUB_SHA: undefined },
    });
    expect(result.code).toBe(1);
    expect(result.log).toContain(
      '::error::deploy: invalid configuration: GITHUB_SHA is "", not a commit SHA',
    );
    expect(commands).toEqual(['init', 'plan', 'show']);
    expect(api.requests).toEqual([]);
  });

  it('a v1 google_cloud_run_service behind: the same stop', async () => {
    const { result, commands } = await deploy({ plan: { v1: true, previousCommitSha: NEWER } });
    expect(result.code).toBe(1);
    expect(result.log).toContain(`which google_cloud_run_service.api already runs`);
    expect(commands).not.toContain('apply');
  });

  it.each(['later', 'FAIL or skip', 'warn'])(
    'on-stale "%s" names the input and the accepted values, and runs nothing',
    async (value) => {
      const { result, commands, api } = await deploy({ inputs: { 'on-stale': value } });
      expect(result.code).toBe(1);
      expect(result.log).toContain(
        `::error::deploy: invalid configuration: input "on-stale" is "${value}": use one of fail, skip`,
      );
      expect(commands).toEqual([]);
      expect(api.requests).toEqual([]);
    },
  );

  it('accepts on-stale in any case', async () => {
    const { result, commands } = await deploy({
      plan: { previousCommitSha: NEWER },
      inputs: { 'on-stale': ' Skip ' },
    });
    expect(result.code, result.log).toBe(0);
    expect(commands).not.toContain('apply');
    expect(result.outputs['stale']).toBe('true');
  });
});
