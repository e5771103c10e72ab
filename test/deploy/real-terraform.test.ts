// The vars file and the precedence of planArgs against the REAL Terraform CLI (no providers, so
// init and plan run offline in well under a second): what Terraform makes of the file this
// action writes, and which value wins when the stage, the var files and the vars all set one.
// Skipped, and says so, only when no terraform binary is on PATH.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPlanAgainstContract, undeclaredVars } from '../../src/deploy/checks.js';
import { parsePlan, summarisePlan } from '../../src/deploy/terraform-plan.js';
import {
  applyArgs,
  declaredVariables,
  explainTerraformFailure,
  planArgs,
  PLAN_HAS_CHANGES,
  showArgs,
  takesStructuredValue,
  writeVarsFile,
} from '../../src/deploy/terraform.js';
import type { Vars } from '../../src/deploy/inputs.js';
import { DEFAULT_CONTRACT } from '../../src/lib/contract.js';

const standins = join(import.meta.dirname, '..', 'standins');

/** The real terraform on PATH (never the stand-in), or undefined. */
function realTerraform(): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '' || dir.startsWith(standins)) continue;
    const candidate = join(dir, 'terraform');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

const terraform = realTerraform();
const DIGEST = `europe-west1-docker.pkg.dev/acme-dev/services/api@sha256:${'d4'.repeat(32)}`;
const SECRET = 'sk_live_RealTerraformVarsFile_93f1';
const env = {
  ...process.env,
  TF_CLI_CONFIG_FILE: '/dev/null',
  CHECKPOINT_DISABLE: '1',
  TF_IN_AUTOMATION: '1',
  TF_INPUT: '0',
};

let stack = '';
let privateDir = '';

