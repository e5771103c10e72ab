import { describe, expect, it } from 'vitest';
import { describeInputs, parseImage, type DeployInputs } from '../../src/deploy/inputs.js';
import { DEFAULT_CONTRACT } from '../../src/lib/contract.js';
import { ConfigurationError } from '../../src/lib/errors.js';

const DIGEST = `europe-west1-docker.pkg.dev/acme-dev/services/api@sha256:${'e5'.repeat(32)}`;
const VAR_VALUE = 'sk_live_DescribeInputsVarValue_77';
const BACKEND_KEY = 'AAAAbackendEncryptionKey0123456789=';
const TOKEN = 'ghs_DescribeInputsToken1234567890';

const inputs: DeployInputs = {
  workingDirectory: '/ws/infra/service',
  environment: 'dev',
  production: false,
  image: DIGEST,
  imageFromService: false,
  imageRepository: 'europe-west1-docker.pkg.dev/acme-dev/services/api',
  imageVariable: 'image',
  allowDevAuthBypass: false,
  bypassVariable: 'allow_dev_auth_bypass',
  declaresBypass: true,
  vars: [
    ['api_key', VAR_VALUE],
    ['labels', '{"team": "api"}'],
  ],
  structuredVars: new Set(['labels']),
  varFiles: ['dev.tfvars'],
  backendConfig: ['bucket=acme-tfstate', `encryption_key=${BACKEND_KEY}`, 'backend.hcl'],
  contract: DEFAULT_CONTRACT,
  project: 'acme-dev',
  planOnly: false,
  allowDestroy: false,
  lockTimeout: '300s',
  timeoutMs: 3_600_000,
  githubToken: TOKEN,
  onStale: 'fail',
  commit: '3f2a9c81d4e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9',
  repository: 'example-org/fastapi-service',
  githubApiUrl: 'https://ghes.example.com/api/v3?access_token=leaky-query-token',
  tool: 'terraform',
  traffic: 'hold',
  service: { project: 'acme-dev', region: 'europe-west1', service: 'api' },
  reportFile: '/ws/reports/plan-dev.json',
};

describe('describeInputs', () => {
  it('is an allow-list of every field: values that can hold a secret only by name or shape', () => {
    const described = describeInputs(inputs) as Record<string, unknown>;
    // Every field is there, chosen one by one (a new field must be added on purpose).
    expect(Object.keys(described).sort()).toEqual(Object.keys(inputs).sort());
    expect(described).toMatchObject({
      vars: ['api_key=…', 'labels=…'],
      structuredVars: ['labels'],
      backendConfig: ['bucket=…', 'encryption_key=…', 'backend.hcl'],
      githubToken: '(set)',
      githubApiUrl: 'https://ghes.example.com/api/v3 (query or user part left out)',
      contract: '(default)',
      image: DIGEST,
      project: 'acme-dev',
    });
    const text = JSON.stringify(described);
    for (const secret of [VAR_VALUE, BACKEND_KEY, TOKEN, 'leaky-query-token', 'acme-tfstate', '"team"']) {
      expect(text).not.toContain(secret);
    }
    expect((describeInputs({ ...inputs, githubToken: '' }) as { githubToken: string }).githubToken).toBe(
      '(empty)',
    );
  });
});

describe('parseImage', () => {
  it.each([
    DIGEST,
    `localhost:5000/api@sha256:${'0'.repeat(64)}`,
    `ghcr.io/acme/api-server_x.y@sha256:${'f'.repeat(64)}`,
  ])('accepts the digest reference %s', (image) => {
    expect(parseImage(image)).toBe(image);
  });

  it.each([
    [
      'europe-west1-docker.pkg.dev/acme/api:v1',
      /is "europe-west1-docker.pkg.dev\/acme\/api:v1": a tag is refused/,
    ],
    [DIGEST.slice(0, -1), /which is not a valid digest reference/],
    [`europe-west1-docker.pkg.dev/${'a'.repeat(250)}@sha256:${'e5'.repeat(32)}`, /at most 255 characters/],
    ['--project=attacker-proj', /is "--project=attacker-proj", which is not an image reference/],
    [
      // shown() cuts a long value: no line break, and the forged line is not even there.
      `${DIGEST}\n::error file=x::forged`,
      /^[^\n]*…", which is not a valid digest reference[^\n]*$/,
    ],
    ['x\n::error file=x::forged', /is "x\\n::error file=x::forged", which is not an image reference/],
    [DIGEST.replace('acme', '\u0430cme'), /\\u0430cme/],
  ])('refuses %j, naming the input and showing the value escaped', (image, message) => {
    expect(() => parseImage(image)).toThrow(ConfigurationError);
    expect(() => parseImage(image)).toThrow(message);
    expect(() => parseImage(image)).toThrow(/^input "image" is "/);
  });
});
