// readInputs and describeInputs of build-push, with the real @actions/core reading INPUT_*
// variables as on the runner: what is refused (and that no message carries a value), the build
// secrets, and the debug dump's allow-list.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Inputs } from '../../src/build-push/constants.js';
import { describeInputs, readInputs, SECRET_LIKE_NAME } from '../../src/build-push/inputs.js';
import { ConfigurationError } from '../../src/lib/errors.js';
import { redact } from '../../src/lib/secrets.js';

const SHA = '3f2a9c81d4e5b6a7c8d9e0f1a2b3c4d5e6f7a8b9';
let workspace: string;
const variables = new Set<string>();

/** Sets the inputs as the runner does (`INPUT_<NAME>`, hyphens kept), the others cleared. */
function setInputs(inputs: Record<string, string>): void {
  for (const name of Object.values(Inputs)) {
    Reflect.deleteProperty(process.env, `INPUT_${name.toUpperCase()}`);
  }
  for (const [name, value] of Object.entries({ image: '127.0.0.1:5000/svc/api', sha: SHA, ...inputs })) {
    const variable = `INPUT_${name.toUpperCase()}`;
    variables.add(variable);
    process.env[variable] = value;
  }
}

const read = (inputs: Record<string, string>) => {
  setInputs(inputs);
  return readInputs({ GITHUB_WORKSPACE: workspace });
};

/** The ConfigurationError's message of reading these inputs (the test fails if none is thrown). */
function refusal(inputs: Record<string, string>): string {
  try {
    read(inputs);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error(`the inputs were accepted: ${JSON.stringify(inputs)}`);
}

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'build-push-inputs-'));
  writeFileSync(join(workspace, 'Dockerfile'), 'FROM scratch\n');
  // core.setSecret writes ::add-mask:: lines; keep the test output readable.
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const variable of variables) Reflect.deleteProperty(process.env, variable);
  rmSync(workspace, { recursive: true, force: true });
});

describe('build-args whose names look secret', () => {
  it.each([
    'DB_PASSWORD',
    'NPM_TOKEN',
    'API_KEY',
    'aws_secret_access_key',
    'GCP_CREDENTIALS',
    'MYSQL_PASSWD',
    'GithubToken',
    'SSH_PRIVATE_KEY',
  ])('%s is refused, named, never with its value, with the way out', (name) => {
    const value = `v4lue-of-${name}-Zq9`;
    const message = refusal({ 'build-args': `PYTHON=3.12\n${name}=${value}` });
    expect(message).toContain(`input "build-args" passes ${name}, whose name says it is a secret`);
    expect(message).toContain(`input "secrets" with a line ${name.toLowerCase()}=\${{ secrets.${name} }}`);
    expect(message).toContain(`RUN --mount=type=secret,id=${name.toLowerCase()} `);
    expect(message).toContain(`/run/secrets/${name.toLowerCase()}`);
    expect(message).not.toContain(value);
    expect(message).not.toContain('PYTHON');
  });

  it('names every such argument at once', () => {
    const message = refusal({ 'build-args': 'NPM_TOKEN=a1\nGREETING=hi\nDB_PASSWORD=b2' });
    expect(message).toContain('passes NPM_TOKEN, DB_PASSWORD, whose names say they are secrets');
    expect(message).not.toMatch(/a1|b2/);
  });

  it('the rule, as the README states it', () => {
    for (const name of ['x_SECRET', 'token', 'Password', 'passwd', 'KEY', 'credential']) {
      expect(SECRET_LIKE_NAME.test(name), name).toBe(true);
    }
    for (const name of ['PYTHON_VERSION', 'GREETING', 'BASE_IMAGE', 'REVISION', 'NODE_ENV']) {
      expect(SECRET_LIKE_NAME.test(name), name).toBe(false);
    }
  });

  it('other build arguments pass with their values whole (= and spaces kept)', () => {
    expect(read({ 'build-args': 'PYTHON=3.12\nNOTE=a=b c\n# a comment\n\n_UNDER=1' }).buildArgs).toEqual([
      ['PYTHON', '3.12'],
      ['NOTE', 'a=b c'],
      ['_UNDER', '1'],
    ]);
  });

  it('a line without = is refused without being shown', () => {
    const message = refusal({ 'build-args': 'PYTHON=3.12\nhunter2-pasted-alone' });
    expect(message).toBe(
      'input "build-args": line 2 is not NAME=VALUE (the line is not shown: it may hold a value)',
    );
  });
});

