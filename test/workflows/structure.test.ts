// Holds the workflows to DESIGN.md ("Workflows"): the job graph, the one read of the bypass
// variable, permissions, concurrency, pins (against .github/action-pins.json), the stage
// actions' inputs, and #13's gate rules (each shown to trip on a hostile snippet), written
// apart from scripts/actionlint.mjs's so that one slip does not pass both. Behaviour of the
// workflows' own shell is in config-scripts.test.ts; GitHub's schema in parser.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { publisherOf } from '../../scripts/publisher.mjs';
import { readActionYml, repoRoot } from '../../testkit/local-runner.mjs';
import {
  evaluateTemplate,
  everyJob,
  exampleWorkflowsDir,
  loadWorkflow,
  needsOf,
  stageSteps,
  stepOf,
  workflowsDir,
  workflowText,
  type Job,
  type Step,
} from '../../testkit/workflows.js';

const ownFiles = readdirSync(workflowsDir)
  .filter((name) => name.endsWith('.yml'))
  .map((name) => join(workflowsDir, name));
const exampleFiles = readdirSync(exampleWorkflowsDir).map((name) => join(exampleWorkflowsDir, name));
const allFiles = [...ownFiles, ...exampleFiles];

const pipeline = loadWorkflow('pipeline.yml');
const dev = loadWorkflow('deploy-dev.yml');
const prod = loadWorkflow('deploy-prod.yml');
const job = (id: string): Job => {
  const found = pipeline.jobs[id];
  if (!found) throw new Error(`pipeline.yml has no job "${id}"`);
  return found;
};
const onlyStage = (jobId: string, stage: string): Step => {
  const steps = stageSteps(job(jobId)).filter((s) => s.stage === stage);
  expect(steps, `${jobId} uses actions/${stage} once`).toHaveLength(1);
  return (steps[0] as { step: Step }).step;
};

describe('the job graph', () => {
  it('is config → test ∥ build ∥ platform → migrate → deploy → health → promote, with no other edge', () => {
    const graph = Object.fromEntries(Object.entries(pipeline.jobs).map(([id, j]) => [id, needsOf(j).sort()]));
    expect(graph).toEqual({
      config: [],
      test: ['config'],
      build: ['config'],
      platform: ['config'],
      migrate: ['build', 'config', 'platform', 'test'],
      deploy: ['build', 'config', 'migrate'],
      health: ['config', 'deploy'],
      promote: ['config', 'deploy', 'health'],
    });
  });

  it('gives each job exactly the stage action its name says', () => {
    const stages = Object.fromEntries(
      Object.keys(pipeline.jobs).map((id) => [id, stageSteps(job(id)).map((s) => s.stage)]),
    );
    expect(stages).toEqual({
      config: [],
      test: ['test'],
      build: ['build-push'],
      platform: ['deploy'],
      migrate: ['migrate'],
      deploy: ['deploy'],
      health: ['health-check'],
      promote: ['promote'],
    });
  });

  it('deploys the stacks the inputs name: platform first, then the service with the built digest', () => {
    expect(onlyStage('platform', 'deploy').with?.['working-directory']).toBe(
      'service/${{ inputs.working-directory }}/${{ inputs.platform-stack }}',
    );
    const service = onlyStage('deploy', 'deploy');
    expect(service.with?.['working-directory']).toBe(
      'service/${{ inputs.working-directory }}/${{ inputs.service-stack }}',
    );
    expect(service.with?.['image']).toBe('${{ needs.build.outputs.image }}');
    expect(job('build').outputs?.['image']).toBe('${{ steps.build.outputs.image }}');
    expect(stepOf(job('build'), 'build').uses).toMatch(/actions\/build-push$/);
    // The readable tag is the commit's; the digest is what deploy gets.
    expect(stepOf(job('build'), 'build').with?.['sha']).toBe('${{ github.sha }}');
    // The commit label the stale-commit guard reads, and the guard's inputs.
    expect(String(service.with?.['vars'])).toMatch(/^commit_sha=\$\{\{ github\.sha \}\}$/m);
    // Both stacks get the environment's project, region and name from the pipeline's inputs.
    for (const [id, extra] of [
      ['platform', 'platform-vars'],
      ['deploy', 'service-vars'],
    ] as const) {
      const vars = String(onlyStage(id, 'deploy').with?.['vars']);
      for (const name of ['project', 'region', 'environment']) {
        expect(vars, id).toMatch(new RegExp(`^${name}=\\$\\{\\{ inputs\\.${name} \\}\\}$`, 'm'));
      }
      expect(vars.trimEnd().split('\n').at(-1), id).toBe(`\${{ inputs.${extra} }}`);
    }
    expect(service.with?.['on-stale']).toBe('${{ inputs.on-stale }}');
    expect(service.with?.['github-token']).toBe('${{ github.token }}');
  });

  it('migrates with the URL read from Secret Manager by the suffixed id', () => {
    const secrets = stepOf(job('migrate'), 'secrets');
    expect(secrets.uses).toMatch(/^google-github-actions\/get-secretmanager-secrets@/);
    expect(secrets.with?.['secrets']).toBe(
      'database-url:${{ inputs.project }}/${{ needs.config.outputs.database-url-secret }}',
    );
    expect(onlyStage('migrate', 'migrate').with?.['database-url']).toBe(
      '${{ steps.secrets.outputs.database-url }}',
    );
    expect(job('config').outputs?.['database-url-secret']).toBe(
      '${{ steps.inputs.outputs.database-url-secret }}',
    );
  });

  it('checks the revision deploy reports, at the URL deploy reports, and publishes what passed', () => {
    const health = onlyStage('health', 'health-check');
    // The URL only in direct mode: with a tag, health-check checks the tag's URL (rollout.test.ts).
    expect(health.with).toMatchObject({
      revision: '${{ needs.deploy.outputs.revision }}',
      url: "${{ inputs.rollout != 'verified' && needs.deploy.outputs.url || '' }}",
      'custom-domain': '${{ inputs.custom-domain }}',
      'bearer-token': '${{ secrets.health-check-bearer-token }}',
    });
    expect(job('deploy').outputs).toEqual({
      url: '${{ steps.deploy.outputs.url }}',
      revision: '${{ steps.deploy.outputs.revision }}',
      'previous-revision': '${{ steps.deploy.outputs.previous-revision }}',
    });
    const outputs = pipeline.on.workflow_call?.outputs ?? {};
    expect(Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]))).toEqual({
      image: '${{ jobs.build.outputs.image }}',
      revision: '${{ jobs.health.outputs.revision }}',
      url: '${{ jobs.health.outputs.url }}',
    });
  });
});

