import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputError, outputProblem, setCheckedOutput, type OutputForm } from '../../src/lib/outputs.js';
import { registerSecret } from '../../src/lib/secrets.js';

const digest = `sha256:${'a'.repeat(64)}`;

describe('outputProblem', () => {
  it.each<[OutputForm, string[], string[]]>([
    [
      { kind: 'name', name: 'revision' },
      ['api-00001-abc'],
      ['api-00001\n::error file=x::forged', 'API', '-x'],
    ],
    [
      { kind: 'url' },
      ['https://api-abc-ew.a.run.app', 'http://127.0.0.1:8080'],
      ['javascript:alert(1)', 'https://u:p@x.example', 'https://x.example\n::add-mask::main', 'not a url'],
    ],
    [{ kind: 'digest' }, [digest], ['sha256:abc', `sha512:${'a'.repeat(64)}`]],
    [
      { kind: 'image' },
      [`europe-docker.pkg.dev/acme/app/api@${digest}`, '127.0.0.1:5000/app/api:sha-abc1234'],
      ['api', `Europe-docker.pkg.dev/acme/App@${digest}`, '127.0.0.1:5000/app/api:-x'],
    ],
    [{ kind: 'boolean' }, ['true', 'false'], ['yes', 'True']],
    [{ kind: 'count' }, ['0', '12'], ['-1', '01', '1.5']],
    [{ kind: 'json' }, ['{"a":"x\\ny"}', '[]'], ['{', '{"a":"\n"}']],
    [{ kind: 'line', pattern: /^[a-z]+$/ }, ['abc'], ['ab1', 'a\nb']],
  ])('%j', (form, good, bad) => {
    for (const value of good) expect(outputProblem(value, form), value).toBeUndefined();
    for (const value of bad) expect(outputProblem(value, form), value).toBeTypeOf('string');
  });

  it('refuses a value that holds a registered secret, in any form', () => {
    registerSecret('s3cr3t value!');
    expect(outputProblem('x s3cr3t value! y', { kind: 'line' })).toBe('it holds a secret');
    expect(outputProblem('{"v":"s3cr3t+value%21"}', { kind: 'json' })).toBe('it holds a secret');
  });

  it('allows an empty value (an output not produced)', () => {
    expect(outputProblem('', { kind: 'digest' })).toBeUndefined();
  });
});

describe('setCheckedOutput', () => {
  let dir: string;
  const saved = process.env['GITHUB_OUTPUT'];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outputs-'));
    process.env['GITHUB_OUTPUT'] = join(dir, 'output');
    writeFileSync(join(dir, 'output'), '');
  });
  afterEach(() => {
    process.env['GITHUB_OUTPUT'] = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a value of the right form', () => {
    setCheckedOutput('digest', digest, { kind: 'digest' });
    expect(readFileSync(join(dir, 'output'), 'utf8')).toContain(digest);
  });

  it('writes nothing and names the output when the form is wrong', () => {
    expect(() => setCheckedOutput('revision', 'api\n::error::x', { kind: 'name', name: 'revision' })).toThrow(
      OutputError,
    );
    expect(() => setCheckedOutput('revision', 'api\n::error::x', { kind: 'name', name: 'revision' })).toThrow(
      /^output "revision" was not set: it holds a line break/,
    );
    expect(readFileSync(join(dir, 'output'), 'utf8')).toBe('');
  });
});
