/**
 * The modules a Python file imports, found by tokenizing it: nothing is executed or imported.
 *
 * The tokenizer knows what can hide import text: comments, string literals (every quote style,
 * prefixes, escapes, f-strings with their nested replacement fields), backslash continuations
 * and brackets (a logical line spans parentheses). On top of it a statement reader finds
 * `import`/`from … import` at the start of a statement (also after `;` and after the `:` of a
 * one-line block such as `if TYPE_CHECKING: import x`) and the calls `import_module("…")` and
 * `__import__("…")` with a literal string as their first argument.
 */

/** One imported module and the 1-based line where its name appears. */
export interface PythonImport {
  module: string;
  line: number;
}

/**
 * An import as the guard needs it: for `from a.b import c`, `a.b.c` carries `parent: 'a.b'`, so
 * that a rule forbidding `a.b` reports the statement once, not once more for every name.
 */
export interface PythonImportRef extends PythonImport {
  parent?: string;
  /**
   * `import_module(name)`, `__import__(prefix + name)`: a call whose module is computed, so no
   * rule can be checked against it; `module` is the function's name.
   */
  dynamic?: true;
}

/**
 * Every module a Python source imports, in source order:
 * - `import a.b`, `import a.b as c`, `import x, a.b` → `a.b` (and `x`);
 * - `from a.b import c, d` → `a.b`, then `a.b.c` and `a.b.d` (a name may be a submodule:
 *   `from google.cloud import secretmanager` imports `google.cloud.secretmanager`), each at the
 *   line of its name, parenthesised lists over several lines included; `from a import *` → `a`;
 * - `importlib.import_module("a.b")`, `import_module('a.b')`, `__import__("a.b")` with a literal
 *   string (escapes decoded, adjacent literals joined, in parentheses or not, also as
 *   `name="a.b"`; an f-string without fields is literal), called bare or on any object: after
 *   `import importlib as il`, `il.import_module("a.b")` is still the call. These calls are also
 *   found inside the replacement fields of f-strings (`f"{__import__('a.b')}"`), at any depth;
 * - names as Python reads them: normalised to NFKC (`import ｏｓ` imports `os`).
 * Relative imports (`from . import x`, `from .a import b`, `import_module(".a", pkg)`) name the
 * project's own code and are not reported.
 */
export function pythonImports(source: string): PythonImport[] {
  return scanPythonImports(source)
    .filter((ref) => ref.dynamic !== true)
    .map(({ module, line }) => ({ module, line }));
}

/**
 * {@link pythonImports} with the parent module of each `from … import name`, and the calls
 * whose module is computed (`dynamic`), in line order.
 */
export function scanPythonImports(source: string): PythonImportRef[] {
  // Every form below spells "import" somewhere: most files are done here. A name written in
  // other characters (`ｉｍｐｏｒｔ_module`) is NFKC-normalised to it: then look closer.
  if (!mayImport(source)) return [];
  const text = source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
  const found: PythonImportRef[] = [];
  const main = new PythonTokenizer(text, 1);
  readTokens(main, found, true);
  // Each f-string's replacement fields are expressions: read them as such, nested ones too.
  const pending = main.fields.map((field) => ({ text, ...field }));
  if (pending.length === 0) return found;
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const field = next.text.slice(next.start, next.end);
    // Most fields are a name or two: only one that spells the word can import.
    if (!mayImport(field)) continue;
    const expression = new PythonTokenizer(field, next.line);
    readTokens(expression, found, false);
    for (const field of expression.fields) pending.push({ text: expression.source, ...field });
  }
  // Stable: in line order, and within a line in the order found.
  return found.sort((a, b) => a.line - b.line);
}

const NON_ASCII = /[^\0-\x7f]/;

/** Whether `text` spells `import`, also in characters that NFKC turns into it. */
function mayImport(text: string): boolean {
  return text.includes('import') || (NON_ASCII.test(text) && text.normalize('NFKC').includes('import'));
}

