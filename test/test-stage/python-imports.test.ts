import { describe, expect, it } from 'vitest';
import { pythonImports, scanPythonImports } from '../../src/test-stage/python-imports.js';

/** Lines joined with newlines, so that each case reads as the file it stands for. */
function py(...lines: string[]): string {
  return lines.join('\n');
}

interface Case {
  name: string;
  source: string;
  expected: { module: string; line: number }[];
}

// Cases from the Python language reference: "Lexical analysis" (comments, line joining,
// string and bytes literals, f-strings) and "The import statement".
const FOUND: Case[] = [
  { name: 'import a module', source: 'import os', expected: [{ module: 'os', line: 1 }] },
  { name: 'import a dotted module', source: 'import a.b', expected: [{ module: 'a.b', line: 1 }] },
  { name: 'import … as', source: 'import a.b as c', expected: [{ module: 'a.b', line: 1 }] },
  {
    name: 'several modules in one import',
    source: 'import x, a.b',
    expected: [
      { module: 'x', line: 1 },
      { module: 'a.b', line: 1 },
    ],
  },
  {
    name: 'several modules with aliases',
    source: 'import x as y, a.b.c as d',
    expected: [
      { module: 'x', line: 1 },
      { module: 'a.b.c', line: 1 },
    ],
  },
  {
    name: 'from … import: the module and each name as a submodule',
    source: 'from a.b import c',
    expected: [
      { module: 'a.b', line: 1 },
      { module: 'a.b.c', line: 1 },
    ],
  },
  {
    name: 'from … import with aliases',
    source: 'from a.b import c as d, e',
    expected: [
      { module: 'a.b', line: 1 },
      { module: 'a.b.c', line: 1 },
      { module: 'a.b.e', line: 1 },
    ],
  },
  {
    name: 'a parenthesised list over two lines, each name at its line',
    source: py('from a import (b,', ' c)'),
    expected: [
      { module: 'a', line: 1 },
      { module: 'a.b', line: 1 },
      { module: 'a.c', line: 2 },
    ],
  },
  {
    name: 'a parenthesised list with a trailing comma and an alias',
    source: py('from a import (', '    b,', '    c as d,', ')', 'import e'),
    expected: [
      { module: 'a', line: 1 },
      { module: 'a.b', line: 2 },
      { module: 'a.c', line: 3 },
      { module: 'e', line: 5 },
    ],
  },
  { name: 'from … import *', source: 'from a.b import *', expected: [{ module: 'a.b', line: 1 }] },
  {
    name: 'an import under if TYPE_CHECKING',
    source: py('from typing import TYPE_CHECKING', '', 'if TYPE_CHECKING:', '    import a.b'),
    expected: [
      { module: 'typing', line: 1 },
      { module: 'typing.TYPE_CHECKING', line: 1 },
      { module: 'a.b', line: 4 },
    ],
  },
  {
    name: 'imports in try and except',
    source: py('try:', '    import ujson as json', 'except ImportError:', '    import json'),
    expected: [
      { module: 'ujson', line: 2 },
      { module: 'json', line: 4 },
    ],
  },
  {
    name: 'an import inside a function',
    source: py('def load():', '    from a import b', '    return b'),
    expected: [
      { module: 'a', line: 2 },
      { module: 'a.b', line: 2 },
    ],
  },
  {
    name: 'an import inside an async function and a class',
    source: py('class A:', '    import a', '    async def f(self):', '        import b'),
    expected: [
      { module: 'a', line: 2 },
      { module: 'b', line: 4 },
    ],
  },
  {
    name: 'imports after semicolons',
    source: 'import os; import sys; x = 1; from a import b',
    expected: [
      { module: 'os', line: 1 },
      { module: 'sys', line: 1 },
      { module: 'a', line: 1 },
      { module: 'a.b', line: 1 },
    ],
  },
  {
    name: 'a one-line compound statement',
    source: py('if TYPE_CHECKING: import a', 'while True: import b; break', 'else: from c import d'),
    expected: [
      { module: 'a', line: 1 },
      { module: 'b', line: 2 },
      { module: 'c', line: 3 },
      { module: 'c.d', line: 3 },
    ],
  },
  {
    name: 'an import in a match case',
    source: py('match command:', '    case "secrets":', '        import a'),
    expected: [{ module: 'a', line: 3 }],
  },
  {
    name: 'importlib.import_module with a literal',
    source: 'client = importlib.import_module("a.b")',
    expected: [{ module: 'a.b', line: 1 }],
  },
  {
    name: 'import_module imported by name, single quotes',
    source: py('from importlib import import_module', "m = import_module('a.b')"),
    expected: [
      { module: 'importlib', line: 1 },
      { module: 'importlib.import_module', line: 1 },
      { module: 'a.b', line: 2 },
    ],
  },
  { name: '__import__ with a literal', source: '__import__("a.b")', expected: [{ module: 'a.b', line: 1 }] },
  {
    name: 'import_module with a triple-quoted raw literal and more arguments',
    source: "importlib.import_module(r'''a.b''', package=None)",
    expected: [{ module: 'a.b', line: 1 }],
  },
  {
    name: '__import__ over several lines: the line of the literal',
    source: py('m = __import__(', '    "a.b",', '    fromlist=["c"],', ')'),
    expected: [{ module: 'a.b', line: 2 }],
  },
  {
    name: 'import_module through an alias of importlib',
    source: py('import importlib as il', 'il.import_module("a.b")'),
    expected: [
      { module: 'importlib', line: 1 },
      { module: 'a.b', line: 2 },
    ],
  },
  {
    name: 'an f-string without fields, escapes and adjacent literals are literal',
    source: py('import_module(f"a.b")', 'import_module("a\\x2eb")', 'import_module("a." "b")'),
    expected: [
      { module: 'a.b', line: 1 },
      { module: 'a.b', line: 2 },
      { module: 'a.b', line: 3 },
    ],
  },
  {
    name: 'a backslash continuation: the line of the name',
    source: py('import \\', '    a.b', 'from c \\', '    import d'),
    expected: [
      { module: 'a.b', line: 2 },
      { module: 'c', line: 3 },
      { module: 'c.d', line: 4 },
    ],
  },
  {
    name: 'an import after a triple-quoted string over several lines',
    source: py('x = """', 'import no', '"""', 'import a'),
    expected: [{ module: 'a', line: 4 }],
  },
  {
    name: 'an import after strings with escaped quotes and a quote in a comment',
    source: py("s = 'it\\'s'", 't = "say \\"hi\\""', "# it's", 'import a'),
    expected: [{ module: 'a', line: 4 }],
  },
  {
    name: 'an import after an f-string reusing its quotes inside a field (Python 3.12)',
    source: py('s = f"{d["k"]} and {f"{x}"}"', 'import a'),
    expected: [{ module: 'a', line: 2 }],
  },
  {
    name: 'an import on the line of an f-string whose field holds its own quote in a string',
    source: py('s = f"{\'"\'}"; import a', 't = f\'{"\\n".join(x)}\'; import b'),
    expected: [
      { module: 'a', line: 1 },
      { module: 'b', line: 2 },
    ],
  },
  {
    name: 'an import after an f-string whose format spec fills with a quote: f"{x:\'>10}"',
    source: py('s = f"{x:\'>10} {y:{width}}"', 'import a'),
    expected: [{ module: 'a', line: 2 }],
  },
  {
    name: 'an import after string prefixes in any case',
    source: py('s = Rb"\\\\" + BR\'x\' + Fr"{x}" + u"y" + rf\'\\{x}\'', 'import a'),
    expected: [{ module: 'a', line: 2 }],
  },
  {
    name: 'an import after a bracketed expression over several lines',
    source: py('x = (', '    1,', '    [2, {3: 4}],', ')', 'import a'),
    expected: [{ module: 'a', line: 5 }],
  },
  {
    name: 'non-ASCII identifiers',
    source: 'from café import thé',
    expected: [
      { module: 'café', line: 1 },
      { module: 'café.thé', line: 1 },
    ],
  },
  {
    name: 'Windows line endings and a byte order mark',
    source: '\ufeffimport a\r\nimport b\r\n',
    expected: [
      { module: 'a', line: 1 },
      { module: 'b', line: 2 },
    ],
  },
  {
    name: 'from __future__ import',
    source: 'from __future__ import annotations',
    expected: [
      { module: '__future__', line: 1 },
      { module: '__future__.annotations', line: 1 },
    ],
  },
];

