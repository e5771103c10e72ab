import { afterEach, describe, expect, it, vi } from 'vitest';
import { derivedForms, redact, registerSecret } from '../../src/lib/secrets.js';

/**
 * The lines `@actions/core` writes to stdout while `fn` runs: `core.setSecret` prints
 * `::add-mask::<value>` there, which is what the runner reads.
 */
function stdoutOf(fn: () => void): string[] {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return written
    .join('')
    .split(/\r?\n/)
    .filter((line) => line !== '');
}

/** The runner's reading of an `::add-mask::` line: command data is escaped with %25, %0D, %0A. */
function maskedValues(lines: readonly string[]): string[] {
  return lines.map((line) => {
    expect(line.startsWith('::add-mask::')).toBe(true);
    return line.slice('::add-mask::'.length).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('redact before anything is registered', () => {
  // Runs first in this file: the registry is module state and only grows.
  it('returns the text as it is', () => {
    expect(redact('nothing registered yet: hunter2')).toBe('nothing registered yet: hunter2');
  });
});

describe('derivedForms', () => {
  it('adds the percent-encoded, base64 and base64url forms', () => {
    const value = 'p@ss/w:rd?>>>';
    const forms = derivedForms(value);
    expect(forms).toContain(value);
    expect(forms).toContain('p%40ss%2Fw%3Ard%3F%3E%3E%3E');
    expect(forms).toContain(Buffer.from(value).toString('base64'));
    expect(forms).toContain(Buffer.from(value).toString('base64url'));
    // The two base64 alphabets differ for this value, so both forms are there.
    expect(Buffer.from(value).toString('base64')).toMatch(/[+/]/);
    expect(new Set(forms).size).toBe(forms.length);
  });

  it('adds the percent-decoded form of an encoded value', () => {
    const forms = derivedForms('p%40ss%2Fword');
    expect(forms).toContain('p%40ss%2Fword');
    expect(forms).toContain('p@ss/word');
    expect(forms).toContain('p%2540ss%252Fword');
  });

  it('skips the decoded form of a value that is not valid percent-encoding', () => {
    const forms = derivedForms('100%sure');
    expect(forms).toEqual([
      '100%sure',
      '100%25sure',
      Buffer.from('100%sure').toString('base64'),
      Buffer.from('100%sure').toString('base64url'),
    ]);
  });

  it("adds Python's quote_plus form, a space as + and !'()* encoded", () => {
    // What `urllib.parse.quote_plus("p a!s'(s)*~w/o+rd@é")` prints (Python 3.11).
    const forms = derivedForms("p a!s'(s)*~w/o+rd@é");
    expect(forms).toContain('p+a%21s%27%28s%29%2A~w%2Fo%2Brd%40%C3%A9');
    // The form an HTML form sends: encodeURIComponent with + for a space.
    expect(forms).toContain("p+a!s'(s)*~w%2Fo%2Brd%40%C3%A9");
  });

  it('adds the decoded form of a quote_plus value', () => {
    expect(derivedForms('my+pass%21word')).toContain('my pass!word');
  });

  it('lists each form once', () => {
    // Plain letters: encoded and decoded forms are the value itself; base64 has no padding or +/.
    expect(derivedForms('abc')).toEqual(['abc', 'YWJj']);
  });

  it('adds each non-blank line of a multi-line secret', () => {
    const value = '-----BEGIN KEY-----\r\nMIIBVwIBADANBg\n\n  kqhkiG9w0BAQEF  \n-----END KEY-----\n';
    const forms = derivedForms(value);
    for (const line of ['-----BEGIN KEY-----', 'MIIBVwIBADANBg', '  kqhkiG9w0BAQEF  ', '-----END KEY-----']) {
      expect(forms).toContain(line);
    }
    expect(forms).toContain(value);
    expect(forms).not.toContain('');
    expect(forms.filter((form) => form.trim() === '')).toEqual([]);
  });

  it('does not register the short lines of a multi-line secret on their own', () => {
    const value = '{\n  "private_key": "-----BEGIN PRIVATE KEY-----",\n  "n":1\n}';
    const forms = derivedForms(value);
    expect(forms).toContain('  "private_key": "-----BEGIN PRIVATE KEY-----",');
    expect(forms).not.toContain('{');
    expect(forms).not.toContain('}');
    expect(forms).not.toContain('  "n":1'); // 5 characters once trimmed: below MIN_LINE_LENGTH
  });

  it('utf-8 encodes before base64', () => {
    expect(derivedForms('pässwörd')).toContain(Buffer.from('pässwörd', 'utf8').toString('base64'));
  });
});

describe('registerSecret', () => {
  it('emits ::add-mask:: once for every derived form', () => {
    const value = 'reg1-p@ss/word';
    const lines = stdoutOf(() => registerSecret(value));
    expect(maskedValues(lines)).toEqual(derivedForms(value));
  });

  it('emits nothing for a value registered before', () => {
    const value = 'reg2-token-0123456789';
    expect(stdoutOf(() => registerSecret(value)).length).toBeGreaterThan(0);
    expect(stdoutOf(() => registerSecret(value))).toEqual([]);
  });

  it('emits only the forms that are new', () => {
    const first = 'reg3-alpha';
    const second = 'reg3-alpha\nreg3-beta';
    stdoutOf(() => registerSecret(first));
    const masked = maskedValues(stdoutOf(() => registerSecret(second)));
    // The first line of the second secret is the first secret itself: already masked.
    expect(masked).not.toContain(first);
    expect(masked).toContain('reg3-beta');
    expect(masked).toContain(second);
    expect(new Set(masked).size).toBe(masked.length);
  });

  it('escapes a multi-line value so that the runner reads it whole', () => {
    const lines = stdoutOf(() => registerSecret('reg4-line-one\nreg4-line-two'));
    expect(lines).toContain('::add-mask::reg4-line-one%0Areg4-line-two');
    expect(lines).toContain('::add-mask::reg4-line-one');
    expect(lines).toContain('::add-mask::reg4-line-two');
  });

  it('ignores undefined and the empty string', () => {
    expect(stdoutOf(() => registerSecret(undefined))).toEqual([]);
    expect(stdoutOf(() => registerSecret(''))).toEqual([]);
    expect(redact('a  b')).toBe('a  b');
  });
});

describe('redact', () => {
  it('replaces every occurrence of every form', () => {
    const value = 'red1-p@ss:w/rd';
    stdoutOf(() => registerSecret(value));
    const encoded = encodeURIComponent(value);
    const base64 = Buffer.from(value).toString('base64');
    const base64url = Buffer.from(value).toString('base64url');
    const text = `raw ${value}; url postgresql://u:${encoded}@/db; basic ${base64}; jwt ${base64url}; again ${value}`;
    expect(redact(text)).toBe('raw ***; url postgresql://u:***@/db; basic ***; jwt ***; again ***');
  });

  it('replaces the decoded form of an encoded secret', () => {
    stdoutOf(() => registerSecret('red2%40host'));
    expect(redact('user red2@host and red2%40host')).toBe('user *** and ***');
  });

  it('replaces each line of a multi-line secret found on its own', () => {
    stdoutOf(() => registerSecret('red3-first-line\nred3-second-line'));
    expect(redact('log: red3-second-line')).toBe('log: ***');
    expect(redact('whole: red3-first-line\nred3-second-line.')).toBe('whole: ***.');
  });

  it('replaces the longest secret first', () => {
    stdoutOf(() => registerSecret('red4-short'));
    stdoutOf(() => registerSecret('red4-short-and-longer'));
    // Shortest first would leave "***-and-longer".
    expect(redact('a red4-short-and-longer b red4-short c')).toBe('a *** b *** c');
  });

  it('leaves text without secrets unchanged', () => {
    const text = 'terraform plan -out=/tmp/tfplan\nno secret here: red4 short, p@ss';
    expect(redact(text)).toBe(text);
    expect(redact('')).toBe('');
  });
});