/**
 * The imports among the tokens: statements (when `statements`, at the start of a statement)
 * and calls of `import_module`/`__import__`.
 */
function readTokens(tokens: PythonTokenizer, found: PythonImportRef[], statements: boolean): void {
  // At the start of a statement: after a NEWLINE, a `;` or a block's `:` outside brackets.
  let atStatementStart = statements;
  let previousName = '';
  for (;;) {
    const kind = tokens.next();
    if (kind === END) break;
    if (kind === NEWLINE) {
      atStatementStart = statements;
      previousName = '';
      continue;
    }
    if (kind === NAME) {
      const name = tokens.text;
      if (atStatementStart && (name === 'import' || name === 'from')) {
        const statement = readStatement(tokens);
        if (name === 'import') readImportStatement(statement, found);
        else readFromStatement(statement, found);
      } else if ((name === 'import_module' || name === '__import__') && previousName !== 'def') {
        readDynamicImport(tokens, found);
      }
      atStatementStart = false;
      previousName = name;
      continue;
    }
    atStatementStart =
      statements && kind === OP && tokens.depth === 0 && (tokens.text === ';' || tokens.text === ':');
    previousName = '';
  }
}

interface Token {
  kind: TokenKind;
  text: string;
  line: number;
}

/** The rest of a simple statement, up to its NEWLINE or `;` (left for the caller to read). */
function readStatement(tokens: PythonTokenizer): Token[] {
  const statement: Token[] = [];
  for (;;) {
    const kind = tokens.next();
    if (kind === END || kind === NEWLINE || (kind === OP && tokens.text === ';' && tokens.depth === 0)) {
      tokens.unread();
      return statement;
    }
    statement.push({ kind, text: tokens.text, line: tokens.tokenLine });
  }
}

function isName(token: Token | undefined, text?: string): token is Token {
  return token !== undefined && token.kind === NAME && (text === undefined || token.text === text);
}

function isOp(token: Token | undefined, text: string): boolean {
  return token !== undefined && token.kind === OP && token.text === text;
}

/** A dotted name starting at `start`: the name, its line and the index after it. */
function readDottedName(
  statement: Token[],
  start: number,
): { name: string; line: number; end: number } | undefined {
  const first = statement[start];
  if (!isName(first)) return undefined;
  let name = first.text;
  let index = start + 1;
  for (;;) {
    const next = statement[index + 1];
    if (!isOp(statement[index], '.') || !isName(next)) break;
    name += `.${next.text}`;
    index += 2;
  }
  return { name, line: first.line, end: index };
}

/** `import a.b [as c] [, d.e [as f]]…` (the tokens after `import`). */
function readImportStatement(statement: Token[], found: PythonImportRef[]): void {
  let index = 0;
  for (;;) {
    const dotted = readDottedName(statement, index);
    if (dotted === undefined) return;
    found.push({ module: dotted.name, line: dotted.line });
    index = dotted.end;
    if (isName(statement[index], 'as')) index += 2;
    if (!isOp(statement[index], ',')) return;
    index++;
  }
}

/** `from a.b import c [as d], …`, `from a import (…)`, `from a import *` (the tokens after `from`). */
function readFromStatement(statement: Token[], found: PythonImportRef[]): void {
  // Leading dots make the import relative: the project's own code.
  if (isOp(statement[0], '.')) return;
  const dotted = readDottedName(statement, 0);
  if (dotted === undefined || !isName(statement[dotted.end], 'import')) return;
  const parent = dotted.name;
  found.push({ module: parent, line: dotted.line });
  let index = dotted.end + 1;
  if (isOp(statement[index], '(')) index++;
  for (;;) {
    const name = statement[index];
    if (!isName(name)) return;
    found.push({ module: `${parent}.${name.text}`, line: name.line, parent });
    index++;
    if (isName(statement[index], 'as')) index += 2;
    if (!isOp(statement[index], ',')) return;
    index++;
  }
}