// Forms that were missed (issue 14): each one imports the module, as CPython 3.11 runs it.
const ISSUE_14_FOUND: Case[] = [
  {
    name: 'an f-string field calling __import__',
    source: `x = f"{__import__('a.b')}"`,
    expected: [{ module: 'a.b', line: 1 }],
  },
  {
    name: 'an import_module call in a format spec field, in a triple-quoted f-string',
    source: py('x = f"""', '{v:{importlib.import_module("a.b")}}"""'),
    expected: [{ module: 'a.b', line: 2 }],
  },
  {
    name: 'an f-string nested in an f-string field',
    source: `x = f"{f'{__import__("a.b")}'}"`,
    expected: [{ module: 'a.b', line: 1 }],
  },
  {
    name: 'f-string imports in line order with the statements',
    source: py('import x', `y = f"{__import__('a')}"`, 'import z'),
    expected: [
      { module: 'x', line: 1 },
      { module: 'a', line: 2 },
      { module: 'z', line: 3 },
    ],
  },
  {
    name: 'a parenthesised literal',
    source: 'import_module(("a.b"))',
    expected: [{ module: 'a.b', line: 1 }],
  },
  {
    name: 'parenthesised adjacent literals and a package argument',
    source: '__import__((("a." "b")), globals())',
    expected: [{ module: 'a.b', line: 1 }],
  },
  {
    name: 'import_module with the keyword argument name',
    source: 'import_module(name="a")',
    expected: [{ module: 'a', line: 1 }],
  },
  {
    name: 'a fullwidth module name (NFKC)',
    source: 'import \uff4f\uff53',
    expected: [{ module: 'os', line: 1 }],
  },
  {
    name: 'a fullwidth from-import (NFKC)',
    source: 'from \uff4f\uff53.path import join',
    expected: [
      { module: 'os.path', line: 1 },
      { module: 'os.path.join', line: 1 },
    ],
  },
  {
    name: 'a call whose name is normalised (NFKC)',
    source: '__\uff49mport__("a.b")',
    expected: [{ module: 'a.b', line: 1 }],
  },
  {
    name: 'an import after a string with an out-of-range escape',
    source: py('x = "\\U12345678"', 'import a'),
    expected: [{ module: 'a', line: 2 }],
  },
];

