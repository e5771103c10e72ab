// The deploy report (report.ts, plan-text.ts) and the input rules of issue 18 (image: running,
// report-file): the report built from what a run learnt, its redaction, its atomic 0600 write,
// the bounded plan text, and readInputs refusing what cannot work before anything runs.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkRunningImage, parseReportFile, readInputs } from '../../src/deploy/inputs.js';
import { MAX_PLAN_TEXT, PlanTextCollector, plainText } from '../../src/deploy/plan-text.js';
import {
  buildReport,
  emptyReportState,
  runUrlOf,
  writeReport,
  type ReportContext,
} from '../../src/deploy/report.js';
import { summarisePlan } from '../../src/deploy/terraform-plan.js';
import { planArgs } from '../../src/deploy/terraform.js';
import { ConfigurationError } from '../../src/lib/errors.js';
import { registerSecret } from '../../src/lib/secrets.js';
import { DEPLOY_CONTRACT, stackDirs } from '../../testkit/deploy-scenarios.js';

const CONTEXT: ReportContext = {
  environment: 'dev',
  stack: 'infra/service',
  tool: 'terraform',
  runUrl: 'https://github.com/example-org/fastapi-service/actions/runs/42',
};
const SECRET = 'sk_live_ReportTestSecret_5d1c9e';

const temporary: string[] = [];
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-report-'));
  temporary.push(dir);
  return dir;
};

describe('buildReport', () => {
  const planned = summarisePlan({
    format_version: '1.2',
    resource_changes: [
      { address: 'google_cloud_run_v2_service.api', type: 'x', change: { actions: ['update'] } },
      { address: 'google_secret_manager_secret.db', type: 'x', change: { actions: ['create'] } },
      { address: 'google_service_account.old', type: 'x', change: { actions: ['delete', 'create'] } },
      { address: 'google_project_iam_member.same', type: 'x', change: { actions: ['no-op'] } },
    ],
  });

  it('a plan with changes: counts, the changes with their actions (no-ops left out), findings and preflight', () => {
    const state = emptyReportState();
    state.planned = planned;
    state.hasChanges = true;
    state.findings.push(
      { level: 'warning', message: 'FOO is not in the contract' },
      { level: 'info', message: 'running commit 3f2a9c8' },
    );
    state.preflight.push(
      { secret: 'database-url-dev', version: 'latest', ok: true, resolved: '3' },
      { secret: 'admin-api-key-dev', version: '2', ok: false, problem: 'version 2 is disabled' },
    );
    state.planText = { text: 'Plan: 1 to add, 1 to change, 1 to destroy.\n', cut: 0 };
    expect(buildReport(CONTEXT, state)).toEqual({
      version: 1,
      environment: 'dev',
      stack: 'infra/service',
      tool: 'terraform',
      outcome: 'changes',
      counts: { add: 1, change: 1, destroy: 0, replace: 1 },
      changes: [
        { address: 'google_cloud_run_v2_service.api', actions: ['update'] },
        { address: 'google_secret_manager_secret.db', actions: ['create'] },
        { address: 'google_service_account.old', actions: ['delete', 'create'] },
      ],
      findings: [
        { level: 'warning', message: 'FOO is not in the contract' },
        { level: 'notice', message: 'running commit 3f2a9c8' },
      ],
      preflight: [
        { secret: 'database-url-dev', version: 'latest', ok: true, detail: 'enabled (3)' },
        { secret: 'admin-api-key-dev', version: '2', ok: false, detail: 'version 2 is disabled' },
      ],
      planText: 'Plan: 1 to add, 1 to change, 1 to destroy.\n',
      planTextCut: 0,
      runUrl: CONTEXT.runUrl,
    });
  });

  it('the outcomes: failed (with the error) over skipped (with the note) over changes and no-changes', () => {
    const state = emptyReportState();
    expect(buildReport(CONTEXT, state).outcome).toBe('no-changes');
    state.hasChanges = true;
    expect(buildReport(CONTEXT, state).outcome).toBe('changes');
    state.skipped = true;
    state.note = 'no revision runs yet';
    expect(buildReport(CONTEXT, state)).toMatchObject({ outcome: 'skipped', note: 'no revision runs yet' });
    const failed = buildReport(CONTEXT, state, 'terraform plan: variable x has no value');
    expect(failed).toMatchObject({ outcome: 'failed', error: 'terraform plan: variable x has no value' });
    expect(buildReport({ ...CONTEXT, runUrl: undefined }, emptyReportState())).not.toHaveProperty('runUrl');
    expect(buildReport(CONTEXT, emptyReportState())).not.toHaveProperty('error');
  });

  it('every text field is redacted of the registered secrets', () => {
    registerSecret(SECRET);
    const state = emptyReportState();
    state.findings.push({ level: 'error', message: `DATABASE_URL is the plain value ${SECRET}` });
    state.preflight.push({ secret: 's', version: 'latest', ok: false, problem: `refused ${SECRET}` });
    state.planText = { text: `+ value = "${SECRET}"\n`, cut: 0 };
    state.note = `note ${SECRET}`;
    const text = JSON.stringify(buildReport({ ...CONTEXT, stack: `x/${SECRET}` }, state, `error ${SECRET}`));
    expect(text).not.toContain(SECRET);
    expect(text.match(/\*\*\*/g)).toHaveLength(6);
  });
});

