// The harness is what every runner-level test trusts: prove that it reads file commands as the
// runner writes them and that its leak check does catch a leak.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  assertNoLeaks,
  registeredSecrets,
  decodeCommands,
  inputVariable,
  parseFileCommands,
  repoRoot,
  runAction,
} from '../testkit/local-runner.mjs';

describe('parseFileCommands', () => {
  it('reads key=value lines and heredocs, as @actions/core writes them', () => {
    const text = [
      'plain=value=with=equals',
      'multi<<ghadelimiter_1f2e',
      'line one',
      'line two',
      'ghadelimiter_1f2e',
      'empty<<EOF',
      'EOF',
      '',
    ].join('\n');
    expect(parseFileCommands(text)).toEqual({
      plain: 'value=with=equals',
      multi: 'line one\nline two',
      empty: '',
    });
  });

  it('rejects an unclosed heredoc', () => {
    expect(() => parseFileCommands('a<<X\nvalue\n')).toThrow(/not closed by X/);
  });
});

describe('inputVariable', () => {
  it('keeps hyphens and upper-cases, as the runner does', () => {
    expect(inputVariable('expected-status')).toBe('INPUT_EXPECTED-STATUS');
    expect(inputVariable('some input')).toBe('INPUT_SOME_INPUT');
  });
});

describe('decodeCommands', () => {
  it('unescapes workflow command data and leaves other lines alone', () => {
    expect(decodeCommands('::error::100%25 done%0Anext\nplain 100%25')).toBe(
      '::error::100% done\nnext\nplain 100%25',
    );
  });
});

describe('assertNoLeaks', () => {
  const clean = {
    log: '::add-mask::s3cr3t/pa ss\nall fine',
    rawLog: '::add-mask::s3cr3t/pa ss',
    outputs: { a: 'b' },
    summary: 'ok',
    state: {},
    exported: {},
  };
  const secret = 's3cr3t/pa ss';

  it('passes when the secret shows only in ::add-mask:: commands', () => {
    expect(() => assertNoLeaks(clean, [secret])).not.toThrow();
  });

  it.each([
    ['log', { ...clean, log: `value ${secret}` }],
    ['raw log', { ...clean, rawLog: `::error::${secret}` }],
    ['outputs', { ...clean, outputs: { url: `x${encodeURIComponent(secret)}` } }],
    ['summary', { ...clean, summary: Buffer.from(secret).toString('base64') }],
    ['state', { ...clean, state: { pid: secret } }],
    ['exported', { ...clean, exported: { X: Buffer.from(secret).toString('base64url') } }],
  ])('catches a leak into the %s', (place, result) => {
    expect(() => assertNoLeaks(result, [secret])).toThrow(`${place} contains a secret`);
  });

  it('reads a multi-line mask as one command: its later lines are no leak, a copy elsewhere is', () => {
    const raw = '::add-mask::first-line-of-key%0Asecond-line-of-key\nall fine';
    const masked = { ...clean, rawLog: raw, log: decodeCommands(raw) };
    expect(() => assertNoLeaks(masked, ['second-line-of-key'])).not.toThrow();
    const leaked = { ...masked, log: `${masked.log}\nprinted second-line-of-key` };
    expect(() => assertNoLeaks(leaked, ['second-line-of-key'])).toThrow('log contains a secret');
  });

  it('catches a piece of a long secret: a token cut at 94 of its 120 characters', () => {
    const token = `eyJ${'aB3x'.repeat(29)}Q`;
    const cut = { ...clean, log: `Bearer ${token.slice(0, 94)}…`, rawLog: '' };
    expect(() => assertNoLeaks(cut, [token])).toThrow(/log contains 12 characters of a secret/);
    expect(() => assertNoLeaks({ ...clean, summary: token.slice(60, 80) }, [token])).toThrow(
      /summary contains/,
    );
    // Fewer than 12 characters, or a secret too short for pieces, is not a finding.
    expect(() => assertNoLeaks({ ...clean, log: token.slice(0, 11) }, [token])).not.toThrow();
    expect(() => assertNoLeaks({ ...clean, log: 'x s3cr3t/pa' }, [secret])).not.toThrow();
    const url = 'postgresql+psycopg2://api:Long-Passw0rd-Here@/api?host=/cloudsql/a:b:c';
    expect(() => assertNoLeaks({ ...clean, log: 'scheme postgresql+psycopg2' }, [url])).not.toThrow();
  });
});

describe('registeredSecrets', () => {
  it('reads the values a step registered, outside fences, long enough to check', () => {
    const raw = [
      '::add-mask::long-enough%25value',
      '::add-mask::pw',
      '::stop-commands::t0k',
      '::add-mask::forged-inside-fence',
      '::t0k::',
      '::add-mask::line%0Atwo-lines',
    ].join('\n');
    expect(registeredSecrets(raw)).toEqual(['long-enough%value', 'line\ntwo-lines']);
  });
});

describe('runAction', () => {
  it('fills defaults, reads heredoc outputs, and runs post: with the saved state', async () => {
    const result = await runAction({
      stage: 'post-fixture',
      actionDir: join(repoRoot, 'test', 'fixtures', 'post-action'),
    });
    result.cleanup();
    expect(result.code).toBe(0);
    expect(result.outputs).toEqual({ echoed: 'hello\nsecond line' });
    expect(result.state).toEqual({ 'proxy-pid': '4242' });
    expect(result.post?.code).toBe(0);
    expect(result.log).toContain('main saw hello');
    expect(result.log).toContain('post saw state 4242');
  });

  it('refuses an input that action.yml does not declare', async () => {
    await expect(
      runAction({
        stage: 'post-fixture',
        actionDir: join(repoRoot, 'test', 'fixtures', 'post-action'),
        inputs: { greting: 'typo' },
      }),
    ).rejects.toThrow('input "greting" is not declared');
  });
});
