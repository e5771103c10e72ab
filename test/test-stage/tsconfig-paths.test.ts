import { describe, expect, it } from 'vitest';
import { parseJsonWithComments } from '../../src/test-stage/tsconfig-paths.js';

describe('parseJsonWithComments', () => {
  it.each([
    ['plain JSON', '{"a": [1, 2]}', { a: [1, 2] }],
    ['line and block comments', '{\n  // c\n  "a": /* x */ 1\n}', { a: 1 }],
    ['trailing commas', '{"a": [1, 2,], "b": {"c": 1,},}', { a: [1, 2], b: { c: 1 } }],
    ['a trailing comma before a comment', '{"a": 1, // last\n}', { a: 1 }],
    [
      'comment text inside strings is kept',
      '{"a": "// not a comment", "b": "/* nor this */"}',
      { a: '// not a comment', b: '/* nor this */' },
    ],
    ['a comma and brace inside a string', '{"a": "x,}"}', { a: 'x,}' }],
    ['escaped quotes', '{"a": "say \\"hi\\", // ok"}', { a: 'say "hi", // ok' }],
    ['a byte order mark', '\ufeff{"a": 1}', { a: 1 }],
  ])('%s', (_name, text, expected) => {
    expect(parseJsonWithComments(text)).toEqual(expected);
  });

  it.each([['{"a": '], ['{"a": 1} x'], ['{a: 1}']])('refuses %j', (text) => {
    expect(() => parseJsonWithComments(text)).toThrow(SyntaxError);
  });
});