// Each of these contains import text that is no import of another package.
const NOT_FOUND: { name: string; source: string }[] = [
  { name: 'a comment', source: '# import os' },
  { name: 'a comment after code', source: 'x = 1  # from a import b' },
  { name: 'a docstring', source: py('"""Module.', '', 'import os', '"""') },
  { name: 'a single-quoted triple string', source: py("s = '''", 'from a import b', "'''") },
  { name: 'a double-quoted string', source: 's = "import os"' },
  { name: 'a single-quoted string', source: "s = 'from a import b'" },
  { name: 'a raw string', source: "s = r'import a'" },
  { name: 'a bytes string over lines', source: py('b"""', 'import a', '"""') },
  { name: 'a unicode string', source: 'print(u"import a"); print(\'from b import c\')' },
  { name: 'a string continued by a backslash', source: py('s = "x \\', 'import a"') },
  { name: 'an f-string field holding import text', source: 's = f"{\'import a\'}"' },
  { name: 'a triple-quoted f-string', source: py('s = f"""{x}', 'import a', '{y!r:>{w}}"""') },
  { name: 'a relative import of the package', source: 'from . import a' },
  { name: 'a relative import of a module', source: 'from .a import b' },
  { name: 'a relative import two levels up', source: 'from ..a.b import c' },
  { name: 'a relative import with an ellipsis', source: 'from ... import x' },
  { name: 'import_module with a name', source: 'importlib.import_module(name)' },
  { name: 'import_module with a concatenation', source: 'importlib.import_module("a." + name)' },
  { name: 'import_module with an f-string field', source: 'importlib.import_module(f"a.{name}")' },
  { name: 'import_module relative to a package', source: 'import_module(".a", "pkg")' },
  { name: '__import__ with bytes', source: '__import__(b"a")' },
  { name: '__import__ with a variable', source: '__import__(x)' },
  { name: 'import_module not called', source: 'load = importlib.import_module' },
  { name: 'a definition named import_module', source: 'def import_module(name="a"): ...' },
  { name: 'names that contain import', source: 'important = reimport(import_all) + imports' },
  { name: 'yield from and raise from', source: py('def f():', '    yield from a', '    raise E from b') },
  { name: 'an empty source', source: '' },
  { name: 'a source without the word', source: 'x = 1\nprint(x)\n' },
];