describe('runUrlOf', () => {
  it.each([
    [{ GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '7' }, 'https://github.com/o/r/actions/runs/7'],
    [
      { GITHUB_SERVER_URL: 'https://ghes.example.com/', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '7' },
      'https://ghes.example.com/o/r/actions/runs/7',
    ],
    [{ GITHUB_REPOSITORY: 'o/r' }, undefined],
    [{ GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '7; rm' }, undefined],
    [{ GITHUB_REPOSITORY: 'o/r/../x', GITHUB_RUN_ID: '7' }, undefined],
    [{ GITHUB_SERVER_URL: 'javascript:alert(1)', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '7' }, undefined],
  ])('%j → %s', (env, url) => {
    expect(runUrlOf(env)).toBe(url);
  });
});

describe('writeReport', () => {
  it('writes the JSON atomically with mode 0600, creating its folder, leaving no temporary file', () => {
    const dir = tempDir();
    const path = join(dir, 'reports', 'plan-dev.json');
    writeReport(path, buildReport(CONTEXT, emptyReportState()));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ version: 1, outcome: 'no-changes' });
    // A second write replaces the first whole.
    const state = emptyReportState();
    state.hasChanges = true;
    writeReport(path, buildReport(CONTEXT, state));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ outcome: 'changes' });
    expect(readdirSync(join(dir, 'reports'))).toEqual(['plan-dev.json']);
  });

  it('a path it cannot write throws and leaves nothing behind', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'taken'));
    expect(() => writeReport(join(dir, 'taken'), buildReport(CONTEXT, emptyReportState()))).toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
  });
});

describe('PlanTextCollector', () => {
  it('keeps whole lines without escape codes or control characters', () => {
    const collector = new PlanTextCollector();
    collector.add('\n\u001b[1mTerraform\u001b[0m will perform\r\n');
    collector.add('  + id = \u0007"x"\u001b]8;;https://evil\u0007link\u001b]8;;\u0007\n');
    expect(collector.result()).toEqual({ text: 'Terraform will perform\n  + id = "x"link\n', cut: 0 });
    expect(plainText('a\tb\u009bc')).toBe('a\tbc');
  });

  it('cuts at a line boundary within the limit and says how many lines were left out', () => {
    const collector = new PlanTextCollector(25);
    collector.add('line one\nline two\n');
    collector.add('line three\nline four\nfive\n');
    const { text, cut } = collector.result();
    expect(cut).toBe(3);
    expect(text).toBe(
      'line one\nline two\n… 3 more lines of the plan left out (the text is cut at 25 characters)\n',
    );
  });

  it('a plan text of 3 MiB keeps at most 1 MiB, whole lines', () => {
    const collector = new PlanTextCollector();
    const line = `  ~ resource "google_x" "${'a'.repeat(90)}" {`;
    const lines = Math.ceil((3 * MAX_PLAN_TEXT) / (line.length + 1));
    for (let i = 0; i < lines; i += 1000) collector.add(`${line}\n`.repeat(Math.min(1000, lines - i)));
    const { text, cut } = collector.result();
    const kept = text.split('\n').slice(0, -2);
    expect(kept.every((l) => l === line)).toBe(true);
    expect(kept.length + cut).toBe(lines);
    expect(text.length).toBeLessThanOrEqual(MAX_PLAN_TEXT + 200);
    expect(text.length).toBeGreaterThan(MAX_PLAN_TEXT - line.length - 200);
  });
});

