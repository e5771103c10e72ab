import { describe, expect, it } from 'vitest';
import { jsImportRefs, jsImports } from '../../src/test-stage/js-imports.js';

/** Lines joined with newlines, so that each case reads as the file it stands for. */
function js(...lines: string[]): string {
  return lines.join('\n');
}

interface Case {
  name: string;
  source: string;
  expected: { module: string; line: number }[];
}

const at = (module: string, line = 1): { module: string; line: number } => ({ module, line });

// Cases from ECMAScript (ImportDeclaration, ExportDeclaration, ImportCall, the lexical grammar
// of comments, string, template and regular expression literals) and TypeScript's additions.
const FOUND: Case[] = [
  { name: 'a default import', source: "import x from 'm'", expected: [at('m')] },
  { name: 'named imports', source: 'import {a, b} from "m";', expected: [at('m')] },
  { name: 'a namespace import', source: "import * as n from 'm'", expected: [at('m')] },
  { name: 'a default and named imports', source: "import x, {a as b} from 'm'", expected: [at('m')] },
  { name: 'a default and a namespace import', source: "import x, * as n from 'm'", expected: [at('m')] },
  { name: 'a side-effect import', source: "import 'm'", expected: [at('m')] },
  { name: 'a side-effect import with double quotes', source: 'import "m";', expected: [at('m')] },
  {
    name: 'a multi-line import list: the line of the specifier',
    source: js('import {', '  a,', '  b as c,', "} from '@scope/m';"),
    expected: [at('@scope/m', 4)],
  },
  { name: 'TypeScript import type (counts)', source: "import type {T} from 'm'", expected: [at('m')] },
  { name: 'TypeScript import type default', source: "import type T from 'm'", expected: [at('m')] },
  { name: 'an inline type specifier', source: "import {type T, u} from 'm'", expected: [at('m')] },
  { name: 'a string as an imported name', source: 'import {"a-b" as ab} from \'m\'', expected: [at('m')] },
  { name: 'a binding named from', source: "import from from 'm'", expected: [at('m')] },
  {
    name: 'import attributes',
    source: "import data from './data.json' with { type: 'json' }",
    expected: [at('./data.json')],
  },
  { name: 'a deferred namespace import', source: "import defer * as ns from 'm'", expected: [at('m')] },
  { name: 'a re-export of names', source: "export {a, b as c} from 'm'", expected: [at('m')] },
  { name: 'a re-export as default', source: "export { a as default } from 'm'", expected: [at('m')] },
  { name: 'a re-export of everything', source: "export * from 'm'", expected: [at('m')] },
  { name: 'a namespace re-export', source: "export * as ns from 'm'", expected: [at('m')] },
  { name: 'a type re-export', source: "export type {T} from 'm'", expected: [at('m')] },
  { name: 'a dynamic import', source: "const m = await import('m')", expected: [at('m')] },
  {
    name: 'a dynamic import with options and a comment inside',
    source: 'import(/* webpackChunkName: "x" */ "m", { with: { type: "json" } })',
    expected: [at('m')],
  },
  { name: 'a dynamic import with a plain template', source: 'import(`m`)', expected: [at('m')] },
  { name: 'require', source: "const {a} = require('m')", expected: [at('m')] },
  { name: 'require with a plain template', source: 'const m = require(`m`)', expected: [at('m')] },
  {
    name: 'require in expressions: spread, conditional, arrow',
    source: js("[...require('a')]", "x ? require('b') : require('c')", "const f = () => require('d')"),
    expected: [at('a', 1), at('b', 2), at('c', 2), at('d', 3)],
  },
  { name: 'a TypeScript import-equals', source: "import fs = require('node:fs')", expected: [at('node:fs')] },
  {
    name: 'a type-level import',
    source: "type Client = typeof import('m').Client",
    expected: [at('m')],
  },
  {
    name: 'escapes in the specifier',
    source: 'require(\'\\x40scope/m\'); require("\\u{6d}")',
    expected: [at('@scope/m'), at('m')],
  },
  {
    name: 'an import after a semicolon-less re-export list',
    source: js('export { a }', "import 'm'"),
    expected: [at('m', 2)],
  },
  {
    name: 'imports after block and line comments',
    source: js("/* import 'no'", "   require('no') */ import 'm' // require('no')", "require('n')"),
    expected: [at('m', 2), at('n', 3)],
  },
  {
    name: 'after a hashbang',
    source: js('#!/usr/bin/env node', "require('m')"),
    expected: [at('m', 2)],
  },
  {
    name: 'between divisions after a name, a number, ), ] and postfix ++',
    source: js(
      "a = b / c; const m = require('v'); d = e / f",
      "g = 2 / h; import('w'); i = (j) / 2",
      "k = (l) / 2; require('x'); n = o / p",
      "q = r[0] / 2; require('y'); s = t / u",
      "v = w++ / 2; require('z'); x = y / z",
    ),
    expected: [at('v', 1), at('w', 2), at('x', 3), at('y', 4), at('z', 5)],
  },
  {
    name: 'after a regular expression holding quotes, slashes in a class and an escaped slash',
    source: js("const r = /'[/\"]\\/`/g; require('m')", "if (!/'/.test(s)) require('n')"),
    expected: [at('m', 1), at('n', 2)],
  },
  {
    name: 'after nested template literals with braces in their strings',
    source: js('const s = `${ `${"}"}` } ${ {a: 1}.a }', 'more`; import x from "m"'),
    expected: [at('m', 2)],
  },
  {
    name: 'inside a template expression',
    source: 'const s = `${require("m")}`',
    expected: [at('m')],
  },
  {
    name: 'after a string with escaped quotes',
    source: js('const s = \'it\\\'s\', t = "\\""', "require('m')"),
    expected: [at('m', 2)],
  },
  {
    name: 'after JSX on an earlier line',
    source: js('const el = <div className="a">{x}</div>;', "import('m')"),
    expected: [at('m', 2)],
  },
  {
    name: 'Windows line endings',
    source: "import 'a'\r\nimport 'b'\r\n",
    expected: [at('a', 1), at('b', 2)],
  },
];

