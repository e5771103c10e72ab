import { describe, expect, it } from 'vitest';
import {
  applyArgs,
  explainTerraformFailure,
  initArgs,
  outputArgs,
  planArgs,
  showArgs,
} from '../../src/deploy/terraform.js';
import { ConfigurationError } from '../../src/lib/errors.js';

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
      'the image and the bypass flag of a dev service stack',
      { ...base, allowDevAuthBypass: true },
      true,
      ['-var', `image=${digest}`, '-var', 'allow_dev_auth_bypass=true'],
    ],
    [
      'prod always gets false, whatever the input',
      { ...base, production: true, allowDevAuthBypass: true },
      true,
      ['-var', `image=${digest}`, '-var', 'allow_dev_auth_bypass=false'],
    ],
    ['no bypass variable when the stack does not declare it', base, false, ['-var', `image=${digest}`]],
    [
      'no image variable for the platform stack',
      { ...base, image: '' },
      true,
      ['-var', 'allow_dev_auth_bypass=false'],
    ],
    [
      'vars in order, values kept whole, then var files',
      {
        ...base,
        image: '',
        vars: [
          ['region', 'europe-west1'],
          ['labels', '{"team"="api", "x"="a=b"}'],
        ] as [string, string][],
        varFiles: ['dev.tfvars', 'extra.tfvars.json'],
      },
      false,
      [
        '-var',
        'region=europe-west1',
        '-var',
        'labels={"team"="api", "x"="a=b"}',
        '-var-file=dev.tfvars',
        '-var-file=extra.tfvars.json',
      ],
    ],
  ])('plan: %s', (_name, inputs, declaresBypass, tail) => {
    expect(planArgs(inputs, '/tmp/p/tfplan', declaresBypass)).toEqual([
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
      "terraform plan: variable region has no value: pass it in input vars (region=…) or set TF_VAR_region in the workflow's env",
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

  it('keeps any other Terraform error, without the box drawing', () => {
    const error = explainTerraformFailure(
      'apply',
      result('╷\n│ Error: googleapi: Error 403: Permission denied\n╵'),
      'x',
    );
    expect(error.message).toBe('terraform apply failed:\nError: googleapi: Error 403: Permission denied');
  });
});