describe('planArgs with plan-only', () => {
  const base = {
    image: '',
    imageVariable: 'image',
    allowDevAuthBypass: false,
    bypassVariable: 'allow_dev_auth_bypass',
    varFiles: [],
    lockTimeout: '300s',
    production: false,
  };
  it('reads the state without its lock (-lock=false, no lock timeout); a deploy waits for the lock', () => {
    const planOnly = planArgs({ ...base, planOnly: true }, '/p/tfplan', false);
    expect(planOnly).toContain('-lock=false');
    expect(planOnly.some((arg) => arg.startsWith('-lock-timeout'))).toBe(false);
    const applying = planArgs({ ...base, planOnly: false }, '/p/tfplan', false);
    expect(applying).toContain('-lock-timeout=300s');
    expect(applying).not.toContain('-lock=false');
  });
});

describe('input rules of image: running and report-file', () => {
  it('checkRunningImage: only plan-only, and only with a service', () => {
    const ref = { project: 'acme-dev', region: 'europe-west1', service: 'api' };
    expect(() => checkRunningImage(true, ref)).not.toThrow();
    expect(() => checkRunningImage(false, ref)).toThrow(ConfigurationError);
    expect(() => checkRunningImage(false, ref)).toThrow('set "plan-only: true"');
    expect(() => checkRunningImage(true, undefined)).toThrow(
      'input "service" is required with image: running',
    );
  });

  it('parseReportFile: a file path in the workspace; a folder, a newline or a trailing slash refused', () => {
    const workspace = tempDir();
    mkdirSync(join(workspace, 'reports'));
    const env = { GITHUB_WORKSPACE: workspace };
    expect(parseReportFile('', env)).toBe('');
    expect(parseReportFile('reports/plan.json', env)).toBe(join(workspace, 'reports', 'plan.json'));
    expect(parseReportFile('/abs/plan.json', env)).toBe('/abs/plan.json');
    expect(() => parseReportFile('reports', env)).toThrow(
      'input "report-file" is "reports", which is a folder',
    );
    expect(() => parseReportFile('a.json\n::error::x', env)).toThrow('which is not a file path');
    expect(() => parseReportFile('out/', env)).toThrow('which is not a file path');
  });

  const readWith = async (inputs: Record<string, string>) => {
    const all: Record<string, string> = {
      'working-directory': stackDirs.service,
      environment: 'dev',
      contract: DEPLOY_CONTRACT,
      project: 'acme-dev',
      ...inputs,
    };
    for (const [name, value] of Object.entries(all)) {
      vi.stubEnv(`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value);
    }
    return readInputs({ GITHUB_WORKSPACE: tempDir() });
  };

  it('readInputs: image running with plan-only, service and region; the digest is left to the run', async () => {
    const inputs = await readWith({
      image: 'running',
      'plan-only': 'true',
      service: 'api',
      region: 'europe-west1',
      'report-file': 'plan.json',
    });
    expect(inputs).toMatchObject({ image: '', imageFromService: true, planOnly: true });
    expect(inputs.reportFile).toMatch(/\/plan\.json$/);
  });

  it.each([
    [{ image: 'running', service: 'api', region: 'europe-west1' }, 'which only a plan may use'],
    [{ image: 'running', 'plan-only': 'true' }, 'input "service" is required with image: running'],
    [{ image: 'running', 'plan-only': 'true', service: 'api' }, 'input "region" is required'],
    [{ image: 'RUNNING', 'plan-only': 'true', service: 'api', region: 'x1' }, 'not an image reference'],
  ])('readInputs refuses %j', async (inputs, message) => {
    await expect(readWith(inputs)).rejects.toThrow(message);
  });

  it('readInputs: image running for a stack without the image variable names the variable', async () => {
    await expect(
      readWith({
        'working-directory': stackDirs.platform,
        image: 'running',
        'plan-only': 'true',
        service: 'api',
        region: 'europe-west1',
      }),
    ).rejects.toThrow('declares no variable "image"');
  });
});
