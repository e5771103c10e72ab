import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { undeclaredVars } from '../../src/deploy/checks.js';
import { logLine } from '../../src/lib/names.js';
import {
  applyArgs,
  declaredVariables,
  explainTerraformFailure,
  initArgs,
  outputArgs,
  planArgs,
  showArgs,
  takesStructuredValue,
  VARS_FILE,
  varsFileContent,
  writeVarsFile,
} from '../../src/deploy/terraform.js';
import { ConfigurationError } from '../../src/lib/errors.js';
import { registerSecret } from '../../src/lib/secrets.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});
function folder(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-tf-'));
  folders.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const digest = `europe-west1-docker.pkg.dev/acme/services/api@sha256:${'a1'.repeat(32)}`;
const base = {
  image: digest,
  imageVariable: 'image',
  allowDevAuthBypass: false,
  bypassVariable: 'allow_dev_auth_bypass',
  vars: [] as [string, string][],
  varFiles: [] as string[],
  lockTimeout: '300s',
  production: false,
};

describe('Terraform argument arrays', () => {
  it('init passes each backend setting', () => {
    expect(initArgs({ backendConfig: ['bucket=acme-tfstate', 'prefix=service/dev', 'backend.hcl'] })).toEqual(
      [
        'init',
        '-input=false',
        '-no-color',
        '-backend-config=bucket=acme-tfstate',
        '-backend-config=prefix=service/dev',
        '-backend-config=backend.hcl',
      ],
    );
  });

  it.each([
    [
      'the bypass flag, then the image, of a dev service stack',
      { ...base, allowDevAuthBypass: true },
      true,
      undefined,
      ['-var', 'allow_dev_auth_bypass=true', '-var', `image=${digest}`],
    ],
    [
      'prod always gets false, whatever the input',
      { ...base, production: true, allowDevAuthBypass: true },
      true,
      undefined,
      ['-var', 'allow_dev_auth_bypass=false', '-var', `image=${digest}`],
    ],
    [
      'no bypass variable when the stack does not declare it',
      base,
      false,
      undefined,
      ['-var', `image=${digest}`],
    ],
    [
      'no image variable for the platform stack',
      { ...base, image: '' },
      true,
      undefined,
      ['-var', 'allow_dev_auth_bypass=false'],
    ],
    [
      'precedence, lowest first: the bypass flag, the var files, the vars file, the image',
      { ...base, varFiles: ['dev.tfvars', 'extra.tfvars.json'] },
      true,
      '/tmp/p/vars.tfvars.json',
      [
        '-var',
        'allow_dev_auth_bypass=false',
        '-var-file=dev.tfvars',
        '-var-file=extra.tfvars.json',
        '-var-file=/tmp/p/vars.tfvars.json',
        '-var',
        `image=${digest}`,
      ],
    ],
    [
      'no value of vars on the command line: they are in the file',
      {
        ...base,
        image: '',
        vars: [['api_key', 'sk_live_value']] as [string, string][],
      },
      false,
      '/tmp/p/vars.tfvars.json',
      ['-var-file=/tmp/p/vars.tfvars.json'],
    ],
  ])('plan: %s', (_name, inputs, declaresBypass, varsFile, tail) => {
    expect(planArgs(inputs, '/tmp/p/tfplan', declaresBypass, varsFile)).toEqual([
      'plan',
      '-input=false',
      '-no-color',
      '-detailed-exitcode',
      '-lock-timeout=300s',
      '-out=/tmp/p/tfplan',
      ...tail,
    ]);
  });

  it('show, apply and output', () => {
    expect(showArgs('/tmp/p/tfplan')).toEqual(['show', '-json', '-no-color', '/tmp/p/tfplan']);
    expect(applyArgs({ lockTimeout: '60s' }, '/tmp/p/tfplan')).toEqual([
      'apply',
      '-input=false',
      '-no-color',
      '-json',
      '-lock-timeout=60s',
      '/tmp/p/tfplan',
    ]);
    expect(outputArgs()).toEqual(['output', '-json', '-no-color']);
  });
});

const result = (stderr: string) => ({ code: 1, stdout: '', stderr, durationMs: 1 });

describe('explainTerraformFailure', () => {
  it('names the lock id, holder and the force-unlock command', () => {
    const stderr = [
      '╷',
      '│ Error: Error acquiring the state lock',
      '│ ',
      '│ Error message: resource temporarily unavailable',
      '│ Lock Info:',
      '│   ID:        8d6c1f4e-3b2a-4c5d-9e8f-0a1b2c3d4e5f',
      '│   Path:      terraform.tfstate',
      '│   Operation: OperationTypeApply',
      '│   Who:       runner@fv-az123-456',
      '│   Version:   1.11.4',
      '│   Created:   2026-11-28 10:00:00.000000000 +0000 UTC',
      '│   Info:      ',
      '╵',
    ].join('\n');
    const error = explainTerraformFailure('plan', result(stderr), 'x');
    expect(error.message).toBe(
      'terraform plan: the state is locked (lock ID 8d6c1f4e-3b2a-4c5d-9e8f-0a1b2c3d4e5f, held by runner@fv-az123-456 since 2026-11-28 10:00:00.000000000 +0000 UTC). ' +
        'Another run is changing this stack: let it finish (input lock-timeout waits for it). If that run died, release the lock with: terraform force-unlock 8d6c1f4e-3b2a-4c5d-9e8f-0a1b2c3d4e5f',
    );
  });

  it('explains a stale saved plan', () => {
    const error = explainTerraformFailure(
      'apply',
      result(
        '╷\n│ Error: Saved plan is stale\n│ \n│ The given plan file can no longer be applied because the state was changed by another operation after the plan was created.\n╵',
      ),
      'x',
    );
    expect(error.message).toMatch(/^terraform apply: the saved plan is stale: .* re-run the workflow/);
  });

  it('names a missing variable and both ways to pass it, as a configuration error', () => {
    const stderr =
      '╷\n│ Error: No value for required variable\n│ \n│   on variables.tf line 1:\n│    1: variable "region" {\n│ \n│ The root module input variable "region" is not set, and has no default value. Use a -var or -var-file command line argument to provide a value for this variable.\n╵';
    const error = explainTerraformFailure('plan', result(stderr), 'x');
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toBe(
      "terraform plan: variable region has no value: pass it in input vars (region=…) or set TF_VAR_region in the workflow's env; with the reusable workflows, add region=… to the caller's input service-vars (service stack) or platform-vars (platform stack) (one name=value a line)",
    );
  });

  it('points init failures at providers and backend, with Terraform own text', () => {
    const stderr =
      '╷\n│ Error: Failed to query available provider packages\n│ \n│ Could not retrieve the list of available versions for provider hashicorp/google: could not connect to registry.terraform.io\n╵';
    const error = explainTerraformFailure('init', result(stderr), 'x');
    expect(error.message).toMatch(
      /^terraform init failed \(providers or backend\).*\nError: Failed to query available provider packages\n\nCould not retrieve the list/s,
    );
  });

  it('never quotes a line of the private vars file: names it as the vars input', () => {
    const varsFile = '/tmp/runner/temp/deploy-plan-x/vars.tfvars.json';
    const stderr = [
      '',
      'Error: Invalid value for input variable',
      '',
      `  on ${varsFile} line 3:`,
      '   3:   "replicas": "sk_live_SecretLooking",',
      '',
      'The given value is not suitable for var.replicas declared at variables.tf:1,1-20:',
      'a number is required.',
      '',
    ].join('\n');
    const error = explainTerraformFailure('plan', result(stderr), 'x', [varsFile]);
    expect(error.message).toBe(
      [
        'terraform plan failed:',
        'Error: Invalid value for input variable',
        '',
        '  on the file of input vars line 3:',
        '',
        'The given value is not suitable for var.replicas declared at variables.tf:1,1-20:',
        'a number is required.',
      ].join('\n'),
    );
    expect(error.message).not.toContain('sk_live');
    expect(error.message).not.toContain(varsFile);
  });

  it('removes secrets before it cuts the tail: no piece of a secret across the cut is left', () => {
    // The second line of this secret is too short to be masked on its own.
    const secret = 'Xy7-Secret-Head-0123\nq9Z!x';
    registerSecret(secret);
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    lines.splice(9, 2, 'Xy7-Secret-Head-0123', 'q9Z!x');
    const cutAt = lines.length - 20;
    expect(lines[cutAt - 1]).toBe('Xy7-Secret-Head-0123');
    const error = explainTerraformFailure('apply', result(lines.join('\n')), 'x');
    expect(error.message).not.toContain('q9Z!x');
    expect(error.message).not.toContain('Secret-Head');
    expect(error.message.split('\n').slice(1)).toHaveLength(20);
    const init = explainTerraformFailure('init', result(lines.join('\n')), 'x');
    expect(init.message).not.toContain('q9Z!x');
  });

  it('keeps any other Terraform error, without the box drawing', () => {
    const error = explainTerraformFailure(
      'apply',
      result('╷\n│ Error: googleapi: Error 403: Permission denied\n╵'),
      'x',
    );
    expect(error.message).toBe('terraform apply failed:\nError: googleapi: Error 403: Permission denied');
  });
});

describe('the vars file', () => {
  it('is JSON, one variable a line, every value a string kept whole (Terraform reads JSON strings literally)', () => {
    const text = varsFileContent(
      [
        ['region', 'europe-west1'],
        ['template', 'a ${var.x} %{ if true }b%{ endif } "q" \\ ä'],
        ['flag', 'true'],
        ['count', '3'],
      ],
      new Set(),
    );
    expect(text).toBe(
      [
        '{',
        '  "region": "europe-west1",',
        '  "template": "a ${var.x} %{ if true }b%{ endif } \\"q\\" \\\\ ä",',
        '  "flag": "true",',
        '  "count": "3"',
        '}',
        '',
      ].join('\n'),
    );
    expect(JSON.parse(text)).toEqual({
      region: 'europe-west1',
      template: 'a ${var.x} %{ if true }b%{ endif } "q" \\ ä',
      flag: 'true',
      count: '3',
    });
  });

  it('a name given twice keeps its last value, as repeated -var options do', () => {
    const text = varsFileContent(
      [
        ['region', 'a'],
        ['zone', 'z'],
        ['region', 'b'],
      ],
      new Set(),
    );
    expect(JSON.parse(text)).toEqual({ zone: 'z', region: 'b' });
    expect(text.match(/"region"/g)).toHaveLength(1);
  });

  it('passes a structured variable as its JSON value, on one line', () => {
    const text = varsFileContent(
      [
        ['labels', '{"team": "api", "x": "a=b"}'],
        ['zones', '["b", "c"]'],
        ['name', '["not", "parsed"]'],
      ],
      new Set(['labels', 'zones']),
    );
    expect(JSON.parse(text)).toEqual({
      labels: { team: 'api', x: 'a=b' },
      zones: ['b', 'c'],
      name: '["not", "parsed"]',
    });
    expect(text.split('\n')).toHaveLength(6);
  });

  it('is written readable by this user only, and never over an existing file', () => {
    const dir = folder();
    const file = writeVarsFile(dir, [['api_key', 'sk_live_4242']], new Set());
    expect(file).toBe(join(dir, VARS_FILE));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ api_key: 'sk_live_4242' });
    expect(() => writeVarsFile(dir, [['api_key', 'other']], new Set())).toThrow(/EEXIST/);
  });
});