// Forms that were missed (issue 14); each is valid JavaScript that imports the module.
const ISSUE_14_FOUND: Case[] = [
  { name: 'an optional call of require', source: "require?.('m')", expected: [at('m')] },
  { name: 'a Unicode escape in require', source: "\\u0072equire('m')", expected: [at('m')] },
  { name: 'a braced Unicode escape in require', source: "requir\\u{65}('m')", expected: [at('m')] },
  { name: 'a parenthesised specifier', source: "require(('m'))", expected: [at('m')] },
  { name: 'a parenthesised import()', source: "await import((('m')))", expected: [at('m')] },
  {
    name: 'an import after a raw template with an out-of-range escape',
    source: js('const s = String.raw`\\u{110000}`;', "require('m')"),
    expected: [at('m', 2)],
  },
  {
    name: 'export * and export {x} from one module',
    source: js("export * from 'm';", "export { x } from 'm/sub'"),
    expected: [at('m'), at('m/sub', 2)],
  },
];

const NOT_FOUND: { name: string; source: string }[] = [
  { name: 'a line comment', source: "// import x from 'm'" },
  { name: 'a block comment', source: js('/*', " * require('m')", ' */') },
  { name: 'a string holding an import', source: 'const s = "import x from \'m\'"' },
  { name: 'a string holding a require', source: 'const s = \'require("m")\'' },
  { name: 'a template literal', source: "const s = `import x from 'm'`" },
  { name: 'a template literal with an expression', source: "const s = `${a} require('m')`" },
  { name: 'a regular expression', source: "const r = /import('m')/" },
  { name: 'a regular expression with a slash in a class', source: "const r = /[/]require('m')/u" },
  { name: 'a regular expression after return', source: "function f() { return /require('m')/ }" },
  { name: 'a member require', source: "obj.require('m')" },
  { name: 'module.require', source: "module.require('m')" },
  { name: 'a member import', source: "x.import('m')" },
  { name: 'an optional member require', source: "a?.require('m')" },
  { name: 'require.resolve', source: "require.resolve('m')" },
  { name: 'import.meta', source: "const u = new URL('m', import.meta.url)" },
  { name: 'require with a name', source: 'require(name)' },
  { name: 'require with a template expression', source: 'require(`${base}/m`)' },
  { name: 'require with a concatenation', source: "require('a' + b)" },
  { name: 'import with a name', source: 'await import(name)' },
  { name: 'a local export', source: 'export const x = 1' },
  { name: 'a default export', source: 'export default function () {}' },
  { name: 'an export list without from', source: 'export { a, b }' },
  { name: 'a TypeScript type export', source: "export type T = 'm'" },
  { name: 'object keys named import and require', source: "const o = { import: 'm', require: 'm' }" },
  { name: 'class methods named import and require', source: "class A { import(x) {} require(y = 'm') {} }" },
  { name: 'a declaration of require', source: 'declare function require(id: string): unknown;' },
  { name: 'other functions', source: "myrequire('m'); requireX('m'); new Worker('m')" },
  { name: 'an incomplete import', source: 'import x from' },
  { name: 'a directive and a comment', source: "'use strict'; // require('m')" },
  { name: 'an empty source', source: '' },
];