describe('secrets and secret-files', () => {
  it('registers every value before any other input is read (a later refusal too)', () => {
    const values = ['first-Secret-Value-81', 'second=with=equals'];
    const message = refusal({ image: '', secrets: `a=${values[0]}\nb=${values[1]}` });
    expect(message).toBe('input "image" is required: REGISTRY/PATH of the image');
    for (const value of values) expect(redact(`x ${value} y`)).toBe('x *** y');
  });

  it('registers a line without an id whole, and the values of the lines before and after it', () => {
    const values = ['before-Secret-Value-5', 'no-id-line-value-77', 'after-Secret-Value-6'];
    expect(refusal({ secrets: `a=${values[0]}\n${values[1]}\nc=${values[2]}` })).toMatch(
      /^input "secrets": line 2 is not ID=VALUE/,
    );
    for (const value of values) expect(redact(`x ${value} y`)).toBe('x *** y');
  });

  it('reads ids and values; a value keeps its = and inner spaces', () => {
    const inputs = read({ secrets: 'npm_token=npm-Tok-Value-1\n# comment\npip.conf=pip-Value = B x' });
    expect(inputs.secrets).toEqual([
      { id: 'npm_token', value: 'npm-Tok-Value-1' },
      { id: 'pip.conf', value: 'pip-Value = B x' },
    ]);
  });

  it('a line without an id is refused without being shown', () => {
    expect(refusal({ secrets: 'good=Good-Secret-Value-1\nghp_pastedWithoutId' })).toBe(
      'input "secrets": line 2 is not ID=VALUE (the line is not shown: it may hold a secret); e.g. npm_token=${{ secrets.NPM_TOKEN }}',
    );
    expect(refusal({ secrets: '=orphan-value-1' })).toContain('input "secrets": line 1 is not ID=VALUE');
  });

  it.each([
    ['a'.repeat(65), '(65 characters, at most 64)'],
    ['npm token', '(it holds white space)'],
    ['-h', '(it starts with a hyphen, like an option)'],
    ['tok/en', 'which is not a build secret id'],
    ['..', 'which is not a build secret id'],
    ['tоken', '(it holds a character outside ASCII'],
  ])('refuses the id %j', (id, why) => {
    const message = refusal({ secrets: `${id}=value-Of-Secret-3` });
    expect(message).toContain('input "secrets": line 1 has "');
    expect(message).toContain(why);
    expect(message).not.toContain('value-Of-Secret-3');
  });

  it('accepts an id of 64 characters', () => {
    expect(read({ secrets: `${'a'.repeat(64)}=Long-Id-Secret-Value` }).secrets[0]?.id).toHaveLength(64);
  });

  it('refuses an empty value (an unset secrets.NAME)', () => {
    expect(refusal({ secrets: 'npm_token=' })).toBe(
      'input "secrets": the secret "npm_token" (line 1) is empty: a secrets.NAME that is not set, or not passed to this job, is empty',
    );
  });

  it('refuses an id given twice, within one input and across both', () => {
    writeFileSync(join(workspace, 'npmrc'), 'x');
    expect(refusal({ secrets: 'a=Dup-Secret-One\na=Dup-Secret-Two' })).toContain(
      'the build secret id "a" is given twice',
    );
    expect(refusal({ secrets: 'npmrc=Dup-Secret-Three', 'secret-files': 'npmrc=npmrc' })).toContain(
      'the build secret id "npmrc" is given twice',
    );
  });

  it('secret-files: a path relative to the workspace, or absolute, of an existing file', () => {
    mkdirSync(join(workspace, 'conf'));
    writeFileSync(join(workspace, 'conf', '.npmrc'), '//registry/:_authToken=x');
    const outside = join(tmpdir(), `netrc-${process.pid}`);
    writeFileSync(outside, 'machine x');
    try {
      expect(read({ 'secret-files': `npmrc=conf/.npmrc\nnetrc=${outside}` }).secretFiles).toEqual([
        { id: 'npmrc', path: join(workspace, 'conf', '.npmrc') },
        { id: 'netrc', path: outside },
      ]);
    } finally {
      rmSync(outside, { force: true });
    }
  });

  it.each([
    ['npmrc=missing/.npmrc', 'the path of "npmrc" (line 1) is "missing/.npmrc", which is not a file'],
    ['npmrc=.', 'the path of "npmrc" (line 1) is ".", which is not a file'],
    ['npmrc=a,b', 'the path of "npmrc" (line 1) is "a,b": give a file path without commas'],
    ['npmrc=', 'the path of "npmrc" (line 1) is "": give a file path'],
    ['just-a-path', 'line 1 is not ID=PATH'],
  ])('secret-files %j is refused', (line, message) => {
    expect(refusal({ 'secret-files': line })).toContain(`input "secret-files": ${message}`);
  });
});