function tf(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(terraform ?? 'terraform', args, { cwd: stack, env, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** planArgs for the stack, with `vars` in a fresh private file and `user.tfvars` as the var file. */
function plan(vars: Vars, planFile = join(privateDir, 'tfplan')) {
  const declared = declaredVariables(stack);
  const structured = new Set(
    vars.map(([name]) => name).filter((name) => takesStructuredValue(declared.get(name))),
  );
  const dir = mkdtempSync(join(privateDir, 'vars-'));
  const varsFile = writeVarsFile(dir, vars, structured);
  const args = planArgs(
    {
      image: DIGEST,
      imageVariable: 'image',
      allowDevAuthBypass: false,
      bypassVariable: 'allow_dev_auth_bypass',
      varFiles: ['user.tfvars'],
      lockTimeout: '60s',
      production: false,
    },
    planFile,
    declared.has('allow_dev_auth_bypass'),
    varsFile,
  );
  return { ...tf(args), varsFile, planFile };
}

describe.skipIf(terraform === undefined)(
  terraform === undefined
    ? 'real Terraform (SKIPPED: no terraform binary on PATH; install Terraform 1.11.4 to run these)'
    : `real Terraform (${terraform}): the private vars file and the precedence of planArgs`,
  () => {
    beforeAll(() => {
      stack = mkdtempSync(join(tmpdir(), 'deploy-real-tf-'));
      privateDir = mkdtempSync(join(tmpdir(), 'deploy-real-tf-private-'));
      cpSync(join(import.meta.dirname, '..', 'fixtures', 'deploy', 'vars-file'), stack, { recursive: true });
      writeFileSync(
        join(stack, 'user.tfvars'),
        'image = "from-a-var-file:latest"\nallow_dev_auth_bypass = true\nregion = "file-region"\nreplicas = 5\n',
      );
      const init = tf(['init', '-input=false', '-no-color']);
      expect(init.status, init.stderr).toBe(0);
    });
    afterAll(() => {
      rmSync(stack, { recursive: true, force: true });
      rmSync(privateDir, { recursive: true, force: true });
    });

    it('reads every value as given, and a later -var/-var-file wins: var files < vars < the image; the bypass stays visible', () => {
      const template = 'a ${var.region} %{ if true }b%{ endif } "q" \\ ä \u2028 =x';
      const planned = plan([
        ['region', 'vars-region'],
        ['replicas', '7'],
        ['labels', '{"team": "api", "x": "a=b"}'],
        ['zones', '["b", "c"]'],
        ['template', template],
        ['api_key', SECRET],
      ]);
      expect(planned.status, planned.stderr).toBe(PLAN_HAS_CHANGES);
      const show = tf(showArgs(planned.planFile));
      expect(show.status, show.stderr).toBe(0);
      const document = parsePlan(show.stdout);
      const values = Object.fromEntries(
        Object.entries(document.variables ?? {}).map(([name, variable]) => [name, variable.value]),
      );
      expect(values).toEqual({
        // The image is the input's, whatever a var file says.
        image: DIGEST,
        // vars win over var files; a string for a number is kept as given, as -var values are.
        region: 'vars-region',
        replicas: '7',
        labels: { team: 'api', x: 'a=b' },
        zones: ['b', 'c'],
        // No template sequence is evaluated, no character is escaped twice.
        template,
        api_key: SECRET,
        // A var file that turns the bypass on overrides the stage's -var …
        allow_dev_auth_bypass: true,
      });
      // … and the plan check refuses it.
      const findings = checkPlanAgainstContract(summarisePlan(document), {
        contract: DEFAULT_CONTRACT,
        hasContract: false,
        environment: 'dev',
        production: false,
        allowDevAuthBypass: false,
        bypassVariable: 'allow_dev_auth_bypass',
        allowDestroy: false,
      });
      expect(findings.map((f) => f.message)).toEqual([
        expect.stringContaining(
          "the plan's allow_dev_auth_bypass (true) differs from input allow-dev-auth-bypass",
        ),
      ]);
      expect(undeclaredVars(['region', 'api_key'], summarisePlan(document))).toEqual([]);

      // The saved plan needs no vars: apply works with the file gone.
      rmSync(planned.varsFile);
      const apply = tf(applyArgs({ lockTimeout: '60s' }, planned.planFile));
      expect(apply.status, apply.stderr).toBe(0);
      const output = tf(['output', '-json', '-no-color']);
      expect(JSON.parse(output.stdout)).toMatchObject({
        region: { value: 'vars-region' },
        image: { value: DIGEST },
      });
    });

    it('only warns of an undeclared name in a file, and leaves it out of the plan: the action checks it', () => {
      const planned = plan([
        ['api_key', SECRET],
        ['regoin', 'x'],
      ]);
      expect([0, PLAN_HAS_CHANGES]).toContain(planned.status);
      expect(planned.stdout).toContain('Value for undeclared variable');
      const show = tf(showArgs(planned.planFile));
      expect(undeclaredVars(['api_key', 'regoin'], summarisePlan(parsePlan(show.stdout)))).toEqual([
        'regoin',
      ]);
    });

    it('quotes the line of a bad value in its error; the action names the vars input instead', () => {
      const bad = 'sk_not_a_number_4242';
      const planned = plan([
        ['api_key', SECRET],
        ['replicas', bad],
      ]);
      expect(planned.status).toBe(1);
      // Terraform's own text shows the value in the file's source line …
      expect(planned.stderr).toContain(bad);
      expect(planned.stderr).toContain(`on ${planned.varsFile} line`);
      const error = explainTerraformFailure(
        'plan',
        { code: 1, stdout: planned.stdout, stderr: planned.stderr, durationMs: 1 },
        'x',
        [planned.varsFile],
      );
      // … the action's message names the variable and the input, and shows neither value nor path.
      expect(error.message).toContain('Invalid value for input variable');
      expect(error.message).toContain('var.replicas');
      expect(error.message).toContain('on the file of input vars line');
      expect(error.message).not.toContain(bad);
      expect(error.message).not.toContain(SECRET);
      expect(error.message).not.toContain(planned.varsFile);
    });
  },
);