/**
 * The argument of `import_module` or `__import__`: one literal string (adjacent literals
 * joined, in any number of parentheses, or as `name="…"`) followed by `,` or `)`. Anything
 * else is a computed module, reported as `dynamic` at the line of the call.
 */
function readDynamicImport(tokens: PythonTokenizer, found: PythonImportRef[]): void {
  const callee = tokens.text;
  const callLine = tokens.tokenLine;
  tokens.next();
  if (!tokens.isOp('(')) {
    tokens.unread();
    return;
  }
  const dynamic = (): void => {
    tokens.unread();
    found.push({ module: callee, line: callLine, dynamic: true });
  };
  let kind = tokens.next();
  if (kind === NAME && tokens.text === 'name') {
    tokens.next();
    if (!tokens.isOp('=')) {
      dynamic();
      return;
    }
    kind = tokens.next();
  }
  let parens = 0;
  while (kind === OP && tokens.text === '(') {
    parens++;
    kind = tokens.next();
  }
  // No argument at all: the call imports nothing (it raises TypeError).
  if (parens === 0 && tokens.isOp(')')) {
    tokens.unread();
    return;
  }
  if (kind !== STRING) {
    dynamic();
    return;
  }
  let module = tokens.stringValue();
  const line = tokens.tokenLine;
  // Adjacent literals are one literal (`"google.cloud." "secretmanager"`).
  while (tokens.next() === STRING) {
    const more = tokens.stringValue();
    module = module === undefined || more === undefined ? undefined : module + more;
  }
  for (; parens > 0; parens--) {
    if (!tokens.isOp(')')) {
      dynamic();
      return;
    }
    tokens.next();
  }
  // Anything else after the string (`"a" + name`, `"a".lower()`) makes the argument computed,
  // and so do bytes and an f-string with fields.
  if (module === undefined || !(tokens.isOp(',') || tokens.isOp(')'))) {
    dynamic();
    return;
  }
  tokens.unread();
  if (module !== '' && !module.startsWith('.')) found.push({ module, line });
}

// Token kinds: small integers, compared on every token.
const END = 0;
const NEWLINE = 1;
const NAME = 2;
const OP = 3;
const STRING = 4;
const OTHER = 5;
type TokenKind = typeof END | typeof NEWLINE | typeof NAME | typeof OP | typeof STRING | typeof OTHER;

const LF = 10;
const BACKSLASH = 92;
const SINGLE_QUOTE = 39;
const DOUBLE_QUOTE = 34;
const HASH = 35;
const DOT = 46;

/** String prefixes (lower-cased): raw, bytes, unicode, formatted and template strings. */
const STRING_PREFIXES = new Set(['r', 'u', 'b', 'br', 'rb', 'f', 'fr', 'rf', 't', 'tr', 'rt']);

function isIdentifierStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code >= 128;
}

