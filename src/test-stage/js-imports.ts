/**
 * The modules a JavaScript or TypeScript file (also .mjs, .cjs, .jsx, .tsx, .mts, .cts)
 * imports, found by tokenizing it: nothing is executed, no parser dependency.
 *
 * The tokenizer skips what can hide import text: line and block comments, string literals,
 * template literals with their `${…}` expressions (nested to any depth) and regular
 * expression literals. Whether a `/` starts a regular expression or divides is decided, as
 * the grammar does, from the previous significant token. A wrong guess (after `)` of an `if`,
 * or in JSX text) costs at most the rest of that line: strings and regular expressions never
 * run past an unescaped newline.
 */

/** One imported module and the 1-based line of its specifier. */
export interface JsImport {
  module: string;
  line: number;
}

/** An import, or (`dynamic`) an `import()`/`require()` whose module is computed: `module` is `import` or `require`. */
export interface JsImportRef extends JsImport {
  dynamic?: true;
}

/**
 * Every module a JavaScript or TypeScript source imports, in source order:
 * - `import x from 'm'`, `import {a, b} from "m"`, `import * as n from 'm'`, `import x, {a}
 *   from 'm'`, multi-line lists, `import 'm'`, `export {a} from 'm'`, `export * [as n] from 'm'`;
 * - `import('m')`, `require('m')` and `require?.('m')` with a literal string, or a template
 *   literal without `${}` (escapes decoded), in parentheses or not; a computed specifier is
 *   not reported here (see {@link jsImportRefs});
 * - names as the language reads them: `\u0072equire('m')` is `require('m')`;
 * - TypeScript's `import type {T} from 'm'`, `import {type T} from 'm'`, `export type … from
 *   'm'`, `import x = require('m')` and type-level `import('m')`: type-only imports COUNT. The
 *   rule is about what a layer depends on, and types from a client library couple the code to
 *   that library as much as values do (ESLint's `no-restricted-imports` decides the same way
 *   unless told otherwise).
 * Not imports: text in comments and strings, member calls (`obj.require('m')`,
 * `x.import('m')`), `import.meta`, `require.resolve('m')`.
 */
export function jsImports(source: string): JsImport[] {
  return jsImportRefs(source)
    .filter((ref) => ref.dynamic !== true)
    .map(({ module, line }) => ({ module, line }));
}

/** {@link jsImports}, and the calls `import(…)`/`require(…)` whose module is computed (`dynamic`). */
export function jsImportRefs(source: string): JsImportRef[] {
  // Every form spells one of these words: most files are done here. `export` is not optional:
  // a barrel file (`export * from 'm'`) holds neither of the other two. A name may also be
  // written with escapes (`\u0072equire`).
  if (
    !source.includes('import') &&
    !source.includes('require') &&
    !source.includes('export') &&
    !source.includes('\\u')
  ) {
    return [];
  }
  const tokens = new JsTokenizer(source);
  const found: JsImportRef[] = [];
  // A name after `.` or `?.` is a property, never the keyword or the CommonJS function.
  let afterMemberAccess = false;
  let previousName = '';
  for (;;) {
    const kind = tokens.next();
    if (kind === END) break;
    const text = tokens.text;
    if (kind === NAME && !afterMemberAccess) {
      if (text === 'import') readImport(tokens, found);
      else if (text === 'export') readExport(tokens, found);
      else if (text === 'require' && previousName !== 'function') {
        readCall(tokens, found, text, tokens.tokenLine);
      }
    }
    afterMemberAccess = kind === OP && (text === '.' || text === '?.');
    previousName = kind === NAME ? text : '';
  }
  return found;
}

/** The tokens after `import`: a call, `import.meta`, a side-effect import or a declaration. */
function readImport(tokens: JsTokenizer, found: JsImportRef[]): void {
  const line = tokens.tokenLine;
  const kind = tokens.next();
  if (kind === OP && tokens.text === '(') {
    tokens.unread();
    readCall(tokens, found, 'import', line);
    return;
  }
  if (kind === STRING) {
    if (tokens.literal !== undefined) found.push({ module: tokens.literal, line: tokens.tokenLine });
    return;
  }
  tokens.unread();
  readClause(tokens, found);
}

/** The tokens after `export`: only `export * …`, `export {…} …` and `export type …` can re-export. */
function readExport(tokens: JsTokenizer, found: JsImportRef[]): void {
  let kind = tokens.next();
  if (kind === NAME && tokens.text === 'type') kind = tokens.next();
  const text = tokens.text;
  tokens.unread();
  if (kind === OP && (text === '*' || text === '{')) readClause(tokens, found);
}

/**
 * An import or export clause up to `from 'm'`: bindings, `{…}` lists (whose names may be
 * strings), `* as n`, `type`. Anything else ends it and is left for the main loop, so that
 * `import x = require('m')` still finds the `require`.
 */
