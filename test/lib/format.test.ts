import { describe, expect, it } from 'vitest';
import { excerpt, formatMs } from '../../src/lib/format.js';
import { registerSecret } from '../../src/lib/secrets.js';

describe('formatMs', () => {
  it.each([
    [0, '0ms'],
    [1, '1ms'],
    [250.4, '250ms'],
    [999, '999ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [1549, '1.5s'],
    [10_000, '10s'],
    [59_000, '59s'],
    [60_000, '1m'],
    [61_000, '1m1s'],
    [90_000, '1m30s'],
    [119_000, '1m59s'],
    [119_499, '1m59s'],
    // Rounding up to a whole minute carries into the minutes: never "1m60s".
    [119_500, '2m'],
    [119_999, '2m'],
    [120_000, '2m'],
    [300_000, '5m'],
    [3_599_600, '60m'],
    [3_600_000, '60m'],
    [5_400_000, '90m'],
  ])('formats %d ms as %s', (ms, expected) => {
    expect(formatMs(ms)).toBe(expected);
  });
});

describe('excerpt', () => {
  it('returns short single-line text unchanged', () => {
    expect(excerpt('{"status":"ok"}')).toBe('{"status":"ok"}');
    expect(excerpt('')).toBe('');
  });

  it('flattens every run of whitespace into one space and trims', () => {
    expect(excerpt('  line one\r\n\n\tline two   \n')).toBe('line one line two');
    expect(excerpt('a\u000bb\u000cc')).toBe('a b c');
  });

  it('replaces control characters that are not whitespace with "?"', () => {
    expect(excerpt('\u001b[31mred\u001b[0m')).toBe('?[31mred?[0m');
    expect(excerpt('nul\u0000byte\u007fdel\u0007bell')).toBe('nul?byte?del?bell');
  });

  it('keeps text of exactly the maximum length whole', () => {
    const text = 'x'.repeat(200);
    expect(excerpt(text)).toBe(text);
    expect(excerpt('abcde', 5)).toBe('abcde');
  });

  it('cuts longer text at the maximum and marks the cut', () => {
    expect(excerpt('y'.repeat(201))).toBe(`${'y'.repeat(200)}…`);
    expect(excerpt('abcdefgh', 5)).toBe('abcde…');
  });

  it('measures the maximum after flattening', () => {
    // 3 words separated by long whitespace runs: 11 characters once flattened.
    expect(excerpt('abc\n\n\n\n\n\n\ndef\t\t\t\t\tghi', 11)).toBe('abc def ghi');
  });
});

describe('excerpt and secrets', () => {
  it('removes a secret before it cuts, so no piece of it is left at the cut', () => {
    const token = `eyJ${'k'.repeat(117)}`;
    registerSecret(token);
    const body = `{"headers":{"authorization":"Bearer ${token}"}}`;
    const text = excerpt(body, 40);
    expect(text).not.toContain('eyJk');
    expect(text).not.toMatch(/k{8}/);
    expect(excerpt(body)).toBe('{"headers":{"authorization":"Bearer ***"}}');
  });
});