describe('pythonImports', () => {
  it.each(FOUND)('finds $name', ({ source, expected }) => {
    expect(pythonImports(source)).toEqual(expected);
  });

  it.each(ISSUE_14_FOUND)('finds $name', ({ source, expected }) => {
    expect(pythonImports(source)).toEqual(expected);
  });

  it.each([
    ['a literal in a format spec is text', `x = f"{v:import_module('a')}"`],
    ['an out-of-range escape is no module', 'import_module("\\U12345678")'],
  ])('finds nothing in %s', (_name, source) => {
    expect(pythonImports(source)).toEqual([]);
  });

  it.each(NOT_FOUND)('finds nothing in $name', ({ source }) => {
    expect(pythonImports(source)).toEqual([]);
  });

  it('has at least 25 cases of each kind', () => {
    expect(FOUND.length).toBeGreaterThanOrEqual(25);
    expect(NOT_FOUND.length).toBeGreaterThanOrEqual(25);
  });

  it('reads a whole module: docstring, guarded imports, lazy imports, strings with import text', () => {
    const source = py(
      '"""Secrets.',
      '',
      'Use `from google.cloud import secretmanager` only here.',
      '"""',
      'from __future__ import annotations',
      '',
      'import importlib',
      'from typing import TYPE_CHECKING',
      '',
      'if TYPE_CHECKING:  # types only',
      '    from google.cloud.secretmanager_v1 import (',
      '        SecretManagerServiceClient,',
      '    )',
      '',
      'HELP = "import google.auth"',
      '',
      '',
      'def client() -> SecretManagerServiceClient:',
      '    module = importlib.import_module("google.cloud.secretmanager")',
      '    return module.SecretManagerServiceClient()',
    );
    expect(pythonImports(source)).toEqual([
      { module: '__future__', line: 5 },
      { module: '__future__.annotations', line: 5 },
      { module: 'importlib', line: 7 },
      { module: 'typing', line: 8 },
      { module: 'typing.TYPE_CHECKING', line: 8 },
      { module: 'google.cloud.secretmanager_v1', line: 11 },
      { module: 'google.cloud.secretmanager_v1.SecretManagerServiceClient', line: 12 },
      { module: 'google.cloud.secretmanager', line: 19 },
    ]);
  });

  it('keeps going after an unterminated string: a broken line costs that line only', () => {
    expect(pythonImports(py('s = "never closed', 'import a'))).toEqual([{ module: 'a', line: 2 }]);
  });
});

describe('scanPythonImports', () => {
  it('names the module of each from-imported name as its parent', () => {
    expect(scanPythonImports(py('from a.b import (c,', '  d)', 'import a.b.e'))).toEqual([
      { module: 'a.b', line: 1 },
      { module: 'a.b.c', line: 1, parent: 'a.b' },
      { module: 'a.b.d', line: 2, parent: 'a.b' },
      { module: 'a.b.e', line: 3 },
    ]);
  });

  it.each([
    ['a variable', 'importlib.import_module(name)', 'import_module'],
    ['a concatenation', '__import__("a." + name)', '__import__'],
    ['an f-string with a field', 'import_module(f"plugins.{name}")', 'import_module'],
    ['a parenthesised concatenation', 'import_module(("a" + b))', 'import_module'],
    ['bytes', '__import__(b"a")', '__import__'],
    ['a keyword argument with a variable', 'import_module(name=x)', 'import_module'],
    ['inside an f-string field', 'y = f"{import_module(name)}"', 'import_module'],
  ])('reports a computed module as dynamic: %s', (_name, source, callee) => {
    expect(scanPythonImports(source)).toEqual([{ module: callee, line: 1, dynamic: true }]);
    expect(pythonImports(source)).toEqual([]);
  });

  it.each([
    ['a relative import', 'import_module(".a", "pkg")'],
    ['a reference, not a call', 'load = importlib.import_module'],
    ['a definition', 'def import_module(name): ...'],
    ['a call without arguments', 'import_module()'],
  ])('reports nothing for %s', (_name, source) => {
    expect(scanPythonImports(source)).toEqual([]);
  });

  it('reports a dynamic call at the line of the call', () => {
    expect(scanPythonImports(py('x = 1', 'mod = importlib.import_module(', '    name,', ')'))).toEqual([
      { module: 'import_module', line: 2, dynamic: true },
    ]);
  });
});