function readClause(tokens: JsTokenizer, found: JsImportRef[]): void {
  let braces = 0;
  let kind = tokens.next();
  for (;;) {
    const text = tokens.text;
    if (kind === NAME && text === 'from' && braces === 0) {
      kind = tokens.next();
      if (kind === STRING) {
        if (tokens.literal !== undefined) found.push({ module: tokens.literal, line: tokens.tokenLine });
        return;
      }
      // `import from from 'm'`: the first `from` was the binding's name.
      continue;
    }
    if (kind === OP && text === '{') braces++;
    else if (kind === OP && text === '}') {
      braces--;
      if (braces < 0) break;
      if (braces === 0) {
        // After a closed list only `from` can follow (`export {a}` alone ends here).
        kind = tokens.next();
        if (kind !== NAME || tokens.text !== 'from') break;
        continue;
      }
    } else if (kind === NAME) {
      // Outside a list, `import`/`export` start the next statement (no semicolon before them).
      if (braces === 0 && (text === 'import' || text === 'export')) break;
    } else if (!(kind === OP && (text === ',' || text === '*')) && !(kind === STRING && braces > 0)) {
      break;
    }
    kind = tokens.next();
  }
  tokens.unread();
}

/**
 * The call after `import` or `require` (also `require?.(`): `(` + one literal string, in any
 * number of parentheses, + `)` or `,` (import attributes). Any other argument is computed: a
 * `dynamic` entry at the line of the call.
 */
function readCall(tokens: JsTokenizer, found: JsImportRef[], callee: string, callLine: number): void {
  tokens.next();
  if (callee === 'require' && tokens.isOp('?.')) tokens.next();
  if (!tokens.isOp('(')) {
    tokens.unread();
    return;
  }
  const dynamic = (): void => {
    tokens.unread();
    found.push({ module: callee, line: callLine, dynamic: true });
  };
  let kind = tokens.next();
  let parens = 0;
  while (kind === OP && tokens.text === '(') {
    parens++;
    kind = tokens.next();
  }
  // No argument: nothing is imported (`require()` throws).
  if (parens === 0 && tokens.isOp(')')) {
    tokens.unread();
    return;
  }
  if (kind !== STRING || tokens.literal === undefined) {
    dynamic();
    return;
  }
  const module = tokens.literal;
  const line = tokens.tokenLine;
  tokens.next();
  for (; parens > 0; parens--) {
    if (!tokens.isOp(')')) {
      dynamic();
      return;
    }
    tokens.next();
  }
  if (!(tokens.isOp(')') || tokens.isOp(','))) {
    dynamic();
    return;
  }
  tokens.unread();
  found.push({ module, line });
}

// Token kinds: small integers, compared on every token.
const END = 0;
const NAME = 1;
const OP = 2;
const STRING = 3;
/** A template literal with `${}`, a number, a regular expression: a value, never an import. */
const VALUE = 4;
type TokenKind = typeof END | typeof NAME | typeof OP | typeof STRING | typeof VALUE;

const LF = 10;
const CR = 13;
const BACKSLASH = 92;
const SLASH = 47;
const STAR = 42;
const BACKTICK = 96;
const DOT = 46;

/** Keywords after which an expression, and so a regular expression, may start. */
const KEYWORDS_BEFORE_EXPRESSION = new Set([
  'await',
  'case',
  'default',
  'delete',
  'do',
  'else',
  'extends',
  'in',
  'instanceof',
  'new',
  'of',
  'return',
  'throw',
  'typeof',
  'void',
  'yield',
]);

function isIdentifierStart(code: number): boolean {
  return (
    (code >= 97 && code <= 122) ||
    (code >= 65 && code <= 90) ||
    code === 95 ||
    code === 36 ||
    code === BACKSLASH ||
    code === 35 ||
    code >= 128
  );
}