describe('GitHub environments', () => {
  it('are entered by the jobs that change the environment, by the environment input’s name', () => {
    const environments = Object.fromEntries(
      Object.entries(pipeline.jobs).map(([id, j]) => [
        id,
        typeof j.environment === 'object' ? j.environment.name : j.environment,
      ]),
    );
    expect(environments).toEqual({
      config: undefined,
      test: undefined,
      build: undefined,
      platform: '${{ inputs.environment }}',
      migrate: '${{ inputs.environment }}',
      deploy: '${{ inputs.environment }}',
      health: undefined,
      promote: undefined,
    });
    // The deployment links to the URL deploy reports.
    expect(job('deploy').environment).toEqual({
      name: '${{ inputs.environment }}',
      url: '${{ steps.deploy.outputs.url }}',
    });
  });
});

describe('ALLOW_DEV_AUTH_BYPASS', () => {
  it('is read in exactly one place of each workflow that runs the stacks: its config job', () => {
    const reads = allFiles.flatMap((file) =>
      [
        ...workflowText(file).matchAll(
          /vars\s*\.\s*ALLOW_DEV_AUTH_BYPASS|vars\s*\[\s*'ALLOW_DEV_AUTH_BYPASS'/gi,
        ),
      ].map(() => file),
    );
    // pipeline.yml deploys; plan-pr.yml and drift.yml plan what it would deploy (#18).
    expect(reads.map((file) => relative(workflowsDir, file)).sort()).toEqual([
      'drift.yml',
      'pipeline.yml',
      'plan-pr.yml',
    ]);
    for (const w of [pipeline, loadWorkflow('plan-pr.yml'), loadWorkflow('drift.yml')]) {
      expect(stepOf(w.jobs['config'] as Job, 'bypass').env?.['ALLOW_DEV_AUTH_BYPASS'], w.name).toBe(
        '${{ vars.ALLOW_DEV_AUTH_BYPASS }}',
      );
    }
  });

  it('reaches platform and deploy only as the config output', () => {
    expect(job('config').outputs?.['allow-dev-auth-bypass']).toBe(
      '${{ steps.bypass.outputs.allow-dev-auth-bypass }}',
    );
    for (const id of ['platform', 'deploy']) {
      expect(onlyStage(id, 'deploy').with?.['allow-dev-auth-bypass'], id).toBe(
        '${{ needs.config.outputs.allow-dev-auth-bypass }}',
      );
    }
    // No other way in: no TF_VAR_ and no variable of that name in any env: but the one read.
    const envNames = everyJob(allFiles).flatMap(([file, id, j]) =>
      (j.steps ?? []).flatMap((step) =>
        Object.keys(step.env ?? {}).map(
          (name) => `${file.replace(/.*\//, '')}:${id}:${step.id ?? ''}:${name}`,
        ),
      ),
    );
    expect(envNames.filter((name) => /:(TF_VAR_\w+|ALLOW_DEV_AUTH_BYPASS)$/i.test(name)).sort()).toEqual([
      'drift.yml:config:bypass:ALLOW_DEV_AUTH_BYPASS',
      'pipeline.yml:config:bypass:ALLOW_DEV_AUTH_BYPASS',
      'plan-pr.yml:config:bypass:ALLOW_DEV_AUTH_BYPASS',
    ]);
    expect(allFiles.filter((file) => /TF_VAR_/.test(workflowText(file)))).toEqual([]);
  });
});

describe('every workflow', () => {
  it.each(allFiles.map((f) => [f.replace(/.*\/(examples\/)?/, '$1')]))(
    '%s keeps ${{ }} of inputs, github.event and github.head_ref out of run: scripts',
    (name) => {
      const file = allFiles.find((f) => f.endsWith(name)) as string;
      for (const [, id, j] of everyJob([file])) {
        for (const step of j.steps ?? []) {
          if (step.run === undefined) continue;
          expect(step.run, `${id}: ${step.name ?? step.run}`).not.toMatch(/\$\{\{/);
        }
      }
    },
  );

  it('pins every third-party action and workflow by a full SHA with its version comment', () => {
    const pins = new Map<string, string>();
    for (const file of allFiles) {
      for (const line of workflowText(file).split('\n')) {
        const match = /^\s*(?:-\s*)?uses:\s*(\S+)(.*)$/.exec(line);
        if (!match) continue;
        const [, uses = '', rest = ''] = match;
        if (uses.startsWith('./')) continue;
        if (uses.startsWith(`${publisherOf(repoRoot).repository}/`)) {
          // This repository, called by the examples through its major tag.
          expect(uses, file).toMatch(/@v\d+$/);
          continue;
        }
        expect(uses, file).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
        expect(rest, `${uses} in ${file}`).toMatch(/^\s+#\s*v\d+\.\d+\.\d+\s*$/);
        // One action, one version, everywhere.
        const [action = '', sha = ''] = uses.split('@');
        expect(pins.get(action) ?? sha, action).toBe(sha);
        pins.set(action, sha);
      }
    }
    expect(pins.size).toBeGreaterThanOrEqual(9);
  });

  it('takes every pin from the one table, .github/action-pins.json, and the table lists only pins in use', () => {
    const used = new Set<string>();
    for (const file of [...allFiles, ...documents]) {
      expect(unlistedPins(workflowText(file)), relative(repoRoot, file)).toEqual([]);
      for (const { action, sha, version } of pinnedUses(workflowText(file))) {
        used.add(`${action.split('/').slice(0, 2).join('/')}@${sha} ${version}`);
      }
    }
    const rows = pinTable.pins.map((row) => `${row.action}@${row.sha} ${row.version}`);
    expect(new Set(rows).size, 'no row twice').toBe(rows.length);
    expect(rows.sort()).toEqual([...used].sort());
    for (const row of pinTable.pins) {
      expect(row.action, row.action).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(row.sha, row.action).toMatch(/^[0-9a-f]{40}$/);
      expect(row.version, row.action).toMatch(/^v\d+\.\d+\.\d+$/);
      // Where the pair was checked against the tag, in words.
      expect(row.verified, row.action).toMatch(/\S.{20,}/);
    }
  });

  it.each(everyJob(allFiles).map(([file, id, j]) => [file.replace(/.*\//, ''), id, j] as const))(
    '%s: job %s has a timeout (jobs that call a workflow inherit the callee’s)',
    (_file, _id, j) => {
      if (j.uses) {
        expect(j['timeout-minutes']).toBeUndefined();
        return;
      }
      expect(j['timeout-minutes']).toBeGreaterThan(0);
      expect(j['timeout-minutes']).toBeLessThanOrEqual(60);
    },
  );

  it('asks for no permission at the top, and per job for no more than it uses', () => {
    for (const file of allFiles) {
      const workflow = loadWorkflow(file);
      const isRelease = file.endsWith('release.yml');
      if (!isRelease) {
        expect(workflow.permissions, file).toEqual(file.endsWith('ci.yml') ? { contents: 'read' } : {});
      }
    }
    const expected: Record<string, Record<string, string>> = {
      config: {},
      test: { contents: 'read' },
      build: { contents: 'read', 'id-token': 'write' },
      platform: { contents: 'read', 'id-token': 'write' },
      migrate: { contents: 'read', 'id-token': 'write' },
      deploy: { contents: 'read', 'id-token': 'write' },
      health: { contents: 'read', 'id-token': 'write' },
      promote: { contents: 'read', 'id-token': 'write' },
    };
    for (const [id, j] of Object.entries(pipeline.jobs)) {
      expect(j.permissions, id).toEqual(expected[id]);
      // id-token exactly where Google is called, through Workload Identity Federation.
      const auth = (j.steps ?? []).filter((s) => s.uses?.startsWith('google-github-actions/auth@'));
      expect(auth.length > 0, id).toBe(j.permissions?.['id-token'] === 'write');
      for (const step of auth) {
        expect(Object.keys(step.with ?? {}), id).toEqual(
          expect.arrayContaining(['workload_identity_provider', 'service_account']),
        );
        expect(step.with, id).not.toHaveProperty('credentials_json');
      }
    }
    for (const wrapper of [dev, prod]) {
      expect(wrapper.jobs['pipeline']?.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    }
  });

  it('runs Terraform without the setup-terraform wrapper, with the provider cache keyed on the lock file', () => {
    for (const id of ['platform', 'deploy']) {
      const setup = (job(id).steps ?? []).find((s) => s.uses?.startsWith('hashicorp/setup-terraform@'));
      expect(setup?.with?.['terraform_wrapper'], id).toBe(false);
      const cache = (job(id).steps ?? []).find((s) => s.uses?.startsWith('actions/cache@'));
      expect(String(cache?.with?.['key']), id).toContain('.terraform.lock.hcl');
      expect(cache?.with?.['path'], id).toBe('${{ runner.tool_cache }}/terraform-plugins');
      const dir = stepOf(job(id), 'Use the provider cache').run ?? '';
      expect(dir, id).toContain('TF_PLUGIN_CACHE_DIR=$RUNNER_TOOL_CACHE/terraform-plugins');
    }
    // With the default builder, docker (buildah and podman: builder.test.ts).
    const build = stepOf(job('build'), 'build').with ?? {};
    const docker = { inputs: { builder: 'docker', environment: 'dev', image: 'registry.test/p/api' } };
    expect(evaluateTemplate(build['cache-from'], docker)).toMatch(/^type=gha,/);
    expect(evaluateTemplate(build['cache-to'], docker)).toMatch(/^type=gha,mode=max,/);
    const python = (job('test').steps ?? []).find((s) => s.uses?.startsWith('actions/setup-python@'));
    expect(python?.with?.['cache']).toBe('pip');
  });
});

describe('stage action calls', () => {
  const calls = everyJob(allFiles).flatMap(([file, id, j]) =>
    stageSteps(j).map(({ stage, step }) => [file.replace(/.*\//, ''), id, stage, step] as const),
  );

  it('exist for all six stages and the report action', () => {
    expect(new Set(calls.map(([, , stage]) => stage))).toEqual(
      new Set(['test', 'build-push', 'migrate', 'deploy', 'health-check', 'promote', 'report']),
    );
  });

  it.each(calls)(
    '%s: %s → actions/%s names only declared inputs and every required one',
    (_f, _id, stage, step) => {
      const declared = readActionYml(stage).inputs ?? {};
      for (const name of Object.keys(step.with ?? {})) expect(Object.keys(declared), name).toContain(name);
      for (const [name, spec] of Object.entries(declared)) {
        if (spec.required && spec.default === undefined) {
          expect(Object.keys(step.with ?? {}), name).toContain(name);
        }
      }
    },
  );

  it('give every workspace path inside the service checkout (the workspace holds service/ and the actions)', () => {
    // Inputs each stage reads as relative to the workspace; junit is relative to working-directory.
    const workspacePaths: Record<string, string[]> = {
      test: ['working-directory', 'contract'],
      'build-push': ['context'],
      migrate: ['working-directory'],
      deploy: ['working-directory', 'contract'],
      'health-check': [],
    };
    for (const id of Object.keys(pipeline.jobs)) {
      for (const { stage, step } of stageSteps(job(id))) {
        for (const name of workspacePaths[stage] ?? []) {
          expect(step.with?.[name], `${id}: ${name}`).toMatch(
            /^service\/\$\{\{ inputs\.(working-directory|context) \}\}/,
          );
        }
      }
    }
    expect(stepOf(job('build'), 'build').with?.['file']).toBe(
      "${{ inputs.dockerfile != '' && format('service/{0}', inputs.dockerfile) || '' }}",
    );
  });

  it('run this repository’s actions from a checkout at the config job’s ref, never the caller’s', () => {
    for (const id of Object.keys(pipeline.jobs).filter((j) => j !== 'config')) {
      const checkout = (job(id).steps ?? []).find((s) => s.with?.['path'] === '.cloud-run-actions');
      expect(checkout?.with, id).toMatchObject({
        repository: '${{ needs.config.outputs.actions-repository }}',
        ref: '${{ needs.config.outputs.actions-ref }}',
        'persist-credentials': false,
      });
      for (const { step } of stageSteps(job(id))) {
        expect(step.uses, id).toMatch(/^\.\/\.cloud-run-actions\/actions\//);
      }
    }
  });
});

describe('concurrency', () => {
  const group = (id: string) => job(id).concurrency;

  it('names every group literally with the environment and repository, never github.workflow or a ref', () => {
    const groups = allFiles.flatMap((file) => {
      const w = loadWorkflow(file);
      return [w.concurrency, ...Object.values(w.jobs).map((j) => j.concurrency)].flatMap((c) =>
        c ? [[file, c.group] as const] : [],
      );
    });
    for (const [file, name] of groups) {
      expect(name, file).not.toMatch(/github\.workflow|github\.job\b|github\.run_id/);
    }
    const deployGroups = groups.filter(([file]) => !/(ci|release)\.yml$/.test(file)).map(([, name]) => name);
    // By environment (drift.yml: the matrix's), or by pull request (plan-pr.yml).
    for (const name of deployGroups) {
      expect(name).toMatch(
        /^cloud-run-(\$\{\{ (inputs|matrix)\.environment \}\}|prod|pr-\$\{\{ github\.event\.pull_request\.number \}\})-.*\$\{\{ github\.repository \}\}$/,
      );
    }
    // One group per job, but the traffic group: pipeline.yml's promote and rollback.yml share it.
    const traffic = 'cloud-run-${{ inputs.environment }}-traffic-${{ github.repository }}';
    expect(
      groups.filter(([, name]) => name === traffic).map(([file]) => relative(workflowsDir, file)),
    ).toEqual(['pipeline.yml', 'rollback.yml']);
    const others = deployGroups.filter((name) => name !== traffic);
    expect(new Set(others).size).toBe(others.length);
  });

  it('lets a newer dev run cancel only test and build; platform, migrate and deploy are never cancelled halfway', () => {
    for (const id of ['test', 'build']) {
      expect(group(id), id).toEqual({
        group: `cloud-run-\${{ inputs.environment }}-${id}-\${{ github.repository }}`,
        'cancel-in-progress': '${{ inputs.cancel-superseded }}',
      });
    }
    for (const id of ['platform', 'migrate', 'deploy']) {
      expect(group(id), id).toEqual({
        group: `cloud-run-\${{ inputs.environment }}-${id}-\${{ github.repository }}`,
        'cancel-in-progress': false,
      });
    }
    expect(group('config')).toBeUndefined();
    expect(group('health')).toBeUndefined();
    // The jobs that move traffic: never cancelled halfway (rollout.test.ts for rollback.yml).
    expect(group('promote')).toEqual({
      group: 'cloud-run-${{ inputs.environment }}-traffic-${{ github.repository }}',
      'cancel-in-progress': false,
    });
    expect(dev.jobs['pipeline']?.with?.['cancel-superseded']).toBe(true);
    expect(dev.jobs['pipeline']?.concurrency).toBeUndefined();
  });

  it('never cancels prod: nothing is cancelled in progress, and whole prod runs take turns', () => {
    expect(prod.jobs['pipeline']?.with?.['cancel-superseded']).toBe(false);
    expect(prod.jobs['pipeline']?.concurrency).toEqual({
      group: 'cloud-run-prod-${{ github.repository }}',
      'cancel-in-progress': false,
    });
  });
});

describe('deploy-dev and deploy-prod', () => {
  const call = (w: typeof dev) => w.jobs['pipeline'] as Job;

  it('both call the one pipeline and nothing else', () => {
    for (const w of [dev, prod]) {
      expect(Object.keys(w.jobs)).toEqual(['pipeline']);
      expect(call(w).uses).toBe('./.github/workflows/pipeline.yml');
      expect(Object.keys(w.on)).toEqual(['workflow_call']);
    }
  });

  it('differ only where DESIGN.md’s table says', () => {
    const table = {
      environment: ['dev', 'prod'],
      branch: ['dev', 'main'],
      'cancel-superseded': [true, false],
    };
    for (const [name, [devValue, prodValue]] of Object.entries(table)) {
      expect(call(dev).with?.[name], name).toBe(devValue);
      expect(call(prod).with?.[name], name).toBe(prodValue);
    }
    // Health check: dev the service URL only; prod then the custom domain (warning only).
    expect(call(dev).with?.['custom-domain']).toBe('');
    expect(call(prod).with?.['custom-domain']).toBe('${{ inputs.custom-domain }}');
    expect(Object.keys(prod.on.workflow_call?.inputs ?? {})).toContain('custom-domain');

    // Rollout: prod's default is verified, dev's direct; both pass the caller's choice on.
    expect(dev.on.workflow_call?.inputs?.['rollout']?.default).toBe('direct');
    expect(prod.on.workflow_call?.inputs?.['rollout']?.default).toBe('verified');
    const devInputs = dev.on.workflow_call?.inputs ?? {};
    const prodInputs = { ...prod.on.workflow_call?.inputs };
    delete prodInputs['custom-domain'];
    expect({ ...devInputs, rollout: { ...devInputs['rollout'], default: 'verified' } }).toEqual(prodInputs);
    const tableInputs = new Set([...Object.keys(table), 'custom-domain']);
    const passed = (w: typeof dev) =>
      Object.fromEntries(Object.entries(call(w).with ?? {}).filter(([name]) => !tableInputs.has(name)));
    expect(passed(dev)).toEqual(passed(prod));
    expect(dev.on.workflow_call?.secrets).toEqual(prod.on.workflow_call?.secrets);
    expect(call(dev).secrets).toEqual(call(prod).secrets);
  });

  it('pass every pipeline input through unchanged, with the same type, default and description', () => {
    const pipelineInputs = pipeline.on.workflow_call?.inputs ?? {};
    const devInputs = dev.on.workflow_call?.inputs ?? {};
    for (const [name, spec] of Object.entries(pipelineInputs)) {
      if (
        ['environment', 'branch', 'cancel-superseded', 'custom-domain', 'allow-environment-branch'].includes(
          name,
        )
      ) {
        expect(devInputs, name).not.toHaveProperty(name);
        continue;
      }
      expect(devInputs[name], name).toEqual(spec);
      expect(call(dev).with?.[name], name).toBe(`\${{ inputs.${name} }}`);
    }
    for (const [name, spec] of Object.entries(pipelineInputs)) {
      expect(spec.description, name).toMatch(/^.{10,}$/);
      expect(spec.required === true || spec.default !== undefined, name).toBe(true);
    }
    expect(call(dev).secrets).toEqual({
      'health-check-bearer-token': '${{ secrets.health-check-bearer-token }}',
    });
  });

  it('publish image, revision and url from the pipeline', () => {
    for (const w of [dev, prod]) {
      const outputs = w.on.workflow_call?.outputs ?? {};
      expect(Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]))).toEqual({
        image: '${{ jobs.pipeline.outputs.image }}',
        revision: '${{ jobs.pipeline.outputs.revision }}',
        url: '${{ jobs.pipeline.outputs.url }}',
      });
    }
  });

  it('are called by the example service on push to dev and to main', () => {
    const devCaller = loadWorkflow(join(exampleWorkflowsDir, 'deploy-dev.yml'));
    const prodCaller = loadWorkflow(join(exampleWorkflowsDir, 'deploy-prod.yml'));
    expect(devCaller.on).toEqual({ push: { branches: ['dev'] } });
    expect(prodCaller.on).toEqual({ push: { branches: ['main'] } });
    expect(devCaller.jobs['deploy']?.uses).toMatch(/\/\.github\/workflows\/deploy-dev\.yml@/);
    expect(prodCaller.jobs['deploy']?.uses).toMatch(/\/\.github\/workflows\/deploy-prod\.yml@/);
  });
});

// #13, "nothing leaks, nothing forges": each rule is a check over a workflow's text, shown to
// trip on a small hostile snippet and to find nothing in every real workflow.

const pinTable = JSON.parse(readFileSync(join(repoRoot, '.github', 'action-pins.json'), 'utf8')) as {
  pins: { action: string; sha: string; version: string; verified: string }[];
};

/** The repository's documents that may show a `uses:` line: *.md and action.yml. */
const documents = (function below(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return ['node_modules', '.git', '.venv', '.terraform', 'dist'].includes(entry.name) ? [] : below(path);
    }
    return /\.md$|^action\.ya?ml$/.test(entry.name) ? [path] : [];
  });
})(repoRoot);

/** `uses: owner/repo[/path]@<sha> # vX.Y.Z` lines of a text. */
const pinnedUses = (text: string) =>
  [...text.matchAll(/^\s*(?:-\s+)?uses:\s*["']?([\w.-]+\/[\w./-]+)@([0-9a-f]{40})["']?(.*)$/gm)].map(
    ([, action = '', sha = '', rest = '']) => ({
      action,
      sha,
      version: /^\s+#\s*(v\S+)\s*$/.exec(rest)?.[1] ?? '',
    }),
  );

/** Pinned `uses:` lines that are no row of the table (a wrong comment, an unknown SHA). */
const unlistedPins = (text: string): string[] =>
  pinnedUses(text)
    .filter(
      ({ action, sha, version }) =>
        !pinTable.pins.some(
          (row) =>
            row.action === action.split('/').slice(0, 2).join('/') &&
            row.sha === sha &&
            row.version === version,
        ),
    )
    .map(({ action, sha, version }) => `${action}@${sha} # ${version}`);

const triggersOf = (on: unknown): string[] =>
  typeof on === 'string'
    ? [on]
    : Array.isArray(on)
      ? on.map(String)
      : on && typeof on === 'object'
        ? Object.keys(on)
        : [];

/** Expressions that read the secrets context whole, and `secrets: inherit`. */
const wholeSecrets = (text: string): string[] => [
  ...[...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)]
    .map(([, expression = '']) => expression)
    .filter((expression) =>
      /(?<![\w.-])secrets(?![\w-])(?!\s*(?:\.\s*[A-Za-z_]|\[))/i.test(expression.replace(/'[^']*'/g, "''")),
    ),
  ...[...text.matchAll(/^\s*secrets:\s*inherit\s*$/gm)].map(([line]) => line.trim()),
];

const UNTRUSTED =
  /\$\{\{[^}]*(?<![\w.-])(?:github\.event(?![\w-])|github\.head_ref|inputs\b|steps\.[\w-]+\.outputs|needs\.[\w-]+\.outputs)/i;

/**
 * The lines of a run: script that go to a file command, with the file: a line redirected to it,
 * or a line of a `{ … }` group redirected to it.
 */
function fileCommandLines(script: string): { file: string; line: string; index: number }[] {
  const lines = script.split('\n');
  return lines.flatMap((line, index) => {
    const file = /(?:>>?|\btee\s+-a)\s*"?\$\{?(GITHUB_OUTPUT|GITHUB_ENV|GITHUB_PATH)\b/.exec(line)?.[1];
    if (file === undefined) return [];
    if (!/^\s*\}/.test(line)) return [{ file, line, index }];
    const start = lines.slice(0, index).findLastIndex((candidate) => /^\s*\{\s*$/.test(candidate));
    return lines
      .slice(start + 1, index)
      .map((inner, offset) => ({ file, line: inner, index: start + 1 + offset }));
  });
}

/** The run: steps of every job of a workflow, with their env: (workflow, job and step). */
function runSteps(text: string): { run: string; env: Record<string, string> }[] {
  const workflow = parse(text) as {
    env?: Record<string, string>;
    jobs?: Record<string, Job & { env?: Record<string, string> }>;
  };
  return Object.values(workflow.jobs ?? {}).flatMap((j) =>
    (j.steps ?? []).flatMap((step) =>
      step.run === undefined ? [] : [{ run: step.run, env: { ...workflow.env, ...j.env, ...step.env } }],
    ),
  );
}

/** Untrusted values a script writes to $GITHUB_OUTPUT/$GITHUB_ENV/$GITHUB_PATH unchecked. */
function forgedFileCommands(text: string): string[] {
  return runSteps(text).flatMap(({ run, env }) => {
    const written = fileCommandLines(run);
    if (written.length === 0) return [];
    const untrusted = Object.keys(env).filter((name) => UNTRUSTED.test(env[name] ?? ''));
    const lines = run.split('\n');
    const tested = (name: string, before: number) =>
      lines
        .slice(0, before + 1)
        .some((line) =>
          new RegExp(`\\[\\[\\s*!?\\s*"?\\$${name}"?\\s*(=~|==|!=)|case\\s+"?\\$${name}"?\\s+in`).test(line),
        );
    return [
      ...(UNTRUSTED.test(run) ? ['an untrusted ${{ }} in a script that writes a file command'] : []),
      ...written.flatMap(({ file, line, index }) => [
        ...(/["'][\w-]+<<[A-Za-z_]\w*["']/.test(line) || /^[\w-]+<<[A-Za-z_]\w*$/.test(line.trim())
          ? [`a fixed delimiter in ${line.trim()}`]
          : []),
        ...untrusted
          .filter((name) => new RegExp(`\\$\\{?${name}\\b`).test(line))
          .filter((name) => file === 'GITHUB_PATH' || !tested(name, index))
          .map((name) => `$${name} into $${file}: ${line.trim()}`),
      ]),
    ];
  });
}

const DANGEROUS_ENV_NAME =
  /^(?:LD_\w+|DYLD_\w+|NODE_OPTIONS|BASH_ENV|ENV|PATH|PYTHONPATH|PERL5OPT|RUBYOPT|JAVA_TOOL_OPTIONS|GIT_\w+|GITHUB_\w+|RUNNER_\w+|ACTIONS_\w+)$/i;

/** The names a workflow's scripts write to $GITHUB_ENV (a name that is not literal as written). */
const envFileNames = (text: string): string[] =>
  runSteps(text).flatMap(({ run }) =>
    fileCommandLines(run)
      .filter(({ file }) => file === 'GITHUB_ENV')
      .flatMap(({ line }) => {
        const name = /\b(?:echo|printf)\s+(?:-\w+\s+)*["']?([^=\s"'<]*)(?:=|<<)/.exec(line)?.[1];
        return name === undefined ? [] : [name];
      }),
  );
const dangerousEnvNames = (text: string): string[] =>
  envFileNames(text).filter((name) => DANGEROUS_ENV_NAME.test(name) || !/^[A-Za-z_]\w*$/.test(name));

const hostileJob = (steps: string, on = 'push'): string => `on: ${on}
jobs:
  one:
    runs-on: ubuntu-latest
    steps:
${steps}`;

const gateRules: Record<string, { check: (text: string) => string[]; hostile: string[] }> = {
  'no pull_request_target or workflow_run trigger': {
    check: (text) =>
      triggersOf((parse(text) as { on?: unknown }).on).filter((trigger) =>
        ['pull_request_target', 'workflow_run'].includes(trigger),
      ),
    hostile: [
      hostileJob('      - run: echo hi\n', 'pull_request_target'),
      hostileJob('      - run: echo hi\n', '[push, workflow_run]'),
      hostileJob('      - run: echo hi\n', '\n  workflow_run:\n    workflows: [CI]'),
    ],
  },
  'no secrets context handed on whole': {
    check: wholeSecrets,
    hostile: [
      hostileJob('      - env:\n          ALL: ${{ toJSON(secrets) }}\n        run: echo "$ALL"\n'),
      hostileJob('      - env:\n          ALL: ${{ toJson( Secrets ) }}\n        run: echo "$ALL"\n'),
      hostileJob('      - with:\n          all: ${{ secrets }}\n        uses: ./x\n'),
      'jobs:\n  call:\n    uses: ./.github/workflows/x.yml\n    secrets: inherit\n',
    ],
  },
  'no untrusted value forges a line of $GITHUB_OUTPUT, $GITHUB_ENV or $GITHUB_PATH': {
    check: forgedFileCommands,
    hostile: [
      hostileJob(
        '      - run: |\n          cat <<EOF >> "$GITHUB_OUTPUT"\n          title=${{ github.event.issue.title }}\n          EOF\n',
      ),
      hostileJob(
        '      - env:\n          TITLE: ${{ github.event.issue.title }}\n        run: echo "title=$TITLE" >> "$GITHUB_OUTPUT"\n',
      ),
      hostileJob(
        '      - env:\n          BODY: ${{ needs.a.outputs.body }}\n        run: |\n          {\n            echo "body<<EOF"\n            echo "$BODY"\n            echo EOF\n          } >>"$GITHUB_OUTPUT"\n',
      ),
      hostileJob(
        '      - env:\n          DIR: ${{ inputs.dir }}\n        run: |\n          [[ "$DIR" =~ ^[a-z/]+$ ]] || exit 1\n          echo "$DIR" >> "$GITHUB_PATH"\n',
      ),
    ],
  },
  'no dangerous or computed name written to $GITHUB_ENV': {
    check: dangerousEnvNames,
    hostile: [
      hostileJob('      - run: echo "LD_PRELOAD=$RUNNER_TEMP/x.so" >> "$GITHUB_ENV"\n'),
      hostileJob('      - run: echo "NODE_OPTIONS=--require ./x.js" >>"$GITHUB_ENV"\n'),
      hostileJob(
        '      - run: |\n          {\n            echo "BASH_ENV=./x.sh"\n            echo "PATH=/tmp:$PATH"\n          } >> "$GITHUB_ENV"\n',
      ),
      hostileJob('      - run: echo "$NAME=1" >> "$GITHUB_ENV"\n'),
    ],
  },
  'every pinned uses: is a row of .github/action-pins.json': {
    check: unlistedPins,
    hostile: [
      hostileJob('      - uses: actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803 # v6.2.0\n'),
      hostileJob(`      - uses: actions/checkout@${'0'.repeat(40)} # v6.1.0\n`),
      hostileJob(`      - uses: someone/action@${'1'.repeat(40)} # v1.0.0\n`),
    ],
  },
};

describe('gate rules (#13)', () => {
  const ruleCases = Object.entries(gateRules);

  it.each(
    ruleCases.flatMap(([rule, { check, hostile }]) =>
      hostile.map((text, n) => [rule, n + 1, check, text] as const),
    ),
  )('%s: trips on hostile snippet %i', (_rule, _n, check, text) => {
    expect(check(text)).not.toEqual([]);
  });

  it.each(
    ruleCases.flatMap(([rule, { check }]) =>
      allFiles.map((file) => [rule, relative(repoRoot, file), check] as const),
    ),
  )('%s: quiet on %s', (_rule, file, check) => {
    expect(check(workflowText(join(repoRoot, file)))).toEqual([]);
  });

  it('writes only TF_PLUGIN_CACHE_DIR to $GITHUB_ENV, and nothing to $GITHUB_PATH', () => {
    expect(new Set(allFiles.flatMap((file) => envFileNames(workflowText(file))))).toEqual(
      new Set(['TF_PLUGIN_CACHE_DIR']),
    );
    const pathWrites = allFiles.flatMap((file) =>
      runSteps(workflowText(file)).flatMap(({ run }) =>
        fileCommandLines(run).filter((w) => w.file === 'GITHUB_PATH'),
      ),
    );
    expect(pathWrites).toEqual([]);
  });
});

describe('the environment/branch pairs', () => {
  const config = job('config');

  it('are checked by the config job’s first step, before anything else runs', () => {
    expect(needsOf(config)).toEqual([]);
    const first = config.steps?.[0];
    expect(first?.id).toBe('pair');
    expect(first?.env).toEqual({ ENVIRONMENT: '${{ inputs.environment }}', BRANCH: '${{ inputs.branch }}' });
    expect((config as Job & { env?: Record<string, string> }).env).toEqual({
      ALLOW_ENVIRONMENT_BRANCH: '${{ inputs.allow-environment-branch }}',
    });
    // dev from dev and prod from main are the only pairs allowed without the input.
    expect(first?.run).toMatch(/^\s*dev\/dev \| prod\/main\) ;;$/m);
    expect(first?.run).toMatch(
      /::error title=Environment and branch::input "environment" is %q and input "branch" is %q/,
    );
  });

  it('take an exception only from an explicit pipeline input that deploy-dev and deploy-prod never set', () => {
    expect(pipeline.on.workflow_call?.inputs?.['allow-environment-branch']).toMatchObject({
      type: 'string',
      default: '',
    });
    expect(pipeline.on.workflow_call?.inputs?.['allow-environment-branch']?.required).toBeUndefined();
    for (const wrapper of [dev, prod]) {
      expect(wrapper.jobs['pipeline']?.with, wrapper.name).not.toHaveProperty('allow-environment-branch');
      expect(wrapper.on.workflow_call?.inputs, wrapper.name).not.toHaveProperty('allow-environment-branch');
    }
    expect(
      [dev, prod].map(
        (w) =>
          `${String(w.jobs['pipeline']?.with?.['environment'])}/${String(w.jobs['pipeline']?.with?.['branch'])}`,
      ),
    ).toEqual(['dev/dev', 'prod/main']);
  });
});