/** Values that must never reach a builder's arguments, a registry URL or a log line as given. */
const HOSTILE = {
  'a newline and a forged annotation': 'x\n::error file=x::forged',
  'a newline and a forged mask': 'x\n::add-mask::main',
  'a leading hyphen': '-h',
  'an option': '--project=attacker-proj',
  ':: at the start': '::x',
  'a Cyrillic look-alike': 'аpi',
  'a shell command': "api'; rm -rf /",
} as const;

describe('hostile values in every input that reaches a process or a URL', () => {
  const cases: [string, string, Record<string, string>][] = [];
  for (const [what, value] of Object.entries(HOSTILE)) {
    cases.push(
      [Inputs.Image, what, { image: /^-/.test(value) ? value : `127.0.0.1:5000/svc/${value}` }],
      [Inputs.Sha, what, { sha: value.startsWith('x') ? `3f2a9c8${value.slice(1)}` : value }],
      [Inputs.Tags, what, { tags: value.includes('\n') ? `dev${value.slice(1)}` : value }],
      [Inputs.Target, what, { target: value }],
      [Inputs.Platform, what, { platform: value.startsWith('x') ? `linux/amd64${value.slice(1)}` : value }],
      [
        Inputs.BuildArgs,
        what,
        { 'build-args': value.includes('\n') ? `A=1${value.slice(1)}` : `${value}=1` },
      ],
      [
        Inputs.Secrets,
        what,
        {
          secrets: value.includes('\n')
            ? `a=Hostile-Secret-Value-1${value.slice(1)}`
            : `${value}=Hostile-Secret-Value-2`,
        },
      ],
      [Inputs.CacheFrom, what, { 'cache-from': value.startsWith('x') ? `type=gha${value.slice(1)}` : value }],
    );
  }
  // Oversize, and upper case where the rule is lower case.
  cases.push(
    [Inputs.Image, 'oversize', { image: `127.0.0.1:5000/${'a'.repeat(250)}` }],
    [Inputs.Sha, 'oversize', { sha: 'a'.repeat(65) }],
    [Inputs.Tags, 'oversize', { tags: 'a'.repeat(129) }],
    [Inputs.Target, 'oversize', { target: 'a'.repeat(129) }],
    [Inputs.Platform, 'oversize', { platform: `linux/${'a'.repeat(64)}` }],
    [Inputs.BuildArgs, 'oversize', { 'build-args': `${'A'.repeat(129)}=1` }],
    [Inputs.Secrets, 'oversize', { secrets: `${'a'.repeat(65)}=Oversize-Secret-Value` }],
    [Inputs.Image, 'upper case', { image: '127.0.0.1:5000/svc/API' }],
    [Inputs.Platform, 'upper case', { platform: 'Linux/AMD64' }],
  );

  it.each(cases)('%s with %s', (input, _what, inputs) => {
    const message = refusal(inputs);
    expect(message).toMatch(new RegExp(`^input "${input}"`));
    // One line, and nothing in it can start a workflow command.
    expect(message).not.toMatch(/[\r\n]/);
    expect(message).not.toMatch(/^::/);
  });

  it('a secret file id or path the same way', () => {
    writeFileSync(join(workspace, 'npmrc'), 'x');
    for (const value of Object.values(HOSTILE)) {
      const line = value.includes('\n') ? `ok=npmrc${value.slice(1)}` : `${value}=npmrc`;
      const message = refusal({ 'secret-files': line });
      expect(message).toMatch(/^input "secret-files"/);
      expect(message).not.toMatch(/[\r\n]/);
    }
    expect(refusal({ 'secret-files': 'ok=npmrc\u0007x' })).toContain('"npmrc\\u0007x"');
  });

  it('a repository the registry takes but the image output does not is refused before any build', () => {
    expect(refusal({ image: '127.0.0.1:5000/svc/a__b' })).toContain(
      'input "image" is "127.0.0.1:5000/svc/a__b": this action could not output',
    );
  });

  it('the values that are fine', () => {
    const inputs = read({
      image: 'europe-west1-docker.pkg.dev/acme/services/api',
      sha: SHA.toUpperCase(),
      tags: 'dev\nV1.2.0\nrelease_2',
      target: 'Runtime.stage-2',
      platform: 'linux/arm64/v8',
    });
    expect(inputs.tag).toBe('sha-3f2a9c8');
    expect(inputs.tags).toEqual(['dev', 'V1.2.0', 'release_2']);
    expect(inputs.target).toBe('Runtime.stage-2');
    expect(inputs.platform).toBe('linux/arm64/v8');
  });
});