function isIdentifierPart(code: number): boolean {
  return isIdentifierStart(code) || (code >= 48 && code <= 57);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isLineTerminator(code: number): boolean {
  return code === LF || code === CR || code === 0x2028 || code === 0x2029;
}

/**
 * JavaScript tokens, one at a time and without allocation: `next()` returns the kind and
 * leaves the token in `text`/`tokenLine`/`literal`; `unread()` hands the same token out once
 * more. Punctuators are single characters except `?.`, `...`, `=>`, `++` and `--`, which
 * matter for member access and for the regular-expression decision.
 */
class JsTokenizer {
  text = '';
  tokenLine = 1;
  /** The value of a string, or of a template literal without `${}`. */
  literal: string | undefined;
  private position = 0;
  private line = 1;
  private kind: TokenKind = END;
  private pending = false;
  /** Whether a `/` here would start a regular expression (an expression may start). */
  private regexAllowed = true;
  /** One entry per open `{`: `true` when it is a template literal's `${`. */
  private readonly braces: boolean[] = [];
  /** Set by `.` and `?.`: the name that follows is a property, never a keyword. */
  private afterDot = false;

  constructor(private readonly source: string) {
    if (source.charCodeAt(0) === 0xfeff) this.position = 1;
    if (source.startsWith('#!', this.position)) this.skipLine();
  }

  unread(): void {
    this.pending = true;
  }

  /** Whether the current token is the punctuator `text`. */
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

  private skipLine(): void {
    while (this.position < this.source.length && !isLineTerminator(this.source.charCodeAt(this.position))) {
      this.position++;
    }
  }

  /** Counts a line terminator at `position` (CR LF once) and steps over it. */
  private newline(): void {
    const code = this.source.charCodeAt(this.position);
    this.position += code === CR && this.source.charCodeAt(this.position + 1) === LF ? 2 : 1;
    this.line++;
  }

  private scan(): TokenKind {
    const source = this.source;
    const length = source.length;
    this.literal = undefined;
    while (this.position < length) {
      const code = source.charCodeAt(this.position);
      if (isLineTerminator(code)) {
        this.newline();
        continue;
      }
      if (code === 32 || code === 9 || code === 11 || code === 12 || code === 0xa0 || code === 0xfeff) {
        this.position++;
        continue;
      }
      if (code === SLASH) {
        const after = source.charCodeAt(this.position + 1);
        if (after === SLASH) {
          this.skipLine();
          continue;
        }
        if (after === STAR) {
          this.skipBlockComment();
          continue;
        }
      }
      this.tokenLine = this.line;
      if (isIdentifierStart(code)) {
        const start = this.position;
        let end = start;
        let escaped = false;
        for (; end < length; end++) {
          const part = source.charCodeAt(end);
          if (!isIdentifierPart(part)) break;
          if (part === BACKSLASH) {
            escaped = true;
            // `\u{65}`: the braces belong to the name's escape.
            if (source.charCodeAt(end + 1) === 117 && source.charCodeAt(end + 2) === 123) {
              const close = source.indexOf('}', end + 3);
              if (close !== -1 && close - end <= 12) end = close;
            }
          }
        }
        this.position = end;
        // `\u0072equire` is the name `require`.
        this.text = escaped ? decodeIdentifier(source.slice(start, end)) : source.slice(start, end);
        // A keyword used as a property name (`x.default / 2`) is a plain name.
        this.regexAllowed = KEYWORDS_BEFORE_EXPRESSION.has(this.text) && !this.afterDot;
        this.afterDot = false;
        return NAME;
      }
      this.afterDot = false;
      if (code === 39 || code === 34) return this.scanString(code);
      if (code === BACKTICK) {
        this.position++;
        return this.scanTemplate();
      }
      if (isDigit(code) || (code === DOT && isDigit(source.charCodeAt(this.position + 1)))) {
        this.scanNumber();
        this.regexAllowed = false;
        return VALUE;
      }
      if (code === SLASH && this.regexAllowed) {
        this.scanRegex();
        this.regexAllowed = false;
        return VALUE;
      }
      return this.scanPunctuator(code);
    }
    return END;
  }

  private scanPunctuator(code: number): TokenKind {
    const source = this.source;
    const start = this.position;
    const after = source.charCodeAt(start + 1);
    let width = 1;
    if (code === 63 && after === DOT && !isDigit(source.charCodeAt(start + 2))) width = 2;
    else if (code === DOT && after === DOT && source.charCodeAt(start + 2) === DOT) width = 3;
    else if ((code === 61 && after === 62) || ((code === 43 || code === 45) && after === code)) width = 2;
    this.position += width;
    this.text = source.slice(start, start + width);
    this.afterDot = this.text === '.' || this.text === '?.';
    // After a closing bracket, `++`/`--` (taken as postfix) a value ends: `/` divides.
    this.regexAllowed = !(code === 41 || code === 93 || (width === 2 && (code === 43 || code === 45)));
    if (code === 123) {
      this.braces.push(false);
    } else if (code === 125) {
      if (this.braces.pop() === true) {
        // The `}` closing a template's `${`: the template continues.
        return this.scanTemplate();
      }
    }
    return OP;
  }

  private skipBlockComment(): void {
    const source = this.source;
    this.position += 2;
    while (this.position < source.length) {
      const code = source.charCodeAt(this.position);
      if (code === STAR && source.charCodeAt(this.position + 1) === SLASH) {
        this.position += 2;
        return;
      }
      if (isLineTerminator(code)) this.newline();
      else this.position++;
    }
  }

  /** Steps over a backslash and the character it escapes; an escaped line break is a new line. */
  private skipEscape(): void {
    this.position++;
    if (this.position >= this.source.length) return;
    if (isLineTerminator(this.source.charCodeAt(this.position))) this.newline();
    else this.position++;
  }

  /** A quoted string; it ends at an unescaped line break even without its quote. */
  private scanString(quote: number): TokenKind {
    const source = this.source;
    const start = ++this.position;
    let escapes = false;
    let end = source.length;
    while (this.position < source.length) {
      const code = source.charCodeAt(this.position);
      if (code === BACKSLASH) {
        escapes = true;
        this.skipEscape();
        continue;
      }
      if (code === quote) {
        end = this.position;
        this.position++;
        break;
      }
      if (isLineTerminator(code)) {
        end = this.position;
        break;
      }
      this.position++;
    }
    const content = source.slice(start, end);
    this.literal = escapes ? decodeEscapes(content) : content;
    this.text = '';
    this.regexAllowed = false;
    return STRING;
  }

  /**
   * A template literal's text from after its backtick (or after the `}` of a `${…}`), up to its
   * closing backtick or next `${`. Only a whole template without `${` has a literal value.
   */
  private scanTemplate(): TokenKind {
    const source = this.source;
    // Called after the opening backtick, or after the `}` that closes a `${`.
    const whole = source.charCodeAt(this.position - 1) === BACKTICK;
    const start = this.position;
    let escapes = false;
    while (this.position < source.length) {
      const code = source.charCodeAt(this.position);
      if (code === BACKSLASH) {
        escapes = true;
        this.skipEscape();
        continue;
      }
      if (code === BACKTICK) {
        const content = source.slice(start, this.position);
        this.position++;
        this.text = '';
        this.regexAllowed = false;
        if (!whole) return VALUE;
        this.literal = escapes ? decodeEscapes(content) : content;
        return STRING;
      }
      if (code === 36 && source.charCodeAt(this.position + 1) === 123) {
        this.position += 2;
        this.braces.push(true);
        this.text = '';
        this.regexAllowed = true;
        return VALUE;
      }
      if (isLineTerminator(code)) this.newline();
      else this.position++;
    }
    this.text = '';
    this.regexAllowed = false;
    return VALUE;
  }

  private scanNumber(): void {
    const source = this.source;
    const start = this.position;
    const radix = source.charCodeAt(start) === 48 && /[xXbBoO]/.test(source[start + 1] ?? '');
    let end = start + 1;
    for (; end < source.length; end++) {
      const code = source.charCodeAt(end);
      if (isIdentifierPart(code) || code === DOT) continue;
      const previous = source[end - 1];
      if ((code === 43 || code === 45) && !radix && (previous === 'e' || previous === 'E')) continue;
      break;
    }
    this.position = end;
    this.text = '';
  }

  /** A regular expression literal: `/` inside a class `[…]` does not end it, nor does `\/`. */
  private scanRegex(): void {
    const source = this.source;
    this.position++;
    let inClass = false;
    while (this.position < source.length) {
      const code = source.charCodeAt(this.position);
      if (isLineTerminator(code)) break;
      this.position++;
      if (code === BACKSLASH) {
        if (this.position < source.length && !isLineTerminator(source.charCodeAt(this.position))) {
          this.position++;
        }
      } else if (code === 91) {
        inClass = true;
      } else if (code === 93) {
        inClass = false;
      } else if (code === SLASH && !inClass) {
        while (this.position < source.length && isIdentifierPart(source.charCodeAt(this.position))) {
          this.position++;
        }
        break;
      }
    }
    this.text = '';
  }
}

/**
 * The value of a string literal's content (or a template's cooked value); `undefined` when an
 * escape names no character (`\u{110000}`: valid only in a raw template, which has no value).
 */
function decodeEscapes(content: string): string | undefined {
  // Set inside the callback: TypeScript cannot see it change.
  let valid = true as boolean;
  const value = content.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|u\{[0-9a-fA-F]+\}|\r\n|[\s\S])/g,
    (_escape, body: string) => {
      if (body.length === 1 || body === '\r\n') return SIMPLE_ESCAPES[body] ?? body;
      const codePoint = parseInt(body.startsWith('u{') ? body.slice(2, -1) : body.slice(1), 16);
      if (codePoint <= 0x10ffff) return String.fromCodePoint(codePoint);
      valid = false;
      return '';
    },
  );
  return valid ? value : undefined;
}

/** A name written with `\uXXXX` or `\u{…}` escapes, decoded; one that names no character stays as written. */
function decodeIdentifier(name: string): string {
  return name.replace(
    /\\u(?:([0-9a-fA-F]{4})|\{([0-9a-fA-F]+)\})/g,
    (escape, four?: string, braced?: string) => {
      const codePoint = parseInt(four ?? braced ?? '', 16);
      return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : escape;
    },
  );
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\n': '',
  '\r': '',
  '\r\n': '',
  '\u2028': '',
  '\u2029': '',
  '0': '\0',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};