describe('jsImports', () => {
  it.each(FOUND)('finds $name', ({ source, expected }) => {
    expect(jsImports(source)).toEqual(expected);
  });

  it.each(ISSUE_14_FOUND)('finds $name', ({ source, expected }) => {
    expect(jsImports(source)).toEqual(expected);
  });

  it('finds no module in a string with an out-of-range escape', () => {
    expect(jsImports("require('\\u{110000}')")).toEqual([]);
  });

  it.each(NOT_FOUND)('finds nothing in $name', ({ source }) => {
    expect(jsImports(source)).toEqual([]);
  });

  it('has at least 25 cases of each kind', () => {
    expect(FOUND.length).toBeGreaterThanOrEqual(25);
    expect(NOT_FOUND.length).toBeGreaterThanOrEqual(25);
  });

  it('reads a whole TypeScript module in order', () => {
    const source = js(
      "import { SecretManagerServiceClient } from '@google-cloud/secret-manager';",
      "import type { Credentials } from 'google-auth-library';",
      '',
      "// import { GoogleAuth } from 'google-auth-library';",
      'const help = "require(\'@google-cloud/secret-manager\') is text";',
      'const ratio = total / count / 2;',
      '',
      'export async function client(credentials: Credentials) {',
      "  const { IAMCredentialsClient } = await import('@google-cloud/iam-credentials');",
      '  return [new SecretManagerServiceClient({ credentials }), IAMCredentialsClient, help, ratio];',
      '}',
      "export * from './types.js';",
    );
    expect(jsImports(source)).toEqual([
      at('@google-cloud/secret-manager', 1),
      at('google-auth-library', 2),
      at('@google-cloud/iam-credentials', 9),
      at('./types.js', 12),
    ]);
  });

  it('keeps going after an unterminated string or regular expression: the damage ends with the line', () => {
    expect(jsImports(js('const s = "never closed', 'const r = /never closed', "require('m')"))).toEqual([
      at('m', 3),
    ]);
  });
});

describe('jsImportRefs', () => {
  it.each([
    ['import() of a variable', 'await import(name)', 'import'],
    ['require of a concatenation', "require('a' + 'b')", 'require'],
    ['a template with a field', 'import(`./locales/${lang}.js`)', 'import'],
    ['require?. of a variable', 'require?.(name)', 'require'],
    ['a parenthesised concatenation', "require(('a' + b))", 'require'],
    ['an escaped require of a variable', '\\u0072equire(x)', 'require'],
  ])('reports a computed module as dynamic: %s', (_name, source, callee) => {
    expect(jsImportRefs(source)).toEqual([{ module: callee, line: 1, dynamic: true }]);
    expect(jsImports(source)).toEqual([]);
  });

  it.each([
    ['a member call', 'loader.require(name)'],
    ['a function definition', 'function require(name) {}'],
    ['require.resolve', 'require.resolve(name)'],
    ['import.meta', 'import.meta.url'],
    ['a call without arguments', 'require()'],
  ])('reports nothing for %s', (_name, source) => {
    expect(jsImportRefs(source)).toEqual([]);
  });

  it('reports a dynamic import at the line of the call', () => {
    expect(jsImportRefs(js("import x from 'm'", 'const y = await import(', '  name', ')'))).toEqual([
      at('m'),
      { module: 'import', line: 2, dynamic: true },
    ]);
  });
});