describe('describeInputs', () => {
  it('is an allow-list: build-arg names, secret ids, secret files by id and path, caches without credentials', () => {
    writeFileSync(join(workspace, 'netrc'), 'machine x password y');
    const inputs = read({
      'build-args': 'PYTHON=3.12-private-value\nNOTE=x',
      secrets: 'npm_token=npm-Secret-Value-42',
      'secret-files': 'netrc=netrc',
      'cache-from':
        'type=gha,url=https://cache.example/x?sig=abc,token=gha-Cache-Token-9\nregistry.example/svc/api-cache',
      'cache-to': 'type=registry,ref=registry.example/svc/api:buildcache,mode=max',
      tags: 'dev',
      target: 'runtime',
    });
    const described = describeInputs(inputs);
    expect(described).toEqual({
      image: '127.0.0.1:5000/svc/api',
      context: workspace,
      file: join(workspace, 'Dockerfile'),
      buildArgs: ['PYTHON', 'NOTE'],
      secrets: ['npm_token'],
      secretFiles: [{ id: 'netrc', path: join(workspace, 'netrc') }],
      target: 'runtime',
      platform: 'linux/amd64',
      tag: 'sha-3f2a9c8',
      tags: ['dev'],
      push: true,
      provenance: false,
      builder: 'docker',
      cacheFrom: ['type=gha,url=(set),token=(set)', 'registry.example/svc/api-cache'],
      cacheTo: ['type=registry,ref=registry.example/svc/api:buildcache,mode=max'],
      timeoutMs: 3_600_000,
    });
    const text = JSON.stringify(described);
    for (const hidden of ['3.12-private-value', 'npm-Secret-Value-42', 'gha-Cache-Token-9', 'sig=abc']) {
      expect(text).not.toContain(hidden);
    }
    // A credential in a cache line is a secret from then on (a failing build's command line).
    expect(redact('--cache-from type=gha,token=gha-Cache-Token-9')).toBe('--cache-from type=gha,token=***');
  });
});