describe('declaredVariables', () => {
  it('reads each variable with the first word of its type, in .tf and .tf.json files', () => {
    const dir = folder({
      'variables.tf': [
        'variable "region" {',
        '  type        = string',
        '  description = "Where { it runs"',
        '}',
        'variable "labels" {',
        '  type = map(string)',
        '  validation {',
        '    condition     = length(var.labels) < 10 # type = string',
        '    error_message = "At most 9 labels."',
        '  }',
        '}',
        'variable "settings" {',
        '  type = object({',
        '    type = string',
        '  })',
        '}',
        'variable "untyped" {',
        '  default = "x"',
        '}',
        'variable "one_line" { type = number }',
        'variable bare {',
        '  type = list(string)',
        '}',
        'variable "after" {',
        '}',
      ].join('\n'),
      'more.tf.json': JSON.stringify({ variable: { from_json: { type: 'bool' }, any_json: {} } }),
      'listed.tf.json': JSON.stringify({ variable: [{ in_list: { type: '${list(string)}' } }] }),
      'notes.txt': 'variable "ignored" {\n}\n',
    });
    expect(Object.fromEntries(declaredVariables(dir))).toEqual({
      region: 'string',
      labels: 'map',
      settings: 'object',
      untyped: undefined,
      one_line: 'number',
      bare: 'list',
      after: undefined,
      from_json: 'bool',
      any_json: undefined,
      in_list: 'list',
    });
  });

  it.each([
    [undefined, false],
    ['string', false],
    ['number', false],
    ['bool', false],
    ['map', true],
    ['list', true],
    ['object', true],
    ['any', true],
  ])('a value for type %s is structured: %s', (type, structured) => {
    expect(takesStructuredValue(type)).toBe(structured);
  });
});

describe('what the stage re-logs of Terraform', () => {
  it('a vars name the plan does not list is undeclared', () => {
    expect(
      undeclaredVars(['region', 'regoin', 'regoin'], { variables: { region: 'x', image: 'y' } }),
    ).toEqual(['regoin']);
    expect(undeclaredVars(['constructor'], { variables: {} })).toEqual(['constructor']);
  });

  it.each([
    [
      'google_cloud_run_v2_service.api["a\\n::error file=x::forged"] is fine',
      'google_cloud_run_v2_service.api["a\\u000a::error file=x::forged"] is fine',
    ],
    ['::add-mask::main', '\\u003a:add-mask::main'],
    ['a\r::warning::x', 'a\\u000d::warning::x'],
    ['plain text', 'plain text'],
  ])('logLine(%j) is one line that is no workflow command', (text, line) => {
    const actual = logLine(text.replace(/\\n/g, '\n'));
    expect(actual).toBe(line);
    expect(actual).not.toMatch(/[\n\r]/);
    expect(actual.startsWith('::')).toBe(false);
  });
});