function isIdentifierPart(code: number): boolean {
  return isIdentifierStart(code) || (code >= 48 && code <= 57);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Python tokens, one at a time and without allocation: `next()` returns the kind and leaves
 * the token in `text`/`tokenLine`/`literal`; `unread()` hands the same token out once more.
 * Only what the import reader needs is distinguished: names, one-character operators (`...`
 * is three dots), strings with their value, NEWLINE at the end of a logical line, and the rest.
 */
class PythonTokenizer {
  /** Bracket depth after the current token: NEWLINE is only produced at depth 0. */
  depth = 0;
  /**
   * The expressions of the f-string replacement fields met so far (offsets in `source`, the
   * line where each starts); fields nested inside one of them are left to its own reading.
   */
  readonly fields: { start: number; end: number; line: number }[] = [];
  /** Above zero while the expression of a replacement field is scanned. */
  private expressionDepth = 0;
  text = '';
  tokenLine = 1;
  /** The value of a `str` literal; `undefined` for bytes, f-strings with fields and other tokens. */
  literal: string | undefined;
  private position = 0;
  private line = 1;
  private kind: TokenKind = END;
  private pending = false;
  private lineHasTokens = false;

  constructor(
    readonly source: string,
    firstLine: number,
  ) {
    this.line = firstLine;
    this.tokenLine = firstLine;
    if (source.charCodeAt(0) === 0xfeff) this.position = 1;
  }

  unread(): void {
    this.pending = true;
  }

  /** The value of the current string token (read through a call: `next()` changes it). */
  stringValue(): string | undefined {
    return this.literal;
  }

  /** Whether the current token is the operator `text`. */
  isOp(text: string): boolean {
    return this.kind === OP && this.text === text;
  }

  next(): TokenKind {
    if (this.pending) {
      this.pending = false;
      return this.kind;
    }
    this.kind = this.scan();
    return this.kind;
  }

  private scan(): TokenKind {
    const source = this.source;
    const length = source.length;
    this.literal = undefined;
    while (this.position < length) {
      const code = source.charCodeAt(this.position);
      if (code === LF) {
        this.position++;
        this.line++;
        if (this.depth === 0 && this.lineHasTokens) {
          this.lineHasTokens = false;
          this.tokenLine = this.line - 1;
          this.text = '';
          return NEWLINE;
        }
        continue;
      }
      if (code === 32 || code === 9 || code === 12) {
        this.position++;
        continue;
      }
      if (code === HASH) {
        const end = source.indexOf('\n', this.position);
        this.position = end === -1 ? length : end;
        continue;
      }
      if (code === BACKSLASH) {
        // A continuation joins the next line to this logical line; a stray backslash is skipped.
        if (source.charCodeAt(this.position + 1) === LF) {
          this.line++;
          this.position++;
        }
        this.position++;
        continue;
      }
      this.lineHasTokens = true;
      this.tokenLine = this.line;
      if (isIdentifierStart(code)) {
        const start = this.position;
        let end = start + 1;
        let ascii = code < 128;
        for (; end < length; end++) {
          const part = source.charCodeAt(end);
          if (!isIdentifierPart(part)) break;
          if (part >= 128) ascii = false;
        }
        // Python reads every identifier in its NFKC form: `ｏｓ` is `os`.
        const name = ascii ? source.slice(start, end) : source.slice(start, end).normalize('NFKC');
        this.position = end;
        const after = source.charCodeAt(end);
        if ((after === SINGLE_QUOTE || after === DOUBLE_QUOTE) && end - start <= 2) {
          const prefix = name.toLowerCase();
          if (STRING_PREFIXES.has(prefix)) return this.scanString(prefix);
        }
        this.text = name;
        return NAME;
      }
      if (code === SINGLE_QUOTE || code === DOUBLE_QUOTE) return this.scanString('');
      if (isDigit(code) || (code === DOT && isDigit(source.charCodeAt(this.position + 1)))) {
        this.scanNumber();
        return OTHER;
      }
      this.position++;
      this.text = source[this.position - 1] ?? '';
      if (code === 40 || code === 91 || code === 123) this.depth++;
      else if ((code === 41 || code === 93 || code === 125) && this.depth > 0) this.depth--;
      return OP;
    }
    if (this.lineHasTokens) {
      this.lineHasTokens = false;
      this.text = '';
      return NEWLINE;
    }
    return END;
  }

  private scanNumber(): void {
    const source = this.source;
    const start = this.position;
    const hex = source.charCodeAt(start) === 48 && (source[start + 1] === 'x' || source[start + 1] === 'X');
    let end = start + 1;
    for (; end < source.length; end++) {
      const code = source.charCodeAt(end);
      if (isIdentifierPart(code) || code === DOT) continue;
      const previous = source[end - 1];
      if ((code === 43 || code === 45) && !hex && (previous === 'e' || previous === 'E')) continue;
      break;
    }
    this.position = end;
    this.text = '';
  }

  /** A string literal from its opening quote; `prefix` is lower-case. */
  private scanString(prefix: string): TokenKind {
    const source = this.source;
    const quote = source.charCodeAt(this.position);
    const triple =
      source.charCodeAt(this.position + 1) === quote && source.charCodeAt(this.position + 2) === quote;
    this.position += triple ? 3 : 1;
    const start = this.position;
    const raw = prefix.includes('r');
    const formatted = prefix.includes('f') || prefix.includes('t');
    const body = formatted ? this.scanFormattedBody(quote, triple) : this.scanBody(quote, triple);
    this.text = '';
    if (prefix.includes('b') || body.fields) return STRING;
    const content = source.slice(start, body.end);
    this.literal = raw || !content.includes('\\') ? content : decodeEscapes(content);
    return STRING;
  }

  /** Whether the closing quote(s) start at the current position. */
  private atClosingQuote(quote: number, triple: boolean): boolean {
    const source = this.source;
    const position = this.position;
    if (source.charCodeAt(position) !== quote) return false;
    return (
      !triple || (source.charCodeAt(position + 1) === quote && source.charCodeAt(position + 2) === quote)
    );
  }

  /**
   * The body of a plain string up to and past its closing quote; `end` is where the content ends.
   * A single-quoted string ends at an unescaped newline even without its quote: a broken line
   * costs that line, not the rest of the file.
   */
  private scanBody(quote: number, triple: boolean): { end: number; fields: boolean } {
    const source = this.source;
    const length = source.length;
    while (this.position < length) {
      const code = source.charCodeAt(this.position);
      if (code === BACKSLASH) {
        if (source.charCodeAt(this.position + 1) === LF) this.line++;
        this.position += 2;
        continue;
      }
      if (code === LF) {
        if (!triple) return { end: this.position, fields: false };
        this.line++;
      } else if (code === quote && this.atClosingQuote(quote, triple)) {
        const end = this.position;
        this.position += triple ? 3 : 1;
        return { end, fields: false };
      }
      this.position++;
    }
    return { end: length, fields: false };
  }

  /** An f-string (or t-string) body: `{…}` fields hold expressions, with strings of their own. */
  private scanFormattedBody(quote: number, triple: boolean): { end: number; fields: boolean } {
    const source = this.source;
    const length = source.length;
    let fields = false;
    while (this.position < length) {
      const code = source.charCodeAt(this.position);
      if (code === BACKSLASH) {
        if (source.charCodeAt(this.position + 1) === LF) this.line++;
        this.position += 2;
        continue;
      }
      if (code === LF) {
        if (!triple) return { end: this.position, fields };
        this.line++;
      } else if (code === quote && this.atClosingQuote(quote, triple)) {
        const end = this.position;
        this.position += triple ? 3 : 1;
        return { end, fields };
      } else if (code === 123 || code === 125) {
        // `{{` and `}}` are escaped braces; a literal with either is not a plain module name.
        fields = true;
        if (source.charCodeAt(this.position + 1) === code) {
          this.position += 2;
          continue;
        }
        if (code === 123) {
          this.position++;
          this.scanField(quote, triple);
          continue;
        }
      }
      this.position++;
    }
    return { end: length, fields };
  }

  /**
   * A replacement field after its `{`, up to and past its `}`: an expression (nested strings
   * may reuse the outer quote since Python 3.12), recorded in `fields` unless it is inside
   * another field's expression, then after a top-level `:` a format specification, which is
   * text with nested fields.
   */
  private scanField(quote: number, triple: boolean): void {
    const record = this.expressionDepth === 0;
    const start = this.position;
    const line = this.line;
    this.expressionDepth++;
    const { end, spec } = this.scanFieldExpression();
    this.expressionDepth--;
    if (record && end > start) this.fields.push({ start, end, line });
    if (spec) this.scanFormatSpec(quote, triple);
  }

  /**
   * A field's expression up to its top-level `:` or `}`, stepping past it: where the
   * expression ends, and whether a format specification follows.
   */
  private scanFieldExpression(): { end: number; spec: boolean } {
    const source = this.source;
    const length = source.length;
    let depth = 0;
    while (this.position < length) {
      const code = source.charCodeAt(this.position);
      if (code === LF) {
        this.line++;
        this.position++;
      } else if (code === BACKSLASH) {
        if (source.charCodeAt(this.position + 1) === LF) this.line++;
        this.position += 2;
      } else if (code === SINGLE_QUOTE || code === DOUBLE_QUOTE) {
        this.scanNestedString('');
      } else if (isIdentifierStart(code)) {
        const start = this.position;
        while (this.position < length && isIdentifierPart(source.charCodeAt(this.position))) this.position++;
        const after = source.charCodeAt(this.position);
        const prefix = source.slice(start, this.position).toLowerCase();
        if ((after === SINGLE_QUOTE || after === DOUBLE_QUOTE) && STRING_PREFIXES.has(prefix)) {
          this.scanNestedString(prefix);
        }
      } else if (code === HASH) {
        const end = source.indexOf('\n', this.position);
        this.position = end === -1 ? length : end;
      } else if (code === 40 || code === 91 || code === 123) {
        depth++;
        this.position++;
      } else if (code === 41 || code === 93) {
        if (depth > 0) depth--;
        this.position++;
      } else if (code === 125) {
        if (depth === 0) {
          this.position++;
          return { end: this.position - 1, spec: false };
        }
        depth--;
        this.position++;
      } else if (code === 58 && depth === 0) {
        this.position++;
        return { end: this.position - 1, spec: true };
      } else {
        this.position++;
      }
    }
    return { end: length, spec: false };
  }

  /** A format specification: text up to the field's `}`, with nested `{…}` fields. */
  private scanFormatSpec(quote: number, triple: boolean): void {
    const source = this.source;
    while (this.position < source.length) {
      const code = source.charCodeAt(this.position);
      if (code === 125) {
        this.position++;
        return;
      }
      // The outer string ends here: leave its quote to the body.
      if (code === quote && this.atClosingQuote(quote, triple)) return;
      if (code === LF) {
        if (!triple) return;
        this.line++;
      }
      this.position++;
      if (code === 123) this.scanField(quote, triple);
    }
  }

  private scanNestedString(prefix: string): void {
    const quote = this.source.charCodeAt(this.position);
    const triple =
      this.source.charCodeAt(this.position + 1) === quote &&
      this.source.charCodeAt(this.position + 2) === quote;
    this.position += triple ? 3 : 1;
    if (prefix.includes('f') || prefix.includes('t')) this.scanFormattedBody(quote, triple);
    else this.scanBody(quote, triple);
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/**
 * The value of a non-raw `str` literal's content; `\N{name}` is left as written. `undefined`
 * when an escape names no character (`\U12345678`: Python 3 refuses the literal).
 */
function decodeEscapes(content: string): string | undefined {
  // Set inside the callback: TypeScript cannot see it change.
  let valid = true as boolean;
  const value = content.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|[\s\S])/g,
    (escape, body: string) => {
      const simple = SIMPLE_ESCAPES[body];
      if (simple !== undefined) return simple;
      if (/^[0-7]/.test(body)) return String.fromCodePoint(parseInt(body, 8));
      if (body.length > 1) {
        const codePoint = parseInt(body.slice(1), 16);
        if (codePoint <= 0x10ffff) return String.fromCodePoint(codePoint);
        valid = false;
        return '';
      }
      // Python keeps the backslash of an unknown escape.
      return escape;
    },
  );
  return valid ? value : undefined;
}
