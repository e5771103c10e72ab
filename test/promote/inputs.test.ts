// promote's inputs as the runner feeds them (parseSteps, parsePrevious, readInputs with INPUT_*),
// and where a rerun may pick up (continuesFrom): refused values name the input and the fix.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Inputs } from '../../src/promote/constants.js';
import { parsePrevious, parseSteps, readInputs } from '../../src/promote/inputs.js';
import { continuesFrom } from '../../src/promote/rollout.js';
import { ConfigurationError } from '../../src/lib/errors.js';

function refusal(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigurationError, got none');
}

describe('parseSteps', () => {
  it.each([
    ['100', [100]],
    ['10,50,100', [10, 50, 100]],
    [' 5, 25 ,100 ', [5, 25, 100]],
    ['1 2 3 100', [1, 2, 3, 100]],
  ])('reads %j as %j', (raw, steps) => {
    expect(parseSteps(raw)).toEqual(steps);
  });

  it.each([
    ['', 'is empty'],
    ['0,100', 'holds "0", which is not a whole percent from 1 to 100'],
    ['10,10,100', 'goes from 10 to 10: the percentages must increase'],
    ['10,50,101', 'holds "101"'],
    ['-10,100', 'holds "-10"'],
    ['1,2,3,4,5,6,7,8,9,10,100', 'has 11 steps, at most 10'],
    ['10;100', 'holds "10;100"'],
  ])('refuses %j', (raw, message) => {
    expect(refusal(() => parseSteps(raw))).toContain(`input "steps" ${message}`);
  });
});

describe('parsePrevious', () => {
  it('reads a revision name as 100 % to it, and a JSON split as it is', () => {
    expect(parsePrevious('')).toBeUndefined();
    expect(parsePrevious('api-00041-abc')).toEqual([{ revision: 'api-00041-abc', percent: 100 }]);
    expect(
      parsePrevious('[{"revision":"api-00041-abc","percent":90},{"revision":"api-00040-zzz","percent":10}]'),
    ).toEqual([
      { revision: 'api-00041-abc', percent: 90 },
      { revision: 'api-00040-zzz', percent: 10 },
    ]);
  });

  it.each([
    ['[{"revision":"api-1","percent":60}]', 'adds up to 60%, not 100%'],
    ['[{"revision":"API","percent":100}]', 'is "API", which is not a Cloud Run revision name'],
    ['[{"percent":100}]', 'holds an entry without a revision'],
    ['[{"revision":"a","percent":12.5},{"revision":"b","percent":87.5}]', 'gives "12.5" for "a"'],
    ['[]', 'is not a list of shares'],
    ['[1', 'is not a revision name nor JSON'],
    ['api\n::error::x', 'is "api\\n::error::x"'],
  ])('refuses %j', (raw, message) => {
    const text = refusal(() => parsePrevious(raw));
    expect(text).toContain(`input "previous-revision" ${message}`);
    expect(text).not.toMatch(/[\r\n]/);
  });
});

describe('continuesFrom', () => {
  const previous = [
    { revision: 'api-00041-abc', percent: 80 },
    { revision: 'api-00040-zzz', percent: 20 },
  ];
  it.each([
    ['as deploy left it', [...previous], true],
    [
      'a step of this rollout',
      [
        { revision: 'api-00042-xyz', percent: 50 },
        { revision: 'api-00041-abc', percent: 40 },
        { revision: 'api-00040-zzz', percent: 10 },
      ],
      true,
    ],
    ['done', [{ revision: 'api-00042-xyz', percent: 100 }], true],
    [
      'moved by someone else',
      [
        { revision: 'api-00041-abc', percent: 50 },
        { revision: 'api-00040-zzz', percent: 50 },
      ],
      false,
    ],
    ['another revision', [{ revision: 'api-00043-hot', percent: 100 }], false],
  ])('%s: %j → %s', (_what, now, expected) => {
    expect(continuesFrom(previous, now, 'api-00042-xyz')).toBe(expected);
  });
});

describe('readInputs', () => {
  beforeEach(() => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    for (const name of Object.values(Inputs)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, '');
    vi.stubEnv('INPUT_SERVICE', 'api');
    vi.stubEnv('INPUT_REGION', 'europe-west1');
    vi.stubEnv('INPUT_REVISION', 'api-00042-xyz');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('has the documented defaults and takes the project the auth action exports', () => {
    const inputs = readInputs({ GOOGLE_CLOUD_PROJECT: 'acme-prod' });
    expect(inputs).toMatchObject({
      project: 'acme-prod',
      steps: [100],
      stepWaitMs: 60_000,
      timeoutMs: 900_000,
      path: '/health',
      expectedStatus: 200,
      tag: '',
      previous: undefined,
    });
  });

  it('refuses a tag too long for the service name, naming both inputs', () => {
    vi.stubEnv('INPUT_TAG', `a${'b'.repeat(45)}`);
    expect(refusal(() => readInputs({ GOOGLE_CLOUD_PROJECT: 'acme-prod' }))).toContain(
      'input "tag" is "abbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb": with the service name "api" (input "service") it makes 49 characters',
    );
  });

  it('needs a project', () => {
    expect(refusal(() => readInputs({}))).toContain('input "project" is empty');
  });

  it('registers the bearer token as a secret before anything else', () => {
    const writes: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      writes.push(String(chunk));
      return true;
    });
    vi.stubEnv('INPUT_BEARER-TOKEN', 'eyJhbGciOiJSUzI1NiJ9.promote-token');
    vi.stubEnv('INPUT_STEPS', 'nonsense');
    refusal(() => readInputs({ GOOGLE_CLOUD_PROJECT: 'acme-prod' }));
    expect(writes.join('')).toContain('::add-mask::eyJhbGciOiJSUzI1NiJ9.promote-token');
  });
});
