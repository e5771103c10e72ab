export const id = 32;
export const ids = [32];
export const modules = {

/***/ 7032:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  BusinessRulesValidator: () => (/* reexport */ validator),
  SyntaxValidator: () => (/* reexport */ SyntaxValidator)
});

;// CONCATENATED MODULE: ./node_modules/fast-xml-validator/src/ValidationError.js
class ValidationError extends Error {
  constructor(message, code, line, col) {
    super(message);
    this.name = this.constructor.name;
    this.code = code;
    this.line = line;
    this.col = col;
    Error.captureStackTrace?.(this, this.constructor);
  }
}
;// CONCATENATED MODULE: ./node_modules/fast-xml-validator/src/util.js


function getAllMatches(string, regex) {
  const matches = [];
  let match = regex.exec(string);
  while (match) {
    const allmatches = [];
    allmatches.startIndex = regex.lastIndex - match[0].length;
    const len = match.length;
    for (let index = 0; index < len; index++) {
      allmatches.push(match[index]);
    }
    matches.push(allmatches);
    match = regex.exec(string);
  }
  return matches;
}

function isExist(v) {
  return typeof v !== 'undefined';
}

function isEmptyObject(obj) {
  return Object.keys(obj).length === 0;
}

function getValue(v) {
  if (isExist(v)) {
    return v;
  } else {
    return '';
  }
}

function isWhiteSpace(char) {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r';
}

/**
 * True for character codes that are illegal as literal characters anywhere in
 * an XML document (element text, attribute values, comments): 0x00-0x08,
 * 0x0B, 0x0C, 0x0E-0x1F. Tab/LF/CR (0x09/0x0A/0x0D) are legal whitespace and
 * are excluded.
 */
function isIllegalControlCode(code) {
  return code <= 8 || code === 11 || code === 12 || (code >= 14 && code <= 31);
}

function getLineNumberForPosition(xmlData, index) {
  const lines = xmlData.substring(0, index).split(/\r?\n/);
  return {
    line: lines.length,
    col: lines[lines.length - 1].length + 1,
  };
}

function getPositionFromMatch(match) {
  return match.startIndex + match[1].length;
}

// EXTERNAL MODULE: ./node_modules/xml-naming/src/index.js
var src = __webpack_require__(4658);
;// CONCATENATED MODULE: ./node_modules/fast-xml-validator/src/validators/XmlNameValidator.js




/**
 * XmlNameValidator — single responsibility: expose XML Name / QName
 * validators for a given xmlVersion, memoized per instance since element
 * and attribute names repeat heavily across a document.
 */
class XmlNameValidator {
  constructor(xmlVersion = '1.0') {
    this.xmlVersion = xmlVersion;
    this.qName = (0,src/* createValidator */.fH)('qName', { xmlVersion });
    this.name = (0,src/* createValidator */.fH)('name', { xmlVersion });
  }

  isValidQName(value) {
    return this.qName(value);
  }

  isValidName(value) {
    return this.name(value);
  }
}

;// CONCATENATED MODULE: ./node_modules/fast-xml-validator/src/validators/XmlDeclarationValidator.js




function isWordChar(ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch === '_';
}

/**
 * Walk the `<?xml ... ?>` body once, left to right, pulling out
 * `name="value"` / `name='value'` pairs (each one preceded by required
 * whitespace) and collecting everything else as leftover text.
 *
 * This replaces two regexes that used to do the same job:
 *   /\s+([\w]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g          - to find attributes
 *   /\s+[\w]+\s*=\s*(?:"[^"]*"|'[^']*')/g (via replace)  - to find leftovers
 *
 * Both led with a required-but-greedy `\s+`. On a long run of whitespace
 * that's never followed by a valid `name=value`, the engine backtracks that
 * whitespace group one character at a time before giving up on that
 * starting position — and since none of those backtracked attempts can ever
 * succeed (a whitespace character is never a valid name character, at any
 * backtrack length), all of that retrying was wasted work. A `<?xml ?>`
 * declaration padded with thousands of spaces could make this step take
 * seconds. Scanning forward once, without ever revisiting a position, is
 * both faster and gives the identical result — the retried attempts could
 * never have succeeded anyway.
 *
 * @param {string} declBody
 * @returns {{ matches: Array<{name: string, value: string, index: number}>, leftover: string }}
 */
function scanDeclAttributes(declBody) {
  const matches = [];
  let leftover = '';
  const len = declBody.length;
  let i = 0;

  while (i < len) {
    if (!isWhiteSpace(declBody[i])) {
      leftover += declBody[i];
      i++;
      continue;
    }

    const matchStart = i;
    let p = i;
    while (p < len && isWhiteSpace(declBody[p])) p++;

    const nameStart = p;
    while (p < len && isWordChar(declBody[p])) p++;
    if (p === nameStart) {
      // Whitespace not followed by a name character — can't become a match
      // no matter how much of the whitespace we consider, so it's leftover.
      leftover += declBody.slice(matchStart, p + 1 <= len ? p : len);
      i = p > matchStart ? p : matchStart + 1;
      continue;
    }
    const name = declBody.slice(nameStart, p);

    let q = p;
    while (q < len && isWhiteSpace(declBody[q])) q++;
    if (declBody[q] !== '=') {
      leftover += declBody.slice(matchStart, p);
      i = p;
      continue;
    }
    q++; // skip '='
    while (q < len && isWhiteSpace(declBody[q])) q++;

    const quote = declBody[q];
    if (quote !== '"' && quote !== "'") {
      leftover += declBody.slice(matchStart, p);
      i = p;
      continue;
    }
    const valueStart = q + 1;
    const closeIdx = declBody.indexOf(quote, valueStart);
    if (closeIdx === -1) {
      leftover += declBody.slice(matchStart, p);
      i = p;
      continue;
    }

    matches.push({ name, value: declBody.slice(valueStart, closeIdx), index: matchStart });
    i = closeIdx + 1;
  }

  return { matches, leftover };
}

/**
 * XmlDeclarationValidator — single responsibility: parse and validate the
 * `<?xml version="..." encoding="..." standalone="..."?>` prolog.
 *
 * Behaviour is controlled by the `xmlDeclaraion` config block:
 *
 *   xmlDeclaraion: {
 *     optional: true,     // when false, the document MUST start with a decl
 *     argPosition: true,  // when true, version/encoding/standalone must
 *                          // appear in that fixed order (spec-mandated);
 *                          // set false to allow any order.
 *   }
 *
 * (`argPostion` — the spelling used in the original design note — is also
 * accepted as an alias for `argPosition`.)
 */
class XmlDeclarationValidator {
  constructor(options = {}, throwError) {
    this.optional = options.optional !== undefined ? options.optional : true;
    this.argPosition = options.argPosition !== undefined
      ? options.argPosition
      : (options.argPostion !== undefined ? options.argPostion : true);
    this._throwError = throwError;
  }

  /**
   * @param {string} xmlData - full document (BOM already stripped)
   * @returns {{ version: string, end: number }} version defaults to '1.0'
   *   and end is 0 when there is no declaration present.
   */
  validate(xmlData) {
    const hasDecl = xmlData.startsWith('<?xml');

    if (!hasDecl) {
      if (!this.optional) {
        this._throwError('InvalidXml', 'XML declaration is required but missing.', { line: 1, col: 1 });
      }
      return { version: '1.0', end: 0 };
    }

    const piEnd = xmlData.indexOf('?>');
    if (piEnd === -1) {
      this._throwError('InvalidXml', 'XML declaration is not closed with "?>".', { line: 1, col: 1 });
    }

    const declBody = xmlData.substring(5, piEnd);
    const end = piEnd + 2;

    const ALLOWED = ['version', 'encoding', 'standalone'];
    const { matches: declAttrs, leftover } = scanDeclAttributes(declBody);

    let version = '1.0';
    let lastAllowedIdx = -1;

    for (let m = 0; m < declAttrs.length; m++) {
      const attrName = declAttrs[m].name;
      const attrValue = declAttrs[m].value;
      const attrPos = declAttrs[m].index;

      const allowedIdx = ALLOWED.indexOf(attrName);
      if (allowedIdx === -1) {
        this._throwError('InvalidXml',
          'XML declaration contains unknown attribute "' + attrName + '". Allowed: version, encoding, standalone.',
          { line: 1, col: 6 + attrPos });
      }

      if (this.argPosition && allowedIdx <= lastAllowedIdx) {
        this._throwError('InvalidXml',
          'XML declaration attribute "' + attrName + '" is out of order. Required order: version, encoding, standalone.',
          { line: 1, col: 6 + attrPos });
      }
      lastAllowedIdx = allowedIdx;

      if (attrName === 'version') {
        if (attrValue !== '1.0' && attrValue !== '1.1') {
          this._throwError('InvalidXml',
            'XML declaration version "' + attrValue + '" is not supported. Must be "1.0" or "1.1".',
            { line: 1, col: 6 + attrPos });
        }
        version = attrValue;
      } else if (attrName === 'standalone') {
        if (attrValue !== 'yes' && attrValue !== 'no') {
          this._throwError('InvalidXml',
            'XML declaration standalone "' + attrValue + '" is invalid. Must be "yes" or "no".',
            { line: 1, col: 6 + attrPos });
        }
      }
      // encoding: value format validation is out of scope
    }

    const trimmedLeftover = leftover.trim();
    if (trimmedLeftover.length > 0) {
      this._throwError('InvalidXml',
        'XML declaration contains invalid content: "' + trimmedLeftover + '".',
        { line: 1, col: 1 });
    }

    return { version, end };
  }
}
;// CONCATENATED MODULE: ./node_modules/fast-xml-validator/src/validators/ControlCharValidator.js




/**
 * ControlCharValidator — single responsibility: detect illegal control
 * characters (0x00-0x08, 0x0B, 0x0C, 0x0E-0x1F) anywhere they appear as
 * literal characters in the document (element text, attribute values,
 * comments, CDATA, PI content, etc.).
 *
 * This check is always on — it is not gated by any option — since illegal
 * control characters make a document non-well-formed per the XML spec.
 */
class ControlCharValidator {
  /**
   * Scan `str` for the first illegal control character.
   * @param {string} str
   * @returns {number} local index (within `str`) of the first offending
   *   character, or -1 if none found.
   */
  static findIllegalIndex(str) {
    const len = str.length;
    for (let i = 0; i < len; i++) {
      if (isIllegalControlCode(str.charCodeAt(i))) return i;
    }
    return -1;
  }

  /**
   * @param {string} str
   * @returns {boolean}
   */
  static hasIllegalChar(str) {
    return this.findIllegalIndex(str) !== -1;
  }

  /**
   * Convenience formatter for error messages.
   * @param {number} code - char code
   */
  static describe(code) {
    return `0x${code.toString(16).padStart(2, '0')}`;
  }
}

;// CONCATENATED MODULE: ./node_modules/fast-xml-validator/src/validators/AttributeStringValidator.js





/**
 * Walk `attrStr` once, left to right, splitting it into attribute tokens.
 *
 * This replaces a regex that used to do the same job
 * (`(\s*)([^\s=]+)(\s*=)?(\s*(['"])(([\s\S])*?)\5)?`). That regex led with an
 * optional whitespace group followed by a required "non-whitespace" group.
 * On a long run of whitespace that never resolves into an attribute name
 * (e.g. a tag with thousands of trailing spaces before `>`), the engine
 * backtracks the whitespace group one character at a time before giving up
 * and moving to the next starting position — one full backtrack per
 * position, which is quadratic in the length of the run. A ~64KB tag made
 * entirely of spaces could stall the whole process for seconds.
 *
 * A single forward-only scan can never backtrack, so it can't be made slow
 * this way no matter how much whitespace the input contains — it's always
 * proportional to the length of the string, once.
 *
 * Each returned token mirrors the shape the old regex match array had, so
 * the validation logic below (which reads token[1]..token[6]) didn't need
 * to change:
 *   token.startIndex - where this token begins in attrStr
 *   token[1]          - leading whitespace before the name
 *   token[2]          - the attribute name
 *   token[3]          - whitespace + '=' if present, else undefined
 *   token[4]          - marker (any defined value) if a quoted value was found
 *   token[5]          - the quote character used ('"' or "'")
 *   token[6]          - the value's text, without the surrounding quotes
 *
 * A malformed leading character (e.g. a stray '=' with no name before it)
 * is simply skipped over, one character at a time — the same outcome the
 * old regex produced by failing to match at that position and retrying at
 * the next one.
 */
function scanAttributeTokens(attrStr) {
  const tokens = [];
  const len = attrStr.length;
  let i = 0;

  while (i < len) {
    const tokenStart = i;

    // Leading whitespace before the name.
    while (i < len && isWhiteSpace(attrStr[i])) i++;
    if (i >= len) break; // trailing whitespace only — nothing left to read

    if (attrStr[i] === '=') {
      // No name before this '=' — not a valid attribute start. Move past
      // just this one character and try again from the next position.
      i = tokenStart + 1;
      continue;
    }

    const leadingWs = attrStr.slice(tokenStart, i);

    // Attribute name — everything up to the next whitespace or '='.
    const nameStart = i;
    while (i < len && !isWhiteSpace(attrStr[i]) && attrStr[i] !== '=') i++;
    const name = attrStr.slice(nameStart, i);

    // Optional whitespace + '='.
    let equalsGroup; // whitespace + '=' text, or undefined if absent
    let j = i;
    while (j < len && isWhiteSpace(attrStr[j])) j++;
    if (j < len && attrStr[j] === '=') {
      equalsGroup = attrStr.slice(i, j + 1);
      i = j + 1;
    }

    // Optional whitespace + quoted value.
    let quoteChar;
    let value;
    let k = i;
    while (k < len && isWhiteSpace(attrStr[k])) k++;
    if (k < len && (attrStr[k] === '"' || attrStr[k] === "'")) {
      const valueStart = k + 1;
      const closeIdx = attrStr.indexOf(attrStr[k], valueStart);
      if (closeIdx !== -1) {
        quoteChar = attrStr[k];
        value = attrStr.slice(valueStart, closeIdx);
        i = closeIdx + 1;
      }
      // No closing quote found anywhere in the rest of the string — leave
      // quoteChar/value undefined, same as the old regex's group failing
      // to match a backreference-less run.
    }

    const token = { startIndex: tokenStart };
    token[1] = leadingWs;
    token[2] = name;
    token[3] = equalsGroup;
    token[4] = quoteChar !== undefined ? true : undefined;
    token[5] = quoteChar;
    token[6] = value;
    tokens.push(token);
  }

  return tokens;
}

/**
 * AttributeStringValidator — single responsibility: validate the raw
 * attribute-expression substring of a start tag (everything between the tag
 * name and the closing `>`/`/>`).
 *
 * Checks performed (always on):
 *   - proper whitespace separation between attributes
 *   - attribute names are valid QNames
 *   - no duplicate attribute names
 *   - `=` present without a value -> "without value"
 *   - value present but not quoted -> UnquotedAttributeValue
 *   - boolean attributes rejected unless `allowBooleanAttributes`
 *   - illegal control characters inside the attribute value
 *   - `xmlns:x=""` only allowed in XML 1.1
 *
 * Checks performed (opt-in via `invalidCharSequence.attrLt`):
 *   - literal `<` inside an attribute value
 */
class AttributeStringValidator {
  /**
   * @param {object} options - the full validation options object
   * @param {import('./XmlNameValidator.js').default} nameValidator
   * @param {string} xmlVersion
   */
  constructor(options, nameValidator, xmlVersion) {
    this.options = options;
    this.nameValidator = nameValidator;
    this.xmlVersion = xmlVersion;
  }

  /**
   * @param {string} attrStr
   * @returns {true | { err: { code: string, msg: string, line: number } }}
   */
  validate(attrStr) {
    const matches = scanAttributeTokens(attrStr);
    const attrNames = {};
    const checkAttrLt = this.options.invalidCharSequence?.attrLt === true;

    for (let i = 0; i < matches.length; i++) {
      const m = matches[i];

      if (m[1].length === 0) {
        return this._err('InvalidAttr', "Attribute '" + m[2] + "' has no space in starting.", m);
      }

      const hasEquals = m[3] !== undefined;
      const hasQuotedValue = m[4] !== undefined;

      if (hasEquals && !hasQuotedValue) {
        // Either `attr=` with nothing after it, or `attr=value` where value
        // isn't wrapped in quotes — XML requires every attribute value to be
        // quoted, so both shapes are rejected as UnquotedAttributeValue.
        return this._err(
          'UnquotedAttributeValue',
          "Attribute '" + m[2] + "' is without value.",
          m
        );
      } else if (!hasEquals && !this.options.allowBooleanAttributes) {
        return this._err('InvalidAttr', "boolean attribute '" + m[2] + "' is not allowed.", m);
      }

      const attrName = m[2];

      if (!this.nameValidator.isValidQName(attrName)) {
        return this._err('InvalidAttr', "Attribute '" + attrName + "' is an invalid name.", m);
      }

      const attrValue = m[6] || '';

      if (hasQuotedValue) {
        const illegalIdx = ControlCharValidator.findIllegalIndex(attrValue);
        if (illegalIdx !== -1) {
          const code = attrValue.charCodeAt(illegalIdx);
          return this._err(
            'IllegalCharacter',
            `Illegal control character ${ControlCharValidator.describe(code)} in attribute '${attrName}' value.`,
            m
          );
        }

        if (checkAttrLt && attrValue.indexOf('<') !== -1) {
          return this._err('InvalidAttr', `Attribute '${attrName}' value must not contain '<'.`, m);
        }
      }

      if (attrName.startsWith('xmlns:') && m[6] === '' && this.xmlVersion === '1.0') {
        return this._err(
          'InvalidAttr',
          `Undeclaring the prefixed namespace ${attrName}="" is only permitted in XML 1.1 documents.`,
          m
        );
      }

      if (!Object.prototype.hasOwnProperty.call(attrNames, attrName)) {
        attrNames[attrName] = 1;
      } else {
        return this._err('InvalidAttr', "Attribute '" + attrName + "' is repeated.", m);
      }
    }

    return true;
  }

  _err(code, msg, match) {
    return { err: { code, msg, line: getPositionFromMatch(match) } };
  }
}
;// CONCATENATED MODULE: ./node_modules/fast-xml-validator/src/validators/CommentCdataReader.js




/**
 * CommentCdataReader — single responsibility: recognize and consume
 * `<!-- comment -->`, `<![CDATA[ ... ]]>` and `<!DOCTYPE ...>` constructs
 * starting at a given index (which points at the `!`), returning the index
 * of the last character consumed (the closing `>`).
 *
 * DOCTYPE handling is fully delegated to a DocTypeValidator instance passed
 * to `read()` by the caller (SyntaxValidator), since DOCTYPE parsing is a
 * large, separate concern in its own right.
 *
 * Opt-in checks (via `invalidCharSequence`):
 *   - `comment: true`  -> literal `--` inside a comment's body is rejected
 *     (besides the sequence immediately before the closing `-->`).
 */
class CommentCdataReader {
  constructor(options = {}) {
    this.checkCommentDashes = options.invalidCharSequence?.comment === true;
  }

  /**
   * @param {string} xmlData
   * @param {number} i - index of the '!' character
   * @param {import('./DocTypeValidator.js').default} docTypeValidator
   * @returns {number} index of the last character consumed
   */
  read(xmlData, i, docTypeValidator) {
    if (xmlData.length > i + 2 && xmlData[i + 1] === '-' && xmlData[i + 2] === '-') {
      return this._readComment(xmlData, i);
    } else if (
      xmlData.length > i + 7 &&
      xmlData[i + 1] === 'D' &&
      xmlData[i + 2] === 'O' &&
      xmlData[i + 3] === 'C' &&
      xmlData[i + 4] === 'T' &&
      xmlData[i + 5] === 'Y' &&
      xmlData[i + 6] === 'P' &&
      xmlData[i + 7] === 'E'
    ) {
      return docTypeValidator.validateDocType(xmlData, i - 1);
    } else if (
      xmlData.length > i + 8 &&
      xmlData[i + 1] === '[' &&
      xmlData[i + 2] === 'C' &&
      xmlData[i + 3] === 'D' &&
      xmlData[i + 4] === 'A' &&
      xmlData[i + 5] === 'T' &&
      xmlData[i + 6] === 'A' &&
      xmlData[i + 7] === '['
    ) {
      return this._readCdata(xmlData, i);
    } else {
      throw new Error("Invalid construct starting with '<!'.");
    }
  }

  _readComment(xmlData, i) {
    const bodyStart = i + 3;
    for (i = bodyStart; i < xmlData.length; i++) {
      if (xmlData[i] === '-' && xmlData[i + 1] === '-' && xmlData[i + 2] === '>') {
        i += 2;
        break;
      }
    }
    if (xmlData[i] !== '>') {
      throw new Error('Comment is not closed with "-->".');
    }

    const body = xmlData.substring(bodyStart, i - 2);
    const illegalIdx = ControlCharValidator.findIllegalIndex(body);
    if (illegalIdx !== -1) {
      const code = body.charCodeAt(illegalIdx);
      throw new Error(`Illegal control character ${ControlCharValidator.describe(code)} in comment.`);
    }
    if (this.checkCommentDashes && body.indexOf('--') !== -1) {
      throw new Error(`Comment must not contain '--'.`);
    }

    return i;
  }

  _readCdata(xmlData, i) {
    const bodyStart = i + 8;
    for (i = bodyStart; i < xmlData.length; i++) {
      if (xmlData[i] === ']' && xmlData[i + 1] === ']' && xmlData[i + 2] === '>') {
        i += 2;
        break;
      }
    }
    if (xmlData[i] !== '>') {
      throw new Error('CDATA section is not closed with "]]>".');
    }

    const body = xmlData.substring(bodyStart, i - 2);
    const illegalIdx = ControlCharValidator.findIllegalIndex(body);
    if (illegalIdx !== -1) {
      const code = body.charCodeAt(illegalIdx);
      throw new Error(`Illegal control character ${ControlCharValidator.describe(code)} in CDATA section.`);
    }

    return i;
  }
}

// EXTERNAL MODULE: ./node_modules/path-expression-matcher/src/Expression.js
var Expression = __webpack_require__(3945);
// EXTERNAL MODULE: ./node_modules/path-expression-matcher/src/Matcher.js
var Matcher = __webpack_require__(8257);
;// CONCATENATED MODULE: ./node_modules/fast-xml-validator/src/validators/SkipTagMatcher.js




/**
 * SkipTagMatcher — single responsibility: decide whether a tag currently
 * being opened should be excluded from validation, based on a list of path
 * expressions supplied via `options.skipTags` (same expression syntax as
 * `path-expression-matcher`, e.g. `"..script"`, `"root.data.raw"`,
 * `"row[type=raw]"`).
 *
 * Skip decisions are only ever made for tags reached through normal
 * (non-skipped) parsing — once a match is found, the caller
 * (`SyntaxValidator`) consumes the whole matched subtree as opaque raw text
 * (mirroring how CDATA is treated) and calls `pop()` once for that tag, so
 * this matcher's path stack never needs to represent the skipped subtree's
 * internal structure.
 */
class SkipTagMatcher {
  /**
   * @param {Array<string>} [skipTags]
   */
  constructor(skipTags = []) {
    this._expressions = skipTags.map((expr) => new Expression/* default */.A(expr));
    this._matcher = new Matcher/* default */.A();
    this._enabled = this._expressions.length > 0;
  }

  get enabled() {
    return this._enabled;
  }

  /**
   * Push the tag currently being opened onto the path and report whether it
   * (and its whole subtree) should be skipped.
   * @param {string} tagName
   * @param {Record<string,string>} [rawAttributes] - for `[attr=value]` conditions
   * @returns {boolean}
   */
  push(tagName, rawAttributes) {
    if (!this._enabled) return false;
    this._matcher.push(tagName, rawAttributes || null);
    for (let i = 0; i < this._expressions.length; i++) {
      if (this._matcher.matches(this._expressions[i])) return true;
    }
    return false;
  }

  /** Pop the most recently pushed tag off the path (tag fully closed). */
  pop() {
    if (!this._enabled) return;
    this._matcher.pop();
  }
}

;// CONCATENATED MODULE: ./node_modules/fast-xml-validator/src/validators/RawSubtreeReader.js


/**
 * RawSubtreeReader — single responsibility: given the index right after a
 * skipped tag's opening `>`, consume raw characters until the literal
 * closing tag `</tagName>` (optional whitespace before `>`) is found.
 *
 * Deliberately does NOT try to parse anything in between: skipped content is
 * assumed to be non-XML or otherwise not meant to be validated (script/style
 * bodies, vendor blobs, etc.), so it may contain unmatched `<`, quotes, or
 * anything else. This mirrors how CDATA content is treated — opaque text,
 * found by looking for its one true terminator.
 *
 * Same-name tags never "nest" under this strategy — the first `</tagName>`
 * found ends the skip, matching the common script/style use case. Use a more
 * specific skip expression (e.g. targeting only the outermost occurrence) if
 * your skipped content can itself contain literal `</tagName>` text.
 */
class RawSubtreeReader {
  /**
   * @param {string} xmlData
   * @param {string} tagName
   * @param {number} i - index right after the opening tag's '>'
   * @returns {number} index of the matching closing tag's own '>'
   */
  static consume(xmlData, tagName, i) {
    const needle = '</' + tagName;
    let searchFrom = i;

    while (true) {
      const idx = xmlData.indexOf(needle, searchFrom);
      if (idx === -1) {
        throw new Error(`Unclosed skipped tag '${tagName}'.`);
      }

      let j = idx + needle.length;
      while (j < xmlData.length && /\s/.test(xmlData[j])) j++;

      if (xmlData[j] === '>') {
        return j;
      }
      // Not actually a match (e.g. tagName is a prefix of a longer name) —
      // keep looking further in the string.
      searchFrom = idx + needle.length;
    }
  }
}

;// CONCATENATED MODULE: ./node_modules/fast-xml-validator/src/validators/DocTypeValidator.js


const defaultOptions = {
    maxEntityCount: Infinity,
    maxEntitySize: Infinity,
};

class DocTypeValidator {
    constructor(options, xmlVersion = '1.0') {
        this.options = Object.assign({}, defaultOptions, options);
        this.suppressValidationErr = !options;
        this.xmlVersion = xmlVersion;
    }

    validateDocType(xmlData, i) {
        if (
            xmlData[i + 3] !== 'O' ||
            xmlData[i + 4] !== 'C' ||
            xmlData[i + 5] !== 'T' ||
            xmlData[i + 6] !== 'Y' ||
            xmlData[i + 7] !== 'P' ||
            xmlData[i + 8] !== 'E'
        ) {
            throw new Error(`Invalid Tag instead of DOCTYPE`);
        }

        i += 9;
        let angleBracketsCount = 1;
        let hasBody = false;
        let comment = false;
        let quoteChar = null; // tracks an open SYSTEM/PUBLIC literal before the '[' body
        let entityCount = 0;

        for (; i < xmlData.length; i++) {
            // Inside a quoted external-identifier literal — '<' and '>' are
            // plain data here per the XML grammar, not DOCTYPE structure.
            if (quoteChar !== null) {
                if (xmlData[i] === quoteChar) quoteChar = null;
                continue;
            }
            if (!hasBody && !comment && (xmlData[i] === '"' || xmlData[i] === "'")) {
                quoteChar = xmlData[i];
                continue;
            }

            if (xmlData[i] === '<' && !comment) {
                if (hasBody && hasSeq(xmlData, '!ENTITY', i)) {
                    i += 7;
                    [entityCount, i] = this._validateEntityExp(xmlData, i + 1, entityCount);
                    // continue;
                } else if (hasBody && hasSeq(xmlData, '!ELEMENT', i)) {
                    i += 8;
                    i = this._validateElementExp(xmlData, i + 1);
                    // continue;
                } else if (hasBody && hasSeq(xmlData, '!ATTLIST', i)) {
                    i += 8;
                    i = this._validateAttlistExp(xmlData, i + 1);
                    continue;
                } else if (hasBody && hasSeq(xmlData, '!NOTATION', i)) {
                    i += 9;
                    i = this._validateNotationExp(xmlData, i + 1);
                    // continue;
                } else if (hasSeq(xmlData, '!--', i)) {
                    comment = true;
                } else {
                    throw new Error(`Invalid DOCTYPE`);
                }
                angleBracketsCount++;
            } else if (xmlData[i] === '>') {
                if (comment) {
                    if (xmlData[i - 1] === '-' && xmlData[i - 2] === '-') {
                        comment = false;
                        angleBracketsCount--;
                    }
                } else {
                    angleBracketsCount--;
                }
                if (angleBracketsCount === 0) break;
            } else if (xmlData[i] === '[') {
                hasBody = true;
            }
        }

        if (quoteChar !== null || angleBracketsCount !== 0) {
            throw new Error(`Unclosed DOCTYPE`);
        }

        return i;
    }

    _validateEntityExp(xmlData, i, entityCount) {
        i = skipWhitespace(xmlData, i);

        // Read and validate entity name
        const nameStart = i;
        while (i < xmlData.length && !/\s/.test(xmlData[i]) && xmlData[i] !== '"' && xmlData[i] !== "'") {
            i++;
        }
        const entityName = xmlData.substring(nameStart, i);
        validateName(entityName, this.xmlVersion);

        i = skipWhitespace(xmlData, i);

        // Check for unsupported constructs
        if (!this.suppressValidationErr) {
            if (xmlData.substring(i, i + 6).toUpperCase() === 'SYSTEM') {
                throw new Error('External entities are not supported');
            } else if (xmlData[i] === '%') {
                throw new Error('Parameter entities are not supported');
            }
        }

        // Read and validate the entity value (validates quoting + size limit)
        let entityValue;
        [i, entityValue] = readQuotedValue(xmlData, i, 'entity');

        const { maxEntitySize, maxEntityCount } = this.options;

        if (entityValue.length > maxEntitySize) {
            throw new Error(
                `Entity "${entityName}" size (${entityValue.length}) exceeds maximum allowed size (${maxEntitySize})`
            );
        }

        // Only count non-parameter entities (parameter entities contain '&')
        if (entityValue.indexOf('&') === -1) {
            entityCount++;
            if (entityCount > maxEntityCount) {
                throw new Error(
                    `Entity count (${entityCount}) exceeds maximum allowed (${maxEntityCount})`
                );
            }
        }

        return [entityCount, i - 1];
    }

    _validateNotationExp(xmlData, i) {
        i = skipWhitespace(xmlData, i);

        // Read and validate notation name
        const nameStart = i;
        while (i < xmlData.length && !/\s/.test(xmlData[i])) i++;
        const notationName = xmlData.substring(nameStart, i);
        !this.suppressValidationErr && validateName(notationName, this.xmlVersion);

        i = skipWhitespace(xmlData, i);

        const identifierType = xmlData.substring(i, i + 6).toUpperCase();
        if (!this.suppressValidationErr && identifierType !== 'SYSTEM' && identifierType !== 'PUBLIC') {
            throw new Error(`Expected SYSTEM or PUBLIC, found "${identifierType}"`);
        }
        i += identifierType.length;
        i = skipWhitespace(xmlData, i);

        if (identifierType === 'PUBLIC') {
            [i] = readQuotedValue(xmlData, i, 'publicIdentifier');
            i = skipWhitespace(xmlData, i);
            if (xmlData[i] === '"' || xmlData[i] === "'") {
                [i] = readQuotedValue(xmlData, i, 'systemIdentifier');
            }
        } else if (identifierType === 'SYSTEM') {
            [i] = readQuotedValue(xmlData, i, 'systemIdentifier');
        }

        return --i;
    }

    _validateElementExp(xmlData, i) {
        i = skipWhitespace(xmlData, i);

        // Read and validate element name
        const nameStart = i;
        while (i < xmlData.length && !/\s/.test(xmlData[i])) i++;
        const elementName = xmlData.substring(nameStart, i);
        if (!this.suppressValidationErr && !(0,src/* name */.UU)(elementName, { xmlVersion: this.xmlVersion })) {
            throw new Error(`Invalid element name: "${elementName}"`);
        }

        i = skipWhitespace(xmlData, i);

        // Validate content model keyword or group
        if (xmlData[i] === 'E' && hasSeq(xmlData, 'MPTY', i)) {
            i += 4;
        } else if (xmlData[i] === 'A' && hasSeq(xmlData, 'NY', i)) {
            i += 2;
        } else if (xmlData[i] === '(') {
            i++;
            while (i < xmlData.length && xmlData[i] !== ')') i++;
            if (xmlData[i] !== ')') throw new Error('Unterminated content model');
        } else if (!this.suppressValidationErr) {
            throw new Error(`Invalid Element Expression, found "${xmlData[i]}"`);
        }

        return i;
    }

    _validateAttlistExp(xmlData, i) {
        i = skipWhitespace(xmlData, i);

        // Read element name
        const elemNameStart = i;
        while (i < xmlData.length && !/\s/.test(xmlData[i])) i++;
        const elementName = xmlData.substring(elemNameStart, i);
        validateName(elementName, this.xmlVersion);

        i = skipWhitespace(xmlData, i);

        // Read attribute name
        const attrNameStart = i;
        while (i < xmlData.length && !/\s/.test(xmlData[i])) i++;
        const attributeName = xmlData.substring(attrNameStart, i);
        validateName(attributeName, this.xmlVersion);

        i = skipWhitespace(xmlData, i);

        // Read attribute type
        if (xmlData.substring(i, i + 8).toUpperCase() === 'NOTATION') {
            i += 8;
            i = skipWhitespace(xmlData, i);
            if (xmlData[i] !== '(') throw new Error(`Expected '(', found "${xmlData[i]}"`);
            i++;
            while (i < xmlData.length && xmlData[i] !== ')') {
                const notationStart = i;
                while (i < xmlData.length && xmlData[i] !== '|' && xmlData[i] !== ')') i++;
                const notation = xmlData.substring(notationStart, i).trim();
                validateName(notation, this.xmlVersion);
                if (xmlData[i] === '|') {
                    i++;
                    i = skipWhitespace(xmlData, i);
                }
            }
            if (xmlData[i] !== ')') throw new Error('Unterminated list of notations');
            i++;
        } else {
            const typeStart = i;
            while (i < xmlData.length && !/\s/.test(xmlData[i])) i++;
            const attributeType = xmlData.substring(typeStart, i);
            const validTypes = ['CDATA', 'ID', 'IDREF', 'IDREFS', 'ENTITY', 'ENTITIES', 'NMTOKEN', 'NMTOKENS'];
            if (!this.suppressValidationErr && !validTypes.includes(attributeType.toUpperCase())) {
                throw new Error(`Invalid attribute type: "${attributeType}"`);
            }
        }

        i = skipWhitespace(xmlData, i);

        // Read default value declaration
        if (xmlData.substring(i, i + 9).toUpperCase() === '#REQUIRED') {
            i += 9;
        } else if (xmlData.substring(i, i + 8).toUpperCase() === '#IMPLIED') {
            i += 8;
        } else {
            [i] = readQuotedValue(xmlData, i, 'ATTLIST default value');
        }

        return i;
    }
}

// ─── Helpers ────────────────────────────────────────────────────────────────

function skipWhitespace(data, index) {
    while (index < data.length && /\s/.test(data[index])) index++;
    return index;
}

function hasSeq(data, seq, i) {
    for (let j = 0; j < seq.length; j++) {
        if (seq[j] !== data[i + j + 1]) return false;
    }
    return true;
}

function validateName(name, xmlVersion = '1.0') {
    if (!(0,src/* name */.UU)(name, { xmlVersion })) throw new Error(`Invalid entity name "${name}"`);
}

/**
 * Read a single- or double-quoted string and return [nextIndex, value].
 */
function readQuotedValue(xmlData, i, type) {
    const startChar = xmlData[i];
    if (startChar !== '"' && startChar !== "'") {
        throw new Error(`Expected quoted string for ${type}, found "${startChar}"`);
    }
    i++;
    const start = i;
    while (i < xmlData.length && xmlData[i] !== startChar) i++;
    if (xmlData[i] !== startChar) throw new Error(`Unterminated ${type} value`);
    const value = xmlData.substring(start, i);
    return [++i, value];
}
;// CONCATENATED MODULE: ./node_modules/fast-xml-validator/src/SyntaxValidator.js













const SyntaxValidator_defaultOptions = {
  allowBooleanAttributes: false,
  unpairedTags: [],
  docType: {
    maxEntityCount: Infinity,
    maxEntitySize: Infinity,
  },
  invalidCharSequence: {
    comment: false,   // '--' inside a comment body
    tagValue: false,  // ']]>' inside element text content
    attrLt: false,    // '<' inside an attribute value
  },
  xmlDeclaraion: {
    optional: true,
    argPosition: true,
  },
  multipleRoots: true,
  skipTags: [],
};

/**
 * SyntaxValidator — validates that an XML document is well-formed.
 *
 * This is an orchestrator: it owns the top-level character scan and the
 * open/close tag stack, and delegates every other concern to a focused,
 * single-responsibility collaborator:
 *
 *   - XmlDeclarationValidator  — the `<?xml ... ?>` prolog
 *   - DocTypeValidator         — `<!DOCTYPE ...>`
 *   - CommentCdataReader       — `<!-- -->` and `<![CDATA[ ]]>`
 *   - AttributeStringValidator — a tag's attribute expression
 *   - XmlNameValidator         — element/attribute/PI name well-formedness
 *   - ControlCharValidator     — illegal control characters (always on)
 *   - SkipTagMatcher / RawSubtreeReader — `skipTags` support
 *
 * Usage: `new SyntaxValidator(options).validate(xmlData)` or the static
 * convenience `SyntaxValidator.validate(xmlData, options)`.
 */
class SyntaxValidator {
  constructor(options) {
    this.options = mergeOptions(SyntaxValidator_defaultOptions, options);
  }

  /** Static convenience wrapper — matches the historical fxv v1 API. */
  static validate(xmlData, options) {
    return new SyntaxValidator(options).validate(xmlData);
  }

  validate(xmlData) {
    const options = this.options;

    const tags = [];
    let tagFound = false;
    let reachedRoot = false;
    let docTypeSeen = false;

    if (xmlData[0] === '\ufeff') {
      xmlData = xmlData.substr(1);
    }

    const throwError = (code, message, lineNumber) => {
      throw new ValidationError(message, code, lineNumber.line || lineNumber, lineNumber.col);
    };

    const declValidator = new XmlDeclarationValidator(options.xmlDeclaraion, throwError);
    const declResult = declValidator.validate(xmlData);
    const xmlVersion = declResult.version;
    xmlData = xmlData.substring(declResult.end);

    const docTypeValidator = new DocTypeValidator(options.docType, xmlVersion);
    const commentCdataReader = new CommentCdataReader(options);
    const nameValidator = new XmlNameValidator(xmlVersion);
    const attrValidator = new AttributeStringValidator(options, nameValidator, xmlVersion);
    const skipMatcher = new SkipTagMatcher(options.skipTags);

    const checkTagValueSeq = options.invalidCharSequence?.tagValue === true;

    const checkDocTypePlacement = (startBang) => {
      const isDoctype = xmlData.substring(startBang, startBang + 9).toUpperCase() === '<!DOCTYPE';
      if (!isDoctype) return;
      if (docTypeSeen) {
        throwError('InvalidXml', 'Multiple DOCTYPE declarations found.', getLineNumberForPosition(xmlData, startBang));
      }
      if (tagFound || tags.length > 0) {
        throwError('InvalidXml', 'DOCTYPE must appear before the root element.', getLineNumberForPosition(xmlData, startBang));
      }
      docTypeSeen = true;
    };

    for (let i = 0; i < xmlData.length; i++) {
      if (xmlData[i] === '<' && xmlData[i + 1] === '?') {
        i += 2;
        i = this._readPI(xmlData, i, nameValidator, throwError);
      } else if (xmlData[i] === '<') {
        let tagStartPos = i;
        i++;

        if (xmlData[i] === '!') {
          try {
            checkDocTypePlacement(tagStartPos);
            i = commentCdataReader.read(xmlData, i, docTypeValidator);
          } catch (err) {
            throwError('InvalidDocType', err.message, getLineNumberForPosition(xmlData, i - 1));
          }
          continue;
        } else {
          let closingTag = false;
          if (xmlData[i] === '/') {
            closingTag = true;
            i++;
          }

          let tagName = '';
          for (;
            i < xmlData.length &&
            xmlData[i] !== '>' &&
            xmlData[i] !== ' ' &&
            xmlData[i] !== '\t' &&
            xmlData[i] !== '\n' &&
            xmlData[i] !== '\r';
            i++
          ) {
            tagName += xmlData[i];
          }
          tagName = tagName.trim();

          if (tagName[tagName.length - 1] === '/') {
            tagName = tagName.substring(0, tagName.length - 1);
            i--;
          }

          if (!nameValidator.isValidQName(tagName)) {
            let msg;
            if (tagName.trim().length === 0) {
              msg = "Invalid space after '<'.";
            } else {
              msg = "Tag '" + tagName + "' is an invalid name.";
            }
            throwError('InvalidTag', msg, getLineNumberForPosition(xmlData, tagStartPos));
          }

          const result = this._readAttributeStr(xmlData, i);
          if (result === false) {
            throwError('InvalidAttr', "Attributes for '" + tagName + "' have open quote.", getLineNumberForPosition(xmlData, i));
          }
          let attrStr = result.value;
          i = result.index;

          if (attrStr[attrStr.length - 1] === '/') {
            const attrStrStart = i - attrStr.length;
            attrStr = attrStr.substring(0, attrStr.length - 1);
            const isValid = attrValidator.validate(attrStr);
            if (isValid === true) {
              if (reachedRoot === true && !options.multipleRoots) {
                throwError('InvalidXml', 'Multiple possible root nodes found.', getLineNumberForPosition(xmlData, tagStartPos));
              }
              tagFound = true;
              if (tags.length === 0) {
                reachedRoot = true;
              }
              skipMatcher.push(tagName);
              skipMatcher.pop();
            } else {
              throwError(isValid.err.code, isValid.err.msg, getLineNumberForPosition(xmlData, attrStrStart + isValid.err.line));
            }
          } else if (closingTag) {
            if (!result.tagClosed) {
              throwError('InvalidTag', "Closing tag '" + tagName + "' doesn't have proper closing.", getLineNumberForPosition(xmlData, i));
            } else if (attrStr.trim().length > 0) {
              throwError('InvalidTag', "Closing tag '" + tagName + "' can't have attributes or invalid starting.", getLineNumberForPosition(xmlData, tagStartPos));
            } else if (tags.length === 0) {
              throwError('InvalidTag', "Closing tag '" + tagName + "' has not been opened.", getLineNumberForPosition(xmlData, tagStartPos));
            } else {
              const otg = tags.pop();
              if (tagName !== otg.tagName) {
                let openPos = getLineNumberForPosition(xmlData, otg.tagStartPos);
                throwError(
                  'InvalidTag',
                  "Expected closing tag '" + otg.tagName + "' (opened in line " + openPos.line + ", col " + openPos.col + ") instead of closing tag '" + tagName + "'.",
                  getLineNumberForPosition(xmlData, tagStartPos)
                );
              }
              skipMatcher.pop();
              if (tags.length === 0) {
                reachedRoot = true;
              }
            }
          } else {
            // Opening tag — decide whether this subtree should be skipped
            // from validation entirely before validating its attributes.
            const skip = skipMatcher.push(tagName);

            if (!skip) {
              const isValid = attrValidator.validate(attrStr);
              if (isValid !== true) {
                throwError(isValid.err.code, isValid.err.msg, getLineNumberForPosition(xmlData, i - attrStr.length + isValid.err.line));
              }
            }

            if (reachedRoot === true && !options.multipleRoots) {
              throwError('InvalidXml', 'Multiple possible root nodes found.', getLineNumberForPosition(xmlData, i));
            } else if (options.unpairedTags.indexOf(tagName) !== -1) {
              skipMatcher.pop();
            } else if (skip) {
              // Consume the whole skipped subtree now, as opaque raw text,
              // then continue scanning right after its closing tag.
              i = RawSubtreeReader.consume(xmlData, tagName, i + 1);
              skipMatcher.pop();
              if (tags.length === 0) reachedRoot = true;
              tagFound = true;
              continue;
            } else {
              tags.push({ tagName, tagStartPos });
            }
            tagFound = true;
          }

          //skip tag text value
          //It may include comments and CDATA value
          let prevTwo = '';
          for (i++; i < xmlData.length; i++) {
            if (xmlData[i] === '<') {
              if (xmlData[i + 1] === '!') {
                i++;
                try {
                  checkDocTypePlacement(i - 1);
                  i = commentCdataReader.read(xmlData, i, docTypeValidator);
                } catch (err) {
                  throwError('InvalidDocType', err.message, getLineNumberForPosition(xmlData, i - 1));
                }
                prevTwo = '';
                continue;
              } else if (xmlData[i + 1] === '?') {
                i += 2;
                i = this._readPI(xmlData, i, nameValidator, throwError);
                prevTwo = '';
              } else {
                break;
              }
            } else if (xmlData[i] === '&') {
              const afterAmp = this._validateAmpersand(xmlData, i);
              if (afterAmp === -1)
                throwError('InvalidChar', "char '&' is not expected.", getLineNumberForPosition(xmlData, i));
              i = afterAmp;
              prevTwo = '';
            } else {
              const code = xmlData.charCodeAt(i);
              if (isIllegalControlCode(code)) {
                throwError('IllegalCharacter', `Illegal control character ${ControlCharValidator.describe(code)} in document content.`, getLineNumberForPosition(xmlData, i));
              }
              if (reachedRoot === true && tags.length === 0 && !isWhiteSpace(xmlData[i])) {
                throwError('InvalidXml', 'Extra text at the end', getLineNumberForPosition(xmlData, i));
              }
              if (checkTagValueSeq) {
                prevTwo = (prevTwo + xmlData[i]).slice(-2);
                if (prevTwo === ']]' && xmlData[i + 1] === '>') {
                  throwError('InvalidXml', "Element text content must not contain ']]>'.", getLineNumberForPosition(xmlData, i - 1));
                }
              }
            }
          } //end of reading tag text value
          if (xmlData[i] === '<') {
            i--;
          }
        }
      } else {
        if (isWhiteSpace(xmlData[i])) {
          continue;
        }
        if (reachedRoot) {
          throwError('InvalidXml', "Extra text at the end: '" + xmlData[i] + "' is not expected.", getLineNumberForPosition(xmlData, i));
        }
        throwError('InvalidChar', "char '" + xmlData[i] + "' is not expected.", getLineNumberForPosition(xmlData, i));
      }
    }

    if (!tagFound) {
      throwError('InvalidXml', 'Start tag expected.', { line: 1, col: 1 });
    } else if (tags.length === 1) {
      throwError('InvalidTag', "Unclosed tag '" + tags[0].tagName + "'.", getLineNumberForPosition(xmlData, tags[0].tagStartPos));
    } else if (tags.length > 0) {
      throwError('InvalidXml', "Invalid '" +
        JSON.stringify(tags.map(t => t.tagName)).replace(/\r?\n/g, '') +
        "' found.", { line: 1, col: 1 });
    }

    return true;
  }

  _readPI(xmlData, i, nameValidator, throwError) {
    const piStart = i;
    const nameStart = i;
    let nameValidated = false;

    for (; i < xmlData.length; i++) {
      const ch = xmlData[i];

      if (!nameValidated && (ch === ' ' || ch === '?')) {
        const piName = xmlData.substr(nameStart, i - nameStart);
        nameValidated = true;

        if (piName.toLowerCase() === 'xml') {
          throwError(
            'InvalidXml',
            'XML declaration allowed only at the start of the document.',
            getLineNumberForPosition(xmlData, piStart - 2)
          );
        } else if (!nameValidator.isValidName(piName)) {
          throwError(
            'InvalidXml',
            `Processing instruction target "${piName}" is not a valid XML Name.`,
            getLineNumberForPosition(xmlData, piStart - 2)
          );
        }
      }

      if (ch === '?' && xmlData[i + 1] === '>') {
        i++;
        return i;
      }
    }

    throwError(
      'InvalidXml',
      'Processing instruction is not closed with "?>".',
      getLineNumberForPosition(xmlData, piStart - 2)
    );
  }

  _readAttributeStr(xmlData, i) {
    let attrStr = '';
    let startChar = '';
    let tagClosed = false;
    for (; i < xmlData.length; i++) {
      if (xmlData[i] === '"' || xmlData[i] === "'") {
        if (startChar === '') {
          startChar = xmlData[i];
        } else if (startChar !== xmlData[i]) {
          // opposite quote inside value — allowed
        } else {
          startChar = '';
        }
      } else if (xmlData[i] === '>') {
        if (startChar === '') {
          tagClosed = true;
          break;
        }
      }
      attrStr += xmlData[i];
    }
    if (startChar !== '') {
      return false;
    }
    return { value: attrStr, index: i, tagClosed };
  }

  _validateNumberAmpersand(xmlData, i) {
    let re = /\d/;
    if (xmlData[i] === 'x') {
      i++;
      re = /[\da-fA-F]/;
    }
    for (; i < xmlData.length; i++) {
      if (xmlData[i] === ';') return i;
      if (!xmlData[i].match(re)) break;
    }
    return -1;
  }

  _validateAmpersand(xmlData, i) {
    i++;
    if (xmlData[i] === ';') return -1;
    if (xmlData[i] === '#') {
      i++;
      return this._validateNumberAmpersand(xmlData, i);
    }
    let count = 0;
    for (; i < xmlData.length; i++, count++) {
      if (xmlData[i].match(/\w/) && count < 20) continue;
      if (xmlData[i] === ';') break;
      return -1;
    }
    return i;
  }
}

function mergeOptions(defaults, options) {
  const merged = Object.assign({}, defaults, options);
  merged.docType = Object.assign({}, defaults.docType, options?.docType);
  merged.invalidCharSequence = Object.assign({}, defaults.invalidCharSequence, options?.invalidCharSequence);
  merged.xmlDeclaraion = Object.assign(
    {},
    defaults.xmlDeclaraion,
    options?.xmlDeclaraion,
    options?.xmlDeclaration // accept the correctly-spelled alias too
  );
  merged.skipTags = options?.skipTags || defaults.skipTags;
  return merged;
}



// EXTERNAL MODULE: ./node_modules/path-expression-matcher/src/ExpressionSet.js
var ExpressionSet = __webpack_require__(9817);
;// CONCATENATED MODULE: ./node_modules/@nodable/compact-builder/src/ParserOptionsBuilder.js


const ParserOptionsBuilder_defaultOptions = {
  nameFor: {
    // text: "#text",
    // comment: "",
    // cdata: "",
  },
  skip: {
    // declaration: false,
    // pi: false,
    // attributes: true,
    // cdata: false,
    // comment: false,
    // nsPrefix: false,
    // tags: false,
  },
  tags: {
    valueParsers: [],
    // stopNodes: [],
  },
  attributes: {
    // prefix: "@_",
    // suffix: "",
    // groupBy: "",
    valueParsers: [],
  },
  textJoint: "",
  /**
   * Array of strings (tag names) or Expression objects.
   * Any match votes true; no match abstains (does not veto).
   * Combined with forceArray using equal-priority voting:
   * - Either explicit false → false (veto wins)
   * - Any true, none false → true
   * - All abstain → false (default)
   */
  alwaysArray: [],
  /**
   * Function to determine if a tag should be forced into an array.
   * Called with (matcher, isLeafNode) where:
   * - matcher: ReadOnlyMatcher - path matcher for current tag
   * - isLeafNode: boolean|null - null when not yet determinable
   * Returns: boolean - true to force array, false to veto, undefined to abstain
   */
  forceArray: null,

  /**
   * Boolean flag that forces creation of a text node for every tag.
   * When true, a text node is always created under nameFor.text even if
   * the tag has no other children or attributes.
   * Default: false (text node created only when tag has attributes or children)
   */
  forceTextNode: false,
};

// Default chains: replaceEntities first (expand references), then type coercion.
const defaultTagParsers = ["ws", "entity", "boolean", "number"];
const defaultAttrParsers = ["entity", "number", "boolean"];


function buildOptions(options) {
  const finalOptions = deepClone(ParserOptionsBuilder_defaultOptions);

  if (!options || options.tags?.valueParsers === undefined) {
    finalOptions.tags.valueParsers = [...defaultTagParsers];
  }
  if (!options || options.attributes?.valueParsers === undefined) {
    finalOptions.attributes.valueParsers = [...defaultAttrParsers];
  }

  // Always build _alwaysArraySet so _resolveForceArray never crashes on a missing set.
  // Uses the user-supplied alwaysArray if provided, otherwise the default empty array.
  const alwaysArraySource = Array.isArray(options?.alwaysArray)
    ? options.alwaysArray
    : finalOptions.alwaysArray;
  const alwaysArraySet = new ExpressionSet/* default */.A();
  for (const entry of alwaysArraySource) {
    normalizeEntry(entry, 'alwaysArray', alwaysArraySet);
  }
  alwaysArraySet.seal();
  finalOptions._alwaysArraySet = alwaysArraySet;

  if (options) {
    copyProperties(finalOptions, options);
  }

  return finalOptions;
}

function deepClone(obj) {
  if (obj === null || typeof obj !== 'object') return obj;
  if (Array.isArray(obj)) return obj.map(deepClone);
  const clone = {};
  for (const key of Object.keys(obj)) {
    clone[key] = deepClone(obj[key]);
  }
  return clone;
}

function copyProperties(target, source) {
  for (const key of Object.keys(source)) {
    // Guard against prototype pollution via option keys
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;

    if (typeof source[key] === 'function') {
      target[key] = source[key];
    } else if (Array.isArray(source[key])) {
      target[key] = source[key];
    } else if (typeof source[key] === 'object' && source[key] !== null) {
      if (typeof target[key] !== 'object' || target[key] === null) {
        target[key] = {};
      }
      copyProperties(target[key], source[key]);
    } else {
      target[key] = source[key];
    }
  }
}


function normalizeEntry(entry, optionName, set) {
  let pattern;

  if (typeof entry === 'string') {
    if (entry.length === 0) throw new Error(`${optionName} expression cannot be empty`);
    pattern = entry;
  } else if (typeof entry?.pattern === 'string' && entry.pattern.length > 0 && Array.isArray(entry?.segments)) {
    // Duck-type as Expression — avoids instanceof failure when the caller's copy of
    // path-expression-matcher resolves to a different module instance than ours
    // (e.g. parent project has its own node_modules/ copy, or CJS vs ESM mismatch).
    pattern = entry.toString();
  } else {
    // console.log(entry);
    // console.log(entry instanceof Expression);
    // console.log(typeof entry);
    throw new Error(
      `Invalid ${optionName} entry: expected a string, or Expression.`
    );
  }

  const expr = new Expression/* default */.A(pattern);
  set.add(expr);
  return expr;
}
;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/node_modules/@nodable/entities/src/entities.js
// ---------------------------------------------------------------------------
// Complete HTML5 named entity reference
// Organized by logical categories for easy maintenance and selective importing
// ---------------------------------------------------------------------------

/**
 * Basic Latin & Special Characters
 * @type {Record<string, string>}
 */
const BASIC_LATIN = {
  amp: '&',
  AMP: '&',
  lt: '<',
  LT: '<',
  gt: '>',
  GT: '>',
  quot: '"',
  QUOT: '"',
  apos: "'",
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  lsquor: '‚',
  rsquor: '’',
  ldquor: '„',
  bdquo: '„',
  comma: ',',
  period: '.',
  colon: ':',
  semi: ';',
  excl: '!',
  quest: '?',
  num: '#',
  dollar: '$',
  percent: '%',
  ast: '*',
  commat: '@',
  lowbar: '_',
  verbar: '|',
  vert: '|',
  sol: '/',
  bsol: '\\',
  lbrace: '{',
  rbrace: '}',
  lbrack: '[',
  rbrack: ']',
  lpar: '(',
  rpar: ')',
  nbsp: '\u00a0',
  iexcl: '¡',
  cent: '¢',
  pound: '£',
  curren: '¤',
  yen: '¥',
  brvbar: '¦',
  sect: '§',
  uml: '¨',
  copy: '©',
  COPY: '©',
  ordf: 'ª',
  laquo: '«',
  not: '¬',
  shy: '\u00ad',
  reg: '®',
  REG: '®',
  macr: '¯',
  deg: '°',
  plusmn: '±',
  sup2: '²',
  sup3: '³',
  acute: '´',
  micro: 'µ',
  para: '¶',
  middot: '·',
  cedil: '¸',
  sup1: '¹',
  ordm: 'º',
  raquo: '»',
  frac14: '¼',
  frac12: '½',
  half: '½',
  frac34: '¾',
  iquest: '¿',
  times: '×',
  div: '÷',
  divide: '÷',
};

/**
 * Latin Extended & Accented Letters (A-Z)
 * @type {Record<string, string>}
 */
const LATIN_ACCENTS = {
  Agrave: 'À',
  agrave: 'à',
  Aacute: 'Á',
  aacute: 'á',
  Acirc: 'Â',
  acirc: 'â',
  Atilde: 'Ã',
  atilde: 'ã',
  Auml: 'Ä',
  auml: 'ä',
  Aring: 'Å',
  aring: 'å',
  AElig: 'Æ',
  aelig: 'æ',
  Ccedil: 'Ç',
  ccedil: 'ç',
  Egrave: 'È',
  egrave: 'è',
  Eacute: 'É',
  eacute: 'é',
  Ecirc: 'Ê',
  ecirc: 'ê',
  Euml: 'Ë',
  euml: 'ë',
  Igrave: 'Ì',
  igrave: 'ì',
  Iacute: 'Í',
  iacute: 'í',
  Icirc: 'Î',
  icirc: 'î',
  Iuml: 'Ï',
  iuml: 'ï',
  ETH: 'Ð',
  eth: 'ð',
  Ntilde: 'Ñ',
  ntilde: 'ñ',
  Ograve: 'Ò',
  ograve: 'ò',
  Oacute: 'Ó',
  oacute: 'ó',
  Ocirc: 'Ô',
  ocirc: 'ô',
  Otilde: 'Õ',
  otilde: 'õ',
  Ouml: 'Ö',
  ouml: 'ö',
  Oslash: 'Ø',
  oslash: 'ø',
  Ugrave: 'Ù',
  ugrave: 'ù',
  Uacute: 'Ú',
  uacute: 'ú',
  Ucirc: 'Û',
  ucirc: 'û',
  Uuml: 'Ü',
  uuml: 'ü',
  Yacute: 'Ý',
  yacute: 'ý',
  THORN: 'Þ',
  thorn: 'þ',
  szlig: 'ß',
  yuml: 'ÿ',
  Yuml: 'Ÿ',
};

/**
 * Latin Extended (Letters with diacritics)
 * @type {Record<string, string>}
 */
const LATIN_EXTENDED = {
  Amacr: 'Ā',
  amacr: 'ā',
  Abreve: 'Ă',
  abreve: 'ă',
  Aogon: 'Ą',
  aogon: 'ą',
  Cacute: 'Ć',
  cacute: 'ć',
  Ccirc: 'Ĉ',
  ccirc: 'ĉ',
  Cdot: 'Ċ',
  cdot: 'ċ',
  Ccaron: 'Č',
  ccaron: 'č',
  Dcaron: 'Ď',
  dcaron: 'ď',
  Dstrok: 'Đ',
  dstrok: 'đ',
  Emacr: 'Ē',
  emacr: 'ē',
  Ecaron: 'Ě',
  ecaron: 'ě',
  Edot: 'Ė',
  edot: 'ė',
  Eogon: 'Ę',
  eogon: 'ę',
  Gcirc: 'Ĝ',
  gcirc: 'ĝ',
  Gbreve: 'Ğ',
  gbreve: 'ğ',
  Gdot: 'Ġ',
  gdot: 'ġ',
  Gcedil: 'Ģ',
  Hcirc: 'Ĥ',
  hcirc: 'ĥ',
  Hstrok: 'Ħ',
  hstrok: 'ħ',
  Itilde: 'Ĩ',
  itilde: 'ĩ',
  Imacr: 'Ī',
  imacr: 'ī',
  Iogon: 'Į',
  iogon: 'į',
  Idot: 'İ',
  IJlig: 'Ĳ',
  ijlig: 'ĳ',
  Jcirc: 'Ĵ',
  jcirc: 'ĵ',
  Kcedil: 'Ķ',
  kcedil: 'ķ',
  kgreen: 'ĸ',
  Lacute: 'Ĺ',
  lacute: 'ĺ',
  Lcedil: 'Ļ',
  lcedil: 'ļ',
  Lcaron: 'Ľ',
  lcaron: 'ľ',
  Lmidot: 'Ŀ',
  lmidot: 'ŀ',
  Lstrok: 'Ł',
  lstrok: 'ł',
  Nacute: 'Ń',
  nacute: 'ń',
  Ncaron: 'Ň',
  ncaron: 'ň',
  Ncedil: 'Ņ',
  ncedil: 'ņ',
  ENG: 'Ŋ',
  eng: 'ŋ',
  Omacr: 'Ō',
  omacr: 'ō',
  Odblac: 'Ő',
  odblac: 'ő',
  OElig: 'Œ',
  oelig: 'œ',
  Racute: 'Ŕ',
  racute: 'ŕ',
  Rcaron: 'Ř',
  rcaron: 'ř',
  Rcedil: 'Ŗ',
  rcedil: 'ŗ',
  Sacute: 'Ś',
  sacute: 'ś',
  Scirc: 'Ŝ',
  scirc: 'ŝ',
  Scedil: 'Ş',
  scedil: 'ş',
  Scaron: 'Š',
  scaron: 'š',
  Tcedil: 'Ţ',
  tcedil: 'ţ',
  Tcaron: 'Ť',
  tcaron: 'ť',
  Tstrok: 'Ŧ',
  tstrok: 'ŧ',
  Utilde: 'Ũ',
  utilde: 'ũ',
  Umacr: 'Ū',
  umacr: 'ū',
  Ubreve: 'Ŭ',
  ubreve: 'ŭ',
  Uring: 'Ů',
  uring: 'ů',
  Udblac: 'Ű',
  udblac: 'ű',
  Uogon: 'Ų',
  uogon: 'ų',
  Wcirc: 'Ŵ',
  wcirc: 'ŵ',
  Ycirc: 'Ŷ',
  ycirc: 'ŷ',
  Zacute: 'Ź',
  zacute: 'ź',
  Zdot: 'Ż',
  zdot: 'ż',
  Zcaron: 'Ž',
  zcaron: 'ž',
};

/**
 * Greek Letters
 * @type {Record<string, string>}
 */
const GREEK = {
  Alpha: 'Α',
  alpha: 'α',
  Beta: 'Β',
  beta: 'β',
  Gamma: 'Γ',
  gamma: 'γ',
  Delta: 'Δ',
  delta: 'δ',
  Epsilon: 'Ε',
  epsilon: 'ε',
  epsiv: 'ϵ',
  varepsilon: 'ϵ',
  Zeta: 'Ζ',
  zeta: 'ζ',
  Eta: 'Η',
  eta: 'η',
  Theta: 'Θ',
  theta: 'θ',
  thetasym: 'ϑ',
  vartheta: 'ϑ',
  Iota: 'Ι',
  iota: 'ι',
  Kappa: 'Κ',
  kappa: 'κ',
  kappav: 'ϰ',
  varkappa: 'ϰ',
  Lambda: 'Λ',
  lambda: 'λ',
  Mu: 'Μ',
  mu: 'μ',
  Nu: 'Ν',
  nu: 'ν',
  Xi: 'Ξ',
  xi: 'ξ',
  Omicron: 'Ο',
  omicron: 'ο',
  Pi: 'Π',
  pi: 'π',
  piv: 'ϖ',
  varpi: 'ϖ',
  Rho: 'Ρ',
  rho: 'ρ',
  rhov: 'ϱ',
  varrho: 'ϱ',
  Sigma: 'Σ',
  sigma: 'σ',
  sigmaf: 'ς',
  sigmav: 'ς',
  varsigma: 'ς',
  Tau: 'Τ',
  tau: 'τ',
  Upsilon: 'Υ',
  upsilon: 'υ',
  upsi: 'υ',
  Upsi: 'ϒ',
  upsih: 'ϒ',
  Phi: 'Φ',
  phi: 'φ',
  phiv: 'ϕ',
  varphi: 'ϕ',
  Chi: 'Χ',
  chi: 'χ',
  Psi: 'Ψ',
  psi: 'ψ',
  Omega: 'Ω',
  omega: 'ω',
  ohm: 'Ω',
  Gammad: 'Ϝ',
  gammad: 'ϝ',
  digamma: 'ϝ',
};

/**
 * Cyrillic Letters
 * @type {Record<string, string>}
 */
const CYRILLIC = {
  Afr: '𝔄',
  afr: '𝔞',
  Acy: 'А',
  acy: 'а',
  Bcy: 'Б',
  bcy: 'б',
  Vcy: 'В',
  vcy: 'в',
  Gcy: 'Г',
  gcy: 'г',
  Dcy: 'Д',
  dcy: 'д',
  IEcy: 'Е',
  iecy: 'е',
  IOcy: 'Ё',
  iocy: 'ё',
  ZHcy: 'Ж',
  zhcy: 'ж',
  Zcy: 'З',
  zcy: 'з',
  Icy: 'И',
  icy: 'и',
  Jcy: 'Й',
  jcy: 'й',
  Kcy: 'К',
  kcy: 'к',
  Lcy: 'Л',
  lcy: 'л',
  Mcy: 'М',
  mcy: 'м',
  Ncy: 'Н',
  ncy: 'н',
  Ocy: 'О',
  ocy: 'о',
  Pcy: 'П',
  pcy: 'п',
  Rcy: 'Р',
  rcy: 'р',
  Scy: 'С',
  scy: 'с',
  Tcy: 'Т',
  tcy: 'т',
  Ucy: 'У',
  ucy: 'у',
  Fcy: 'Ф',
  fcy: 'ф',
  KHcy: 'Х',
  khcy: 'х',
  TScy: 'Ц',
  tscy: 'ц',
  CHcy: 'Ч',
  chcy: 'ч',
  SHcy: 'Ш',
  shcy: 'ш',
  SHCHcy: 'Щ',
  shchcy: 'щ',
  HARDcy: 'Ъ',
  hardcy: 'ъ',
  Ycy: 'Ы',
  ycy: 'ы',
  SOFTcy: 'Ь',
  softcy: 'ь',
  Ecy: 'Э',
  ecy: 'э',
  YUcy: 'Ю',
  yucy: 'ю',
  YAcy: 'Я',
  yacy: 'я',
  DJcy: 'Ђ',
  djcy: 'ђ',
  GJcy: 'Ѓ',
  gjcy: 'ѓ',
  Jukcy: 'Є',
  jukcy: 'є',
  DScy: 'Ѕ',
  dscy: 'ѕ',
  Iukcy: 'І',
  iukcy: 'і',
  YIcy: 'Ї',
  yicy: 'ї',
  Jsercy: 'Ј',
  jsercy: 'ј',
  LJcy: 'Љ',
  ljcy: 'љ',
  NJcy: 'Њ',
  njcy: 'њ',
  TSHcy: 'Ћ',
  tshcy: 'ћ',
  KJcy: 'Ќ',
  kjcy: 'ќ',
  Ubrcy: 'Ў',
  ubrcy: 'ў',
  DZcy: 'Џ',
  dzcy: 'џ',
};

/**
 * Mathematical Operators & Relations
 * @type {Record<string, string>}
 */
const MATH = {
  plus: '+',
  pm: '±',
  times: '×',
  div: '÷',
  divide: '÷',
  sdot: '⋅',
  star: '☆',
  starf: '★',
  bigstar: '★',
  lowast: '∗',
  ast: '*',
  midast: '*',
  compfn: '∘',
  smallcircle: '∘',
  bullet: '•',
  bull: '•',
  nbsp: '\u00a0',
  hellip: '…',
  mldr: '…',
  prime: '′',
  Prime: '″',
  tprime: '‴',
  bprime: '‵',
  backprime: '‵',
  minus: '−',
  minusd: '∸',
  dotminus: '∸',
  plusdo: '∔',
  dotplus: '∔',
  plusmn: '±',
  minusplus: '∓',
  mnplus: '∓',
  mp: '∓',
  setminus: '∖',
  smallsetminus: '∖',
  Backslash: '∖',
  setmn: '∖',
  ssetmn: '∖',
  lowbar: '_',
  verbar: '|',
  vert: '|',
  VerticalLine: '|',
  colon: ':',
  Colon: '∷',
  Proportion: '∷',
  ratio: '∶',
  equals: '=',
  ne: '≠',
  nequiv: '≢',
  equiv: '≡',
  Congruent: '≡',
  sim: '∼',
  thicksim: '∼',
  thksim: '∼',
  sime: '≃',
  simeq: '≃',
  TildeEqual: '≃',
  asymp: '≈',
  approx: '≈',
  thickapprox: '≈',
  thkap: '≈',
  TildeTilde: '≈',
  ncong: '≇',
  cong: '≅',
  TildeFullEqual: '≅',
  asympeq: '≍',
  CupCap: '≍',
  bump: '≎',
  Bumpeq: '≎',
  HumpDownHump: '≎',
  bumpe: '≏',
  bumpeq: '≏',
  HumpEqual: '≏',
  le: '≤',
  LessEqual: '≤',
  ge: '≥',
  GreaterEqual: '≥',
  lesseqgtr: '⋚',
  lesseqqgtr: '⪋',
  greater: '>',
  less: '<',
};

/**
 * Mathematical Operators (Advanced)
 * @type {Record<string, string>}
 */
const MATH_ADVANCED = {
  alefsym: 'ℵ',
  aleph: 'ℵ',
  beth: 'ℶ',
  gimel: 'ℷ',
  daleth: 'ℸ',
  forall: '∀',
  ForAll: '∀',
  part: '∂',
  PartialD: '∂',
  exist: '∃',
  Exists: '∃',
  nexist: '∄',
  nexists: '∄',
  empty: '∅',
  emptyset: '∅',
  emptyv: '∅',
  varnothing: '∅',
  nabla: '∇',
  Del: '∇',
  isin: '∈',
  isinv: '∈',
  in: '∈',
  Element: '∈',
  notin: '∉',
  notinva: '∉',
  ni: '∋',
  niv: '∋',
  SuchThat: '∋',
  ReverseElement: '∋',
  notni: '∌',
  notniva: '∌',
  prod: '∏',
  Product: '∏',
  coprod: '∐',
  Coproduct: '∐',
  sum: '∑',
  Sum: '∑',
  minus: '−',
  mp: '∓',
  plusdo: '∔',
  dotplus: '∔',
  setminus: '∖',
  lowast: '∗',
  radic: '√',
  Sqrt: '√',
  prop: '∝',
  propto: '∝',
  Proportional: '∝',
  varpropto: '∝',
  infin: '∞',
  infintie: '⧝',
  ang: '∠',
  angle: '∠',
  angmsd: '∡',
  measuredangle: '∡',
  angsph: '∢',
  mid: '∣',
  VerticalBar: '∣',
  nmid: '∤',
  nsmid: '∤',
  npar: '∦',
  parallel: '∥',
  spar: '∥',
  nparallel: '∦',
  nspar: '∦',
  and: '∧',
  wedge: '∧',
  or: '∨',
  vee: '∨',
  cap: '∩',
  cup: '∪',
  int: '∫',
  Integral: '∫',
  conint: '∮',
  ContourIntegral: '∮',
  Conint: '∯',
  DoubleContourIntegral: '∯',
  Cconint: '∰',
  there4: '∴',
  therefore: '∴',
  Therefore: '∴',
  becaus: '∵',
  because: '∵',
  Because: '∵',
  ratio: '∶',
  Proportion: '∷',
  minusd: '∸',
  dotminus: '∸',
  mDDot: '∺',
  homtht: '∻',
  sim: '∼',
  bsimg: '∽',
  backsim: '∽',
  ac: '∾',
  mstpos: '∾',
  acd: '∿',
  VerticalTilde: '≀',
  wr: '≀',
  wreath: '≀',
  nsime: '≄',
  nsimeq: '≄',
  ncong: '≇',
  simne: '≆',
  ncongdot: '⩭̸',
  ngsim: '≵',
  nsim: '≁',
  napprox: '≉',
  nap: '≉',
  ngeq: '≱',
  nge: '≱',
  nleq: '≰',
  nle: '≰',
  ngtr: '≯',
  ngt: '≯',
  nless: '≮',
  nlt: '≮',
  nprec: '⊀',
  npr: '⊀',
  nsucc: '⊁',
  nsc: '⊁',
};

/**
 * Arrows
 * @type {Record<string, string>}
 */
const ARROWS = {
  larr: '←',
  leftarrow: '←',
  LeftArrow: '←',
  uarr: '↑',
  uparrow: '↑',
  UpArrow: '↑',
  rarr: '→',
  rightarrow: '→',
  RightArrow: '→',
  darr: '↓',
  downarrow: '↓',
  DownArrow: '↓',
  harr: '↔',
  leftrightarrow: '↔',
  LeftRightArrow: '↔',
  varr: '↕',
  updownarrow: '↕',
  UpDownArrow: '↕',
  nwarr: '↖',
  nwarrow: '↖',
  UpperLeftArrow: '↖',
  nearr: '↗',
  nearrow: '↗',
  UpperRightArrow: '↗',
  searr: '↘',
  searrow: '↘',
  LowerRightArrow: '↘',
  swarr: '↙',
  swarrow: '↙',
  LowerLeftArrow: '↙',
  lArr: '⇐',
  Leftarrow: '⇐',
  uArr: '⇑',
  Uparrow: '⇑',
  rArr: '⇒',
  Rightarrow: '⇒',
  dArr: '⇓',
  Downarrow: '⇓',
  hArr: '⇔',
  Leftrightarrow: '⇔',
  iff: '⇔',
  vArr: '⇕',
  Updownarrow: '⇕',
  lAarr: '⇚',
  Lleftarrow: '⇚',
  rAarr: '⇛',
  Rrightarrow: '⇛',
  lrarr: '⇆',
  leftrightarrows: '⇆',
  rlarr: '⇄',
  rightleftarrows: '⇄',
  lrhar: '⇋',
  leftrightharpoons: '⇋',
  ReverseEquilibrium: '⇋',
  rlhar: '⇌',
  rightleftharpoons: '⇌',
  Equilibrium: '⇌',
  udarr: '⇅',
  UpArrowDownArrow: '⇅',
  duarr: '⇵',
  DownArrowUpArrow: '⇵',
  llarr: '⇇',
  leftleftarrows: '⇇',
  rrarr: '⇉',
  rightrightarrows: '⇉',
  ddarr: '⇊',
  downdownarrows: '⇊',
  har: '↽',
  lhard: '↽',
  leftharpoondown: '↽',
  lharu: '↼',
  leftharpoonup: '↼',
  rhard: '⇁',
  rightharpoondown: '⇁',
  rharu: '⇀',
  rightharpoonup: '⇀',
  lsh: '↰',
  Lsh: '↰',
  rsh: '↱',
  Rsh: '↱',
  ldsh: '↲',
  rdsh: '↳',
  hookleftarrow: '↩',
  hookrightarrow: '↪',
  mapstoleft: '↤',
  mapstoup: '↥',
  map: '↦',
  mapsto: '↦',
  mapstodown: '↧',
  crarr: '↵',
  nleftarrow: '↚',
  nleftrightarrow: '↮',
  nrightarrow: '↛',
  nrarr: '↛',
  larrtl: '↢',
  rarrtl: '↣',
  leftarrowtail: '↢',
  rightarrowtail: '↣',
  twoheadleftarrow: '↞',
  twoheadrightarrow: '↠',
  Larr: '↞',
  Rarr: '↠',
  larrhk: '↩',
  rarrhk: '↪',
  larrlp: '↫',
  looparrowleft: '↫',
  rarrlp: '↬',
  looparrowright: '↬',
  harrw: '↭',
  leftrightsquigarrow: '↭',
  nrarrw: '↝̸',
  rarrw: '↝',
  rightsquigarrow: '↝',
  larrbfs: '⤟',
  rarrbfs: '⤠',
  nvHarr: '⤄',
  nvlArr: '⤂',
  nvrArr: '⤃',
  larrfs: '⤝',
  rarrfs: '⤞',
  Map: '⤅',
  larrsim: '⥳',
  rarrsim: '⥴',
  harrcir: '⥈',
  Uarrocir: '⥉',
  lurdshar: '⥊',
  ldrdhar: '⥧',
  ldrushar: '⥋',
  rdldhar: '⥩',
  lrhard: '⥭',
  uharr: '↾',
  uharl: '↿',
  dharr: '⇂',
  dharl: '⇃',
  Uarr: '↟',
  Darr: '↡',
  zigrarr: '⇝',
  nwArr: '⇖',
  neArr: '⇗',
  seArr: '⇘',
  swArr: '⇙',
  nharr: '↮',
  nhArr: '⇎',
  nlarr: '↚',
  nlArr: '⇍',
  nrArr: '⇏',
  larrb: '⇤',
  LeftArrowBar: '⇤',
  rarrb: '⇥',
  RightArrowBar: '⇥',
};

/**
 * Geometric Shapes
 * @type {Record<string, string>}
 */
const SHAPES = {
  square: '□',
  Square: '□',
  squ: '□',
  squf: '▪',
  squarf: '▪',
  blacksquar: '▪',
  blacksquare: '▪',
  FilledVerySmallSquare: '▪',
  blk34: '▓',
  blk12: '▒',
  blk14: '░',
  block: '█',
  srect: '▭',
  rect: '▭',
  sdot: '⋅',
  sdotb: '⊡',
  dotsquare: '⊡',
  triangle: '▵',
  tri: '▵',
  trine: '▵',
  utri: '▵',
  triangledown: '▿',
  dtri: '▿',
  tridown: '▿',
  triangleleft: '◃',
  ltri: '◃',
  triangleright: '▹',
  rtri: '▹',
  blacktriangle: '▴',
  utrif: '▴',
  blacktriangledown: '▾',
  dtrif: '▾',
  blacktriangleleft: '◂',
  ltrif: '◂',
  blacktriangleright: '▸',
  rtrif: '▸',
  loz: '◊',
  lozenge: '◊',
  blacklozenge: '⧫',
  lozf: '⧫',
  bigcirc: '◯',
  xcirc: '◯',
  circ: 'ˆ',
  Circle: '○',
  cir: '○',
  o: '○',
  bullet: '•',
  bull: '•',
  hellip: '…',
  mldr: '…',
  nldr: '‥',
  boxh: '─',
  HorizontalLine: '─',
  boxv: '│',
  boxdr: '┌',
  boxdl: '┐',
  boxur: '└',
  boxul: '┘',
  boxvr: '├',
  boxvl: '┤',
  boxhd: '┬',
  boxhu: '┴',
  boxvh: '┼',
  boxH: '═',
  boxV: '║',
  boxdR: '╒',
  boxDr: '╓',
  boxDR: '╔',
  boxDl: '╕',
  boxdL: '╖',
  boxDL: '╗',
  boxuR: '╘',
  boxUr: '╙',
  boxUR: '╚',
  boxUl: '╜',
  boxuL: '╛',
  boxUL: '╝',
  boxvR: '╞',
  boxVr: '╟',
  boxVR: '╠',
  boxVl: '╢',
  boxvL: '╡',
  boxVL: '╣',
  boxHd: '╤',
  boxhD: '╥',
  boxHD: '╦',
  boxHu: '╧',
  boxhU: '╨',
  boxHU: '╩',
  boxvH: '╪',
  boxVh: '╫',
  boxVH: '╬',
};

/**
 * Punctuation & Diacritics
 * @type {Record<string, string>}
 */
const PUNCTUATION = {
  excl: '!',
  iexcl: '¡',
  brvbar: '¦',
  sect: '§',
  uml: '¨',
  copy: '©',
  ordf: 'ª',
  laquo: '«',
  not: '¬',
  shy: '\u00ad',
  reg: '®',
  macr: '¯',
  deg: '°',
  plusmn: '±',
  sup2: '²',
  sup3: '³',
  acute: '´',
  micro: 'µ',
  para: '¶',
  middot: '·',
  cedil: '¸',
  sup1: '¹',
  ordm: 'º',
  raquo: '»',
  frac14: '¼',
  frac12: '½',
  frac34: '¾',
  iquest: '¿',
  nbsp: '\u00a0',
  comma: ',',
  period: '.',
  colon: ':',
  semi: ';',
  vert: '|',
  Verbar: '‖',
  verbar: '|',
  dblac: '˝',
  circ: 'ˆ',
  caron: 'ˇ',
  breve: '˘',
  dot: '˙',
  ring: '˚',
  ogon: '˛',
  tilde: '˜',
  DiacriticalGrave: '`',
  DiacriticalAcute: '´',
  DiacriticalTilde: '˜',
  DiacriticalDot: '˙',
  DiacriticalDoubleAcute: '˝',
  grave: '`',
};

/**
 * Currency Symbols
 * @type {Record<string, string>}
 */
const CURRENCY = {
  cent: '¢',
  pound: '£',
  curren: '¤',
  yen: '¥',
  euro: '€',
  dollar: '$',
  fnof: 'ƒ',
  inr: '₹',
  af: '؋',
  birr: 'ብር',
  peso: '₱',
  rub: '₽',
  won: '₩',
  yuan: '¥',
  cedil: '¸',
};

/**
 * Fractions
 * @type {Record<string, string>}
 */
const FRACTIONS = {
  frac12: '½',
  half: '½',
  frac13: '⅓',
  frac14: '¼',
  frac15: '⅕',
  frac16: '⅙',
  frac18: '⅛',
  frac23: '⅔',
  frac25: '⅖',
  frac34: '¾',
  frac35: '⅗',
  frac38: '⅜',
  frac45: '⅘',
  frac56: '⅚',
  frac58: '⅝',
  frac78: '⅞',
  frasl: '⁄',
};

/**
 * Miscellaneous Symbols
 * @type {Record<string, string>}
 */
const MISC_SYMBOLS = {
  trade: '™',
  TRADE: '™',
  telrec: '⌕',
  target: '⌖',
  ulcorn: '⌜',
  ulcorner: '⌜',
  urcorn: '⌝',
  urcorner: '⌝',
  dlcorn: '⌞',
  llcorner: '⌞',
  drcorn: '⌟',
  lrcorner: '⌟',
  intercal: '⊺',
  intcal: '⊺',
  oplus: '⊕',
  CirclePlus: '⊕',
  ominus: '⊖',
  CircleMinus: '⊖',
  otimes: '⊗',
  CircleTimes: '⊗',
  osol: '⊘',
  odot: '⊙',
  CircleDot: '⊙',
  oast: '⊛',
  circledast: '⊛',
  odash: '⊝',
  circleddash: '⊝',
  ocirc: '⊚',
  circledcirc: '⊚',
  boxplus: '⊞',
  plusb: '⊞',
  boxminus: '⊟',
  minusb: '⊟',
  boxtimes: '⊠',
  timesb: '⊠',
  boxdot: '⊡',
  sdotb: '⊡',
  veebar: '⊻',
  vee: '∨',
  barvee: '⊽',
  and: '∧',
  wedge: '∧',
  Cap: '⋒',
  Cup: '⋓',
  Fork: '⋔',
  pitchfork: '⋔',
  epar: '⋕',
  ltlarr: '⥶',
  nvap: '≍⃒',
  nvsim: '∼⃒',
  nvge: '≥⃒',
  nvle: '≤⃒',
  nvlt: '<⃒',
  nvgt: '>⃒',
  nvltrie: '⊴⃒',
  nvrtrie: '⊵⃒',
  Vdash: '⊩',
  dashv: '⊣',
  vDash: '⊨',
  Vvdash: '⊪',
  nvdash: '⊬',
  nvDash: '⊭',
  nVdash: '⊮',
  nVDash: '⊯',
};

/**
 * All entities combined (if you need everything)
 * @type {Record<string, string>}
 */
const ALL_ENTITIES = {
  ...BASIC_LATIN,
  ...LATIN_ACCENTS,
  ...LATIN_EXTENDED,
  ...GREEK,
  ...CYRILLIC,
  ...MATH,
  ...MATH_ADVANCED,
  ...ARROWS,
  ...SHAPES,
  ...PUNCTUATION,
  ...CURRENCY,
  ...FRACTIONS,
  ...MISC_SYMBOLS,
};

const XML = {
  amp: "&",
  apos: "'",
  gt: ">",
  lt: "<",
  quot: "\""
}
const COMMON_HTML = {
  nbsp: '\u00a0',
  copy: '\u00a9',
  reg: '\u00ae',
  trade: '\u2122',
  mdash: '\u2014',
  ndash: '\u2013',
  hellip: '\u2026',
  laquo: '\u00ab',
  raquo: '\u00bb',
  lsquo: '\u2018',
  rsquo: '\u2019',
  ldquo: '\u201c',
  rdquo: '\u201d',
  bull: '\u2022',
  para: '\u00b6',
  sect: '\u00a7',
  deg: '\u00b0',
  frac12: '\u00bd',
  frac14: '\u00bc',
  frac34: '\u00be',
}
// ---------------------------------------------------------------------------
// Note: NUMERIC_ENTITIES (&#NNN; / &#xHH;) are handled by the scanner directly
// via String.fromCodePoint() without any map lookup.
// ---------------------------------------------------------------------------
;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/node_modules/@nodable/entities/src/EntityDecoder.js
// ---------------------------------------------------------------------------
// Built-in named entity map  (name → replacement string)
// No regex, no {regex,val} objects — just flat key/value pairs.
// ---------------------------------------------------------------------------



// ---------------------------------------------------------------------------
// Entity hook action constants
// ---------------------------------------------------------------------------

/**
 * Action constants for `onExternalEntity` and `onInputEntity` hooks.
 *
 * Use these instead of raw strings to avoid typos:
 *
 * @example
 * import EntityDecoder, { ENTITY_ACTION } from './EntityDecoder.js';
 * const dec = new EntityDecoder({
 *   onInputEntity: (name, value) => ENTITY_ACTION.BLOCK,
 * });
 */
const ENTITY_ACTION = Object.freeze({
  /** Resolve and expand the entity normally. */
  ALLOW: 'allow',
  /** Silently skip this entity — it will not be registered. */
  BLOCK: 'block',
  /** Throw an error, aborting entity registration entirely. */
  THROW: 'throw',
});

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const SPECIAL_CHARS = new Set('!?\\\\/[]$%{}^&*()<>|+');

/**
 * Validate that an entity name contains no dangerous characters.
 * @param {string} name
 * @returns {string} the name, unchanged
 * @throws {Error} on invalid characters
 */
function validateEntityName(name) {
  if (name[0] === '#') {
    throw new Error(`[EntityReplacer] Invalid character '#' in entity name: "${name}"`);
  }
  for (const ch of name) {
    if (SPECIAL_CHARS.has(ch)) {
      throw new Error(`[EntityReplacer] Invalid character '${ch}' in entity name: "${name}"`);
    }
  }
  return name;
}

/**
 * Merge one or more entity maps into a flat name→string map.
 * Accepts either:
 *   - plain string values:             { amp: '&' }
 *   - legacy {regex,val} / {regx,val}: { lt: { regex: /.../, val: '<' } }
 *
 * Values containing '&' are skipped (recursive expansion risk).
 *
 * @param {...object} maps
 * @returns {Record<string, string>}
 */
function mergeEntityMaps(...maps) {
  const out = Object.create(null);
  for (const map of maps) {
    if (!map) continue;
    for (const key of Object.keys(map)) {
      const raw = map[key];
      if (typeof raw === 'string') {
        out[key] = raw;
      } else if (raw && typeof raw === 'object' && raw.val !== undefined) {
        // Legacy {regex,val} or {regx,val} — extract the string val only
        const val = raw.val;
        if (typeof val === 'string') {
          out[key] = val;
        }
        // function vals are not supported in the scanner — skip
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// applyLimitsTo helpers
// ---------------------------------------------------------------------------

const LIMIT_TIER_EXTERNAL = 'external'; // input/runtime + persistent external maps
const LIMIT_TIER_BASE = 'base';     // DEFAULT_XML_ENTITIES + namedEntities (system) maps
const LIMIT_TIER_ALL = 'all';      // every entity regardless of tier

/**
 * Resolve `applyLimitsTo` option into a normalised Set of tier strings.
 * Accepted values: 'external' | 'base' | 'all' | string[]
 * Default: 'external' (only untrusted injected entities are counted).
 * @param {string|string[]|undefined} raw
 * @returns {Set<string>}
 */
function parseLimitTiers(raw) {
  if (!raw || raw === LIMIT_TIER_EXTERNAL) return new Set([LIMIT_TIER_EXTERNAL]);
  if (raw === LIMIT_TIER_ALL) return new Set([LIMIT_TIER_ALL]);
  if (raw === LIMIT_TIER_BASE) return new Set([LIMIT_TIER_BASE]);
  if (Array.isArray(raw)) return new Set(raw);
  return new Set([LIMIT_TIER_EXTERNAL]); // safe default for unrecognised values
}

// ---------------------------------------------------------------------------
// NCR (Numeric Character Reference) classification
// ---------------------------------------------------------------------------

// Severity order — higher number = stricter action.
// Used to enforce minimum action levels for specific codepoint ranges.
const NCR_LEVEL = Object.freeze({ allow: 0, leave: 1, remove: 2, throw: 3 });

// XML 1.0 §2.2: allowed chars are #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
// Restricted C0: U+0001–U+001F excluding U+0009, U+000A, U+000D
const XML10_ALLOWED_C0 = new Set([0x09, 0x0A, 0x0D]);

/**
 * Parse the `ncr` constructor option into flat, hot-path-friendly fields.
 * @param {object|undefined} ncr
 * @returns {{ xmlVersion: number, onLevel: number, nullLevel: number }}
 */
function parseNCRConfig(ncr) {
  if (!ncr) {
    return { xmlVersion: 1.0, onLevel: NCR_LEVEL.allow, nullLevel: NCR_LEVEL.remove };
  }
  const xmlVersion = ncr.xmlVersion === 1.1 ? 1.1 : 1.0;
  const onLevel = NCR_LEVEL[ncr.onNCR] ?? NCR_LEVEL.allow;
  const nullLevel = NCR_LEVEL[ncr.nullNCR] ?? NCR_LEVEL.remove;
  // 'allow' is not meaningful for null — clamp to at least 'remove'
  const clampedNull = Math.max(nullLevel, NCR_LEVEL.remove);
  return { xmlVersion, onLevel, nullLevel: clampedNull };
}

// ---------------------------------------------------------------------------
// EntityReplacer
// ---------------------------------------------------------------------------

/**
 * Single-pass, zero-regex entity replacer for XML/HTML content.
 *
 * Algorithm: scan the string once for '&', read to ';', resolve via map
 * or direct codepoint conversion, build output chunks, join once at the end.
 *
 * Entity lookup priority (highest → lowest):
 *   1. input / runtime  (DOCTYPE entities for current document)
 *   2. persistent external (survive across documents)
 *   3. base named map   (DEFAULT_XML_ENTITIES + user-supplied namedEntities)
 *
 * Both input and external resolve as the 'external' tier for limit purposes.
 * Base map entities resolve as the 'base' tier.
 *
 * Numeric / hex references (&#NNN; / &#xHH;) are resolved directly via
 * String.fromCodePoint() — no map needed. They count as 'base' tier.
 *
 * @example
 * const replacer = new EntityReplacer({ namedEntities: COMMON_HTML });
 * replacer.setExternalEntities({ brand: 'Acme' });
 *
 * const instance = replacer.reset();
 * instance.addInputEntities({ version: '1.0' });
 * instance.encode('&brand; v&version; &lt;'); // 'Acme v1.0 <'
 */
class EntityDecoder {
  /**
   * @param {object} [options]
   * @param {object|null}  [options.namedEntities]        — extra named entities merged into base map
   * @param {object}  [options.limit]                 — security limits
   * @param {number}       [options.limit.maxTotalExpansions=0]  — 0 = unlimited
   * @param {number}       [options.limit.maxExpandedLength=0]   — 0 = unlimited
   * @param {'external'|'base'|'all'|string[]} [options.limit.applyLimitsTo='external']
   *   Which entity tiers count against the security limits:
   *   - 'external' (default) — only input/runtime + persistent external entities
   *   - 'base'               — only DEFAULT_XML_ENTITIES + namedEntities
   *   - 'all'                — every entity regardless of tier
   *   - string[]             — explicit combination, e.g. ['external', 'base']
   * @param {((resolved: string, original: string) => string)|null} [options.postCheck=null]
   * @param {string[]} [options.remove=[]] — entity names (e.g. ['nbsp', '#13']) to delete (replace with empty string)
   * @param {string[]} [options.leave=[]]  — entity names to keep as literal (unchanged in output)
   * @param {object}   [options.ncr]       — Numeric Character Reference controls
   * @param {1.0|1.1}  [options.ncr.xmlVersion=1.0]
   *   XML version governing which codepoint ranges are restricted:
   *   - 1.0 — C0 controls U+0001–U+001F (except U+0009/000A/000D) are prohibited
   *   - 1.1 — C0 controls are allowed when written as NCRs; C1 (U+007F–U+009F) decoded as-is
   * @param {'allow'|'leave'|'remove'|'throw'} [options.ncr.onNCR='allow']
   *   Base action for numeric references. Severity order: allow < leave < remove < throw.
   *   For codepoint ranges that carry a minimum level (surrogates → remove, XML 1.0 C0 → remove),
   *   the effective action is max(onNCR, rangeMinimum).
   * @param {'remove'|'throw'} [options.ncr.nullNCR='remove']
   *   Action for U+0000 (null). 'allow' and 'leave' are clamped to 'remove' since null is never safe.
   * @param {((name: string, value: string) => 'allow'|'block'|'throw')|null} [options.onExternalEntity=null]
   *   Hook called when an external entity is registered via `setExternalEntities()` or
   *   `addExternalEntity()`. Return `ENTITY_ACTION.ALLOW` to accept the entity,
   *   `ENTITY_ACTION.BLOCK` to silently skip it, or `ENTITY_ACTION.THROW` to abort with an error.
   * @param {((name: string, value: string) => 'allow'|'block'|'throw')|null} [options.onInputEntity=null]
   *   Hook called when an input entity is registered via `addInputEntities()`. Return
   *   `ENTITY_ACTION.ALLOW` to accept, `ENTITY_ACTION.BLOCK` to silently skip, or
   *   `ENTITY_ACTION.THROW` to abort with an error.
   */
  constructor(options = {}) {
    this._limit = options.limit || {};
    this._maxTotalExpansions = this._limit.maxTotalExpansions || 0;
    this._maxExpandedLength = this._limit.maxExpandedLength || 0;
    this._postCheck = typeof options.postCheck === 'function' ? options.postCheck : r => r;
    this._limitTiers = parseLimitTiers(this._limit.applyLimitsTo ?? LIMIT_TIER_EXTERNAL);
    this._numericAllowed = options.numericAllowed ?? true;
    // Base map: DEFAULT_XML_ENTITIES + user-supplied extras. Immutable after construction.
    this._baseMap = mergeEntityMaps(XML, options.namedEntities || null);

    // Persistent external entities — survive across documents.
    // Stored as a separate map so reset() never touches them.
    /** @type {Record<string, string>} */
    this._externalMap = Object.create(null);

    // Input / runtime entities — current document only, wiped on reset().
    /** @type {Record<string, string>} */
    this._inputMap = Object.create(null);

    // Per-document counters
    this._totalExpansions = 0;
    this._expandedLength = 0;

    // --- New: remove / leave sets ---
    /** @type {Set<string>} */
    this._removeSet = new Set(options.remove && Array.isArray(options.remove) ? options.remove : []);
    /** @type {Set<string>} */
    this._leaveSet = new Set(options.leave && Array.isArray(options.leave) ? options.leave : []);

    // --- NCR config (parsed into flat fields for hot-path speed) ---
    const ncrCfg = parseNCRConfig(options.ncr);
    this._ncrXmlVersion = ncrCfg.xmlVersion;
    this._ncrOnLevel = ncrCfg.onLevel;
    this._ncrNullLevel = ncrCfg.nullLevel;

    // --- Registration hooks ---
    /** @type {((name: string, value: string) => 'allow'|'block'|'throw')|null} */
    this._onExternalEntity = typeof options.onExternalEntity === 'function'
      ? options.onExternalEntity
      : null;
    /** @type {((name: string, value: string) => 'allow'|'block'|'throw')|null} */
    this._onInputEntity = typeof options.onInputEntity === 'function'
      ? options.onInputEntity
      : null;
  }

  // -------------------------------------------------------------------------
  // Private: registration hook dispatch
  // -------------------------------------------------------------------------

  /**
   * Invoke a registration hook for a single entity name/value pair.
   * Returns true when the entity should be accepted, false when it should be
   * silently skipped (BLOCK), and throws when the hook returns THROW.
   *
   * @param {((name: string, value: string) => 'allow'|'block'|'throw')|null} hook
   * @param {string} name
   * @param {string} value
   * @param {string} context  — used in error messages ('external' | 'input')
   * @returns {boolean}  true = accept, false = skip
   */
  _applyRegistrationHook(hook, name, value, context) {
    if (!hook) return true; // no hook → always accept
    const action = hook(name, value);
    if (action === ENTITY_ACTION.BLOCK) return false;
    if (action === ENTITY_ACTION.THROW) {
      throw new Error(
        `[EntityDecoder] Registration of ${context} entity "&${name};" was rejected by hook`
      );
    }
    return true; // ALLOW or any unknown return value → accept
  }

  // -------------------------------------------------------------------------
  // Persistent external entity registration
  // -------------------------------------------------------------------------

  /**
   * Replace the full set of persistent external entities.
   * All keys are validated — throws on invalid characters.
   * If `onExternalEntity` is set, it is called once per entry; entries that
   * return `ENTITY_ACTION.BLOCK` are silently omitted, `ENTITY_ACTION.THROW`
   * aborts the whole call.
   * @param {Record<string, string | { regex?: RegExp, val: string }>} map
   */
  setExternalEntities(map) {
    if (map) {
      for (const key of Object.keys(map)) {
        validateEntityName(key);
      }
    }
    if (!this._onExternalEntity) {
      this._externalMap = mergeEntityMaps(map);
      return;
    }
    // Hook present — resolve values first, then filter
    const flat = mergeEntityMaps(map);
    const filtered = Object.create(null);
    for (const [name, value] of Object.entries(flat)) {
      if (this._applyRegistrationHook(this._onExternalEntity, name, value, 'external')) {
        filtered[name] = value;
      }
    }
    this._externalMap = filtered;
  }

  /**
   * Add a single persistent external entity.
   * If `onExternalEntity` is set it is called before the entity is stored;
   * `ENTITY_ACTION.BLOCK` silently skips storage, `ENTITY_ACTION.THROW` raises.
   * @param {string} key
   * @param {string} value
   */
  addExternalEntity(key, value) {
    validateEntityName(key);
    if (typeof value === 'string' && value.indexOf('&') === -1) {
      if (this._applyRegistrationHook(this._onExternalEntity, key, value, 'external')) {
        this._externalMap[key] = value;
      }
    }
  }

  // -------------------------------------------------------------------------
  // Input / runtime entity registration (per document)
  // -------------------------------------------------------------------------

  /**
   * Inject DOCTYPE entities for the current document.
   * Also resets per-document expansion counters.
   * If `onInputEntity` is set it is called once per entry; entries returning
   * `ENTITY_ACTION.BLOCK` are silently omitted, `ENTITY_ACTION.THROW` aborts.
   * @param {Record<string, string | { regx?: RegExp, regex?: RegExp, val: string }>} map
   */
  addInputEntities(map) {
    this._totalExpansions = 0;
    this._expandedLength = 0;
    if (!this._onInputEntity) {
      this._inputMap = mergeEntityMaps(map);
      return;
    }
    const flat = mergeEntityMaps(map);
    const filtered = Object.create(null);
    for (const [name, value] of Object.entries(flat)) {
      if (this._applyRegistrationHook(this._onInputEntity, name, value, 'input')) {
        filtered[name] = value;
      }
    }
    this._inputMap = filtered;
  }

  // -------------------------------------------------------------------------
  // Per-document reset
  // -------------------------------------------------------------------------

  /**
   * Wipe input/runtime entities and reset counters.
   * Call this before processing each new document.
   * @returns {this}
   */
  reset() {
    this._inputMap = Object.create(null);
    this._totalExpansions = 0;
    this._expandedLength = 0;
    return this;
  }

  // -------------------------------------------------------------------------
  // XML version (can be set after construction, e.g. once parser reads <?xml?>)
  // -------------------------------------------------------------------------

  /**
   * Update the XML version used for NCR classification.
   * Call this as soon as the document's `<?xml version="...">` declaration is parsed.
   * @param {1.0|1.1|number} version
   */
  setXmlVersion(version) {
    this._ncrXmlVersion = version === 1.1 ? 1.1 : 1.0;
  }

  // -------------------------------------------------------------------------
  // Primary API
  // -------------------------------------------------------------------------

  /**
   * Replace all entity references in `str` in a single pass.
   *
   * @param {string} str
   * @returns {string}
   */
  decode(str) {
    if (typeof str !== 'string' || str.length === 0) return str;
    //TODO: check if needed
    if (str.indexOf('&') === -1) return str; // fast path — no entities at all

    const original = str;
    const chunks = [];
    const len = str.length;
    let last = 0; // start of next unprocessed literal chunk
    let i = 0;

    const limitExpansions = this._maxTotalExpansions > 0;
    const limitLength = this._maxExpandedLength > 0;
    const checkLimits = limitExpansions || limitLength;

    while (i < len) {
      // Scan forward to next '&'
      if (str.charCodeAt(i) !== 38 /* '&' */) { i++; continue; }

      // --- Found '&' at position i ---

      // Scan forward to ';'
      let j = i + 1;
      while (j < len && str.charCodeAt(j) !== 59 /* ';' */ && (j - i) <= 32) j++;

      if (j >= len || str.charCodeAt(j) !== 59) {
        // No closing ';' within window — treat '&' as literal
        i++;
        continue;
      }

      // Raw token between '&' and ';' (exclusive)
      const token = str.slice(i + 1, j);
      if (token.length === 0) { i++; continue; }

      let replacement;
      let tier; // which limit tier this entity belongs to

      if (this._removeSet.has(token)) {
        // Remove entity: replace with empty string
        replacement = '';
        // If entity was unknown (replacement undefined), we still need a tier for limits.
        // Treat as external tier because it's user-directed removal of an unknown reference.
        if (tier === undefined) {
          tier = LIMIT_TIER_EXTERNAL;
        }
      } else if (this._leaveSet.has(token)) {
        // Do not replace — keep original &token; as literal
        i++;
        continue;
      } else if (token.charCodeAt(0) === 35 /* '#' */) {
        // ---- Numeric / NCR reference ----
        // NCR classification always runs first — prohibited codepoints must be
        // caught regardless of numericAllowed.
        const ncrResult = this._resolveNCR(token);
        if (ncrResult === undefined) {
          // 'leave' action — keep original &token; as-is
          i++;
          continue;
        }
        replacement = ncrResult; // '' for remove, char string for allow
        tier = LIMIT_TIER_BASE;
      } else {
        // ---- Named reference ----
        const resolved = this._resolveName(token);
        replacement = resolved?.value;
        tier = resolved?.tier;
      }

      if (replacement === undefined) {
        // Unknown entity — leave as-is, advance past '&' only
        i++;
        continue;
      }

      // Flush literal chunk before this entity
      if (i > last) chunks.push(str.slice(last, i));
      chunks.push(replacement);
      last = j + 1; // skip past ';'
      i = last;

      // Apply expansion limits only if this tier is being tracked
      if (checkLimits && this._tierCounts(tier)) {
        if (limitExpansions) {
          this._totalExpansions++;
          if (this._totalExpansions > this._maxTotalExpansions) {
            throw new Error(
              `[EntityReplacer] Entity expansion count limit exceeded: ` +
              `${this._totalExpansions} > ${this._maxTotalExpansions}`
            );
          }
        }
        if (limitLength) {
          // delta: replacement.length minus the raw &token; length (token.length + 2 for '&' and ';')
          const delta = replacement.length - (token.length + 2);
          if (delta > 0) {
            this._expandedLength += delta;
            if (this._expandedLength > this._maxExpandedLength) {
              throw new Error(
                `[EntityReplacer] Expanded content length limit exceeded: ` +
                `${this._expandedLength} > ${this._maxExpandedLength}`
              );
            }
          }
        }
      }
    }

    // Flush trailing literal
    if (last < len) chunks.push(str.slice(last));

    // If nothing was replaced, chunks is empty — return original
    const result = chunks.length === 0 ? str : chunks.join('');

    return this._postCheck(result, original);
  }

  // -------------------------------------------------------------------------
  // Private: limit tier check
  // -------------------------------------------------------------------------

  /**
   * Returns true if a resolved entity of the given tier should count
   * against the expansion/length limits.
   * @param {string} tier  — LIMIT_TIER_EXTERNAL | LIMIT_TIER_BASE
   * @returns {boolean}
   */
  _tierCounts(tier) {
    if (this._limitTiers.has(LIMIT_TIER_ALL)) return true;
    return this._limitTiers.has(tier);
  }

  // -------------------------------------------------------------------------
  // Private: entity resolution
  // -------------------------------------------------------------------------

  /**
   * Resolve a named entity token (without & and ;).
   * Priority: inputMap > externalMap > baseMap
   * Returns the resolved value tagged with its limit tier.
   *
   * @param {string} name
   * @returns {{ value: string, tier: string }|undefined}
   */
  _resolveName(name) {
    // input and external both count as 'external' tier for limit purposes —
    // they are injected at runtime and are the untrusted surface.
    if (name in this._inputMap) return { value: this._inputMap[name], tier: LIMIT_TIER_EXTERNAL };
    if (name in this._externalMap) return { value: this._externalMap[name], tier: LIMIT_TIER_EXTERNAL };
    if (name in this._baseMap) return { value: this._baseMap[name], tier: LIMIT_TIER_BASE };
    return undefined;
  }

  /**
   * Classify a codepoint and return the minimum action level that must be applied.
   * Returns -1 when no minimum is imposed (normal allow path).
   *
   * Ranges checked (in priority order):
   *   1. U+0000            — null, governed by nullNCR (always ≥ remove)
   *   2. U+D800–U+DFFF     — surrogates, always prohibited (min: remove)
   *   3. U+0001–U+001F \ {0x09,0x0A,0x0D}  — XML 1.0 restricted C0 (min: remove)
   *      (skipped in XML 1.1 — C0 controls are allowed when written as NCRs)
   *
   * @param {number} cp  — codepoint
   * @returns {number}   — minimum NCR_LEVEL value, or -1 for no restriction
   */
  _classifyNCR(cp) {
    // 1. Null
    if (cp === 0) return this._ncrNullLevel;

    // 2. Surrogates — always prohibited, minimum 'remove'
    if (cp >= 0xD800 && cp <= 0xDFFF) return NCR_LEVEL.remove;

    // 3. XML 1.0 restricted C0 controls
    if (this._ncrXmlVersion === 1.0) {
      if (cp >= 0x01 && cp <= 0x1F && !XML10_ALLOWED_C0.has(cp)) return NCR_LEVEL.remove;
    }

    return -1; // no restriction
  }

  /**
   * Execute a resolved NCR action.
   *
   * @param {number} action   — NCR_LEVEL value
   * @param {string} token    — raw token (e.g. '#38') for error messages
   * @param {number} cp       — codepoint, used only for error messages
   * @returns {string|undefined}
   *   - decoded character string  → 'allow'
   *   - ''                        → 'remove'
   *   - undefined                 → 'leave' (caller must skip past '&' only)
   *   - throws Error              → 'throw'
   */
  _applyNCRAction(action, token, cp) {
    switch (action) {
      case NCR_LEVEL.allow: return String.fromCodePoint(cp);
      case NCR_LEVEL.remove: return '';
      case NCR_LEVEL.leave: return undefined; // signal: keep literal
      case NCR_LEVEL.throw:
        throw new Error(
          `[EntityDecoder] Prohibited numeric character reference ` +
          `&${token}; (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`
        );
      default: return String.fromCodePoint(cp);
    }
  }

  /**
   * Full NCR resolution pipeline for a numeric token.
   *
   * Steps:
   *   1. Parse the codepoint (decimal or hex).
   *   2. Validate the raw codepoint range (NaN, <0, >0x10FFFF).
   *   3. If numericAllowed is false and no minimum restriction applies → leave as-is.
   *   4. Classify the codepoint to find the minimum required action level.
   *   5. Resolve effective action = max(onNCR, minimum).
   *   6. Apply and return.
   *
   * @param {string} token  — e.g. '#38', '#x26', '#X26'
   * @returns {string|undefined}
   *   - string (incl. '')  — replacement ('' = remove)
   *   - undefined          — leave original &token; as-is
   */
  _resolveNCR(token) {
    // Step 1: parse codepoint
    const second = token.charCodeAt(1);
    let cp;
    if (second === 120 /* x */ || second === 88 /* X */) {
      cp = parseInt(token.slice(2), 16);
    } else {
      cp = parseInt(token.slice(1), 10);
    }

    // Step 2: out-of-range → leave as-is unconditionally
    if (Number.isNaN(cp) || cp < 0 || cp > 0x10FFFF) return undefined;

    // Step 3: classify to get minimum action level
    const minimum = this._classifyNCR(cp);

    // Step 4: if numericAllowed is false and no hard minimum → leave
    if (!this._numericAllowed && minimum < NCR_LEVEL.remove) return undefined;

    // Step 5: effective action = max(configured onNCR, range minimum)
    const effective = minimum === -1
      ? this._ncrOnLevel
      : Math.max(this._ncrOnLevel, minimum);

    // Step 6: apply
    return this._applyNCRAction(effective, token, cp);
  }
}
;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/node_modules/is-unsafe/src/contexts/html.js
/**
 * HTML context patterns.
 *
 * Detects XSS vectors that are dangerous when a string ends up rendered as HTML.
 * All patterns use bounded quantifiers to ensure linear-time matching (ReDoS-safe).
 *
 * Each entry is { pattern: RegExp, id: string, description: string }
 * so callers can inspect which rule fired if they need to.
 */

const HTML_PATTERNS = [
  {
    id: 'html-script-open',
    description: '<script opening tag',
    pattern: /<script[\s>/]/i,
  },
  {
    id: 'html-script-close',
    description: '</script closing tag',
    pattern: /<\/script[\s>]/i,
  },
  {
    id: 'html-javascript-protocol',
    description: 'javascript: URI scheme (with optional whitespace/encoding)',
    // Handles j&#x61;vascript:, j\u0061vascript:, and whitespace variants
    pattern: /j[\t\n\r ]*a[\t\n\r ]*v[\t\n\r ]*a[\t\n\r ]*s[\t\n\r ]*c[\t\n\r ]*r[\t\n\r ]*i[\t\n\r ]*p[\t\n\r ]*t[\t\n\r ]*:/i,
  },
  {
    id: 'html-vbscript-protocol',
    description: 'vbscript: URI scheme',
    pattern: /vbscript[\t\n\r ]*:/i,
  },
  {
    id: 'html-data-html',
    description: 'data:text/html URI — can execute scripts in browsers',
    pattern: /data[\t\n\r ]*:[\t\n\r ]*text\/html/i,
  },
  {
    id: 'html-data-xhtml',
    description: 'data:application/xhtml+xml URI',
    pattern: /data[\t\n\r ]*:[\t\n\r ]*application\/xhtml/i,
  },
  {
    id: 'html-data-svg',
    description: 'data:image/svg+xml URI — can execute scripts',
    pattern: /data[\t\n\r ]*:[\t\n\r ]*image\/svg\+xml/i,
  },
  {
    id: 'html-inline-event-handler',
    description: 'Inline event handler attributes: onclick=, onerror=, onload=, etc.',
    // \bon ensures we match a word boundary so "phonetic=" is not caught
    pattern: /\bon\w{1,30}\s*=/i,
  },
  {
    id: 'html-entity-obfuscated-script',
    description: 'HTML-entity-encoded <script (e.g. &#x3C;script or &lt;script)',
    // Entities include optional trailing semicolon: &#x3C; or &#x3C (both valid in HTML5)
    pattern: /(?:&#x0*3[Cc];?|&#0*60;?|&lt;)\s*script/i,
  },
  {
    id: 'html-entity-obfuscated-javascript',
    description: 'HTML-entity-encoded javascript: (partial — catches common &#106; or &#x6a; for "j")',
    pattern: /(?:&#x0*6[Aa];?|&#0*106;?)\s*(?:&#x0*61;?|a)[\s\S]{0,80}script\s*:/i,
  },
  {
    id: 'html-style-expression',
    description: 'CSS expression() — IE-era code execution in style attributes',
    pattern: /style[\s\S]{0,20}expression\s*\(/i,
  },
  {
    id: 'html-object-embed',
    description: '<object or <embed tags that can load active content',
    pattern: /<(?:object|embed)[\s>/]/i,
  },
  {
    id: 'html-base-tag',
    description: '<base href= — can hijack all relative URLs on a page',
    pattern: /<base[\s>]/i,
  },
  {
    id: 'html-meta-refresh',
    description: '<meta http-equiv="refresh" — can redirect users',
    pattern: /<meta[\s\S]{0,40}http-equiv[\s\S]{0,20}refresh/i,
  },
  {
    id: 'html-srcdoc',
    description: 'srcdoc= attribute on iframes — embeds HTML that can run scripts',
    pattern: /srcdoc\s*=/i,
  },
  {
    id: 'html-iframe',
    description: '<iframe tag',
    pattern: /<iframe[\s>/]/i,
  },
  {
    id: 'html-form',
    description: '<form tag — can be used for phishing / credential harvesting injection',
    pattern: /<form[\s>/]/i,
  },
];

/* harmony default export */ const html = (HTML_PATTERNS);

;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/node_modules/is-unsafe/src/contexts/xml.js
/**
 * XML context patterns.
 *
 * Detects injection vectors that are specifically dangerous when a string
 * is inserted into an XML document (not HTML rendering context).
 *
 * Key distinction from HTML: these patterns target parser-level attacks —
 * things that can confuse or subvert an XML parser, trigger external entity
 * resolution, or inject DTD content. HTML rendering concerns (XSS) belong
 * in the HTML context.
 */

const XML_PATTERNS = [
  {
    id: 'xml-cdata-injection',
    description: 'CDATA section injection: <![CDATA[ breaks out of text node context',
    pattern: /<!\[CDATA\[/i,
  },
  {
    id: 'xml-cdata-close',
    description: 'CDATA close sequence: ]]> can terminate an enclosing CDATA section',
    pattern: /\]\]>/,
  },
  {
    id: 'xml-processing-instruction',
    description: 'XML processing instruction: <?xml-stylesheet or <?php etc.',
    pattern: /<\?(?:xml[\- ]|php|asp)/i,
  },
  {
    id: 'xml-doctype-injection',
    description: 'DOCTYPE declaration embedded in content — can define entities',
    // Match <!DOCTYPE followed by end-of-string, whitespace, or [ (internal subset)
    pattern: /<!DOCTYPE(?:[\s[]|$)/i,
  },
  {
    id: 'xml-entity-system',
    description: 'SYSTEM keyword — used in external entity declarations (XXE)',
    pattern: /\bSYSTEM\s+["']/i,
  },
  {
    id: 'xml-entity-public',
    description: 'PUBLIC keyword — used in external entity declarations (XXE)',
    pattern: /\bPUBLIC\s+["']/i,
  },
  {
    id: 'xml-entity-declaration',
    description: '<!ENTITY declaration — defines entities, potential XXE or entity expansion',
    pattern: /<!ENTITY[\s%]/i,
  },
  {
    id: 'xml-billion-laughs',
    description: 'Entity reference chaining / billion laughs: repeated &eX; style references',
    // Heuristic: 3+ consecutive entity refs suggests expansion attack
    pattern: /(?:&\w{1,20};){3,}/,
  },
  {
    id: 'xml-namespace-confusion',
    description: 'xmlns: attribute injection — can redefine namespaces to confuse parsers',
    pattern: /\bxmlns\s*(?::\w{1,40})?\s*=/i,
  },
  {
    id: 'xml-comment-injection',
    description: '<!-- comment injection — can hide content from some parsers',
    pattern: /<!--/,
  },
  {
    id: 'xml-comment-close',
    description: '--> closes an enclosing XML comment',
    pattern: /-->/,
  },
  {
    id: 'xml-pi-close',
    description: '?> closes an enclosing processing instruction',
    pattern: /\?>/,
  },
];

/* harmony default export */ const xml = (XML_PATTERNS);

;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/node_modules/is-unsafe/src/contexts/svg.js
/**
 * SVG context patterns.
 *
 * SVG is XML-based but renders in browsers, giving it a unique attack surface
 * that combines XML parser behaviour with browser rendering and JavaScript execution.
 *
 * Many of these vectors bypass HTML sanitizers that don't understand SVG semantics
 * (DOMPurify has documented bypass vulnerabilities specifically in SVG/XML context).
 */

const SVG_PATTERNS = [
  {
    id: 'svg-script-element',
    description: '<script element inside SVG executes JavaScript',
    pattern: /<script[\s>/]/i,
  },
  {
    id: 'svg-xlink-href-javascript',
    description: 'xlink:href with javascript: — classic SVG XSS via <a> or <use>',
    pattern: /xlink\s*:\s*href\s*=\s*["']?\s*javascript\s*:/i,
  },
  {
    id: 'svg-href-javascript',
    description: 'href= with javascript: in SVG context (<a>, <animate>, etc.)',
    pattern: /href\s*=\s*["']?\s*javascript\s*:/i,
  },
  {
    id: 'svg-foreignobject',
    description: '<foreignObject embeds HTML inside SVG — can execute scripts',
    pattern: /<foreignObject[\s>/]/i,
  },
  {
    id: 'svg-use-external',
    description: '<use xlink:href or href pointing to external resource (non-fragment URL)',
    // Match <use with href= where the value starts with a non-# character (external URL)
    // [\"'][^#] catches quoted values not starting with #; [^\"'#\s>] catches unquoted
    pattern: /<use[\s\S]{0,60}(?:xlink\s*:\s*)?href\s*=\s*(?:["'][^#]|[^"'#\s>])/i,
  },
  {
    id: 'svg-animate-href',
    description: '<animate attributeName="href" — can dynamically change href to javascript:',
    pattern: /<animate[\s\S]{0,80}attributeName\s*=\s*["'][\s]*href["']/i,
  },
  {
    id: 'svg-animate-xlinkhref',
    description: '<animate attributeName="xlink:href"',
    pattern: /<animate[\s\S]{0,80}attributeName\s*=\s*["'][\s]*xlink\s*:\s*href["']/i,
  },
  {
    id: 'svg-set-javascript',
    description: '<set to="javascript:..." — sets an attribute to a javascript: URI',
    pattern: /<set[\s\S]{0,80}to\s*=\s*["']?\s*javascript\s*:/i,
  },
  {
    id: 'svg-event-handler',
    description: 'SVG-specific event handler attributes: onload=, onerror=, onactivate=, etc.',
    pattern: /\bon(?:load|error|activate|begin|end|repeat|focus|blur|click|mouse\w{1,20}|key\w{1,20})\s*=/i,
  },
  {
    id: 'svg-handler-generic',
    description: 'Generic on* handler catch-all for SVG attributes',
    pattern: /\bon\w{1,30}\s*=/i,
  },
  {
    id: 'svg-filter-feimage',
    description: '<feImage href= — filter primitive that can load external resources',
    pattern: /<feImage[\s\S]{0,80}(?:xlink\s*:\s*)?href\s*=/i,
  },
  {
    id: 'svg-image-external',
    description: '<image xlink:href with http/https or javascript protocol',
    pattern: /<image[\s\S]{0,80}(?:xlink\s*:\s*)?href\s*=\s*["']?\s*(?:https?|javascript)\s*:/i,
  },
  {
    id: 'svg-style-javascript',
    description: 'style= attribute containing javascript: (e.g. background:url(javascript:...))',
    pattern: /style\s*=[\s\S]{0,60}javascript\s*:/i,
  },
];

/* harmony default export */ const svg = (SVG_PATTERNS);

;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/node_modules/is-unsafe/src/contexts/sql.js
/**
 * SQL context patterns — high-precision rules only.
 *
 * These rules have very low false-positive risk and are safe to apply to
 * general user text (names, descriptions, search queries, etc.).
 * All patterns are ReDoS-safe — unlike the `sql-injection` npm package
 * which has an active CVE on its own detection regexes.
 *
 * For exhaustive coverage including noisier heuristics (comment sequences,
 * hex literals, stacked queries with semicolons), use 'SQL-STRICT' instead.
 * Apply 'SQL-STRICT' only to strings that are specifically SQL fragments,
 * not to general free-text fields.
 */

const SQL_PATTERNS = [
  {
    id: 'sql-block-comment-open',
    description: 'SQL block comment open: /* ... */ — unusual in legitimate user text',
    pattern: /\/\*/,
  },
  {
    id: 'sql-union-select',
    description: 'UNION SELECT — most common SQL injection aggregation attack',
    pattern: /\bUNION\s{1,20}(?:ALL\s{1,20})?SELECT\b/i,
  },
  {
    id: 'sql-drop-table',
    description: 'DROP TABLE — destructive DDL injection',
    pattern: /\bDROP\s{1,20}TABLE\b/i,
  },
  {
    id: 'sql-drop-database',
    description: 'DROP DATABASE — destructive DDL injection',
    pattern: /\bDROP\s{1,20}DATABASE\b/i,
  },
  {
    id: 'sql-insert-into',
    description: 'INSERT INTO — data injection',
    pattern: /\bINSERT\s{1,20}INTO\b/i,
  },
  {
    id: 'sql-delete-from',
    description: 'DELETE FROM — data deletion injection',
    pattern: /\bDELETE\s{1,20}FROM\b/i,
  },
  {
    id: 'sql-update-set',
    description: 'UPDATE ... SET — data modification injection',
    // Allows arbitrary content between UPDATE and SET (table name, alias, etc.)
    pattern: /\bUPDATE\b[\s\S]{1,60}\bSET\b/i,
  },
  {
    id: 'sql-exec-xp',
    description: 'EXEC xp_ — MSSQL extended stored procedure execution',
    pattern: /\bEXEC(?:UTE)?\s{1,20}xp_/i,
  },
  {
    id: 'sql-tautology-string',
    description: "Classic string tautology: ' OR '1'='1 or \" OR \"1\"=\"1\"",
    // Last quote is optional — injection may truncate it: ' OR '1'='1--
    pattern: /'\s{0,10}OR\s{0,10}'[^']{0,20}'\s*=\s*'[^']{0,20}/i,
  },
  {
    id: 'sql-tautology-numeric',
    description: 'Numeric tautology: OR 1=1',
    pattern: /\bOR\s{1,10}1\s*=\s*1\b/i,
  },
  {
    id: 'sql-always-true-zero',
    description: 'Numeric tautology: OR 0=0',
    pattern: /\bOR\s{1,10}0\s*=\s*0\b/i,
  },
  {
    id: 'sql-sleep-benchmark',
    description: 'Time-based blind injection: SLEEP() or BENCHMARK()',
    pattern: /\b(?:SLEEP|BENCHMARK)\s*\(/i,
  },
  {
    id: 'sql-waitfor-delay',
    description: 'MSSQL time-based blind injection: WAITFOR DELAY',
    pattern: /\bWAITFOR\s{1,20}DELAY\b/i,
  },
  {
    id: 'sql-char-function',
    description: 'CHAR() function — used to obfuscate injected strings',
    pattern: /\bCHAR\s*\(\s*\d{1,3}/i,
  },
  {
    id: 'sql-information-schema',
    description: 'INFORMATION_SCHEMA — reconnaissance query for table/column enumeration',
    pattern: /\bINFORMATION_SCHEMA\b/i,
  },
];

/* harmony default export */ const sql = (SQL_PATTERNS);

;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/node_modules/is-unsafe/src/contexts/sql-strict.js
/**
 * SQL-STRICT context patterns.
 *
 * Extends the base 'SQL' context with three additional rules that are
 * effective at detecting real injections but carry a higher false-positive
 * risk on general free-text input.
 *
 * Use 'SQL-STRICT' when:
 *   - The string is specifically a SQL fragment or database identifier
 *   - You control the input domain (e.g. a dedicated SQL search field)
 *   - You can tolerate occasional false positives in exchange for broader coverage
 *
 * Use 'SQL' (not STRICT) when:
 *   - The field is general user text (names, descriptions, comments)
 *   - False positives would block legitimate content (e.g. "see note -- above")
 *
 * Rules moved here from 'SQL' due to false-positive risk:
 *
 *   sql-line-comment   — "--" fires on "see note -- above", "value--", CSS var(--primary)
 *   sql-stacked-query  — "; SELECT" fires on legitimate prose with semicolons + SQL words
 *   sql-hex-encoding   — "0xDEAD" fires on hex values in technical docs and log output
 */



const SQL_STRICT_EXTRA = [
  {
    id: 'sql-line-comment',
    description: 'SQL line comment: -- followed by whitespace or end of string',
    pattern: /--(?:\s|$)/,
  },
  {
    id: 'sql-stacked-query',
    description: 'Stacked queries: semicolon immediately followed by a SQL keyword',
    pattern: /;\s{0,10}(?:SELECT|INSERT|UPDATE|DELETE|DROP|CREATE|ALTER|EXEC)\b/i,
  },
  {
    id: 'sql-hex-encoding',
    description: 'Hex-encoded string injection: 0x41414141 style (MySQL)',
    pattern: /\b0x[0-9a-f]{4,}/i,
  },
];

// SQL-STRICT = all base SQL rules + the three noisy extras
const SQL_STRICT_PATTERNS = [...sql, ...SQL_STRICT_EXTRA];

/* harmony default export */ const sql_strict = (SQL_STRICT_PATTERNS);

;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/node_modules/is-unsafe/src/contexts/shell.js
/**
 * SHELL context patterns.
 *
 * Detects shell injection vectors and path traversal patterns.
 * Designed for use when a string will be passed to a shell command,
 * used as a file path, or interpolated into OS-level operations.
 */

const SHELL_PATTERNS = [
  {
    id: 'shell-path-traversal-unix',
    description: 'Unix path traversal: ../  — climbing the directory tree',
    pattern: /\.\.\//,
  },
  {
    id: 'shell-path-traversal-windows',
    description: 'Windows path traversal: ..\\ — climbing the directory tree',
    pattern: /\.\.\\/,
  },
  {
    id: 'shell-path-traversal-encoded',
    description: 'URL-encoded path traversal: %2e%2e or %2f variants',
    pattern: /%2e%2e|%2f\.\.|\.\.%2f/i,
  },
  {
    id: 'shell-null-byte',
    description: 'Null byte injection: \\x00 or %00 — truncates strings in C-backed functions',
    pattern: /\x00|%00/,
  },
  {
    id: 'shell-semicolon',
    description: 'Semicolon command separator: cmd1; cmd2',
    pattern: /;/,
  },
  {
    id: 'shell-pipe',
    description: 'Pipe operator: cmd1 | cmd2',
    pattern: /\|/,
  },
  {
    id: 'shell-and-operator',
    description: 'AND operator: cmd1 && cmd2',
    pattern: /&&/,
  },
  {
    id: 'shell-or-operator',
    description: 'OR operator: cmd1 || cmd2',
    pattern: /\|\|/,
  },
  {
    id: 'shell-backtick',
    description: 'Backtick command substitution: `cmd`',
    pattern: /`/,
  },
  {
    id: 'shell-dollar-paren',
    description: 'Dollar-paren command substitution: $(cmd)',
    pattern: /\$\(/,
  },
  {
    id: 'shell-dollar-brace',
    description: 'Dollar-brace variable expansion: ${var} — can be abused for injection',
    pattern: /\$\{/,
  },
  {
    id: 'shell-redirect-out',
    description: 'Output redirection: cmd > file or cmd >> file',
    pattern: />{1,2}/,
  },
  {
    id: 'shell-redirect-in',
    description: 'Input redirection: cmd < file',
    pattern: /</,
  },
  {
    id: 'shell-newline-injection',
    description: 'Newline injection: \\n or \\r — can inject new shell commands',
    pattern: /[\n\r]/,
  },
  {
    id: 'shell-glob-star',
    description: 'Glob expansion: * or ? — can expand to unintended files',
    // Only flag when combined with path separators to reduce false positives
    pattern: /[/\\][*?]/,
  },
  {
    id: 'shell-absolute-root',
    description: 'Absolute root path injection: string starting with / or \\ (Windows UNC)',
    pattern: /^(?:\/|\\\\)/,
  },
  {
    id: 'shell-windows-drive',
    description: 'Windows drive letter path injection: C:\\ or D:/',
    pattern: /^[a-zA-Z]:[/\\]/,
  },
  {
    id: 'shell-curl-wget',
    description: 'curl/wget with URL or flags — can exfiltrate data or download payloads',
    // Require a URL scheme (http/https/ftp) or a flag (-) to reduce false positives
    // "curl is a tool" won't match; "curl http://..." or "curl -s ..." will
    pattern: /\b(?:curl|wget)\s+(?:https?:\/\/|ftp:\/\/|-)/i,
  },
];

/* harmony default export */ const shell = (SHELL_PATTERNS);

;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/node_modules/is-unsafe/src/contexts/redos.js
/**
 * REDOS context patterns.
 *
 * Detects strings that, if used as regular expressions, could cause
 * catastrophic backtracking (ReDoS — Regular Expression Denial of Service).
 *
 * These patterns detect the structural forms that lead to exponential or
 * polynomial backtracking in NFA-based regex engines (V8, PCRE, Java, etc.).
 *
 * Use this context when user-supplied strings will be compiled into RegExp objects.
 */

const REDOS_PATTERNS = [
  {
    id: 'redos-nested-quantifier-plus',
    description: 'Nested + quantifier inside a group with outer quantifier: (a+)+, (.+b)*, etc.',
    // Matches any group containing a + quantifier, with an outer * or + — catches (a+)+, (.+b)*, etc.
    pattern: /\([^)]*\+[^)]*\)[+*]/,
  },
  {
    id: 'redos-nested-quantifier-star',
    description: 'Nested * quantifier: (a*)* or (a*)+ — catastrophic backtracking',
    pattern: /\([^)]*\*[^)]*\)[*+]/,
  },
  {
    id: 'redos-nested-groups',
    description: 'Doubly nested quantified groups: ((a+)+) — guaranteed catastrophic',
    pattern: /\(\([^)]{0,40}\)[+*]\)[+*]/,
  },
  {
    id: 'redos-alternation-overlap',
    description: 'Overlapping alternation under quantifier: (a|a)+ — ambiguous NFA paths',
    // Detect repeated identical alternatives under a quantifier
    pattern: /\(([^|()]{1,20})\|(?:\1)(?:\|[^|()]{1,20}){0,5}\)[+*?]{1,2}/,
  },
  {
    id: 'redos-star-plus-concat',
    description: '(x*x)+ pattern — triggers super-linear backtracking',
    pattern: /\([^)]{0,10}\*[^)]{0,10}\)[+*]/,
  },
  {
    id: 'redos-dot-star-greedy',
    description: '(.*){n,} or (.+){n,} — repeated greedy dot quantifiers',
    pattern: /\(\.[*+]\)\{?\d/,
  },
  {
    id: 'redos-large-repetition',
    description: 'Very large fixed or range repetition count {1000,} or {1000,n} — denial of service via backtracking',
    // Matches { followed by 4+ digits (≥1000), then optional ,digits }
    pattern: /\{\d{4,}(?:,\d*)?\}/,
  },
  {
    id: 'redos-catastrophic-alternation',
    description: 'Long alternation with many similar branches — polynomial backtracking risk',
    // Heuristic: 10+ pipe-separated alternatives in a single group
    pattern: /\([^)]{0,200}(?:\|[^|)]{0,50}){9,}\)/,
  },
];

/* harmony default export */ const redos = (REDOS_PATTERNS);

;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/node_modules/is-unsafe/src/contexts/nosql.js
/**
 * NOSQL context patterns.
 *
 * Detects injection vectors specific to NoSQL databases (primarily MongoDB)
 * and JavaScript-evaluated queries.
 *
 * Attack categories:
 *   1. MongoDB query operator injection: $where, $ne, $gt, $regex, $or, $and, etc.
 *      These operators, when injected into a JSON query object, can bypass
 *      authentication or exfiltrate data without knowing passwords.
 *
 *   2. JavaScript execution: $where clauses execute arbitrary JS server-side.
 *
 *   3. Prototype pollution: __proto__, constructor.prototype — can corrupt
 *      the prototype chain of all objects in the Node.js process.
 *
 * Pattern note: MongoDB operators appear as JSON keys. In JSON, keys are
 * quoted: {"$where": ...} so the pattern must allow an optional closing
 * quote between the operator name and the colon: /\$where["'\s]*:/
 */

// Shared suffix: optional closing quote/whitespace before the colon
// Handles: $op: (bare), "$op": (JSON), '$op': (single-quoted)
const SEP = /["'\s]*:/;
const sep = '["\'\\s]*:';

const NOSQL_PATTERNS = [
  // ─── MongoDB $ operator injection ────────────────────────────────────────
  {
    id: 'nosql-where-operator',
    description: '$where — executes arbitrary JavaScript server-side in MongoDB',
    pattern: new RegExp(`\\$where${sep}`, 'i'),
  },
  {
    id: 'nosql-ne-operator',
    description: '$ne — "not equal" operator used to bypass equality checks',
    pattern: new RegExp(`\\$ne${sep}`, 'i'),
  },
  {
    id: 'nosql-gt-operator',
    description: '$gt — "greater than" used to bypass password/value checks',
    pattern: new RegExp(`\\$gte?${sep}`, 'i'),
  },
  {
    id: 'nosql-lt-operator',
    description: '$lt / $lte — "less than" bypass variants',
    pattern: new RegExp(`\\$lte?${sep}`, 'i'),
  },
  {
    id: 'nosql-regex-operator',
    description: '$regex — can be used to extract data character by character (blind injection)',
    pattern: new RegExp(`\\$regex${sep}`, 'i'),
  },
  {
    id: 'nosql-or-operator',
    description: '$or — logical OR; used to create always-true conditions',
    pattern: new RegExp(`\\$or${sep}\\s*\\[`, 'i'),
  },
  {
    id: 'nosql-and-operator',
    description: '$and — logical AND operator injection',
    pattern: new RegExp(`\\$and${sep}\\s*\\[`, 'i'),
  },
  {
    id: 'nosql-nor-operator',
    description: '$nor — logical NOR operator injection',
    pattern: new RegExp(`\\$nor${sep}\\s*\\[`, 'i'),
  },
  {
    id: 'nosql-exists-operator',
    description: '$exists — can enumerate fields to determine schema',
    pattern: new RegExp(`\\$exists${sep}`, 'i'),
  },
  {
    id: 'nosql-in-operator',
    description: '$in — matches any value in a list; can enumerate values',
    pattern: new RegExp(`\\$in${sep}\\s*\\[`, 'i'),
  },
  {
    id: 'nosql-expr-operator',
    description: '$expr — allows aggregation expressions in queries (MongoDB 3.6+)',
    pattern: new RegExp(`\\$expr${sep}`, 'i'),
  },
  {
    id: 'nosql-function-operator',
    description: '$function — executes arbitrary JavaScript in MongoDB 4.4+',
    pattern: new RegExp(`\\$function${sep}`, 'i'),
  },
  {
    id: 'nosql-accumulator-operator',
    description: '$accumulator — custom aggregation with arbitrary JS execution',
    pattern: new RegExp(`\\$accumulator${sep}`, 'i'),
  },
  // ─── Prototype pollution ─────────────────────────────────────────────────
  {
    id: 'nosql-proto-pollution',
    description: '__proto__ — prototype pollution via object key injection',
    pattern: /__proto__/,
  },
  {
    id: 'nosql-constructor-prototype',
    description: 'constructor.prototype — alternative prototype pollution vector (dot notation or JSON key)',
    // Matches dot-notation (obj.constructor.prototype) and JSON key adjacency
    // ("constructor": {"prototype": ...})
    pattern: /constructor[\s"':.,{\[]*prototype/i,
  },
  {
    id: 'nosql-proto-bracket',
    description: '["__proto__"] — bracket-notation prototype pollution',
    pattern: /\[["']__proto__["']\]/,
  },
];

/* harmony default export */ const nosql = (NOSQL_PATTERNS);

;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/node_modules/is-unsafe/src/contexts/log.js
/**
 * LOG context patterns.
 *
 * Detects injection vectors that are dangerous when a string is written
 * to a log file, passed to a logging framework, or interpolated into
 * a log message that will be parsed or displayed.
 *
 * Attack categories:
 *   1. CRLF injection — injects fake log lines by embedding newlines
 *   2. Log4Shell (CVE-2021-44228) — ${jndi:...} triggers JNDI lookup in Log4j
 *   3. SSTI in log templates — {{...}}, #{...} trigger template evaluation
 *      if the log message is passed through a template engine
 *   4. Null byte injection — truncates log entries in some implementations
 *   5. ANSI escape injection — manipulates terminal output when logs are
 *      tailed in a terminal (colour codes, cursor movement, etc.)
 *
 * Note: Newline characters (\n, \r) will produce false positives for
 * multi-line legitimate values. Use this context only for single-line
 * log field values (usernames, IDs, request parameters, etc.).
 */

const LOG_PATTERNS = [
  // ─── CRLF / newline injection ─────────────────────────────────────────────
  {
    id: 'log-crlf-injection',
    description: 'CRLF injection: literal \\r or \\n embeds fake log lines',
    pattern: /[\r\n]/,
  },
  {
    id: 'log-url-encoded-crlf',
    description: 'URL-encoded CRLF: %0d, %0a, %0D, %0A — decoded by some log parsers',
    pattern: /%0[dDaA]/,
  },
  {
    id: 'log-unicode-newline',
    description: 'Unicode newline variants: U+2028 (line separator), U+2029 (paragraph separator)',
    pattern: /[\u2028\u2029]/,
  },

  // ─── Log4Shell / JNDI injection (CVE-2021-44228) ─────────────────────────
  {
    id: 'log-log4shell-jndi',
    description: 'Log4Shell: ${jndi:...} triggers remote code execution in Apache Log4j',
    pattern: /\$\{jndi\s*:/i,
  },
  {
    id: 'log-log4shell-obfuscated',
    description: 'Obfuscated Log4Shell: ${::-j}... lookup-bypass prefix used to evade WAF detection',
    // ${::- is the Log4j lookup-bypass escape sequence; presence alone is suspicious
    pattern: /\$\{::-/,
  },
  {
    id: 'log-log4j-lookup',
    description: 'Log4j lookup syntax: ${env:...}, ${sys:...}, ${ctx:...} — data exfiltration',
    pattern: /\$\{(?:env|sys|ctx|main|map|sd|web|docker|k8s|spring)\s*:/i,
  },

  // ─── Server-Side Template Injection (SSTI) in log messages ───────────────
  {
    id: 'log-ssti-double-brace',
    description: 'SSTI double-brace: {{expression}} — Jinja2, Twig, Handlebars, etc.',
    pattern: /\{\{[\s\S]{0,80}\}\}/,
  },
  {
    id: 'log-ssti-hash-brace',
    description: 'SSTI hash-brace: #{expression} — Thymeleaf, Velocity, Ruby ERB',
    pattern: /#\{[\s\S]{0,80}\}/,
  },
  {
    id: 'log-ssti-dollar-brace',
    description: 'SSTI/EL injection: ${expression with operators or method calls} — JSP EL, Freemarker, SpEL',
    // Require that the ${...} content looks like an expression, not a plain variable name.
    // Flags if the content contains: . ( * + operators, or known SSTI keywords.
    // This avoids flagging ${PATH}, ${HOME} etc. (plain shell variables).
    pattern: /\$\{[^}]*(?:\.|\(|\*|\+|\bclass\b|\bruntime\b|\bprocess\b|\bexec\b)[^}]{0,80}\}/i,
  },
  {
    id: 'log-ssti-percent-tag',
    description: 'SSTI ERB/ASP tag: <%= expression %> — Ruby ERB, ASP',
    pattern: /<%=[\s\S]{0,80}%>/,
  },

  // ─── Null byte ────────────────────────────────────────────────────────────
  {
    id: 'log-null-byte',
    description: 'Null byte: \\x00 or %00 — can truncate log entries in C-backed loggers',
    pattern: /\x00|%00/,
  },

  // ─── ANSI escape injection ────────────────────────────────────────────────
  {
    id: 'log-ansi-escape',
    description: 'ANSI escape sequence: ESC[ — can manipulate terminal output when logs are tailed',
    pattern: /\x1b\[/,
  },
];

/* harmony default export */ const log = (LOG_PATTERNS);

;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/node_modules/is-unsafe/src/registry.js
/**
 * Context registry — maps context name strings to their pattern arrays.
 *
 * Adding a new context: create a file in ./contexts/, export a default array
 * of pattern objects, and register it here.
 *
 * Context name guide:
 *   SQL        — high-precision rules; safe for general text fields
 *   SQL-STRICT — SQL + three noisier rules (line comments, stacked queries, hex);
 *                use only for SQL-specific inputs
 *   REDOS      — detects ReDoS-prone patterns when string will be compiled as RegExp
 */











/** @type {Record<string, Array<{id: string, description: string, pattern: RegExp}>>} */
const registry_CONTEXT_REGISTRY = {
  HTML: html,
  XML: xml,
  SVG: svg,
  SQL: sql,
  'SQL-STRICT': sql_strict,
  SHELL: shell,
  REDOS: redos,
  NOSQL: nosql,
  LOG: log,
};

/* harmony default export */ const registry = (registry_CONTEXT_REGISTRY);

/**
 * Enum of valid context names — e.g. `VALID_CONTEXTS.HTML === 'HTML'`.
 * @type {Record<string, string>}
 */
const VALID_CONTEXTS = Object.freeze(
  Object.fromEntries(Object.keys(registry_CONTEXT_REGISTRY).map((k) => [k, k]))
);
;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/node_modules/is-unsafe/src/index.js
/**
 * is-unsafe
 *
 * Zero-dependency, DOM-free, pure predicate for detecting unsafe strings
 * across HTML, XML, SVG, SQL, SQL-STRICT, SHELL, REDOS, NOSQL, and LOG contexts.
 *
 * @module is-unsafe
 */



/**
 * @typedef {'HTML'|'XML'|'SVG'|'SQL'|'SQL-STRICT'|'SHELL'|'REDOS'|'NOSQL'|'LOG'} ContextName
 */

/**
 * @typedef {Object} MatchResult
 * @property {string} context   - The context in which the match was found
 * @property {string} id        - Rule identifier
 * @property {string} description - Human-readable description of what was matched
 * @property {RegExp} pattern   - The pattern that matched
 */

// ─── Validation helpers ────────────────────────────────────────────────────

/**
 * Validate that `value` is a string. Throws TypeError if not.
 * @param {unknown} value
 */
function assertString(value) {
  if (typeof value !== 'string') {
    throw new TypeError(
      `is-unsafe: first argument must be a string, got ${typeof value}`
    );
  }
}

/**
 * Validate that `context` is a recognised context name, an array of them,
 * or a RegExp instance. Throws TypeError if not.
 * @param {ContextName|ContextName[]|RegExp} context
 */
function assertContext(context) {
  if (context instanceof RegExp) return;

  if (typeof context === 'string') {
    if (!registry[context]) {
      throw new TypeError(
        `is-unsafe: unknown context "${context}". Valid contexts: ${Object.keys(VALID_CONTEXTS).join(', ')}`
      );
    }
    return;
  }

  if (Array.isArray(context)) {
    if (context.length === 0) {
      throw new TypeError('is-unsafe: context array must not be empty');
    }
    for (const c of context) {
      if (typeof c !== 'string' || !registry[c]) {
        throw new TypeError(
          `is-unsafe: unknown context "${c}" in array. Valid contexts: ${Object.keys(VALID_CONTEXTS).join(', ')}`
        );
      }
    }
    return;
  }

  throw new TypeError(
    `is-unsafe: second argument must be a context string, array of context strings, or RegExp. Got: ${typeof context}`
  );
}

// ─── Core matching logic ───────────────────────────────────────────────────

/**
 * Test a single value against one named context's patterns.
 * Returns the first matching MatchResult, or null if nothing matched.
 *
 * @param {string} value
 * @param {string} contextName
 * @returns {MatchResult|null}
 */
function matchContext(value, contextName) {
  const patterns = registry[contextName];
  for (const rule of patterns) {
    if (rule.pattern.test(value)) {
      return { context: contextName, id: rule.id, description: rule.description, pattern: rule.pattern };
    }
  }
  return null;
}

// ─── Public API ───────────────────────────────────────────────────────────

/**
 * Returns `true` if `value` is unsafe in the given context(s), `false` otherwise.
 *
 * @param {string} value           - The string to test
 * @param {ContextName|ContextName[]|RegExp} context
 *   - A named context ('HTML', 'XML', 'SVG', 'SQL', 'SQL-STRICT', 'SHELL', 'REDOS', 'NOSQL', 'LOG')
 *   - An array of named contexts — returns true if unsafe in **any** of them
 *   - A custom RegExp — returns true if the pattern matches
 * @returns {boolean}
 *
 * @example
 * isUnsafe('<script>alert(1)</script>', 'HTML')  // true
 * isUnsafe('hello world', 'HTML')                // false
 * isUnsafe('value', ['HTML', 'SQL'])             // false
 * isUnsafe('value', /my-pattern/i)               // false
 */
function isUnsafe(value, context) {
  assertString(value);
  assertContext(context);

  // Custom RegExp — caller-supplied pattern
  if (context instanceof RegExp) {
    return context.test(value);
  }

  // Single named context
  if (typeof context === 'string') {
    return matchContext(value, context) !== null;
  }

  // Array of named contexts — unsafe if ANY context matches
  for (const c of context) {
    if (matchContext(value, c) !== null) return true;
  }
  return false;
}

/**
 * Like `isUnsafe`, but instead of a boolean returns the first `MatchResult`
 * describing **why** the value was flagged, or `null` if it is safe.
 *
 * Useful for logging, error messages, or policy reporting.
 *
 * @param {string} value
 * @param {ContextName|ContextName[]|RegExp} context
 * @returns {MatchResult|null}
 *
 * @example
 * whyUnsafe('<script>alert(1)</script>', 'HTML')
 * // { context: 'HTML', id: 'html-script-open', description: '...', pattern: /.../ }
 */
function whyUnsafe(value, context) {
  assertString(value);
  assertContext(context);

  if (context instanceof RegExp) {
    return context.test(value)
      ? { context: 'CUSTOM', id: 'custom-regex', description: 'Matched caller-supplied pattern', pattern: context }
      : null;
  }

  if (typeof context === 'string') {
    return matchContext(value, context);
  }

  for (const c of context) {
    const result = matchContext(value, c);
    if (result !== null) return result;
  }
  return null;
}

/**
 * Returns all matching rules across the given context(s), or an empty array
 * if the value is safe. Useful for comprehensive auditing.
 *
 * @param {string} value
 * @param {ContextName|ContextName[]|RegExp} context
 * @returns {MatchResult[]}
 */
function allUnsafe(value, context) {
  assertString(value);
  assertContext(context);

  const results = [];

  if (context instanceof RegExp) {
    if (context.test(value)) {
      results.push({ context: 'CUSTOM', id: 'custom-regex', description: 'Matched caller-supplied pattern', pattern: context });
    }
    return results;
  }

  const contexts = typeof context === 'string' ? [context] : context;

  for (const c of contexts) {
    const patterns = CONTEXT_REGISTRY[c];
    for (const rule of patterns) {
      if (rule.pattern.test(value)) {
        results.push({ context: c, id: rule.id, description: rule.description, pattern: rule.pattern });
      }
    }
  }

  return results;
}


/* harmony default export */ const is_unsafe_src = ((/* unused pure expression or super */ null && (isUnsafe)));
;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/src/ValueParsers/BaseValueParser.js
class BaseValueParser {
  constructor(IS_FINAL = false) {
    this.IS_FINAL = IS_FINAL;
  }
  /**
    * Called once per parse by `ValueParserPipeline` after construction.
    * Subclasses that need shared XML metadata (version, entities) read it
    * from `ctx` lazily inside `parse()` — it is fully populated by the time
    * the first value is parsed.
    * @param {import('../ValueParser.js').SharedContext} ctx
    */
  init(ctx) { // By ValueParserPipeline
    this.ctx = ctx;
  }

  /**
   * Reset internal state between document parses.
   * Called by `BaseOutputBuilderFactory.resetValueParsers()` before each parse.
   * Stateful subclasses (e.g. `EntityParser`) must override this.
   */
  reset() {
    //Do nothing
  }

  /**
   * Transform `val` and return the result.
   * Return a `FinalValue` instance to stop the pipeline early (unless
   * `this.IS_FINAL` is false, in which case the pipeline continues).
   *
   * @param {*}      val
   * @param {import('../ValueParser.js').Context} [runTimeContext]
   * @returns {*}
   */
  parse(val, runTimeContext) {
    throw new Error("You must implement parse() in a value parser.");
  }

}

;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/src/ValueParsers/EntityParser.js





const EntityParser_defaultOptions = {
  namedEntities: { ...XML },
  numericAllowed: true,
  //limit: {},
  onInputEntity: (name, value) =>
    isUnsafe(value, [VALID_CONTEXTS.XML])
      ? ENTITY_ACTION.BLOCK : ENTITY_ACTION.ALLOW,
}

class EntityParser extends BaseValueParser {
  #seen = false;
  #decoder = null;
  #options = null;
  /**
   * @param {object} options 
   * @param {boolean} isFinal true if it should skip rest of the value parsers in the chain
   */
  constructor(options, isFinal = false) { // By user options (optional)
    super(isFinal);
    this.#options = {
      ...EntityParser_defaultOptions,
      ...(options || {}),
      // Additive merge: user-supplied namedEntities extend, not replace, the defaults.
      namedEntities: { ...EntityParser_defaultOptions.namedEntities, ...(options?.namedEntities || {}) },
    };
  }

  #ensureDecoder() {
    if (!this.#decoder) {
      this.#decoder = new EntityDecoder(this.#options);
    }
    if (!this.#seen) {
      const version = this.ctx?.get('xmlVersion');
      const entities = this.ctx?.get('inputEntities');
      if (version) this.#decoder.setXmlVersion(version);
      if (entities) this.#decoder.addInputEntities(entities);
      this.#seen = true;
    }
  }

  reset() {
    this.#seen = false;
    if (this.#decoder) {
      this.#decoder.reset();
    }
  }

  parse(val) {
    if (typeof val !== 'string') return val;
    this.#ensureDecoder();
    return this.#decoder.decode(val);
  }

}

;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/src/ValueParsers/WSNormalizer.js


// import { FinalValue } from "./../ValueParser.js"

/**
 * Whitespace-normalizing value parser.
 *
 * Collapses runs of whitespace (spaces, tabs, newlines) to a single space
 * and trims leading/trailing whitespace from string tag values. Replaces
 * the `'trim'` parser in the default chain.
 *
 * Normalization is skipped when any of these conditions hold:
 *  1. The value is not a string.
 *  2. The element is an attribute.
 *  3. Any ancestor element has `xml:space="preserve"` (requires the XML
 *     parser to be configured with `{ keep: ['space'] }` on that tag).
 *  4. The current tag path matches a user-supplied exclusion expression
 *     (e.g. `["..pre", "..code", "..script"]`).
 *
 * @example
 * import { WSNormalizer } from '@nodable/base-output-builder';
 * import { CompactBuilderFactory } from '@nodable/compact-builder';
 *
 * const ws = new WSNormalizer({ tags: ['..pre', '..code'] });
 * const builder = new CompactBuilderFactory({
 *   tags: { valueParsers: ['entity', ws, 'boolean', 'number'] },
 * });
 */
class WSNormalizer extends BaseValueParser {
  /**
   * @param {{ exclude?: Array<string|import('path-expression-matcher').Expression> }} [options]
   *   `exclude` — paths whose whitespace should be left untouched (e.g. `["..pre", "..code"]`).
   *   Accepts plain expression strings or pre-built `Expression` objects.
   */
  constructor(options, isFinal = false) {
    super(isFinal);
    const exclude = options?.exclude ?? [];

    const set = new ExpressionSet/* default */.A();
    for (const entry of exclude) {
      set.add(typeof entry === 'string' ? new Expression/* default */.A(entry) : entry);
    }
    set.seal();

    /** @type {ExpressionSet} */
    this._excludeSet = set;
  }

  /**
   * Normalize whitespace in `val` unless an exclusion condition applies.
   *
   * @param {*}      val
   * @param {import('../ValueParser.js').Context} [ctx]
   * @returns {*}
   */
  parse(val, ctx) {
    if (typeof val !== 'string') return val;

    if (ctx) {
      // Only normalize element text, not attribute values
      if (ctx.isAttribute) return val;

      if (ctx.matcher) {
        // Respect xml:space="preserve" on any ancestor
        if (ctx.matcher.getAnyParentAttr('xml:space') === 'preserve') return val;

        // Respect user-configured exclusion paths
        if (this._excludeSet.size > 0 && this._excludeSet.matchesAny(ctx.matcher)) return val;
      }
    }

    return normalizeSpaces(val);
  }
}

/**
 * Collapse all whitespace runs to a single space and trim both ends.
 *
 * @param {string} str
 * @returns {string}
 */
function normalizeSpaces(str) {
  return str.replace(/[ \t\r\n]+/g, ' ').trim();
}

;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/src/ValueParsers/trim.js

// import { FinalValue } from "./../ValueParser.js"

class trimmer extends BaseValueParser {
    parse(val) {
        if (typeof val === "string") return val.trim();
        else return val;
    }
}

;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/src/ValueParsers/booleanParser.js



class boolParser extends BaseValueParser {
    constructor(trueList, falseList, isFinal = false) {
        super(isFinal)
        if (trueList)
            this.trueList = trueList;
        else
            this.trueList = ["true"];

        if (falseList)
            this.falseList = falseList;
        else
            this.falseList = ["false"];
    }
    parse(val) {
        if (typeof val === 'string') {
            //TODO: performance: don't convert
            const temp = val.toLowerCase();
            if (this.trueList.indexOf(temp) !== -1) return this.IS_FINAL ? new FinalValue(true) : true;
            else if (this.falseList.indexOf(temp) !== -1) return this.IS_FINAL ? new FinalValue(false) : false;
        }
        return val;
    }
}

// EXTERNAL MODULE: ./node_modules/strnum/strnum.js + 2 modules
var strnum = __webpack_require__(1254);
;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/src/ValueParsers/number.js




/**
 * Number parser class that wraps the strnum toNumber function
 * Provides consistent API for value parsing in flexible-xml-parser
 */
class numParser extends BaseValueParser {
  constructor(options, isFinal = false) {
    super(isFinal);
    this.options = options || {};
  }

  /**
   * Parse a value, converting strings to numbers based on options
   * @param {*} val - Value to parse
   * @returns {*} Parsed value (number if successfully parsed, otherwise original value)
   */
  parse(val) {
    if (typeof val === 'string') {
      const newval = (0,strnum/* default */.A)(val, this.options);
      if (typeof newval !== val) {
        return this.IS_FINAL ? new FinalValue(newval) : newval;
      }
    }
    return val;
  }
}

;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/src/ValueParserRegistry.js






// import currencyParser from './ValueParsers/currency.js';



const defaultValParsers = {
  "entity": new EntityParser(),
  "trim": new trimmer(),
  "ws": new WSNormalizer(),
  "boolean": new boolParser(),
  "number": new numParser({ hex: true, leadingZeros: true, eNotation: true }),
  // "currency": new currencyParser(),
};

class ValueParserRegistry {
  constructor() {
    this.registered = { ...defaultValParsers };
  }

  /**
   * @param {string} name
   * @param {BaseValueParser} parser
   */
  register(name, parser) {
    if (!name || typeof name !== 'string') {
      throw new Error('name must be a string');
    }
    if (!parser) {
      throw new Error('parser is required');
    }
    if (!parser.reset || typeof parser.reset !== 'function') {
      throw new Error('parser must implement reset()');
    }
    if (!parser.parse || typeof parser.parse !== 'function') {
      throw new Error('parser must implement parse()');
    }
    this.registered[name] = parser;
  }

  reset(name) {
    this.registered[name]?.reset();
  }

  resetAll() {
    for (const vp in this.registered) {
      this.registered[vp]?.reset();
    }
  }

  /**
   * 
   * @param {string} name 
   * @returns {BaseValueParser}
   */
  get(name) {
    const ret = this.registered[name];
    if (!ret) {
      throw new Error('parser not found: ' + name);
    }
    return ret;
  }
}
;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/src/ValueParser.js



/**
 * Context object passed to every value parser's `parse(val, context)` call.
 */
class Context {
  /**
   * @param {string}                elementName   Tag or attribute name
   * @param {import('path-expression-matcher').MatcherView} matcher  Read-only path inspector
   * @param {boolean|null}          isLeafNode    True when element has no child elements
   * @param {boolean}          isAttribute    True when attribute type
   */
  constructor(elementName, matcher, isLeafNode, isAttribute = false) {
    this.elementName = elementName;
    this.matcher = matcher;
    this.isLeafNode = isLeafNode;
    this.isAttribute = isAttribute;
  }
}

/**
 * Sentinel returned by a value parser to stop the pipeline immediately.
 *
 * When `ValueParserPipeline.run()` sees a `FinalValue` result it unwraps
 * `.value` and returns it without running any subsequent parsers.
 *
 * Whether to emit `FinalValue` is the parser's own decision, controlled by
 * its `IS_FINAL` constructor option (not injected by the pipeline).
 *
 * @example
 * import { FinalValue } from '@nodable/base-output-builder/ValueParser.js';
 *
 * class StopOnNull extends BaseValueParser {
 *   constructor(options, IS_FINAL) {
 *     super(IS_FINAL);
 *     this.options = options || {};
 *   }
 *   parse(val) {
 *     if (val === 'null') {
 *       return this.IS_FINAL ? new FinalValue(null) : null;
 *     }
 *     return val;
 *   }
 * }
 */
class FinalValue {
  /** @param {*} value The resolved value to return from the pipeline */
  constructor(value) {
    this.value = value;
  }
}

/**
 * Mutable key-value store owned by `BaseOutputBuilder` and shared with every
 * value parser that opts in via `init(ctx)`.
 *
 * A fresh `SharedContext` is created for each document parse by
 * `BaseOutputBuilderFactory.getInstance()`, so there is no risk of stale
 * data from a previous document leaking into the next.
 *
 * ## Well-known keys (set by `BaseOutputBuilder`)
 * - `'xmlVersion'`    — numeric XML version from `<?xml version="…"?>`
 * - `'inputEntities'` — entity map from the DOCTYPE block
 *
 * ## Extension
 * Parsers may also write to the context to communicate with later parsers in
 * the same pipeline (e.g. a locale detector writing `'detectedLocale'` for a
 * downstream date formatter).
 *
 * @example
 * const ctx = new SharedContext();
 * ctx.set('xmlVersion', 1.1);
 * ctx.get('xmlVersion'); // → 1.1
 */
class SharedContext {
  #data = {};

  /** @param {string} key  @param {*} value */
  set(key, value) { this.#data[key] = value; }

  /** @param {string} key  @returns {*} */
  get(key) { return this.#data[key]; }

  /**
   * Remove all entries.
   * Not needed when the factory creates a fresh SharedContext per parse
   * (the current approach), but available for alternative setups.
   */
  clear() { this.#data = {}; }
}

/**
 * Owns a value-parser registry and a configured parser chain, and executes
 * them in order on demand.
 *
 * Builders receive two pre-built pipelines from their factory:
 *  - `tagsPipeline`  — for tag text content
 *  - `attrsPipeline` — for attribute values
 *
 * Both pipelines share the same `SharedContext` instance and the same parser
 * instances from the registry. `init(ctx)` is called on every parser that
 * implements it when the pipeline is constructed, and again on any parser
 * added later via `register()`.
 *
 * Because a fresh pipeline is built for every document parse, parsers receive
 * an up-to-date `ctx` reference each time — no stale state.
 *
 * `IS_FINAL` is a parser-level decision set in each parser's own constructor,
 * not injected by the pipeline.
 *
 * @example
 * const ctx = new SharedContext();
 * const pipeline = new ValueParserPipeline(
 *   ['entity', 'ws', 'boolean', 'number'],
 *   registry,
 *   ctx,
 * );
 * const result = pipeline.run('  true  ', context); // → true
 */
class ValueParserPipeline {
  /**
   * @param {Array<BaseValueParser>}  valParsers     Ordered parser names or instances
   * @param {ValueParserRegistry} registry       Map of name → parser instance
   * @param {SharedContext}         [sharedContext]
   */
  constructor(valParsers = [], registry, sharedContext = null) {
    this.valParsers = valParsers;
    this.registry = registry;
    this.sharedContext = sharedContext || new SharedContext();

    this._initAll(valParsers);
  }

  /**
   * Execute the parser chain on `val`.
   *
   * Each parser receives `(currentValue, context)`. If a parser returns a
   * {@link FinalValue} the chain stops and the wrapped value is returned.
   *
   * @param {*}       val
   * @param {Context} [runtimContext]
   * @returns {*}
   */
  run(val, runtimContext) {
    for (let i = 0; i < this.valParsers.length; i++) {
      let parser = this.valParsers[i];
      if (typeof parser === 'string') parser = this.registry.get(parser);
      if (parser) {
        const result = parser.parse(val, runtimContext);
        if (result instanceof FinalValue) return result.value;
        val = result;
      }
    }
    return val;
  }

  resetAll() {
    for (let i = 0; i < this.valParsers.length; i++) {
      let parser = this.valParsers[i];
      if (typeof parser === 'string') parser = this.registry.get(parser);
      if (parser) if (parser.reset && typeof parser.reset === 'function') parser.reset();
    }
  }

  /**
   * Add or replace a named parser in the registry.
   * If the instance implements `init()` and the pipeline has a `SharedContext`,
   * `init` is called immediately so the parser is ready before the next `run()`.
   *
   * @param {string} name
   * @param {object} instance  Must implement `parse(val, context?)`
   */
  register(name, instance) {
    this.registry.register(name, instance);
    if (instance.init) instance.init(this.sharedContext);
  }

  // ── private ──────────────────────────────────────────────────────────────

  /**
   * Call `init(sharedContext)` on each parser in `instances` that implements it.
   * Used only during construction to wire up the initial registry.
   *
   * A local `Set` deduplicates in case the same instance is registered under
   * multiple names (e.g. an alias). A module-level WeakSet is intentionally
   * NOT used: pipelines are rebuilt on every `getInstance()` call, so parsers
   * must receive `init()` fresh each parse with the new `SharedContext` ref.
   *
   * @param {object[]} instances
   */
  _initAll(instances) {
    if (!this.sharedContext) return;
    const seen = new Set();
    for (const p of instances) {
      let parserInstance = p;
      if (typeof p === 'string') parserInstance = this.registry.get(p);
      if (parserInstance && typeof parserInstance.init === 'function' && !seen.has(parserInstance)) {
        seen.add(parserInstance);
        parserInstance.init(this.sharedContext);
      }
    }
  }
}
;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/src/BaseOutputBuilder.js




// Default parser chains.
const DEFAULT_TAG_PARSERS = ['ws', 'entity', 'boolean', 'number'];
const DEFAULT_ATTR_PARSERS = ['entity', 'boolean', 'number'];

class BaseOutputBuilder {

  /**
   * @param {object}              parserOptions
   * @param {object}              builderOptions
   * @param {MatcherView}         matcherView
   * @param {ValueParserRegistry} registry
   * @param {boolean}             resetPipelines
   */
  constructor(parserOptions, builderOptions, matcherView, registry, resetPipelines = true) {
    this.matcher = matcherView;
    this._rootName = "^";
    this.parserOptions = parserOptions;
    this.builderOptions = builderOptions;
    this.registry = registry;

    const tagChain = builderOptions?.tags?.valueParsers ?? DEFAULT_TAG_PARSERS;
    const attrChain = builderOptions?.attributes?.valueParsers ?? DEFAULT_ATTR_PARSERS;

    /**
     * Shared mutable context distributed to all value parsers.
     * `BaseOutputBuilder` is the sole writer; parsers are readers (or
     * co-writers for cross-parser communication).
     * @type {SharedContext|null}
     */
    this.sharedContext = new SharedContext();
    /**
     * Pipeline for tag text values.
     * Call `this.tagsPipeline.run(val, context)` from subclass
     * `closeElement()` implementations.
     * @type {ValueParserPipeline}
     */
    this.tagsPipeline = new ValueParserPipeline(tagChain, this.registry, this.sharedContext);
    /**
     * Pipeline for attribute values.
     * Call `this.attrsPipeline.run(val, context)` from subclass
     * `addAttribute()` implementations.
     * @type {ValueParserPipeline}
     */
    this.attrsPipeline = new ValueParserPipeline(attrChain, this.registry, this.sharedContext);

    if (resetPipelines) {
      this.tagsPipeline.resetAll();
      this.attrsPipeline.resetAll();
    }

    this._pendingStopNode = false;
  }

  /**
   * Add a parsed attribute to the current element.
   * Only called when skip.attributes is false.
   *
   * @param {string}  name    Processed attribute name (prefix stripped, sanitised)
   * @param {*}       value   Raw attribute value
   * @param {object}  matcher Read-only Matcher proxy from the parser
   */
  addAttribute(name, value, matcher) {
    // Capture XML version from the declaration tag and make it available to
    // value parsers (e.g. EntityParser) via SharedContext.
    if (name === "version" && this.tagName === this._rootName) {
      this.sharedContext?.set('xmlVersion', +value);
    }
    const prefixed = `${this.parserOptions.attributes.prefix}${name}${this.parserOptions.attributes.suffix}`;
    const context = new Context(name, matcher, true, true);// attributes are always leaf values
    this.attributes[prefixed] = this.attrsPipeline.run(value, context);

  }

  /** Hook for subclasses to append a named child node. */
  _addChild(key, val) { }

  /**
   * Add a comment node.
   * - Dropped entirely when skip.comment is true.
   * - Stored under nameFor.comment when set; '' = omit from output.
   */
  addComment(text) {
    if (this.parserOptions.skip.comment) return;
    if (this.parserOptions.nameFor.comment) {
      this._addChild(this.parserOptions.nameFor.comment, text);
    }
  }

  /**
   * Add a CDATA section.
   * - Dropped entirely when skip.cdata is true.
   * - Stored under nameFor.cdata when set; '' = merge into element text value.
   */
  addLiteral(text) {
    if (this.parserOptions.skip.cdata) return;
    if (this.parserOptions.nameFor.cdata) {
      this._addChild(this.parserOptions.nameFor.cdata, text);
    } else {
      this.addRawValue(text || "");
    }
  }

  /**
   * Add raw text directly to the current element's text value, bypassing the
   * value-parser chain. Used by addLiteral() when CDATA merges into element text.
   */
  addRawValue(text) {
    this.addValue(text);
  }

  /**
   * Receive DOCTYPE entities from the XML parser and store them in
   * SharedContext so that value parsers can access them on their first
   * `parse()` call.
   *
   * @param {object} entities — raw entity map from DocTypeReader
   */
  addInputEntities(entities) {
    this.sharedContext?.set('inputEntities', entities);
  }

  /**
   * Handle XML declaration (<?xml ... ?>).
   * Dropped when skip.declaration is true.
   */
  addDeclaration(name) {
    this.addInstruction(name);
  }

  /**
   * Handle a processing instruction.
   * Subclasses override; base is a no-op.
   */
  addInstruction(name) {
  }

  /**
 * Called when a stop node is fully collected, before `addValue`.
 *
 * @param {TagDetail}       tagDetail  - name, line, col, index of the stop node
 * @param {string}          rawContent - raw unparsed content between the tags
 */
  onStopNode(tagDetail, rawContent) {
    this._pendingStopNode = true;
    if (typeof this.parserOptions.onStopNode === 'function') {
      this.parserOptions.onStopNode(tagDetail, rawContent, this.matcher);
    }
  }

  /**
   * Called by the parser when `exitIf` returns true for the current tag.
   * Receives a snapshot of the parser state at the moment of exit, after
   * all open tags have been cleanly closed by the parser.
   *
   * Override in subclasses to record the exit position or annotate output.
   *
   * @param {object} exitInfo
   * @param {object} exitInfo.tagDetail  `{ name, line, col, index }` of the tag that triggered the exit
   * @param {object} exitInfo.matcher    Read-only matcher at the moment exitIf fired
   * @param {number} exitInfo.depth      Nesting depth at exit (0 = root children)
   */
  onExit(exitInfo) { }
}

;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/src/BaseOutputBuilderFactory.js






class BaseOutputBuilderFactory {
  constructor(builderOptions = {}) {
    this.builderOptions = builderOptions;
    this.registry = new ValueParserRegistry();
  }

  /**
   * Add or replace a named value parser in the shared registry.
   * Takes effect for all builder instances created after this call.
   *
   * @param {string} name
   * @param {object} parserInstance  Must implement `parse(val, context?)`
   */
  registerValueParser(name, parserInstance) {
    this.registry.register(name, parserInstance);
  }

  /**
   * Called by XMLParser before each document parse to obtain a fresh builder.
   * This resets all value parsers, builds separate pipeline to process values 
   * of tags and attributes and builds a fresh shared context per document.
   *
   * @param {object} options XML Parser options
   * @param {MatcherView} matcherView
   * @returns {BaseOutputBuilder}
   */
  getInstance(parserOptions, matcherView) {
    // return new BaseOutputBuilder(
    //   parserOptions,
    //   this.builderOptions,
    //   matcherView,
    //   this.registry, true
    // );
    throw new Error("getInstance is not implemented");
  }
}
;// CONCATENATED MODULE: ./node_modules/@nodable/base-output-builder/src/index.js






// Value Parsers





       // kept for backward compat
// export { default as CurrencyParser } from './ValueParsers/currency.js';

;// CONCATENATED MODULE: ./node_modules/@nodable/compact-builder/src/CompactBuilder.js





class CompactBuilderFactory extends BaseOutputBuilderFactory {
  constructor(builderOptions = {}) {
    super();
    this.builderOptions = buildOptions(builderOptions);
  }

  getInstance(parserOptions, readonlyMatcher) {
    return new CompactBuilder(
      parserOptions,
      this.builderOptions,
      readonlyMatcher,
      this.registry
    );
  }
}

class CompactBuilder extends BaseOutputBuilder {

  /**
   * @param {object}                parserOptions
   * @param {object}                builderOptions
   * @param {MatcherView} readonlyMatcher
   * @param {object}                registry
   */
  constructor(parserOptions, builderOptions, readonlyMatcher, registry) {
    super(parserOptions, builderOptions, readonlyMatcher, registry);
    this.parserOptions = parserOptions;
    this.builderOptions = builderOptions;
    this.tagsStack = [];
    this.root = {};
    this.parent = this.root;
    this.tagName = this._rootName;
    this.value = {};
    this.textValue = "";
    this.attributes = {};
    this.hasAttributes = false;
  }

  /**
   * Builds the initial value object from current attributes.
   * Returns "" when there are no attributes.
   */
  _buildAttributeValue() {
    if (isEmpty(this.attributes)) {
      this.hasAttributes = false;
      return "";
    }
    this.hasAttributes = true;
    if (this.parserOptions.attributes.groupBy) {
      return { [this.parserOptions.attributes.groupBy]: this.attributes };
    }
    return this.attributes;
  }

  addElement(tag) {
    const value = this._buildAttributeValue();
    this.tagsStack.push([this.tagName, this.textValue, this.value, this.hasAttributes]);
    this.tagName = tag.name;
    this.value = value;
    this.textValue = "";
    this.attributes = {};
  }

  /**
   * Combines votes from `alwaysArray` and `forceArray` with equal priority.
   *
   * Voting rules:
   *   - `alwaysArray`: true if any entry matches, undefined (abstain) if none match.
   *     It never votes false — no match is not a veto.
   *   - `forceArray`: returns true / false / undefined directly.
   *
   * Resolution:
   *   - Any voter returns explicit false  → false  (veto wins)
   *   - Any voter returns true, none false → true
   *   - All abstain (undefined)            → false  (default)
   *
   * @param {boolean|null} isLeafNode
   * @returns {boolean}
   */
  _resolveForceArray(isLeafNode) {
    // --- alwaysArray vote ---
    let alwaysVote; // undefined = abstain
    const matched = this.builderOptions._alwaysArraySet.matchesAny(this.matcher);
    if (matched) alwaysVote = true;
    // no match → alwaysVote stays undefined (abstain, not false)

    // --- forceArray vote ---
    let forceVote; // undefined = abstain
    if (typeof this.builderOptions.forceArray === 'function') {
      const result = this.builderOptions.forceArray(this.matcher, isLeafNode);
      if (result === true) forceVote = true;
      else if (result === false) forceVote = false;
      // anything else (undefined, null, …) → abstain
    }

    // --- resolution ---
    if (alwaysVote === false || forceVote === false) return false; // veto
    else if (alwaysVote === true || forceVote === true) return true;  // at least one yes
    return false; // all abstain → default
  }

  closeElement() {
    const tagName = this.tagName;
    let value = this.value; // contains attributes if not skipped
    const textValue = this.textValue;
    const hasAttributes = this.hasAttributes;

    // A tag is a leaf node if it has no child elements.
    // It can have attributes and still be a leaf node.
    // hasAttributes is tracked explicitly by _buildAttributeValue() so we never
    // need to reverse-engineer this from key names, prefixes, or groupBy keys.
    const isLeafNode = typeof value !== "object"  // plain string value (no attrs, no children)
      || Array.isArray(value)                      // unexpected array → treat as leaf
      || isEmpty(value)                            // no attributes, no children
      || hasAttributes;                            // only attributes present, no child elements yet

    const context = new Context(
      tagName,
      this.matcher,
      isLeafNode,
      false,
    );

    if (isLeafNode) {
      const parsedText = this._pendingStopNode ? textValue : this.tagsPipeline.run(textValue, context);

      if (hasAttributes) {
        // Attributes are present — value is already an object.
        // Only write the text node when there is actual text content; an empty
        // parsedText alongside attributes would produce a spurious #text:"" key.
        // forceTextNode overrides this and writes the node even when empty.
        if (parsedText !== "" && parsedText !== null && parsedText !== undefined) {
          value[this.parserOptions.nameFor.text] = parsedText;
        } else if (this.builderOptions.forceTextNode) {
          value[this.parserOptions.nameFor.text] = parsedText;
        }
      } else if (this.builderOptions.forceTextNode) {
        // No attributes — wrap in an object so the shape is always consistent
        value = { [this.parserOptions.nameFor.text]: parsedText };
      } else {
        // No attributes, no forceTextNode — use the plain parsed value
        value = parsedText;
      }
    } else if (textValue.length > 0 || this.builderOptions.forceTextNode) {
      // Non-leaf node with actual text content sitting between child elements
      // mixed content: element has both child tags and text
      const parsedText = this._pendingStopNode ? textValue : this.tagsPipeline.run(textValue, context);
      value[this.parserOptions.nameFor.text] = parsedText;
    }

    let resultTag = { tagName, value };

    // if (this.parserOptions.onTagClose !== undefined) {
    //   resultTag = this.parserOptions.onTagClose(tagName, value, textValue, this.matcher);
    //   if (!resultTag) return;
    // }

    const arr = this.tagsStack.pop();
    let parentTag = arr[2];

    // Check if this tag should be forced into an array
    const shouldForceArray = this._resolveForceArray(isLeafNode);

    parentTag = this._addChildTo(resultTag.tagName, resultTag.value, parentTag, shouldForceArray);

    this.tagName = arr[0];
    this.textValue = arr[1];
    this.value = parentTag;
    this.hasAttributes = arr[3]; // restore parent tag's flag
    this._pendingStopNode = false;
  }

  _addChild(key, val) {
    if (typeof this.value === "string") {
      this.value = { [this.parserOptions.nameFor.text]: this.value };
    }
    this._addChildTo(key, val, this.value, false);
    this.attributes = {};
  }

  _addChildTo(key, val, node, forceArray) {
    if (typeof node === 'string') node = {};

    if (!Object.prototype.hasOwnProperty.call(node, key)) {
      node[key] = forceArray ? [val] : val;
    } else {
      if (!Array.isArray(node[key])) node[key] = [node[key]];
      node[key].push(val);
    }
    return node;
  }

  addValue(text) {
    if (this.textValue.length > 0) this.textValue += `${this.builderOptions.textJoint}${text}`;
    else this.textValue = text;
  }

  addInstruction(name) {
    const value = this._buildAttributeValue();
    this._addChild(name, value);
    this.attributes = {};
  }

  onExit(exitInfo) { }

  getOutput() {
    return this.value;
  }
}

function isEmpty(obj) {
  return Object.keys(obj).length === 0;
}


;// CONCATENATED MODULE: ./node_modules/@nodable/compact-builder/src/index.js


;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/ParseError.js
/**
 * ParseError — structured error class for flexible-xml-parser.
 *
 * All errors thrown by the parser are instances of ParseError so callers can
 * distinguish library errors from generic runtime errors and reliably inspect
 * position information.
 *
 * @property {string}          code     - Machine-readable error code (e.g. 'UNEXPECTED_CLOSE_TAG')
 * @property {number|undefined} index   - 0-based character offset from document start (when available)
 */
class ParseError extends Error {
  /**
   * @param {string} message       - Human-readable error message
   * @param {string} code          - Machine-readable error code
   * @param {object} [position]    - Optional position info
   * @param {number} [position.index]
   */
  constructor(message, code, position = {}) {
    super(message);
    this.name = 'ParseError';
    this.code = code;

    this.index = position.index ?? undefined;
  }

  toString() {
    const pos = this._posStr();
    return pos ? `${this.name} [${this.code}] at ${pos}: ${this.message}` : `${this.name} [${this.code}]: ${this.message}`;
  }

  _posStr() {
    if (this.index !== undefined) {
      return `index ${this.index}`;
    }
    return null;
  }
}

// ─── Error codes ─────────────────────────────────────────────────────────────

const ErrorCode = Object.freeze({
  // Input type errors
  INVALID_INPUT: 'INVALID_INPUT',
  INVALID_STREAM: 'INVALID_STREAM',

  // Streaming / feed API
  ALREADY_STREAMING: 'ALREADY_STREAMING',
  NOT_STREAMING: 'NOT_STREAMING',
  DATA_MUST_BE_STRING: 'DATA_MUST_BE_STRING',

  // Tag structure
  UNEXPECTED_END: 'UNEXPECTED_END',
  UNEXPECTED_CLOSE_TAG: 'UNEXPECTED_CLOSE_TAG',
  MISMATCHED_CLOSE_TAG: 'MISMATCHED_CLOSE_TAG',
  UNEXPECTED_TRAILING_DATA: 'UNEXPECTED_TRAILING_DATA',
  INVALID_TAG: 'INVALID_TAG',
  UNCLOSED_QUOTE: 'UNCLOSED_QUOTE',
  INVALID_ATTRIBUTE_NAME: 'INVALID_ATTRIBUTE_NAME',

  // Namespace
  MULTIPLE_NAMESPACES: 'MULTIPLE_NAMESPACES',

  // Conformance (illegal chars, attribute value rules)
  ILLEGAL_CHARACTER: 'ILLEGAL_CHARACTER',
  DUPLICATE_ATTRIBUTE: 'DUPLICATE_ATTRIBUTE',
  UNQUOTED_ATTRIBUTE_VALUE: 'UNQUOTED_ATTRIBUTE_VALUE',
  BOOLEAN_ATTRIBUTE_REJECTED: 'BOOLEAN_ATTRIBUTE_REJECTED',

  // Security
  SECURITY_PROTOTYPE_POLLUTION: 'SECURITY_PROTOTYPE_POLLUTION',
  SECURITY_RESERVED_OPTION: 'SECURITY_RESERVED_OPTION',
  SECURITY_RESTRICTED_NAME: 'SECURITY_RESTRICTED_NAME',

  // Limits (DoS prevention)
  LIMIT_MAX_NESTED_TAGS: 'LIMIT_MAX_NESTED_TAGS',
  LIMIT_MAX_ATTRIBUTES: 'LIMIT_MAX_ATTRIBUTES',

  // Entity limits
  ENTITY_MAX_COUNT: 'ENTITY_MAX_COUNT',
  ENTITY_MAX_SIZE: 'ENTITY_MAX_SIZE',
  ENTITY_MAX_EXPANSIONS: 'ENTITY_MAX_EXPANSIONS',
  ENTITY_MAX_EXPANDED_LENGTH: 'ENTITY_MAX_EXPANDED_LENGTH',

  // Entity registration
  ENTITY_INVALID_KEY: 'ENTITY_INVALID_KEY',
  ENTITY_INVALID_VALUE: 'ENTITY_INVALID_VALUE',

  // Encoding
  UNSUPPORTED_ENCODING: 'UNSUPPORTED_ENCODING',
  INVALID_DECODER: 'INVALID_DECODER',
  ENCODING_MISMATCH: 'ENCODING_MISMATCH',
});

/* harmony default export */ const src_ParseError = ((/* unused pure expression or super */ null && (ParseError)));

;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/util.js


function util_getAllMatches(string, regex) {
  const matches = [];
  let match = regex.exec(string);
  while (match) {
    const allmatches = [];
    allmatches.startIndex = regex.lastIndex - match[0].length;
    const len = match.length;
    for (let index = 0; index < len; index++) {
      allmatches.push(match[index]);
    }
    matches.push(allmatches);
    match = regex.exec(string);
  }
  return matches;
}



function isSpace(char) {
  return char === " " || char === "\t" || char === "\n" || char === "\r" || char === "\f";
}


function isSpaceCode(code) {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 12; // space \t \n \r \f
}

function util_isExist(v) {
  return typeof v !== 'undefined';
}

function util_isEmptyObject(obj) {
  return Object.keys(obj).length === 0;
}

function util_getValue(v) {
  if (util_isExist(v)) {
    return v;
  } else {
    return '';
  }
}

const DANGEROUS_PROPERTY_NAMES = [
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  "toLocaleString",
  "isPrototypeOf",
  "propertyIsEnumerable"
];

const criticalProperties = ["__proto__", "constructor", "prototype"];

// Capacity (in numbers, i.e. QUOTE_PAIRS_CAPACITY/2 quoted-attribute-values)
// of the reusable typed array each InputSource uses to record quote
// positions found by scanTagExpEnd(), reused by
// AttributeProcessor.parseAttributes(). A plain fixed cap, not a growable
// array — see scanTagExpEnd()'s doc for why: comfortably covers real-world
// tags, and a tag with more quoted attributes than this just falls back to
// per-character quote scanning for the overflow, so there's no correctness
// cost to keeping this small and allocation-free.
const QUOTE_PAIRS_CAPACITY = 128; // 64 quoted attribute values per tag

/**
 * True document-start-relative offset for a source's current read position.
 *
 * `source.startIndex` is only an offset into the source's *live buffer* —
 * every flush() trims already-consumed characters off the front of that
 * buffer and rebases startIndex back down, so startIndex alone drifts from
 * the true document offset the moment a flush has happened. Each source
 * tracks how much it has trimmed away so far in `_baseOffset` (bumped by the
 * trimmed amount inside flush()); the real position is always the sum of
 * the two. This is the one place that sum is computed — every caller that
 * needs an absolute, document-start-relative position (errors, tag index/
 * openEnd/closeEnd, attribute offsets, stop-node end) must go through this
 * function rather than reading `startIndex` directly.
 */
function absolutePosition(source) {
  return source.startIndex + (source._baseOffset || 0);
}

/**
 * Uniform error-position accessor across all InputSource types.
 *
 * Position reporting is index-only (absolute offset from document start) —
 * no line/column.
 */
function errorPositionOf(source) {
  return { index: absolutePosition(source) };
}

/**
 * True for character codes that are illegal as literal characters anywhere in
 * an XML document (element text, attribute values, CDATA, comments): 0x00-0x08,
 * 0x0B, 0x0C, 0x0E-0x1F. Tab/LF/CR (0x09/0x0A/0x0D) are legal whitespace and
 * excluded. A numeric character reference like `&#0;` is just ASCII text at
 * this stage (entity expansion happens later, in the output builder), so it
 * never reaches this check as a raw byte.
 */
function util_isIllegalControlCode(c) {
  return c <= 8 || c === 11 || c === 12 || (c >= 14 && c <= 31);
}

/**
 * Normalize a complete piece of document content (element text, CDATA
 * content, or comment content) per XML §2.11: a real `\r\n` pair or a lone
 * `\r` becomes a single `\n`; a bare `\n` is left alone. Also rejects illegal
 * literal control characters (see isIllegalControlCode) — this check always
 * runs, regardless of autoClose/lenient settings.
 *
 * Meant to be called exactly once per finished token (a whole text run, a
 * whole CDATA block, a whole comment) — never mid-scan — so no chunk-boundary
 * carry logic is needed: by the time a reader has a complete string, any
 * `\r\n` that happened to straddle a feed() chunk boundary has already been
 * concatenated back together by the caller.
 *
 * @param {string} str
 * @param {object} [source] - for error position only; omit if unavailable.
 * @returns {string}
 */
function sanitizeContent(str, source) {
  const len = str.length;
  let hasCR = false;
  for (let i = 0; i < len; i++) {
    const c = str.charCodeAt(i);
    if (util_isIllegalControlCode(c)) {
      throw new ParseError(
        `Illegal control character 0x${c.toString(16).padStart(2, '0')} in document content`,
        ErrorCode.ILLEGAL_CHARACTER,
        source ? errorPositionOf(source) : {}
      );
    }
    if (c === 13) hasCR = true;
  }
  if (!hasCR) return str; // fast path — nothing to fold, no reallocation

  let out = '';
  let segStart = 0;
  for (let i = 0; i < len; i++) {
    if (str.charCodeAt(i) === 13) {
      out += str.substring(segStart, i) + '\n';
      if (str.charCodeAt(i + 1) === 10) i++; // \r\n pair → one \n, not two
      segStart = i + 1;
    }
  }
  out += str.substring(segStart);
  return out;
}

/**
 * Assert that the upcoming characters in the source match the expected string.
 * If not enough data → throws UNEXPECTED_END.
 * If mismatch → throws INVALID_TAG with the given errorMsg.
 * On success, consumes the matched characters (advances startIndex).
 *
 * @param {object} source - input source (must have canRead, matchAhead, updateBufferBoundary)
 * @param {string} expected - string to match
 * @param {string} errorMsg - description of what is being read (used in error messages)
 * @param {boolean} [caseInsensitive=false]
 */
function expectMatch(source, expected, errorMsg, caseInsensitive = false) {
  const len = expected.length;
  if (!source.canRead(len)) {
    throw new ParseError(
      `Unexpected end of source reading ${errorMsg}`,
      ErrorCode.UNEXPECTED_END,
      errorPositionOf(source)
    );
  }
  const matched = source.matchAhead(expected, caseInsensitive);
  if (matched !== true) {
    throw new ParseError(
      `Invalid ${errorMsg}`,
      ErrorCode.INVALID_TAG,
      errorPositionOf(source)
    );
  }
  source.updateBufferBoundary(len);
}

/**
 * Assert that the source has at least `n` characters available from the current position.
 * Throws UNEXPECTED_END if not enough data.
 * Does NOT consume any characters.
 *
 * @param {object} source - input source (must have canRead)
 * @param {number} n - number of characters needed
 * @param {string} errorMsg - description of what is being read (used in error message)
 */
function ensureCanRead(source, n, errorMsg) {
  if (!source.canRead(n)) {
    throw new ParseError(
      `Unexpected end of source reading ${errorMsg}`,
      ErrorCode.UNEXPECTED_END,
      errorPositionOf(source)
    );
  }
}
;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/OptionsBuilder.js





const defaultOnDangerousProperty = (name) => {
  if (DANGEROUS_PROPERTY_NAMES.includes(name)) {
    return "__" + name;
  }
  return name;
};

const OptionsBuilder_defaultOptions = {
  // --- skip group ---
  // Controls which node types are excluded from output
  skip: {
    declaration: false,   // Skip <?xml ... ?> declaration
    pi: false,            // Skip processing instructions (other than declaration)
    attributes: true,     // Skip all attributes
    cdata: false,         // Exclude CDATA sections from output entirely
    comment: false,       // Exclude comments from output entirely
    nsPrefix: false,      // Strip namespace prefixes (e.g. ns:tag → tag)
    tags: [],             // Tag paths to skip entirely — content is silently dropped from output
    whitespaceText: true  // addValue() of a builder would not be called if text is only whitespaces
  },

  // --- nameFor group ---
  // Property names used when including special nodes in output.
  nameFor: {
    text: '#text',  // Property for mixed text content
    cdata: '',      // '' = merge CDATA into text value
    comment: '',    // '' = omit comments from output
  },

  // --- attributes group ---
  attributes: {
    // 'allow' (default) keeps a valueless attribute (e.g. <e flag/>) as `true`.
    // 'ignore' drops it silently; 'throw' rejects the document as soon as one
    // is found. Replaces a previous same-named boolean option that had no
    // effect on parsing (it was never read anywhere in the parsing code).
    booleanType: 'allow',
    // 'overwrite' (default) — last occurrence of a repeated attribute name wins.
    // 'ignore' — first occurrence wins, later ones are dropped entirely.
    // 'throw' — reject the document as soon as a repeated name is found on one tag.
    duplicate: 'overwrite',
    groupBy: '',         // Group all attributes under this key; '' = inline with tag
    prefix: '@_',        // Prepended to attribute names in output
    suffix: '',          // Appended to attribute names in output
  },

  // --- tags group ---
  tags: {
    unpaired: [],     // Tags that never have a closing tag (e.g. br, img, hr)
    stopNodes: [],    // Tag paths whose content is captured raw without parsing
  },

  // --- security ---
  strictReservedNames: false,
  onDangerousProperty: defaultOnDangerousProperty,
  // sanitizeNames: false skips the dangerous-property rename step only
  // (hasOwnProperty, toString, valueOf, ... pass through unprefixed,
  // onDangerousProperty is never called for them). It does NOT disable the
  // critical-property check (__proto__, constructor, prototype) — that
  // guards against actual prototype pollution and always runs. Only for
  // trusted input — internal XML-to-XML pipelines, generated documents —
  // where the source is known not to contain hostile names. Does NOT affect
  // strictReservedNames, which is a separate, independent check.
  sanitizeNames: true,

  // --- filtering (path-expression-matcher) ---
  only: [], // for future

  // --- DOCTYPE parsing ---
  // Controls whether DOCTYPE entities are collected and read-time security limits.
  //
  //   enabled         — false (default) → DOCTYPE is read (to consume it) but entities
  //                                        are discarded and never forwarded to output builders
  //                     true → collect DOCTYPE entities and forward them to the output builder
  //                     Note: the output builder must have an EntitiesValueParser registered
  //                     under 'entity' and 'entity' must be in its
  //                     valueParsers chain for replacement to actually happen.
  //
  // Read-time security limits (enforced by DocTypeReader at declaration time):
  //   maxEntityCount  — max entities declared in a DOCTYPE (default: 100)
  //   maxEntitySize   — max bytes per entity definition value (default: 10000)
  //
  // Replacement-time limits (maxTotalExpansions, maxExpandedLength) are configured
  // on EntitiesValueParser directly — they are not part of doctypeOptions.
  doctypeOptions: {
    enabled: false,
    maxEntityCount: 100,
    maxEntitySize: 10000,
  },

  // --- autoClose ---
  // Controls parser behaviour when tags are unclosed or mismatched.
  //
  //   onEof       — what to do when EOF is reached with open tags still on the stack
  //                 'throw'    (default) → throw an error
  //                 'closeAll' → silently close all remaining open tags
  //
  //   onMismatch  — what to do when a closing tag doesn't match the current open tag
  //                 'throw'   (default) → throw an error
  //                 'recover' → pop the stack toward the nearest matching opener;
  //                             if no match is found the tag is discarded
  //                 'discard' → silently ignore the bad closing tag
  //
  //   collectErrors — when true, errors are recorded in result.__parseErrors instead
  //                   of being silently dropped.  Each entry has the shape:
  //                   { type, tag, expected, index }
  //
  // Shorthand: autoClose: 'html' sets onEof:'closeAll', onMismatch:'discard',
  // collectErrors:true, and adds the standard HTML void elements to tags.unpaired.
  autoClose: null,   // null = feature disabled; throws on any malformed input

  // --- limits (DoS prevention) ---
  // Group structural limits that guard against resource exhaustion.
  //
  //   maxNestedTags     — maximum tag nesting depth; throws when exceeded.
  //                       Prevents stack-overflow attacks via deeply nested XML.
  //                       Default: null (no limit)
  //
  //   maxAttributesPerTag — maximum number of attributes on a single tag.
  //                         Throws when a tag exceeds this count.
  //                         Default: null (no limit)
  //
  limits: {
    maxNestedTags: null,
    maxAttributesPerTag: null,
  },

  // --- feedable (feed/end and parseStream input options) ---
  // Controls buffer behaviour for the FeedableSource and StreamSource.
  //
  //   maxBufferSize  — maximum number of characters allowed in the buffer at
  //                    any one time.  Prevents memory exhaustion when a caller
  //                    feeds data faster than it is consumed.
  //                    Default: 10 MB (10 * 1024 * 1024 characters)
  //
  //   autoFlush      — when true (default), already-processed characters are
  //                    automatically discarded from the front of the buffer
  //                    whenever the processed portion exceeds flushThreshold.
  //                    Keeps memory usage flat for large documents.
  //
  //   flushThreshold — number of processed characters that triggers an auto-
  //                    flush.  Lower values free memory sooner but incur more
  //                    string-slice operations.  Default: 1024 characters (1 KB)
  //
  feedable: {
    maxBufferSize: 10 * 1024 * 1024,
    autoFlush: true,
    flushThreshold: 1024,
    bufferSize: 256
  },

  // --- exitIf ---
  // Stops parsing as soon as the predicate returns true for the current tag.
  //
  // The callback receives a read-only matcher positioned at the just-opened tag:
  //   exitIf(matcher) → boolean
  //
  // When exitIf returns true the parser immediately:
  //   1. Closes all currently open tags (innermost first) by calling addTextNode()
  //      and popTag() for each, so the output builder can finalise its tree.
  //   2. Calls outputBuilder.onExit({ tagDetail, matcher, tagsStack }) so the
  //      builder can record that the parse was intentionally truncated.
  //   3. Breaks the parse loop — no further source characters are read.
  //
  // The parse call returns the partial-but-consistent output as normal.
  // No error is thrown.
  //
  // Default: null (feature disabled)
  exitIf: () => false,

  //onStopNode(tagDetail, rawContent, matcher)
  // --- output ---
  OutputBuilder: null, //TODO: accept lower case

  // --- decoding ---
  // Controls how raw bytes (Buffer/Uint8Array input to parse()/parseBytesArr(),
  // or chunks fed to feed()/parseStream()) are turned into text.
  //
  //   encoding — 'auto' (default) sniffs BOM + a leading <?xml ... encoding="...">
  //              declaration per XML 1.0 Appendix F, falling back to utf8 if
  //              neither is present. Set explicitly (e.g. 'utf8', 'utf16le',
  //              'latin1', 'ascii', or a custom-registered name) to skip
  //              detection entirely.
  //              NOTE: streaming inputs (feed()/parseStream()) do not yet
  //              support 'auto' detection — see docs/16-encoding.md — and
  //              fall back to utf8 the same way they always have.
  //
  //   customDecoders — { name: descriptor } map merged into the encoding
  //                    registry before resolution, for encodings FXP doesn't
  //                    ship natively (e.g. Shift_JIS via iconv-lite). See
  //                    docs/16-encoding.md for the descriptor shape.
  //
  decoding: {
    encoding: 'auto',
    customDecoders: null,
  },
};

// All names that should never appear as property keys
const ALL_RESERVED = new Set([...criticalProperties, ...DANGEROUS_PROPERTY_NAMES]);


function validatePropertyName(value, optionName) {
  if (typeof value !== 'string' || value === '') return;
  if (ALL_RESERVED.has(value)) {
    throw new ParseError(
      `SECURITY: '${value}' is a reserved JavaScript keyword and cannot be used as ${optionName}`,
      ErrorCode.SECURITY_RESERVED_OPTION
    );
  }
}

const OptionsBuilder_buildOptions = function (options) {
  // Validate security-sensitive option values BEFORE merging
  if (options) {
    if (options.nameFor?.text) validatePropertyName(options.nameFor.text, 'nameFor.text');
    if (options.nameFor?.cdata) validatePropertyName(options.nameFor.cdata, 'nameFor.cdata');
    if (options.nameFor?.comment) validatePropertyName(options.nameFor.comment, 'nameFor.comment');
    if (options.attributes?.prefix) validatePropertyName(options.attributes.prefix, 'attributes.prefix');
    if (options.attributes?.groupBy) validatePropertyName(options.attributes.groupBy, 'attributes.groupBy');

    // Validate limits option
    if (options.limits !== undefined && options.limits !== null) {
      if (typeof options.limits !== 'object') {
        throw new ParseError(`'limits' must be an object, got ${typeof options.limits}`, ErrorCode.INVALID_INPUT);
      }
      const { maxNestedTags, maxAttributesPerTag } = options.limits;
      if (maxNestedTags !== undefined && maxNestedTags !== null &&
        (typeof maxNestedTags !== 'number' || !Number.isInteger(maxNestedTags) || maxNestedTags < 1)) {
        throw new ParseError(`'limits.maxNestedTags' must be a positive integer, got ${maxNestedTags}`, ErrorCode.INVALID_INPUT);
      }
      if (maxAttributesPerTag !== undefined && maxAttributesPerTag !== null &&
        (typeof maxAttributesPerTag !== 'number' || !Number.isInteger(maxAttributesPerTag) || maxAttributesPerTag < 0)) {
        throw new ParseError(`'limits.maxAttributesPerTag' must be a non-negative integer, got ${maxAttributesPerTag}`, ErrorCode.INVALID_INPUT);
      }
    }
  }

  const finalOptions = OptionsBuilder_deepClone(OptionsBuilder_defaultOptions);

  if (options) {
    OptionsBuilder_copyProperties(finalOptions, options);
  }

  if (!finalOptions.OutputBuilder) {
    finalOptions.OutputBuilder = new CompactBuilderFactory();
  }

  // Normalize stopNodes and skip.tags entries into Expression objects with config embedded
  // in Expression.data as { nested, skipEnclosures }. Build a sealed ExpressionSet for
  // O(1) hot-path matching in the parser.
  //
  // Accepted entry forms (identical for both stopNodes and skip.tags):
  //   "..script"
  //     → Expression("..script", {}, { nested: false, skipEnclosures: [] })
  //
  //   Expression instance
  //     → re-wrapped with { nested: false, skipEnclosures: [] } in data
  //
  //   { expression: "..script", nested?: boolean, skipEnclosures?: [] }
  //   { expression: Expression,  nested?: boolean, skipEnclosures?: [] }
  //     → Expression with the given config embedded in .data
  //
  // `nested` defaults to false; `skipEnclosures` defaults to [].
  // The two flags are fully independent — any combination is valid.
  if (Array.isArray(finalOptions.tags?.stopNodes)) {
    const stopSet = new ExpressionSet/* default */.A();
    finalOptions.tags.stopNodes = finalOptions.tags.stopNodes.map(
      (entry) => normalizeTagEntry(entry, 'stopNodes', stopSet)
    );
    stopSet.seal();
    finalOptions.tags.stopNodesSet = stopSet;
  }

  if (Array.isArray(finalOptions.skip?.tags)) {
    const skipSet = new ExpressionSet/* default */.A();
    finalOptions.skip.tags = finalOptions.skip.tags.map(
      (entry) => normalizeTagEntry(entry, 'skip.tags', skipSet)
    );
    skipSet.seal();
    finalOptions.skip.tagsSet = skipSet;
  }

  if (finalOptions.onDangerousProperty === null) {
    finalOptions.onDangerousProperty = defaultOnDangerousProperty;
  }

  // Validate exitIf
  if (finalOptions.exitIf !== null && finalOptions.exitIf !== undefined) {
    if (typeof finalOptions.exitIf !== 'function') {
      throw new ParseError(
        `'exitIf' must be a function, got ${typeof finalOptions.exitIf}`,
        ErrorCode.INVALID_INPUT,
      );
    }
  }

  // Resolve autoClose: expand the 'html' preset and normalise to an object
  finalOptions.autoClose = resolveAutoClose(finalOptions.autoClose, finalOptions);

  return finalOptions;
};

/** Standard HTML void elements — never have a closing tag. */
const HTML_VOID_ELEMENTS = [
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input',
  'link', 'meta', 'param', 'source', 'track', 'wbr',
];

/**
 * Normalise the raw `autoClose` option value into either null (disabled)
 * or a fully-resolved options object.
 *
 * @param {null|string|object} raw   - Value supplied by the user
 * @param {object}             opts  - The already-merged final options (mutated for html preset)
 * @returns {null|object}
 */
function resolveAutoClose(raw, opts) {
  if (!raw) return null;

  if (raw === 'html') {
    // Apply HTML-specific tag defaults
    const existingUnpaired = opts.tags.unpaired || [];
    const merged = [...new Set([...existingUnpaired, ...HTML_VOID_ELEMENTS])];
    opts.tags = { ...opts.tags, unpaired: merged };

    return {
      onEof: 'closeAll',
      onMismatch: 'discard',
      collectErrors: true,
    };
  }

  if (typeof raw === 'string') {
    // e.g. autoClose: 'closeAll' — treat as shorthand for onEof
    return {
      onEof: raw,
      onMismatch: 'throw',
      collectErrors: false,
    };
  }

  if (typeof raw === 'object') {
    return {
      onEof: raw.onEof || 'throw',
      onMismatch: raw.onMismatch || 'throw',
      collectErrors: raw.collectErrors || false,
    };
  }

  return null;
}

/**
 * Normalize one entry from `tags.stopNodes` or `skip.tags` into an Expression
 * whose `.data` carries `{ nested, skipEnclosures }`, and register it in `set`.
 *
 * Accepted forms:
 *   string                                      → bare pattern, defaults applied
 *   Expression instance                         → re-wrapped with defaults
 *   { expression: string|Expression, nested?, skipEnclosures? }
 *
 * @param {string|Expression|object} entry
 * @param {string} optionName  - Used in error messages ("stopNodes" or "skip.tags")
 * @param {ExpressionSet} set  - The set to register the resulting Expression into
 * @returns {Expression}
 */
function normalizeTagEntry(entry, optionName, set) {
  let pattern, nested, skipEnclosures;

  if (typeof entry === 'string') {
    if (entry.length === 0) throw new ParseError(`${optionName} expression cannot be empty`, ErrorCode.INVALID_INPUT);
    pattern = entry;
    nested = false;
    skipEnclosures = [];
  } else if (entry instanceof Expression/* default */.A) {
    // Bare Expression — keep its pattern, apply defaults for missing data fields
    pattern = entry.toString();
    nested = entry.data?.nested ?? false;
    skipEnclosures = entry.data?.skipEnclosures ?? [];
  } else if (entry && typeof entry === 'object' && entry.expression !== undefined) {
    const raw = entry.expression;
    if (typeof raw === 'string') {
      if (raw.length === 0) throw new ParseError(`${optionName} expression cannot be empty`, ErrorCode.INVALID_INPUT);
      pattern = raw;
    } else if (raw instanceof Expression/* default */.A) {
      pattern = raw.toString();
    } else {
      throw new ParseError(`${optionName} expression must be a string or Expression instance`, ErrorCode.INVALID_INPUT);
    }
    nested = entry.nested === true;
    skipEnclosures = Array.isArray(entry.skipEnclosures) ? entry.skipEnclosures : [];
  } else {
    throw new ParseError(
      `Invalid ${optionName} entry: expected a string, Expression, or { expression, nested?, skipEnclosures? } object.`,
      ErrorCode.INVALID_INPUT,
    );
  }

  const expr = new Expression/* default */.A(pattern, {}, { nested, skipEnclosures });
  set.add(expr);
  return expr;
}

function OptionsBuilder_deepClone(obj) {
  if (obj === null || typeof obj !== 'object') return obj;
  if (Array.isArray(obj)) return obj.map(OptionsBuilder_deepClone);
  if (obj instanceof RegExp) return obj;     // ← guard
  if (obj instanceof Expression/* default */.A) return obj; // ← guard — Expression instances are immutable
  const clone = {};
  for (const key of Object.keys(obj)) {
    clone[key] = typeof obj[key] === 'function' ? obj[key] : OptionsBuilder_deepClone(obj[key]);
  }
  return clone;
}

function OptionsBuilder_copyProperties(target, source) {
  for (const key of Object.keys(source)) {
    // Guard against prototype pollution via option keys
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;

    if (key === 'OutputBuilder') {
      target[key] = source[key];
    } else if (typeof source[key] === 'function') {
      target[key] = source[key];
    } else if (source[key] instanceof RegExp) {   // ← guard, before the generic object check
      target[key] = source[key];
    } else if (Array.isArray(source[key])) {
      target[key] = source[key];
    } else if (typeof source[key] === 'object' && source[key] !== null) {
      if (typeof target[key] !== 'object' || target[key] === null) {
        target[key] = {};
      }
      OptionsBuilder_copyProperties(target[key], source[key]);
    } else {
      target[key] = source[key];
    }
  }
}
;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/InputSource/scanTagExpEnd.js
/**
 * Shared scanTagExpEnd implementations for sources whose buffer is a JS string
 * (StringSource, FeedableSource, CharScanStrategy).
 *
 * Two separate functions instead of one with a flag — the flag was evaluated
 * inside the loop on every character, which adds overhead to the hottest path
 * in the parser. The caller resolves which variant to use once, before the
 * scan begins.
 *
 * Neither function is exported as a method — each source assigns both onto
 * itself so `this` binding works correctly with zero indirection.
 */

/**
 * Scan for the unquoted '>' that ends a tag expression, and record each
 * quote boundary in `this._quotePairs` as it goes. Used when attributes
 * will be parsed (skip.attributes is false).
 *
 * @returns {number} relative offset of the unquoted '>' from startIndex,
 *   or -1 if the buffer is exhausted (chunk boundary for FeedableSource,
 *   malformed input for StringSource/CharScanStrategy).
 */
function scanTagExpEnd() {
  const buf = this.buffer;
  const len = buf.length;
  const start = this.startIndex;
  const pairs = this._quotePairs;
  const capacity = pairs.length;
  let pairsLen = 0;
  let inSingle = false;
  let inDouble = false;
  for (let i = start; i < len; i++) {
    const c = buf[i];
    if (c === "'") {
      if (!inDouble) {
        inSingle = !inSingle;
        if (pairsLen < capacity) pairs[pairsLen++] = i - start;
      }
    } else if (c === '"') {
      if (!inSingle) {
        inDouble = !inDouble;
        if (pairsLen < capacity) pairs[pairsLen++] = i - start;
      }
    } else if (c === '>' && !inSingle && !inDouble) {
      this._quotePairsLen = pairsLen;
      return i - start;
    }
  }
  this._quotePairsLen = pairsLen;
  return -1;
}

/**
 * Scan for the unquoted '>' that ends a tag expression, without recording
 * quote positions. Used when attributes are being skipped entirely
 * (skip.attributes is true) — nobody will read _quotePairs, so don't pay
 * to populate it.
 *
 * @returns {number} relative offset of the unquoted '>' from startIndex,
 *   or -1 if the buffer is exhausted.
 */
function scanTagExpEndFast() {
  const buf = this.buffer;
  const len = buf.length;
  const start = this.startIndex;
  let inSingle = false;
  let inDouble = false;
  for (let i = start; i < len; i++) {
    const c = buf[i];
    if (c === "'") {
      if (!inDouble) inSingle = !inSingle;
    } else if (c === '"') {
      if (!inSingle) inDouble = !inDouble;
    } else if (c === '>' && !inSingle && !inDouble) {
      return i - start;
    }
  }
  return -1;
}

;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/InputSource/StringSource.js




/**
 * StringSource — input source backed by an in-memory string.
 *
 * ### Memory reclamation
 *
 * Unlike FeedableSource, the full document is available from the start, so
 * there is no chunk-boundary risk and rewindToMark() is a safe no-op.
 * However, the parsed prefix of the string is still held in memory until the
 * parse finishes. flush() reclaims that prefix by slicing the buffer and
 * resetting startIndex to 0.
 *
 * The same mark/flush protocol used by FeedableSource is implemented here so
 * all reader functions (readTagExp, readClosingTagName, readCdata, etc.) work
 * without any source-type conditionals:
 *
 *   markTokenStart()  — save the current read position at the start of a token
 *   rewindToMark()    — no-op for StringSource (full doc always present)
 *   flush()           — drop the already-parsed prefix to free memory
 *
 * Auto-flush fires inside updateBufferBoundary() whenever the processed
 * portion exceeds flushThreshold and no token checkpoint is active.
 *
 * Position reporting is index-only (absolute character offset from document
 * start) — no line/column tracking. That bookkeeping used to run on every
 * character and every bulk-read span for a field most callers never read;
 * dropping it is a straight speed win. A caller that wants line/column can
 * derive it from `index` plus the original document text.
 */
class StringSource {
  /**
   * @param {string} str — the full XML document string
   * @param {object} [options]
   * @param {boolean} [options.autoFlush=true]      — enable automatic flushing
   * @param {number}  [options.flushThreshold=1024] — flush after this many processed chars
   */
  constructor(str, options = {}) {
    this.buffer = str;
    // Boundary pointer: data before this index has been consumed and may be freed.
    this.startIndex = 0;
    // Running total of characters trimmed off the front by flush() so far.
    // startIndex alone is only an offset into the live (post-trim) buffer;
    // the true document-start-relative position is startIndex + _baseOffset.
    // See util.js#absolutePosition — the single place that sum is computed.
    this._baseOffset = 0;

    this.autoFlush = options.autoFlush !== false;
    this.flushThreshold = options.flushThreshold ?? 1024;

    // Two-level mark stack matching FeedableSource's API.
    // _marks[0] = outer mark (parseXml loop), _marks[1] = inner mark (readers).
    // -1 means "not set" for that level.
    this._marks = [-1, -1];

    // Reused across every scanTagExpEnd() call, never reallocated. Holds
    // flat [openIdx, closeIdx, ...] pairs of quoted-attribute-value
    // positions found while scanning for the tag's closing '>'. Fixed-size
    // typed array + a manually-tracked length (`_quotePairsLen`), NOT
    // Array.push() — push() was measured to cost more than the per-character
    // quote re-scan it was meant to replace (bounds/growth checks on every
    // call add up across thousands of tags). Plain indexed writes with a
    // local counter avoid that entirely. See scanTagExpEnd() doc for the
    // capacity rationale and overflow behaviour.
    this._quotePairs = new Int32Array(QUOTE_PAIRS_CAPACITY);
    this._quotePairsLen = 0;
  }

  // ─── Token-start checkpoint ───────────────────────────────────────────────

  /**
   * Save the current read position into the two-level mark stack.
   *
   * Mirrors FeedableSource's two-level API so all reader functions work
   * identically regardless of source type:
   *
   *   level 0 (default) — outer mark, set by parseXml()'s main loop.
   *   level 1           — inner mark, set by individual reader functions.
   *
   * For StringSource the distinction only matters for flush() boundary
   * calculations — rewindToMark() is always a no-op here.
   *
   * @param {0|1} [level=0]
   */
  markTokenStart(level = 0) {
    this._marks[level] = this.startIndex;
  }

  /**
   * Restore startIndex to the last markTokenStart() position.
   *
   * StringSource always has the full document available, so a mid-token end
   * of input cannot occur and this method is a safe no-op. It exists solely
   * so caller code (XMLParser.feed / parseXml) can call rewindToMark()
   * unconditionally without branching on source type.
   */
  rewindToMark() {
    // No-op: the complete document is in memory; no rewind is ever needed.
  }

  /** Clear both mark slots (mirrors FeedableSource.clearMark). */
  clearMark() {
    this._marks[0] = -1;
    this._marks[1] = -1;
  }

  /**
   * Discard the already-processed prefix of the buffer to free memory.
   *
   * The flush origin is the minimum of all active mark positions so that any
   * in-progress token (at either mark level) is preserved in the buffer.
   * If no marks are active, the origin is startIndex itself.
   */
  flush() {
    let origin = this.startIndex;
    for (const m of this._marks) {
      if (m >= 0 && m < origin) origin = m;
    }
    if (origin > 0) {
      this.buffer = this.buffer.substring(origin);
      const marksLen = this._marks.length;
      for (let i = 0; i < marksLen; i++) {
        if (this._marks[i] >= 0) this._marks[i] -= origin;
      }
      this.startIndex -= origin;
      this._baseOffset += origin;
    }
  }

  // ─── Core read interface ──────────────────────────────────────────────────

  readCh() {
    return this.buffer[this.startIndex++];
  }

  readChAt(index) {
    return this.buffer[this.startIndex + index];
  }

  readStr(n, from) {
    if (typeof from === 'undefined') from = this.startIndex;
    return this.buffer.substring(from, from + n);
  }

  /**
   * Check whether the upcoming characters equal `expected`, without
   * consuming or allocating anything — no substring is built even for a
   * full match. Contrast with the `readStr(n).toUpperCase() === "X"` style,
   * which allocates two throwaway strings on every call, matching or not.
   *
   * Caller decides what to do with a match — this never consumes. Follow a
   * `true` result with `updateBufferBoundary(expected.length)` (or more, if
   * something like trailing whitespace should also be consumed).
   *
   * @param {string} expected - literal to match against, already in the
   *   case matchAhead should compare against when caseInsensitive is true
   *   (e.g. pass "system", not "SYSTEM", together with caseInsensitive=true)
   * @param {boolean} [caseInsensitive=false]
   * @returns {boolean|null} true on full match, false on a definite
   *   mismatch, null if the buffer runs out before enough characters are
   *   available to decide either way (treat like any other
   *   not-enough-data-yet case — same handling as scanTagExpEnd's -1)
   */
  matchAhead(expected, caseInsensitive = false) {
    const len = expected.length;
    for (let i = 0; i < len; i++) {
      let ch = this.buffer[this.startIndex + i];
      if (ch === undefined) return null;
      if (caseInsensitive) ch = ch.toLowerCase();
      if (ch !== expected[i]) return false;
    }
    return true;
  }

  // Two variants — caller picks once based on skip.attributes, no flag
  // evaluated inside the loop. See src/InputSource/scanTagExpEnd.js.
  scanTagExpEnd = scanTagExpEnd;
  scanTagExpEndFast = scanTagExpEndFast;

  readUpto(stopStr) {
    const inputLength = this.buffer.length;
    const stopLength = stopStr.length;

    for (let i = this.startIndex; i < inputLength; i++) {
      let match = true;
      for (let j = 0; j < stopLength; j++) {
        if (this.buffer[i + j] !== stopStr[j]) { match = false; break; }
      }
      if (match) {
        const result = this.buffer.substring(this.startIndex, i);
        this.startIndex = i + stopLength;
        return result;
      }
    }

    throw new ParseError(`Unexpected end of source reading '${stopStr}'`, ErrorCode.UNEXPECTED_END);
  }

  /**
   * Single-character variant of readUpto — faster because there is no inner
   * match loop.  Reads until `stopChar` is found, consumes it, and returns
   * the text before it.
   *
   * @param {string} stopChar  Exactly one character.
   * @returns {string}
   */
  readUptoChar(stopChar) {
    const i = this.buffer.indexOf(stopChar, this.startIndex);
    if (i === -1) {
      throw new ParseError(`Unexpected end of source reading '${stopChar}'`, ErrorCode.UNEXPECTED_END);
    }
    const result = this.buffer.substring(this.startIndex, i);
    this.startIndex = i + 1;
    return result;
  }

  readUptoCloseTag(stopStr) { // stopStr: "</tagname"
    const inputLength = this.buffer.length;
    const stopLength = stopStr.length;
    let tagMatchStart = -1;
    // 0: scanning, 1: tag-name matched (scanning for '>'), 2: full match
    let state = 0;

    for (let i = this.startIndex; i < inputLength; i++) {
      if (state === 1) {
        const c = this.buffer[i];
        if (isSpace(c)) continue;
        if (c === '>') { state = 2; }
        else { state = 0; tagMatchStart = -1; } // false match e.g. </scriptX>
      } else {
        // Try to match stopStr at position i
        let matched = true;
        for (let j = 0; j < stopLength; j++) {
          if (this.buffer[i + j] !== stopStr[j]) { matched = false; break; }
        }
        if (matched) {
          state = 1;
          tagMatchStart = i;
          i += stopLength - 1; // skip past matched string
        }
      }
      if (state === 2) {
        const result = this.buffer.substring(this.startIndex, tagMatchStart);
        this.startIndex = i + 1;
        return result;
      }
    }

    throw new ParseError(`Unexpected end of source reading '${stopStr}'`, ErrorCode.UNEXPECTED_END);
  }

  readFromBuffer(n, updateIndex) {
    const ch = n === 1
      ? this.buffer[this.startIndex]
      : this.buffer.substring(this.startIndex, this.startIndex + n);
    if (updateIndex) this.updateBufferBoundary(n);
    return ch;
  }

  /**
   * Advance the read cursor by n characters.
   *
   * Triggers an automatic flush of already-processed data when autoFlush is
   * enabled, the processed portion has grown past flushThreshold, and no
   * token checkpoint is currently active (a flush while a checkpoint is live
   * would invalidate the saved position).
   *
   * @param {number} [n=1]
   */
  updateBufferBoundary(n = 1) {
    this.startIndex += n;
    // See FeedableSource.updateBufferBoundary() for why there is no "any mark
    // active" gate here — flush()'s own min-origin computation already
    // protects any in-progress token; a separate gate was redundant and, since
    // marks are effectively always set in normal operation, made flush()
    // permanently unreachable. See specs/flushArchitecture_spec.js.
    if (this.autoFlush && this.startIndex >= this.flushThreshold) {
      this.flush();
    }
  }

  /**
   * Returns true when there is at least one character available at or after
   * the given offset (relative to startIndex). Mirrors FeedableSource's
   * formula so all three sources answer the same question the same way.
   * @param {number} [n=0]
   */
  canRead(n = 0) {
    return this.startIndex + n < this.buffer.length;
  }
}

;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/Encoding/ScanStrategy/ByteScanStrategy.js



/**
 * ByteScanStrategy — for self-synchronizing encodings only (utf8/ascii/latin1
 * by default; any custom encoding that explicitly asserts
 * `selfSynchronizing: true`). All positions/indices here (`n`, `index`, loop
 * counters passed in from XmlPartReader/DocTypeReader/StopNodeProcessor) are
 * BYTE offsets, matching BufferSource's original convention throughout —
 * unchanged by the encoding feature. Delimiters (<,>,",') are matched at the
 * byte level for speed, safe here precisely because self-synchronizing means
 * an ASCII delimiter byte can never occur as a continuation byte of a
 * different character.
 *
 * `decodeCharAt(buf, i)` -> `{ char, width }` is the one piece that varies
 * per encoding (width in BYTES for the character starting at byte offset i).
 * ascii/latin1 are always width 1. utf8 needs the real multi-byte decode so
 * `startIndex` advances by the correct byte count per character — that part
 * is still required for correct scanning, independent of any position
 * reporting: the parser only ever exposes the absolute byte/char `index`,
 * not line/col, so no per-character column bookkeeping is needed here.
 *
 * Functions here are plain (non-arrow) so they can be assigned directly onto
 * a BufferSource instance and keep correct `this` binding with zero extra
 * indirection — resolved once at construction, no per-call branching.
 */
function createByteScanStrategy(decodeCharAt, nodeEncoding = 'utf8', isContinuationByte = () => false) {
  return {
    readCh() {
      const { char, width } = decodeCharAt(this.buffer, this.startIndex);
      this.startIndex += width;
      return char;
    },

    /** index is a BYTE offset ahead of startIndex, same as original BufferSource. */
    readChAt(index) {
      return decodeCharAt(this.buffer, this.startIndex + index).char;
    },

    readStr(n, from) {
      if (typeof from === 'undefined') from = this.startIndex;
      return this.buffer.slice(from, from + n).toString(nodeEncoding);
    },

    /**
     * See StringSource.js for the full doc — same contract. Compares raw
     * byte codes directly rather than going through decodeCharAt/readChAt:
     * safe here because every literal this is ever called with (DOCTYPE
     * keywords, tag names for closing-tag matching) is plain ASCII, and
     * ASCII is always exactly one byte per character in every encoding this
     * strategy handles (UTF-8, Latin-1, ASCII — see the module doc above
     * for why that guarantee is what lets this whole strategy exist).
     */
    matchAhead(expected, caseInsensitive = false) {
      const len = expected.length;
      for (let i = 0; i < len; i++) {
        const b = this.buffer[this.startIndex + i];
        if (b === undefined) return null;
        let code = b;
        if (caseInsensitive && code >= 65 && code <= 90) code += 32; // 'A'-'Z' -> 'a'-'z'
        if (code !== expected.charCodeAt(i)) return false;
      }
      return true;
    },

    // Two variants — caller picks once based on skip.attributes, no flag
    // evaluated inside the loop. Compares raw byte codes (39=', 34=", 62=>)
    // rather than characters — safe here because self-synchronizing encodings
    // guarantee these byte values never appear as continuation bytes.
    scanTagExpEnd() {
      const buf = this.buffer;
      const len = buf.length;
      const start = this.startIndex;
      const pairs = this._quotePairs;
      const capacity = pairs.length;
      let pairsLen = 0;
      let inSingle = false;
      let inDouble = false;
      for (let i = start; i < len; i++) {
        const c = buf[i];
        if (c === 39) {
          if (!inDouble) {
            inSingle = !inSingle;
            if (pairsLen < capacity) pairs[pairsLen++] = i - start;
          }
        } else if (c === 34) {
          if (!inSingle) {
            inDouble = !inDouble;
            if (pairsLen < capacity) pairs[pairsLen++] = i - start;
          }
        } else if (c === 62 && !inSingle && !inDouble) {
          this._quotePairsLen = pairsLen;
          return i - start;
        }
      }
      this._quotePairsLen = pairsLen;
      return -1;
    },

    scanTagExpEndFast() {
      const buf = this.buffer;
      const len = buf.length;
      const start = this.startIndex;
      let inSingle = false;
      let inDouble = false;
      for (let i = start; i < len; i++) {
        const c = buf[i];
        if (c === 39) {
          if (!inDouble) inSingle = !inSingle;
        } else if (c === 34) {
          if (!inSingle) inDouble = !inDouble;
        } else if (c === 62 && !inSingle && !inDouble) {
          return i - start;
        }
      }
      return -1;
    },

    readUpto(stopStr) {
      const inputLength = this.buffer.length;
      const stopLength = stopStr.length;
      const stopBuffer = Buffer.from(stopStr);
      for (let i = this.startIndex; i < inputLength; i++) {
        let match = true;
        for (let j = 0; j < stopLength; j++) {
          if (this.buffer[i + j] !== stopBuffer[j]) { match = false; break; }
        }
        if (match) {
          const result = this.buffer.slice(this.startIndex, i).toString(nodeEncoding);
          this.startIndex = i + stopLength;
          return result;
        }
      }
      throw new ParseError(`Unexpected end of source reading '${stopStr}'`, ErrorCode.UNEXPECTED_END);
    },

    readUptoChar(stopChar) {
      const stopCode = stopChar.charCodeAt(0);
      const buf = this.buffer;
      const len = buf.length;
      for (let i = this.startIndex; i < len; i++) {
        if (buf[i] === stopCode) {
          const result = buf.slice(this.startIndex, i).toString(nodeEncoding);
          this.startIndex = i + 1;
          return result;
        }
      }
      throw new ParseError(`Unexpected end of source reading '${stopChar}'`, ErrorCode.UNEXPECTED_END);
    },

    readUptoCloseTag(stopStr) {
      const inputLength = this.buffer.length;
      const stopLength = stopStr.length;
      const stopBuffer = Buffer.from(stopStr);
      const GT = 62;
      let tagMatchStart = -1;
      let state = 0;
      for (let i = this.startIndex; i < inputLength; i++) {
        const b = this.buffer[i];
        if (state === 1) {
          if (isSpaceCode(b)) continue;
          if (b === GT) { state = 2; }
          else { state = 0; tagMatchStart = -1; }
        } else {
          let matched = true;
          for (let j = 0; j < stopLength; j++) {
            if (this.buffer[i + j] !== stopBuffer[j]) { matched = false; break; }
          }
          if (matched) { state = 1; tagMatchStart = i; i += stopLength - 1; }
        }
        if (state === 2) {
          const result = this.buffer.slice(this.startIndex, tagMatchStart).toString(nodeEncoding);
          this.startIndex = i + 1;
          return result;
        }
      }
      throw new ParseError(`Unexpected end of source reading '${stopStr}'`, ErrorCode.UNEXPECTED_END);
    },

    readFromBuffer(n, shouldUpdate) {
      if (n === 1) {
        const { char, width } = decodeCharAt(this.buffer, this.startIndex);
        if (shouldUpdate) this.updateBufferBoundary(width);
        return char;
      }
      const ch = this.buffer.slice(this.startIndex, this.startIndex + n).toString(nodeEncoding);
      if (shouldUpdate) this.updateBufferBoundary(n);
      return ch;
    },

    updateBufferBoundary(n = 1) {
      this.startIndex += n;
      if (this.autoFlush && this.startIndex >= this.flushThreshold && this._tokenStart < 0) {
        this.flush();
      }
    },

    // Relative to current position, matching FeedableSource's formula.
    canRead(n = 0) {
      return this.startIndex + n < this.buffer.length;
    },
  };
}

// ─── decodeCharAt implementations ───────────────────────────────────────────

function decodeCharAtFixedWidth1(buf, i) {
  return { char: String.fromCharCode(buf[i]), width: 1 };
}

function decodeCharAtUtf8(buf, i) {
  const b0 = buf[i];
  let width = 1;
  if ((b0 & 0x80) === 0x00) width = 1;
  else if ((b0 & 0xe0) === 0xc0) width = 2;
  else if ((b0 & 0xf0) === 0xe0) width = 3;
  else if ((b0 & 0xf8) === 0xf0) width = 4;
  // Invalid/truncated lead byte falls through with width 1; toString()
  // below then surfaces U+FFFD, consistent with Node's own UTF-8 handling
  // rather than us inventing a different fallback.
  if (i + width > buf.length) width = buf.length - i;
  const char = buf.toString('utf8', i, i + width);
  return { char, width };
}

/** UTF-8 continuation bytes (10xxxxxx) are not separate characters. Kept as
 * an export for callers that still classify byte kinds; no longer consumed
 * by this strategy's own position bookkeeping since only the absolute index
 * is tracked now. */
function isUtf8ContinuationByte(b) {
  return (b & 0xc0) === 0x80;
}

;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/InputSource/BufferSource.js




const Constants = {
  space: 32,
  tab: 9,
};

// Zero-config default when no profile is supplied (e.g. tests/callers that
// construct BufferSource directly rather than through XMLParser): UTF-8
// byte-scan. Identical output/cost to the pre-encoding-feature code for pure
// ASCII content (the common case) and correctly decodes multi-byte UTF-8,
// which the old raw fromCharCode() path did not.
const DEFAULT_SCAN_STRATEGY = createByteScanStrategy(decodeCharAtUtf8, 'utf8');

/**
 * BufferSource — input source backed by a Node.js Buffer (byte array).
 *
 * ### Memory reclamation
 *
 * The full document is available from the start, so there is no chunk-boundary
 * risk and rewindToMark() is a safe no-op. However, the parsed prefix of the
 * Buffer is held in memory until the parse finishes. flush() reclaims it by
 * slicing the Buffer and resetting startIndex to 0.
 *
 * The same mark/flush protocol used by FeedableSource is implemented here so
 * all reader functions work without source-type conditionals:
 *
 *   markTokenStart()  — save current read position at the start of a token
 *   rewindToMark()    — no-op for BufferSource (full doc always present)
 *   flush()           — drop the already-parsed prefix to free memory
 *
 * Auto-flush fires inside updateBufferBoundary() whenever the processed
 * portion exceeds flushThreshold and no token checkpoint is active.
 */
class BufferSource {
  /**
   * @param {Buffer} bytesArr — the full XML document as a Node.js Buffer
   * @param {object} [options]
   * @param {boolean} [options.autoFlush=true]      — enable automatic flushing
   * @param {number}  [options.flushThreshold=1024] — flush after this many processed bytes
   */
  /**
   * @param {Buffer} bytesArr — the full XML document as a Node.js Buffer
   * @param {object} [options]
   * @param {boolean} [options.autoFlush=true]      — enable automatic flushing
   * @param {number}  [options.flushThreshold=1024] — flush after this many processed bytes
   * @param {object}  [profile] — resolved encoding profile from
   *   Encoding/EncodingProfile.js#buildProfileForBuffer. Omit for the
   *   zero-config UTF-8 default (used directly by tests/callers that don't
   *   go through XMLParser).
   */
  constructor(bytesArr, options = {}, profile = null) {
    // BOM bytes (if any) are detection artifacts, not content — strip them
    // and exclude from the index.
    this.buffer = profile?.bomLength ? bytesArr.subarray(profile.bomLength) : bytesArr;
    if (profile?.decodeFirst) {
      // Not self-synchronizing (UTF-16, or a custom encoding that didn't
      // assert selfSynchronizing) — byte-level delimiter scanning is unsafe,
      // so decode the whole buffer once up front and hand off to
      // CharScanStrategy, which then behaves exactly like StringSource.
      const decoder = profile.descriptor.createDecoder();
      this.buffer = decoder.write(this.buffer) + decoder.end();
    }
    this.startIndex = 0;
    // Running total of bytes/chars trimmed off the front by flush() so far.
    // See StringSource.js's copy of this field / util.js#absolutePosition —
    // startIndex alone drifts from the true document offset after any flush.
    this._baseOffset = 0;

    this.autoFlush = options.autoFlush !== false;
    this.flushThreshold = options.flushThreshold ?? 1024;

    // Token-start checkpoint for mark/rewind (mirrors FeedableSource API).
    this._tokenStart = -1;

    // Reused across every scanTagExpEnd() call, never reallocated. See
    // StringSource.js's copy of this field for the full doc. Populated by
    // whichever ScanStrategy (byte or char) is assigned below.
    this._quotePairs = new Int32Array(QUOTE_PAIRS_CAPACITY);
    this._quotePairsLen = 0;

    // Resolve once, dispatch polymorphically from here on — no encoding
    // branching anywhere else in this class. See EncodingProfile.js.
    const strategy = profile?.scanStrategy ?? DEFAULT_SCAN_STRATEGY;
    Object.assign(this, strategy);
    this.encodingName = profile?.descriptor?.name ?? 'utf8';
    // See EncodingProfile.js's buildProfileForBuffer() doc — false only for
    // ByteScanStrategy+utf8, where a raw byte offset can land mid-character
    // once decoded. DEFAULT_SCAN_STRATEGY (used when no profile is supplied)
    // is itself utf8 byte-scan, so the no-profile default must also be false.
    this._quotePairsUsable = profile ? profile.quotePairsUsable !== false : false;
  }

  // ─── Token-start checkpoint ───────────────────────────────────────────────

  /**
   * Save the current read position as the start of a new logical token.
   *
   * For BufferSource this primarily guards flush() from reclaiming data that
   * is still being read, mirroring the same safety invariant as FeedableSource.
   */
  markTokenStart() {
    this._tokenStart = this.startIndex;
  }

  /**
   * Restore startIndex to the last markTokenStart() position.
   *
   * BufferSource always has the full document available, so a mid-token end
   * of input cannot occur and this method is a safe no-op. It exists solely
   * so caller code can call rewindToMark() unconditionally without branching
   * on source type.
   */
  rewindToMark() {
    // No-op: the complete document is in memory; no rewind is ever needed.
  }

  /**
   * Discard the already-processed prefix of the buffer to free memory.
   *
   * Uses Buffer.subarray() (zero-copy view) rather than Buffer.slice() for
   * clarity, then copies to a fresh Buffer so the original allocation can be
   * GC'd. If a token checkpoint is active, the flush origin is moved back to
   * the checkpoint so the in-progress token is preserved.
   */
  flush() {
    const origin = this._tokenStart >= 0 ? this._tokenStart : this.startIndex;
    if (origin > 0) {
      // Buffer.from(subarray) copies the bytes so the original large Buffer
      // can be released by the GC once no other references remain.
      this.buffer = Buffer.from(this.buffer.subarray(origin));
      if (this._tokenStart >= 0) {
        this.startIndex -= origin;
        this._tokenStart = 0;
      } else {
        this.startIndex = 0;
      }
      this._baseOffset += origin;
    }
  }
}

;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/Encoding/ScanStrategy/CharScanStrategy.js




/**
 * CharScanStrategy — for encodings that are NOT self-synchronizing (UTF-16
 * LE/BE by default, or any custom multi-byte encoding that doesn't assert
 * `selfSynchronizing: true`). Byte-level delimiter scanning is unsafe for
 * these (an ASCII delimiter byte value can legitimately occur as part of a
 * different character), so the only correct option is to decode fully up
 * front and scan on the resulting JS string — exactly what StringSource
 * already does. This is that same algorithm, extracted so BufferSource can
 * reuse it verbatim instead of re-deriving a second copy.
 *
 * Cost model: one eager decode of the whole buffer at construction (not
 * per-token, not per-chunk). Only paid by documents that actually use one of
 * these encodings; the default UTF-8/ASCII/Latin-1 path never touches this
 * file.
 */
function createCharScanStrategy() {
  return {
    readCh() {
      return this.buffer[this.startIndex++];
    },

    readChAt(index) {
      return this.buffer[this.startIndex + index];
    },

    readStr(n, from) {
      if (typeof from === 'undefined') from = this.startIndex;
      return this.buffer.substring(from, from + n);
    },

    /** See StringSource.js for the full doc — identical contract, same
     * plain-string buffer shape. */
    matchAhead(expected, caseInsensitive = false) {
      const len = expected.length;
      for (let i = 0; i < len; i++) {
        let ch = this.buffer[this.startIndex + i];
        if (ch === undefined) return null;
        if (caseInsensitive) ch = ch.toLowerCase();
        if (ch !== expected[i]) return false;
      }
      return true;
    },

    // Two variants — caller picks once based on skip.attributes, no flag
    // evaluated inside the loop. Always character-indexed (scans an already-
    // decoded string), so quote offsets are always safe for AttributeProcessor
    // to reuse. See src/InputSource/scanTagExpEnd.js.
    scanTagExpEnd: scanTagExpEnd,
    scanTagExpEndFast: scanTagExpEndFast,

    readUpto(stopStr) {
      const inputLength = this.buffer.length;
      const stopLength = stopStr.length;
      for (let i = this.startIndex; i < inputLength; i++) {
        let match = true;
        for (let j = 0; j < stopLength; j++) {
          if (this.buffer[i + j] !== stopStr[j]) { match = false; break; }
        }
        if (match) {
          const result = this.buffer.substring(this.startIndex, i);
          this.startIndex = i + stopLength;
          return result;
        }
      }
      throw new ParseError(`Unexpected end of source reading '${stopStr}'`, ErrorCode.UNEXPECTED_END);
    },

    readUptoChar(stopChar) {
      const i = this.buffer.indexOf(stopChar, this.startIndex);
      if (i === -1) {
        throw new ParseError(`Unexpected end of source reading '${stopChar}'`, ErrorCode.UNEXPECTED_END);
      }
      const result = this.buffer.substring(this.startIndex, i);
      this.startIndex = i + 1;
      return result;
    },

    readUptoCloseTag(stopStr) {
      const inputLength = this.buffer.length;
      const stopLength = stopStr.length;
      let tagMatchStart = -1;
      let state = 0;
      for (let i = this.startIndex; i < inputLength; i++) {
        if (state === 1) {
          const c = this.buffer[i];
          if (isSpace(c)) continue;
          if (c === '>') { state = 2; }
          else { state = 0; tagMatchStart = -1; }
        } else {
          let matched = true;
          for (let j = 0; j < stopLength; j++) {
            if (this.buffer[i + j] !== stopStr[j]) { matched = false; break; }
          }
          if (matched) { state = 1; tagMatchStart = i; i += stopLength - 1; }
        }
        if (state === 2) {
          const result = this.buffer.substring(this.startIndex, tagMatchStart);
          this.startIndex = i + 1;
          return result;
        }
      }
      throw new ParseError(`Unexpected end of source reading '${stopStr}'`, ErrorCode.UNEXPECTED_END);
    },

    readFromBuffer(n, shouldUpdate) {
      const ch = n === 1
        ? this.buffer[this.startIndex]
        : this.buffer.substring(this.startIndex, this.startIndex + n);
      if (shouldUpdate) this.updateBufferBoundary(n);
      return ch;
    },

    updateBufferBoundary(n = 1) {
      this.startIndex += n;
      if (this.autoFlush && this.startIndex >= this.flushThreshold && this._tokenStart < 0) {
        this.flush();
      }
    },

    // Relative to current position, matching FeedableSource's formula.
    canRead(n = 0) {
      return this.startIndex + n < this.buffer.length;
    },
  };
}

;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/Encoding/EncodingDetector.js


const DECL_PEEK_BYTES = 200; // more than enough for a <?xml ... ?> declaration

/**
 * sniff(bytes, registry) -> { encoding, bomLength, declaredEncoding }
 *
 * Pure function — no state, easy to unit test standalone. Only needs the
 * leading bytes of the document (caller decides how many it has available).
 *
 * Algorithm (XML 1.0 Appendix F, practical subset):
 *   1. Check for a known BOM signature.
 *   2. ASCII-sniff far enough to find `encoding="..."` inside a leading
 *      `<?xml ... ?>` declaration (the declaration's own bytes are ASCII-
 *      stable across UTF-8/ASCII/Latin-1/most single-byte sets, which is
 *      exactly why this step doesn't need to already know the encoding).
 *   3. BOM present + declared encoding present + they disagree -> hard error.
 *   4. Neither found -> default to utf8 (spec default).
 */
function sniff(bytes, registry) {
  const bomMatch = matchBom(bytes, registry);
  const declaredEncoding = sniffDeclaration(bytes, bomMatch ? bomMatch.bomLength : 0);

  if (bomMatch && declaredEncoding && !sameEncoding(bomMatch.descriptor.name, declaredEncoding, registry)) {
    throw new ParseError(
      `Byte-order mark indicates "${bomMatch.descriptor.name}" but the XML declaration says encoding="${declaredEncoding}"`,
      ErrorCode.ENCODING_MISMATCH
    );
  }

  if (bomMatch) {
    return { encoding: bomMatch.descriptor.name, bomLength: bomMatch.bomLength, declaredEncoding };
  }
  if (declaredEncoding) {
    return { encoding: declaredEncoding, bomLength: 0, declaredEncoding };
  }
  return { encoding: 'utf8', bomLength: 0, declaredEncoding: null };
}

function matchBom(bytes, registry) {
  for (const descriptor of registry.bomCandidates()) {
    const sig = descriptor.bomBytes;
    if (bytes.length >= sig.length && sig.equals(bytes.subarray(0, sig.length))) {
      return { descriptor, bomLength: sig.length };
    }
  }
  return null;
}

function sniffDeclaration(bytes, offset) {
  // ASCII-decode a bounded prefix; non-ASCII-safe encodings (UTF-16 etc.) are
  // already handled via BOM before we'd ever reach here without one.
  const prefix = bytes.subarray(offset, Math.min(bytes.length, offset + DECL_PEEK_BYTES)).toString('latin1');
  const declMatch = prefix.match(/^\s*<\?xml\s+[^?]*\?>/);
  if (!declMatch) return null;
  const encMatch = declMatch[0].match(/encoding\s*=\s*["']([^"']+)["']/i);
  return encMatch ? encMatch[1].toLowerCase() : null;
}

function sameEncoding(a, b, registry) {
  try {
    return registry.resolve(a).name === registry.resolve(b).name;
  } catch {
    return false;
  }
}

;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/Encoding/TextDecoderAdapter.js
/**
 * TextDecoderAdapter — gives a { write(buf): string, end(): string } shaped
 * stateful decoder, same contract every EncodingRegistry descriptor already
 * promises, but built on the global TextDecoder instead of Node's
 * node:string_decoder.
 *
 * Why this exists: node:string_decoder is Node-only. Bundling it for a
 * browser target fails outright (no browser polyfill is registered by
 * default). TextDecoder is available natively in every modern browser *and*
 * in Node (global since Node 11), and it already supports incremental,
 * chunk-safe decoding via { stream: true } — a multi-byte character split
 * across two write() calls is buffered internally and stitched together on
 * the next call, same safety guarantee StringDecoder gave.
 *
 * Scope: only replaces the five *built-in* encodings (utf8, ascii, latin1,
 * utf16le, utf16be). Fully custom Node-only decoders (e.g. iconv-lite based
 * Shift_JIS) registered via `decoding.customDecoders` are untouched — they
 * keep supplying their own createDecoder() and are expected to only run
 * under Node, same as before.
 */

/**
 * @param {string} label - a valid TextDecoder label ('utf-8', 'utf-16le', 'windows-1252', ...)
 * @returns {{ write(buf: Uint8Array): string, end(): string }}
 */
function createTextDecoderAdapter(label) {
  const decoder = new TextDecoder(label, { fatal: false, ignoreBOM: true });
  return {
    write(buf) {
      // stream:true holds back a trailing partial multi-byte sequence
      // instead of emitting U+FFFD for it, and prepends it on the next call.
      return decoder.decode(buf, { stream: true });
    },
    end() {
      // Final call, no more bytes coming — flush anything held back.
      // A non-empty result here means genuinely truncated input; TextDecoder
      // substitutes U+FFFD for it, matching StringDecoder's prior behavior.
      return decoder.decode();
    },
  };
}

/**
 * utf16be has no native TextDecoder label. Same approach as the previous
 * Node-based implementation: byte-swap to little-endian, then decode as
 * utf-16le. Kept here (rather than EncodingRegistry) since it's just another
 * flavor of "adapter around a decoder".
 */
function createUtf16BeAdapter() {
  const inner = createTextDecoderAdapter('utf-16le');
  let pending = null; // holds a single odd leftover byte across writes

  return {
    write(buf) {
      let work = pending ? concatBytes(pending, buf) : buf;
      pending = null;
      if (work.length % 2 === 1) {
        pending = work.subarray(work.length - 1);
        work = work.subarray(0, work.length - 1);
      }
      const swapped = swapBytePairs(work);
      return inner.write(swapped);
    },
    end() {
      return inner.end();
    },
  };
}

function concatBytes(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function swapBytePairs(bytes) {
  const swapped = new Uint8Array(bytes);
  for (let i = 0; i + 1 < swapped.length; i += 2) {
    const tmp = swapped[i];
    swapped[i] = swapped[i + 1];
    swapped[i + 1] = tmp;
  }
  return swapped;
}

;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/Encoding/EncodingRegistry.js



/**
 * EncodingRegistry — owns the set of known EncodingDescriptors.
 *
 * A descriptor is a pure data + factory bundle:
 *   {
 *     name, aliases,
 *     bomBytes            // Buffer | null — signature to detect this encoding via BOM
 *     selfSynchronizing   // boolean — true if an ASCII delimiter byte (<,>,",')
 *                         //   can never appear as part of a multi-byte sequence.
 *                         //   Only self-synchronizing encodings are eligible for
 *                         //   BufferSource's byte-level scan fast path.
 *     variableWidth       // boolean — true if bytes-per-character varies.
 *                         //   Informational only for now (position reporting
 *                         //   is index-only, so nothing currently branches
 *                         //   on this) — kept on the descriptor shape so
 *                         //   existing custom-encoding registrations don't
 *                         //   need to change.
 *     createDecoder()     // -> { write(buf): string, end(): string } stateful decoder
 *   }
 *
 * SRP: this class only stores/validates/resolves descriptors. It knows nothing
 * about scanning strategy — see ScanStrategy/, composed together in
 * EncodingProfile.js.
 */
class EncodingRegistry {
  constructor() {
    this._byName = new Map();
    this._seedDefaults();
  }

  _seedDefaults() {
    this.register({
      name: 'utf8',
      aliases: ['utf-8'],
      bomBytes: Buffer.from([0xef, 0xbb, 0xbf]),
      selfSynchronizing: true,
      variableWidth: true,
      createDecoder: () => createTextDecoderAdapter('utf-8'),
    });
    this.register({
      name: 'ascii',
      aliases: [],
      bomBytes: null,
      selfSynchronizing: true,
      variableWidth: false,
      // TextDecoder has no dedicated 'ascii' label. windows-1252 is a strict
      // superset of ASCII and decodes any valid ASCII byte identically —
      // only bytes 0x80-0x9F (never legal ASCII) would differ, so behavior
      // for real ASCII input is unchanged.
      createDecoder: () => createTextDecoderAdapter('windows-1252'),
    });
    this.register({
      name: 'latin1',
      aliases: ['iso-8859-1', 'binary'],
      bomBytes: null,
      selfSynchronizing: true,
      variableWidth: false,
      createDecoder: () => createTextDecoderAdapter('iso-8859-1'),
    });
    this.register({
      name: 'utf16le',
      aliases: ['utf-16le', 'ucs2', 'ucs-2'],
      bomBytes: Buffer.from([0xff, 0xfe]),
      selfSynchronizing: false,
      variableWidth: true,
      createDecoder: () => createTextDecoderAdapter('utf-16le'),
    });
    this.register({
      name: 'utf16be',
      aliases: ['utf-16be'],
      // No native TextDecoder label for utf16be either; byte-swap then
      // decode as utf16le, same trick as before.
      bomBytes: Buffer.from([0xfe, 0xff]),
      selfSynchronizing: false,
      variableWidth: true,
      createDecoder: () => createUtf16BeAdapter(),
    });
  }

  /**
   * Register a descriptor. Validates shape immediately (fail-fast), same
   * spirit as ValueParserRegistry.register() in base-output-builder: a
   * broken custom encoding should throw at registration time, not silently
   * corrupt data three parses later.
   */
  register(descriptor) {
    if (!descriptor || typeof descriptor.name !== 'string' || !descriptor.name) {
      throw new ParseError('Encoding descriptor requires a non-empty "name"', ErrorCode.INVALID_DECODER);
    }
    if (typeof descriptor.createDecoder !== 'function') {
      throw new ParseError(`Encoding "${descriptor.name}" is missing createDecoder()`, ErrorCode.INVALID_DECODER);
    }
    const probe = descriptor.createDecoder();
    if (!probe || typeof probe.write !== 'function' || typeof probe.end !== 'function') {
      throw new ParseError(
        `Encoding "${descriptor.name}"'s createDecoder() must return an object with write()/end()`,
        ErrorCode.INVALID_DECODER
      );
    }
    const resolved = {
      selfSynchronizing: false, // safe default per savepoint §3 — opt-in speed, not opt-in correctness
      variableWidth: true,
      aliases: [],
      bomBytes: null,
      ...descriptor,
    };
    this._byName.set(resolved.name.toLowerCase(), resolved);
    for (const alias of resolved.aliases) this._byName.set(alias.toLowerCase(), resolved);
  }

  resolve(name) {
    const descriptor = this._byName.get(String(name).toLowerCase());
    if (!descriptor) {
      throw new ParseError(`Unsupported encoding "${name}"`, ErrorCode.UNSUPPORTED_ENCODING);
    }
    return descriptor;
  }

  /** All descriptors that carry a BOM signature, for detection (longest first). */
  bomCandidates() {
    const seen = new Set();
    const out = [];
    for (const d of this._byName.values()) {
      if (d.bomBytes && !seen.has(d.name)) {
        seen.add(d.name);
        out.push(d);
      }
    }
    return out.sort((a, b) => b.bomBytes.length - a.bomBytes.length);
  }
}

const EncodingRegistry_defaultEncodingRegistry = new EncodingRegistry();

;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/Encoding/EncodingProfile.js





/**
 * buildProfileForBuffer(bytes, decodingOptions, registry) -> { descriptor, bomLength, scanStrategy }
 *
 * The ONE place encoding decisions are made for BufferSource. Called once
 * per parseBytesArr() call, never per-token — every field on the returned
 * object is a concrete, already-resolved strategy, so BufferSource itself
 * never branches on an encoding name again (Dependency Inversion: BufferSource
 * depends on the ScanStrategy interface, not on "which encoding is this").
 */
function buildProfileForBuffer(bytes, decodingOptions = {}, registry = EncodingRegistry_defaultEncodingRegistry) {
  const requested = decodingOptions.encoding || 'auto';
  let name, bomLength;
  if (requested === 'auto') {
    const detected = sniff(bytes, registry);
    name = detected.encoding;
    bomLength = detected.bomLength;
  } else {
    name = requested;
    bomLength = 0;
  }
  const descriptor = registry.resolve(name);
  const scanStrategy = descriptor.selfSynchronizing
    ? createByteScanStrategy(
        descriptor.name === 'utf8' ? decodeCharAtUtf8 : decodeCharAtFixedWidth1,
        descriptor.name // 'utf8'/'ascii'/'latin1' — all valid Buffer#toString() encodings
      )
    : createCharScanStrategy();

  // scanTagExpEnd() records quote positions as offsets into the *raw
  // buffer* it's scanning. AttributeProcessor.parseAttributes() wants to
  // reuse those offsets directly as indices into the *decoded* attrStr
  // string it receives from readStr(). Those two only line up when one
  // buffer unit == one decoded character:
  //   - CharScanStrategy: always safe — it scans the already-decoded string,
  //     same string readStr() hands back.
  //   - ByteScanStrategy + fixed-width decode (ascii/latin1, and any custom
  //     self-synchronizing single-byte encoding): safe — 1 byte == 1 char.
  //   - ByteScanStrategy + utf8: NOT safe — non-ASCII characters are 2-4
  //     bytes each, so a byte offset recorded mid-scan can land in the
  //     middle of a character once decoded. AttributeProcessor falls back to
  //     its own quote scan in this case (see `quotePairsUsable`).
  const quotePairsUsable = !descriptor.selfSynchronizing || descriptor.name !== 'utf8';

  return { descriptor, bomLength, scanStrategy, decodeFirst: !descriptor.selfSynchronizing, quotePairsUsable };
}

/**
 * buildDecoderForStream(decodingOptions, registry) -> descriptor's stateful
 * decoder, for FeedableSource/StreamSource. These two are already decode-
 * first architecturally (see CharScanStrategy's doc comment) so they only
 * ever need the decoder half of a profile, never a scan strategy.
 *
 * Streaming auto-detection (peeking enough of the first feed() chunk before
 * a decoder can even be constructed) is NOT implemented in this pass — see
 * the companion doc's "Known follow-ups" section. Until then, 'auto' on a
 * streaming source falls back to utf8, same as today's hardcoded behavior.
 */
function buildDecoderForStream(decodingOptions = {}, registry = defaultEncodingRegistry) {
  const requested = decodingOptions.encoding && decodingOptions.encoding !== 'auto'
    ? decodingOptions.encoding
    : 'utf8';
  return registry.resolve(requested).createDecoder();
}

;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/AttributeProcessor.js




/**
 * AttributeProcessor — owns all attribute parsing logic.
 *
 * Two-pass attribute processing:
 *
 *   Pass 1 — collectRawAttributes()
 *     Populates the rawAttributes map from the raw attribute expression string.
 *     Called inside buildTagExpObj() (via XmlPartReader) so rawAttributes is
 *     ready before readOpeningTag() calls matcher.updateCurrent(rawAttributes).
 *     The matcher must reflect all raw attribute values before any value-parser
 *     runs so that attribute-based path expressions (e.g. "div[class=code]")
 *     resolve correctly during pass 2.
 *
 *   Pass 2 — flushAttributes()
 *     Calls outputBuilder.addAttribute() for each attribute, running the full
 *     value-parser chain. Called from readOpeningTag() AFTER
 *     matcher.updateCurrent(), so the read-only matcher already carries the
 *     complete attribute context when value parsers execute.
 */

// Module-level regex kept for reference only — no longer called from this
// module. parseAttributes() below replaces it with an O(n) linear scanner
// that is immune to catastrophic backtracking and stack overflow.
// const attrsRegx = new RegExp('([^\\s=]+)\\s*(=\\s*([\'"])([\\s\\S]*?)\\3)?', 'gm');

/**
 * Parse an attribute expression string into an array of match tuples.
 *
 * Each element is `{ name, value, startIndex }` — `value` is `undefined` for
 * a boolean attribute (no `=`). Earlier versions of this function also built
 * a full-match string and an `'=value'` string per attribute (matching an
 * old regex-based getAllMatches() return shape) — neither was ever read by
 * collectRawAttributes()/flushAttributes() (only `name`, `value`, and
 * `.startIndex` are), so building them was pure wasted string concatenation
 * on every attribute, on every tag. Dropped.
 *
 * The implementation is a single O(n) pass over char codes with no regex and
 * no recursion, making it safe for arbitrarily long attribute strings.
 *
 * State machine:
 *   SEEK_NAME  — skipping whitespace looking for the start of an attr name
 *   IN_NAME    — accumulating a name token until whitespace or '='
 *   SEEK_VALUE — saw name + optional whitespace, now expecting '=' or next name
 *   IN_VALUE   — inside a quoted value, accumulating until the closing quote
 *
 * @param {string} attrStr
 * @param {Array<number>} [quotePairs] - flat [openIdx, closeIdx, ...] list from
 *   scanTagExpEnd(), offsets relative to the *tag expression* (not attrStr).
 *   When a value's opening quote lines up with the next expected pair, the
 *   closing quote's position is taken directly instead of re-scanning for
 *   it — the per-character `!== quote` comparison is skipped entirely for
 *   that value. Falls back to the old per-character scan (undefined, or a
 *   mismatch — belt-and-braces, should never trigger given how the pairs
 *   are produced, but costs nothing to check once per value) so correctness
 *   never depends on the fast path succeeding.
 * @param {number} [attrsOffset] - offset of attrStr's first character within
 *   the coordinate system quotePairs is expressed in — required whenever
 *   quotePairs is passed.
 * @param {number} [quotePairsLen=0] - how many entries in `quotePairs` are
 *   valid — it's a reused fixed-capacity typed array, not sized to this tag,
 *   so `quotePairs.length` itself is not the right bound to loop against.
 * @returns {Array<{name: string, value: string|undefined, startIndex: number}>}
 */
/**
 * True for character codes illegal as literal content anywhere in the
 * document (mirrors util.js's isIllegalControlCode — not imported directly
 * to keep this hot loop free of a cross-module call for a one-line check).
 */
function isIllegalAttrCode(c) {
  return c <= 8 || c === 11 || c === 12 || (c >= 14 && c <= 31);
}

/**
 * Scan one quoted attribute value's characters from `i` up to `end`
 * (exclusive), folding whitespace per XML §3.3.3 and rejecting illegal
 * control characters. Shared by both the fast path (closing quote position
 * already known from scanTagExpEnd's quote pairs) and the slow path (closing
 * quote found by scanning for `quote`) below — same rules either way.
 *
 *   - real `\r\n` pair            → exactly one space (not two)
 *   - lone `\r` or lone `\n`      → one space
 *   - literal tab (0x09)          → one space (a `&#9;` reference is left
 *                                    untouched — that's resolved later, by
 *                                    the entity value-parser, not here)
 *   - other illegal control code  → throws ILLEGAL_CHARACTER
 *
 * @returns {string} the folded value (does not include the closing quote)
 */
function scanAttrValue(attrStr, i, end, parser) {
  let value = '';
  let segStart = i;
  for (; i < end; i++) {
    const c = attrStr.charCodeAt(i);
    if (c === 13) { // \r — possibly paired with a following \n
      value += attrStr.substring(segStart, i) + ' ';
      if (attrStr.charCodeAt(i + 1) === 10) i++;
      segStart = i + 1;
    } else if (c === 10 || c === 9) { // lone \n, or literal tab
      value += attrStr.substring(segStart, i) + ' ';
      segStart = i + 1;
    } else if (isIllegalAttrCode(c)) {
      throw new ParseError(
        `Illegal control character 0x${c.toString(16).padStart(2, '0')} in attribute value`,
        ErrorCode.ILLEGAL_CHARACTER,
        parser ? errorPositionOf(parser.source) : {}
      );
    }
  }
  value += attrStr.substring(segStart, i);
  return value;
}

function parseAttributes(attrStr, quotePairs, attrsOffset, quotePairsLen = 0, parser) {
  const results = [];
  const len = attrStr.length;
  let i = 0;
  const usePairs = quotePairs !== undefined && quotePairsLen > 0;
  let pairIdx = 0;

  while (i < len) {
    // Skip whitespace between attributes
    while (i < len && isSpaceCode(attrStr.charCodeAt(i))) i++;
    if (i >= len) break;

    // Read name
    const nameStart = i;
    while (i < len && attrStr.charCodeAt(i) !== 61 && !isSpaceCode(attrStr.charCodeAt(i))) i++;
    const name = attrStr.substring(nameStart, i);

    // Skip whitespace before '='
    while (i < len && isSpaceCode(attrStr.charCodeAt(i))) i++;

    if (i >= len || attrStr.charCodeAt(i) !== 61) {
      // Boolean attribute — no '='
      results.push({ name, value: undefined, startIndex: nameStart });
      continue;
    }

    i++; // skip '='

    // Skip whitespace after '='
    while (i < len && isSpaceCode(attrStr.charCodeAt(i))) i++;

    // The character right after '=' (mod whitespace) MUST be a quote — this
    // is never relaxed, in any mode. Reject before consuming anything, so an
    // unquoted value never partially reaches the output builder.
    const quote = attrStr.charCodeAt(i); // NaN when i >= len — also fails both checks below
    if (quote !== 34 && quote !== 39) { // not " or '
      throw new ParseError(
        `Attribute '${name}' has an unquoted value — attribute values must be wrapped in '"' or "'"`,
        ErrorCode.UNQUOTED_ATTRIBUTE_VALUE,
        parser ? errorPositionOf(parser.source) : {}
      );
    }

    // Fast path: the tag-end scanner already found this exact quote pair
    // while looking for '>' — reuse its closing-quote position instead of
    // re-scanning character-by-character for it.
    let closeLocal = -1;
    if (usePairs && pairIdx + 1 < quotePairsLen && quotePairs[pairIdx] === i + attrsOffset) {
      closeLocal = quotePairs[pairIdx + 1] - attrsOffset;
      pairIdx += 2;
    }

    i++; // skip opening quote
    let end;
    if (closeLocal >= 0) {
      end = closeLocal;
    } else {
      end = i;
      while (end < len && attrStr.charCodeAt(end) !== quote) end++;
    }
    const value = scanAttrValue(attrStr, i, end, parser);
    i = end + 1; // skip closing quote
    results.push({ name, value, startIndex: nameStart });
  }

  return results;
}

/**
 * Pass 1: extract raw (unparsed) attribute values into rawAttributes, AND
 * build tagExp._parsedAttrs — the processed-name/value list pass 2 will
 * consume directly.
 *
 * Previously, pass 2 (flushAttributes) re-ran parseAttributes() from scratch
 * on the same attrStr, and re-ran parser.processAttrName() (ns-prefix
 * resolution + name validation + sanitizeName + reserved-name check) on
 * every attribute a second time — full re-tokenization plus full re-validation
 * of work already done here. processAttrName() is a pure function of
 * (rawName, options) — nothing between pass 1 and pass 2 (matcher.push,
 * stop/skip resolution) can change its result — so it's safe to compute once
 * and cache. The matcher still gets the *raw* (pre-resolveNsPrefix/sanitize)
 * name as its rawAttributes key, unchanged, since PEM's attribute-condition
 * matching (`div[class=code]`) matches against attribute names as written.
 *
 * @param {string} attrStr      - raw attribute expression substring
 * @param {object} parser       - Xml2JsParser instance (for processAttrName)
 * @param {object} tagExp - tagExp object to populate rawAttributes
 * @param {Array<number>} [quotePairs] - see parseAttributes() doc.
 * @param {number} [attrsOffset] - see parseAttributes() doc.
 * @param {number} [quotePairsLen] - see parseAttributes() doc.
 */
function collectRawAttributes(attrStr, parser, tagExp, quotePairs, attrsOffset, quotePairsLen) {
  if (!attrStr || attrStr.length === 0) return;

  const matches = parseAttributes(attrStr, quotePairs, attrsOffset, quotePairsLen, parser);
  const len = matches.length;
  tagExp._rawAttrMatchCount = len; // total parsed attrs, incl. dropped (xmlns:) ones — for maxAttributesPerTag parity with old behavior
  const parsedAttrs = [];
  let count = 0;

  // attributes.duplicate: 'overwrite' (default) needs no bookkeeping — last
  // occurrence naturally wins via the rawAttributes object-assign + the
  // builder's own last-write-wins addAttribute() calls below, exactly as
  // before this option existed. 'ignore'/'throw' need to track names seen
  // so far on *this* tag only — a fresh Set per call, never shared across tags.
  const dupMode = parser.options.attributes?.duplicate || 'overwrite';
  const seen = dupMode !== 'overwrite' ? new Set() : null;
  const boolMode = parser.options.attributes?.booleanType || 'allow';

  for (let i = 0; i < len; i++) {
    const m = matches[i];

    if (seen) {
      if (seen.has(m.name)) {
        if (dupMode === 'throw') {
          throw new ParseError(
            `Duplicate attribute '${m.name}'`,
            ErrorCode.DUPLICATE_ATTRIBUTE,
            errorPositionOf(parser.source)
          );
        }
        continue; // 'ignore' — first occurrence wins, later ones dropped entirely
      }
      seen.add(m.name);
    }

    const rawVal = m.value;
    if (rawVal === undefined) {
      if (boolMode === 'throw') {
        throw new ParseError(
          `Valueless attribute '${m.name}' is not allowed`,
          ErrorCode.BOOLEAN_ATTRIBUTE_REJECTED,
          errorPositionOf(parser.source)
        );
      }
      if (boolMode === 'ignore') continue; // drop silently, rest of tag unaffected
    }

    const attrName = parser.processAttrName(m.name);
    if (attrName === false) continue;
    count++;
    const attrVal = rawVal !== undefined ? rawVal : true;
    tagExp.rawAttributes[m.name] = attrVal;
    parsedAttrs.push({ name: attrName, value: attrVal, index: m.startIndex });
  }
  tagExp.rawAttributesLen = count;
  tagExp._parsedAttrs = parsedAttrs;
}

/**
 * Pass 2: push each attribute (already parsed + name-processed by pass 1,
 * see tagExp._parsedAttrs) to the output builder. No re-parsing, no
 * re-running processAttrName — this is now a plain loop over cached data.
 *
 * @param {Array<{name: string, value: *, index: number}>} parsedAttrs - tagExp._parsedAttrs from collectRawAttributes
 * @param {object} parser  - Xml2JsParser instance
 * @param {number} [attrsExpStart] - absolute document offset where the
 *   attribute expression began (tagExp._attrsExpStart). When provided, each
 *   attribute's absolute document index is computed and passed to
 *   addAttribute() as a 4th argument: { index }. Line/col are intentionally
 *   NOT computed here — doing so would require re-scanning attrStr for
 *   newlines on every call, for a field most builders won't use; callers
 *   that need it can derive line/col from `index` plus the document text.
 * @param {number} rawAttrMatchCount - tagExp._rawAttrMatchCount, used for the
 *   maxAttributesPerTag limit check (counts all parsed attrs, including any
 *   dropped by processAttrName, matching the limit's pre-existing semantics).
 */
function flushAttributes(parsedAttrs, parser, attrsExpStart, rawAttrMatchCount) {
  if (!parsedAttrs || parsedAttrs.length === 0) return;

  const maxAttrs = parser.options.limits?.maxAttributesPerTag;
  if (maxAttrs !== undefined && maxAttrs !== null && rawAttrMatchCount > maxAttrs) {
    const tagName = parser.currentTagDetail?.name ?? '(unknown)';
    throw new ParseError(
      `Tag '${tagName}' has ${rawAttrMatchCount} attributes, exceeding limit of ${maxAttrs}`,
      ErrorCode.LIMIT_MAX_ATTRIBUTES,
      errorPositionOf(parser.source)
    );
  }

  const len = parsedAttrs.length;
  for (let i = 0; i < len; i++) {
    const a = parsedAttrs[i];
    const attrMeta = attrsExpStart !== undefined
      ? { index: attrsExpStart + a.index }
      : undefined;
    parser.outputBuilder.addAttribute(a.name, a.value, parser.readonlyMatcher, attrMeta);
  }
}
;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/XmlPartReader.js




// Re-export flushAttributes so Xml2JsParser and XmlSpecialTagsReader can
// continue to import it from here without changing their import lines.


class TagExp {
  constructor() {
    this.tagName = "";
    this.selfClosing = false;
    // rawAttributes= Object.create(null),
    this.rawAttributes = {};
    this._attrsExp = "" // stored for two-pass attribute flushing in readOpeningTag
    this._attrsExpStart = undefined; // absolute document offset of _attrsExp's first char
    this._rawAttrMatchCount = 0;
    this._parsedAttrs = [];
  }
}

/**
 * Try to match an upcoming closing tag against the name we already expect
 * (the tag sitting on top of the stack) without reading it into a string
 * first. Peeks character-by-character (no consumption) — a mismatch, or
 * running out of buffered data, costs nothing to undo since nothing was
 * consumed. Caller falls back to the normal read+validate+compare path in
 * either case, so this never needs its own error handling or chunk-boundary
 * logic.
 *
 * On success, only whitespace is allowed between the name and '>' — matches
 * XML's own grammar for ETag (`</tag ... >`, no attributes permitted).
 *
 * @param {Source} source
 * @param {string} expectedRawName - the raw (pre namespace-stripped) name
 *   the currently-open tag was written with
 * @returns {number} characters to consume (name + whitespace + '>'), or -1
 *   if this isn't a match (or not enough data yet to tell)
 */
function tryMatchClosingTagName(source, expectedRawName) {
  // false (mismatch) and null (not enough buffered data yet) both fall back
  // to the same slow path below, so both collapse to -1 here.
  if (source.matchAhead(expectedRawName) !== true) return -1;
  let i = expectedRawName.length;
  let c = source.readChAt(i);
  if (c === '>') return i + 1;
  while (isSpace(c)) {
    i++;
    c = source.readChAt(i);
    if (c === '>') return i + 1;
  }
  if (c !== '>') return -1;
  return i + 1;
}

/**
 * Read closing tag name.
 *
 * Uses level-1 (inner) mark so flush() knows the safe trim boundary while
 * this reader is in progress. Does NOT overwrite the level-0 outer mark set
 * by parseXml()'s loop, which rewindToMark() always restores to.
 *
 * @param {Source} source
 * @returns {string} tag name
 */
function readClosingTagName(source) {
  source.markTokenStart(1);
  // Closing tags never carry attributes, so unlike an opening tag's
  // expression there is no quoting to worry about — the very first '>' is
  // always the real end. That means the whole name can be found with one
  // direct scan of whatever is already buffered (readUptoChar), instead of
  // asking "is there more data yet?" before every single character.
  const start = source.startIndex;
  try {
    const str = source.readUptoChar(">");
    return str.trimEnd();
  } catch (err) {
    // Buffer ran out before '>' showed up — the retryable chunk-boundary
    // case (readUptoChar didn't consume anything on failure). Re-throw with
    // whatever was buffered so far in the message so autoClose's truncation
    // recovery (which reads it back out of the message) can still report a
    // useful partial tag name.
    const partial = source.readStr(Number.MAX_SAFE_INTEGER, start);
    throw new ParseError(`Unexpected end of source reading closing tag '</${partial}'`, ErrorCode.UNEXPECTED_END);
  }
}

/**
 * Read an XML opening tag expression and return a tag descriptor.
 *
 * Handles normal tags — not comments, CDATA, or DOCTYPE.
 * Example input (from source, after '<'): `tag attr='some"' attr2=">" bool>`
 *
 * Uses level-1 (inner) mark — see readClosingTagName for rationale.
 *
 * @param {object} parser - Xml2JsParser instance
 * @returns {{ tagName, selfClosing, rawAttributes, _attrsExp }}
 */
function readTagExp(parser) {
  parser.source.markTokenStart(1);
  // Absolute document offset where `exp` (tag name onward, right after '<')
  // begins — captured before any reads so buildTagExpObj can compute each
  // attribute's absolute document position from its offset within attrsExp.
  const expStart = absolutePosition(parser.source);

  // Pick the scan variant once — scanTagExpEnd records quote positions for
  // AttributeProcessor to reuse; scanTagExpEndFast skips that bookkeeping
  // entirely when attributes are being skipped (nobody reads _quotePairs).
  // No flag is passed into the loop; the decision is made here, once.
  const collectQuotes = !parser.options.skip.attributes;
  const relEnd = collectQuotes
    ? parser.source.scanTagExpEnd()
    : parser.source.scanTagExpEndFast();

  if (relEnd === -1) {
    // Buffer exhausted before an unquoted '>' was found — chunk boundary
    // mid-tag. Throw UNEXPECTED_END so feed()/parseStream() rewinds to the
    // level-0 outer mark and retries. (Note: scanTagExpEnd() only returns a
    // non-negative index once both quote flags are already balanced-closed —
    // by construction, not by a separate post-scan check — so there is no
    // longer a distinct "unclosed quote but '>' was found" case to detect;
    // the old UNCLOSED_QUOTE branch here was checking the same two flags
    // immediately after the only code path that requires them both false,
    // making it permanently unreachable.)
    throw new ParseError("Unexpected closing of source waiting for '>'", ErrorCode.UNEXPECTED_END);
  }

  const exp = parser.source.readStr(relEnd);
  parser.source.updateBufferBoundary(relEnd + 1);

  // Quote positions the scan above already found while looking for '>' —
  // handed to AttributeProcessor so it doesn't re-scan for quotes itself.
  // Only usable when this source's offsets are guaranteed to line up 1:1
  // with characters in the decoded `exp` string — false for BufferSource
  // reading UTF-8, where a byte offset can land mid-character (see
  // BufferSource._quotePairsUsable doc). Consumed synchronously by
  // buildTagExpObj below, before any other tag scan can touch the array
  // again, so no staleness risk. `_quotePairs` is a fixed-capacity reusable
  // typed array — `_quotePairsLen` says how many of its slots are valid for
  // this tag (not `_quotePairs.length`, which is always the full capacity).
  const usableQuotes = collectQuotes && parser.source._quotePairsUsable !== false;
  const quotePairs = usableQuotes ? parser.source._quotePairs : undefined;
  const quotePairsLen = usableQuotes ? parser.source._quotePairsLen : 0;

  return buildTagExpObj(exp, parser, expStart, false, quotePairs, quotePairsLen);
}

/**
 * Read a processing-instruction tag expression (<?name attrs?>).
 *
 * Uses level-1 (inner) mark — see readClosingTagName for rationale.
 *
 * @param {object} parser
 * @returns {{ tagName, selfClosing, rawAttributes, _attrsExp }}
 */
function readPiExp(parser) {
  parser.source.markTokenStart(1);
  const expStart = absolutePosition(parser.source);
  let inSingleQuotes = false;
  let inDoubleQuotes = false;
  let i;
  let EOE = false;

  for (i = 0; parser.source.canRead(i); i++) {
    const currentChar = parser.source.readChAt(i);
    const nextChar = parser.source.readChAt(i + 1);

    if (currentChar === "'" && !inDoubleQuotes) {
      inSingleQuotes = !inSingleQuotes;
    } else if (currentChar === '"' && !inSingleQuotes) {
      inDoubleQuotes = !inDoubleQuotes;
    }

    if (!inSingleQuotes && !inDoubleQuotes) {
      if (currentChar === '?' && nextChar === '>') {
        EOE = true;
        break;
      }
    }
  }

  if (!EOE) {
    // Buffer exhausted before '?>' — chunk boundary mid-PI-tag.
    throw new ParseError("Unexpected closing of source waiting for '?>'", ErrorCode.UNEXPECTED_END);
  } else if (inSingleQuotes || inDoubleQuotes) {
    // '?>' found but a quote was never closed — real syntax error.
    throw new ParseError("Invalid attribute expression. Quote is not properly closed in PI tag expression", ErrorCode.UNCLOSED_QUOTE);
  }

  // if (!parser.options.skip.attributes) {
  //   //TODO: use regex to verify attributes if not set to ignore
  // }

  const exp = parser.source.readStr(i);
  parser.source.updateBufferBoundary(i + 2);
  return buildTagExpObj(exp, parser, expStart, true);
}

// ─── Internal helpers ─────────────────────────────────────────────────────────

/**
 * Parse a raw tag expression string into a structured tag descriptor.
 *
 * @param {string} exp      - everything between '<' and '>' (exclusive)
 * @param {object} parser
 * @param {number} [expStart] - absolute document offset where `exp` begins
 *   (i.e. right after '<' or '<?'). Used to compute each attribute's absolute
 *   document position (tagExp._attrsExpStart) for addAttribute()'s meta arg.
 *   Optional so callers that don't have/need it can omit it — attribute
 *   position metadata is simply unavailable in that case, not an error.
 * @param {Array<number>} [quotePairs] - flat [openIdx, closeIdx, ...] list
 *   from scanTagExpEnd(), offsets relative to `exp`'s start. Passed through
 *   to collectRawAttributes so parseAttributes() can skip re-scanning for
 *   quotes. Undefined when unavailable/unsafe for this source or call site
 *   (readPiExp never supplies one) — collectRawAttributes falls back to its
 *   own scan in that case.
 * @param {number} [quotePairsLen=0] - how many entries in `quotePairs` are
 *   valid (it's a reused fixed-capacity array, not sized to this tag).
 * @returns {{ tagName, selfClosing, rawAttributes, _attrsExp, _attrsExpStart }}
 */
function buildTagExpObj(exp, parser, expStart, forceToReadAttrs = false, quotePairs = undefined, quotePairsLen = 0) {
  const tagExp = new TagExp();

  const expLen = exp.length;

  if (exp[expLen - 1] === "/") {
    tagExp.selfClosing = true;
    exp = exp.slice(0, -1); // Remove the trailing slash
  }

  // Separate tag name from attribute expression
  let attrsExp = "";
  let i = 0;
  let attrsLocalOffset; // exp-relative offset where attrsExp begins — rebases quotePairs

  for (; i < exp.length; i++) {
    const c = exp[i];
    if (isSpace(c)) {
      tagExp.tagName = exp.substring(0, i);
      attrsExp = exp.substring(i + 1);
      attrsLocalOffset = i + 1;
      if (expStart !== undefined) tagExp._attrsExpStart = expStart + i + 1;
      break;
    }
  }
  //only tag
  if (tagExp.tagName.length === 0 && i === exp.length) tagExp.tagName = exp;
  tagExp.tagName = tagExp.tagName.trimEnd();
  tagExp._attrsExp = attrsExp;

  if (!parser.isValidQName(tagExp.tagName)) {
    throw new ParseError("Invalid tag name", ErrorCode.INVALID_TAG_NAME);
  }

  // Pass 1: collect raw attribute values for matcher.updateCurrent().
  // Pass 2 (flushAttributes) runs later in readOpeningTag, after updateCurrent()
  // — and is still gated by skip.attributes there, so output/matcher visibility
  // of attribute values is unaffected by the change below.
  //
  // This pass itself, however, always runs whenever an attribute expression is
  // present — even when skip.attributes is true. Malformed attribute syntax
  // (unquoted values, illegal duplicates, illegal control characters) is a
  // document-validity problem, not an output-shaping one, so skip.attributes
  // must not be able to silently let broken markup through.
  if (forceToReadAttrs || attrsExp.length > 0) {
    collectRawAttributes(attrsExp, parser, tagExp, quotePairs, attrsLocalOffset, quotePairsLen);
  }
  // console.log(tagExp)
  return tagExp;
}


;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/StopNodeProcessor.js



/**
 * Well-known enclosure presets.
 *
 * Import these in your parser config to compose skipEnclosures arrays:
 *
 *   import { xmlEnclosures, quoteEnclosures } from '@nodable/flexible-xml-parser';
 *
 *   stopNodes: [
 *     "..script",                                              // plain — no enclosures (default)
 *     { expression: "body..pre",   skipEnclosures: [...xmlEnclosures] },
 *     { expression: "head..style", skipEnclosures: [...xmlEnclosures, ...quoteEnclosures] },
 *     { expression: "root.stopNode", nested: true, skipEnclosures: [{ open: '<!--', close: '-->' }] },
 *   ]
 */

/** XML structural delimiters — comments, CDATA, processing instructions. */
const xmlEnclosures = [
  { open: '<!--', close: '-->' },       // comment
  { open: '<![CDATA[', close: ']]>' },  // CDATA section
  { open: '<?', close: '?>' },          // processing instruction
];

/** String literal delimiters — useful for JS / CSS stop-node content. */
const quoteEnclosures = [
  { open: "'", close: "'" },
  { open: '"', close: '"' },
  { open: '`', close: '`' },  // template literal
];

/**
 * StopNodeProcessor — self-contained processor for stop nodes.
 *
 * A stop node is a "sealed envelope": the parser goes blind the moment it
 * enters one, collecting raw characters until the matching closing tag is
 * found. The content is returned as a raw string and never parsed by the
 * XML engine.
 *
 * ### Modes
 *
 * The behaviour is controlled by two independent flags:
 *
 *   **`nested`** (boolean, default false):
 *     When true, the processor tracks the depth of nested same-name opening
 *     tags. The stop node ends only when the depth returns to zero — i.e. the
 *     closing tag that matches the original opening tag. When false (default),
 *     the very first `</tagName>` ends the stop node regardless of nesting.
 *
 *   **`skipEnclosures`** (array, default []):
 *     A list of `{ open: string, close: string }` pairs. When the processor
 *     encounters an open marker it consumes everything up to the close marker
 *     wholesale, suppressing all closing-tag (and depth) logic for that span.
 *     Enclosures are checked in array order; the first match wins. When the
 *     array is empty, no enclosure skipping is performed.
 *
 * The two flags compose freely:
 *
 *   | nested | skipEnclosures | Behaviour                                                              |
 *   |--------|----------------|------------------------------------------------------------------------|
 *   | false  | []             | Plain: stop at first `</tagName>`.                                     |
 *   | true   | []             | Depth-only: track nested open tags, no enclosures.                    |
 *   | false  | [...]          | Enclosure-only: skip interiors, stop at first close tag outside them. |
 *   | true   | [...]          | Full: depth tracking + enclosure skipping.                             |
 *
 * ### Chunk-boundary survival (feedable / stream sources)
 *
 * When input runs out mid-collection, `collect()` throws `UNEXPECTED_END`.
 * The caller (`feed()` in XMLParser) catches it and rewinds the source to the
 * outer mark (the `<` of the stop node's opening tag). On the next `feed()`
 * call `readOpeningTag()` sees the reader is already active (`isActive()`) and
 * calls `resumeAfterOpenTag()` to re-consume the opening tag before calling
 * `collect()` again. All accumulated content and state are preserved in
 * instance fields between attempts.
 */
class StopNodeProcessor {
  /**
   * @param {string}   tagName
   *   The stop-node tag name to watch for.
   * @param {object}   [opts]
   * @param {boolean}  [opts.nested=false]
   *   When true, nested same-name open tags increment a depth counter; the
   *   stop node ends only when depth returns to zero.
   * @param {Array<{open:string,close:string}>} [opts.skipEnclosures=[]]
   *   Enclosure pairs whose interiors suppress closing-tag detection.
   */
  constructor(tagName, { nested = false, skipEnclosures = [] } = {}) {
    this._tagName = tagName;
    this._nested = nested;
    this._enclosures = skipEnclosures;

    // Runtime state — reset in activate() / resumeAfterOpenTag()
    this._content = '';
    this._depth = 1;   // already inside the opening tag
    this._active = false;
  }

  /** True once activated; cleared when `collect()` returns successfully. */
  isActive() {
    return this._active;
  }

  /**
   * Activate this processor. Called by `readOpeningTag` the first time it
   * encounters the stop node (after `readTagExp` has consumed the opening tag).
   */
  activate() {
    this._active = true;
    this._content = '';
    this._depth = 1;
  }

  /**
   * Called on resume (chunk boundary): the source was rewound to the `<` of
   * the stop node's opening tag, so the caller must re-consume the opening tag
   * via `readTagExp` before calling `collect()`.
   *
   * Because the rewind replays the entire opening tag, any content accumulated
   * during the failed attempt is invalid. Reset to a clean post-activation
   * state so the next `collect()` starts fresh from right after the opening tag.
   */
  resumeAfterOpenTag() {
    this._content = '';
    this._depth = 1;
  }

  /**
   * Collect raw content from `source` until the matching closing tag is found.
   *
   * Dispatches to one of four internal strategies based on the `nested` flag
   * and whether `skipEnclosures` is non-empty:
   *
   *   - Plain          (`nested:false`, no enclosures): fastest path — scan for
   *                    the literal `</tagName>` string and stop immediately.
   *   - Depth-only     (`nested:true`,  no enclosures): track open/close tags
   *                    for depth, no enclosure skipping.
   *   - Enclosure-only (`nested:false`, enclosures): skip enclosure interiors,
   *                    stop at the first closing tag found outside them.
   *   - Full           (`nested:true`,  enclosures): depth tracking AND
   *                    enclosure skipping.
   *
   * Progress (`_content`, `_depth`) is stored in instance fields so a
   * chunk-boundary `UNEXPECTED_END` can be retried seamlessly.
   *
   * @param {object} source  Any source object with the standard read interface.
   * @returns {{content: string, end: {index: number}}}
   *   `content` is the raw text between the opening and closing tags.
   *   `end` is the position immediately after the matched closing tag's '>' —
   *   mirrors `TagDetail.openEnd` / closeMeta.closeEnd for the opening-tag side,
   *   letting a caller recover the exact span of `<tag>...</tag>` including
   *   both delimiters, not just the inner content.
   */
  collect(source) {
    source.markTokenStart(1);

    const enclosuresLen = this._enclosures.length;//dont inline

    if (!this._nested && enclosuresLen === 0) {
      return this._collectPlain(source);
    }
    if (this._nested && enclosuresLen === 0) {
      return this._collectDepthOnly(source);
    }
    if (!this._nested && enclosuresLen > 0) {
      return this._collectEnclosureOnly(source);
    }
    // nested && enclosures.length > 0
    return this._collectFull(source);
  }

  // ── Strategy 1: Plain ──────────────────────────────────────────────────────

  /**
   * Fastest path. No depth tracking, no enclosure skipping.
   * Scans for the literal `</tagName>` followed by optional whitespace then `>`.
   */
  _collectPlain(source) {
    while (source.canRead()) {
      const ch = source.readChAt(0);

      if (ch !== '<') {
        this._content += source.readCh();
        continue;
      }

      if (this._tryConsumeCloseTag(source)) return this._finish(source);
      this._content += source.readCh();
    }

    throw this._unclosedError();
  }

  // ── Strategy 2: Depth-only ─────────────────────────────────────────────────

  /**
   * Depth tracking without enclosure skipping.
   * Properly handles nested same-name open tags. No enclosure awareness.
   */
  _collectDepthOnly(source) {
    while (this._depth > 0) {
      ensureCanRead(source, 0, `stop node <${this._tagName}> content`);
      if (this._stepDepthTracking(source)) return this._finish(source);
    }

    /* istanbul ignore next */
    throw this._unclosedError();
  }

  // ── Strategy 3: Enclosure-only ─────────────────────────────────────────────

  /**
   * Enclosure skipping without depth tracking.
   * Skips enclosure interiors; stops at the first `</tagName>` found outside them.
   */
  _collectEnclosureOnly(source) {
    while (source.canRead()) {
      // Enclosure openers take priority over everything else
      if (this._trySkipEnclosure(source)) continue;

      const ch = source.readChAt(0);

      if (ch !== '<') {
        this._content += source.readCh();
        continue;
      }

      // At '<' outside any enclosure — check for our closing tag
      if (this._tryConsumeCloseTag(source)) return this._finish(source);
      this._content += source.readCh();
    }

    throw this._unclosedError();
  }

  // ── Strategy 4: Full (nested + enclosures) ─────────────────────────────────

  /**
   * Full mode: enclosure skipping AND depth tracking.
   * Enclosure interiors suppress all closing-tag and depth logic for their span.
   * Depth tracks nested same-name open tags; the stop node ends at depth zero.
   */
  _collectFull(source) {
    while (this._depth > 0) {
      ensureCanRead(source, 0, `stop node <${this._tagName}> content`);

      // Enclosure openers take priority over tag scanning
      if (this._trySkipEnclosure(source)) continue;

      if (this._stepDepthTracking(source)) return this._finish(source);
    }

    /* istanbul ignore next */
    throw this._unclosedError();
  }

  // ── Shared finish helper ───────────────────────────────────────────────────

  /**
   * Reset runtime state and return the accumulated content plus the end
   * position (immediately after the matched closing tag's '>').
   * Called by every strategy when the closing tag is confirmed — always
   * right after that '>' has just been consumed from `source`.
   * @param {object} source
   * @returns {{content: string, end: {index: number}}}
   */
  _finish(source) {
    const result = this._content;
    const end = { index: absolutePosition(source) };
    this._active = false;
    this._content = '';
    this._depth = 1;
    return { content: result, end };
  }

  // ── Private helpers ────────────────────────────────────────────────────────

  /**
   * If an enclosure opens at the current position, consume it and its whole
   * interior (added to `_content` verbatim) and return true. Returns false,
   * consuming nothing, if no enclosure opens here. Shared by the two
   * enclosure-aware strategies (`_collectEnclosureOnly`, `_collectFull`).
   */
  _trySkipEnclosure(source) {
    const encIdx = this._matchEnclosureOpen(source);
    if (encIdx === -1) return false;
    const enc = this._enclosures[encIdx];
    this._skipChars(source, enc.open.length);
    this._content += enc.open;
    const interior = this._readUpto(source, enc.close);
    this._content += interior + enc.close;
    return true;
  }

  /**
   * At a '<' that isn't inside an enclosure: check whether it starts our own
   * closing tag (`</tagName` + optional whitespace + `>`). If so, consume it
   * and return true — the caller then calls `_finish()`. If not a match,
   * returns false without consuming anything, so the caller falls back to
   * treating the `<` as ordinary content. Shared by the two depth-unaware
   * strategies (`_collectPlain`, `_collectEnclosureOnly`).
   */
  _tryConsumeCloseTag(source) {
    const needed = '</' + this._tagName;
    if (!this._peekMatch(source, needed)) return false;

    let offset = needed.length;
    let validClose = false;
    while (true) {
      const c = source.readChAt(offset);
      if (c === '>') { validClose = true; break; }
      if (isSpace(c)) { offset++; continue; }
      break;
    }
    if (!validClose) return false;

    this._skipChars(source, needed.length);
    while (source.canRead()) {
      const c = source.readCh();
      if (c === '>') break;
    }
    return true;
  }

  /**
   * Process one tag encountered while depth-tracking is active: plain content
   * is appended as-is, a matching closing tag decrements depth (returning
   * true once depth reaches zero, telling the caller to finish), and any
   * other tag — including a nested opener of our own tag name — is appended
   * verbatim and, for a same-name non-self-closing opener, increments depth.
   * Shared by the two depth-tracking strategies (`_collectDepthOnly`,
   * `_collectFull`), which differ only in whether they check for enclosures
   * before calling this.
   */
  _stepDepthTracking(source) {
    const ch = source.readChAt(0);

    if (ch !== '<') {
      this._content += source.readCh();
      return false;
    }

    // Consume '<'
    source.readCh();
    ensureCanRead(source, 0, `stop node <${this._tagName}> tag after '<'`);

    const c0 = source.readChAt(0);

    if (c0 === '/') {
      // Closing tag
      source.readCh(); // consume '/'
      const closeName = this._readTagName(source);
      const closeSuffix = this._readToAngleClose(source);

      if (closeName === this._tagName) {
        this._depth--;
        if (this._depth === 0) return true;
      }
      this._content += '</' + closeName + closeSuffix;
      return false;
    }

    // Opening tag (including self-closing)
    const openName = this._readTagName(source);
    this._content += '<' + openName;

    const { selfClosing, attrText } = this._readTagTail(source);
    this._content += attrText;

    if (!selfClosing && openName === this._tagName) {
      this._depth++;
    }
    return false;
  }

  /**
   * The "ran out of input before the stop node closed" error, identical
   * across all four collection strategies.
   */
  _unclosedError() {
    return new ParseError(
      `Unclosed stop node <${this._tagName}> — unexpected end of input`,
      ErrorCode.UNEXPECTED_END,
    );
  }

  /**
   * Check whether any enclosure's `open` marker starts at the current source
   * position (without consuming). Returns the index of the first matching
   * enclosure, or -1 if none match.
   */
  _matchEnclosureOpen(source) {
    const enclosuresLen = this._enclosures.length;
    for (let i = 0; i < enclosuresLen; i++) {
      if (this._peekMatch(source, this._enclosures[i].open)) return i;
    }
    return -1;
  }

  /**
   * Read until `stopStr` is found, consuming `stopStr` itself.
   * Returns the text before `stopStr`. Throws UNEXPECTED_END if input runs out.
   */
  _readUpto(source, stopStr) {
    const s0 = stopStr[0];
    const sLen = stopStr.length;
    const start = source.startIndex;
    let len = 0;

    while (source.canRead()) {
      if (source.readChAt(0) === s0 && this._peekMatch(source, stopStr)) {
        const text = source.readStr(len, start);
        this._skipChars(source, sLen);
        return text;
      }
      source.readCh();
      len++;
    }

    throw new ParseError(
      `Unclosed stop node <${this._tagName}> — unexpected end looking for '${stopStr}'`,
      ErrorCode.UNEXPECTED_END,
    );
  }

  /**
   * Check whether the source (starting at current position) starts with `str`.
   * Does NOT consume.
   */
  _peekMatch(source, str) {
    const strLen = str.length;
    for (let i = 0; i < strLen; i++) {
      if (source.readChAt(i) !== str[i]) return false;
    }
    return true;
  }

  /**
   * Consume exactly `n` characters from source (discarding them — the caller
   * is responsible for appending to `_content` if needed).
   */
  _skipChars(source, n) {
    for (let i = 0; i < n; i++) source.readCh();
  }

  /**
   * Read an XML name (tag name) from the current source position.
   * Stops at `>`, `/`, or any whitespace. Does NOT consume the delimiter.
   */
  _readTagName(source) {
    let name = '';
    while (source.canRead()) {
      const ch = source.readChAt(0);
      if (ch === '>' || ch === '/' || isSpace(ch)) break;
      name += source.readCh();
    }
    return name;
  }

  /**
   * Read from after the tag name up to and including the closing `>`,
   * detecting self-closing `/>` and respecting quoted attribute values so
   * a `>` inside a value does not prematurely end the tag.
   *
   * Returns `{ selfClosing: boolean, attrText: string }` where `attrText`
   * includes everything from the first attribute character up to and
   * including the closing `>` (or `/>`).
   */
  _readTagTail(source) {
    const start = source.startIndex;
    let len = 0;
    let inSingle = false;
    let inDouble = false;

    while (source.canRead()) {
      const ch = source.readCh();
      len++;

      if (ch === "'" && !inDouble) {
        inSingle = !inSingle;
      } else if (ch === '"' && !inSingle) {
        inDouble = !inDouble;
      } else if (!inSingle && !inDouble) {
        if (ch === '>') {
          return { selfClosing: false, attrText: source.readStr(len, start) };
        }
        if (ch === '/' && source.canRead() && source.readChAt(0) === '>') {
          source.readCh(); // consume '>'
          len++;
          return { selfClosing: true, attrText: source.readStr(len, start) };
        }
      }
    }

    throw new ParseError(
      `Unclosed stop node <${this._tagName}> — unexpected end inside tag`,
      ErrorCode.UNEXPECTED_END,
    );
  }

  /**
   * After reading a closing tag name, read optional whitespace and the `>`
   * returning them as a raw string (e.g. `'  >'` or `'>'`).
   * Preserves original spacing when reconstructing inner closing tags.
   */
  _readToAngleClose(source) {
    const start = source.startIndex;
    let len = 0;
    while (source.canRead()) {
      const ch = source.readCh();
      len++;
      if (ch === '>') return source.readStr(len, start);
      if (!isSpace(ch)) {
        throw new ParseError(
          `Malformed closing tag for </${this._tagName}>`,
          ErrorCode.UNEXPECTED_END,
        );
      }
    }
    throw new ParseError(
      `Unclosed stop node <${this._tagName}> — unexpected end looking for '>'`,
      ErrorCode.UNEXPECTED_END,
    );
  }
}

;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/XmlSpecialTagsReader.js




function readCdata(parser) {
  // Level-1 inner mark: records where this reader began, used only by flush()
  // as a safe trim boundary. Does NOT overwrite the level-0 outer mark set by
  // parseXml()'s loop before it consumed '<![', which rewindToMark() restores to.
  parser.source.markTokenStart(1);

  //<![ already consumed up to this point
  expectMatch(parser.source, "CDATA[", "CDATA preamble");

  let text = parser.source.readUpto("]]>");
  // Normalization is unconditional — applies even under xml:space="preserve".
  text = sanitizeContent(text, parser.source);
  parser.outputBuilder.addLiteral(text);
}

function readPiTag(parser) {
  const skipOptions = parser.options.skip;
  parser.source.markTokenStart(1);
  //<? already consumed
  let tagExp = readPiExp(parser, "?>");
  if (!tagExp) {
    throw new ParseError(
      "Invalid Pi Tag expression.",
      ErrorCode.INVALID_TAG,
      errorPositionOf(parser.source)
    )
  } else if (tagExp.tagName === "xml") {
    // Read version from the declaration and store it on the parser for validators.
    const version = tagExp.rawAttributes?.version;
    if (version === '1.1') {
      parser.xmlDec.version = 1.1;
    }
    parser.xmlDec.encoding = tagExp.rawAttributes?.encoding;
    parser.xmlDec.standalone = tagExp.rawAttributes?.standalone;

    // BUG FIX: getNameValidator('qName') was already called (and memoized)
    // above the moment this PI tag's own name ("xml") got validated — before
    // xmlDec.version was known, so it was always cached with the '1.0'
    // default. Every subsequent tag/attribute name in the document —
    // including the root element — would silently be checked against XML
    // 1.0 rules even for a document declaring version="1.1". Reset the
    // cache now that the real version is known; this runs at most once per
    // document (a <?xml?> declaration can only appear once), so the cost is
    // negligible.
    // parser._nameValidators = Object.create(null);
    parser._nameValidators = {};
  }

  // Flush attributes into the output builder's this.attributes accumulator
  // so addDeclaration() / addInstruction() pick them up, mirroring what readOpeningTag
  // does for regular tags. PI tags are not pushed onto the matcher, so no
  // updateCurrent() call is needed here.
  if (!skipOptions.attributes) {
    flushAttributes(tagExp._parsedAttrs, parser, tagExp._attrsExpStart, tagExp._rawAttrMatchCount);
  }

  if (tagExp.tagName === "xml") {//TODO: move it to above if condition
    //TODO: verify it is very first tag else error
    if (!skipOptions.declaration) { //TODO: unnecessary. builder can ommit it from response if not needed
      parser.outputBuilder.addDeclaration("?xml", parser.xmlDec);
    }
  } else if (!skipOptions.pi) { //TODO: unnecessary. builder can ommit it from response if not needed
    parser.outputBuilder.addInstruction("?" + tagExp.tagName); // TODO: send without '?'
  }
}

function readComment(parser) {
  parser.source.markTokenStart(1);
  //<!- already consumed
  expectMatch(parser.source, "-", "comment second dash");
  let text = parser.source.readUpto("-->");
  text = sanitizeContent(text, parser.source);
  parser.outputBuilder.addComment(text);
}
;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/DocTypeReader.js



function readDocType(parser) {
    parser.source.markTokenStart(1);

    // <!D are already consumed by the caller up to this point
    expectMatch(parser.source, "OCTYPE", "DOCTYPE preamble");

    // const entities = Object.create(null);
    const entities = {};
    let entityCount = 0;
    let hasBody = false;
    let bodyDone = false;
    let quoteChar = null; // tracks an open SYSTEM/PUBLIC literal before the '[' body starts

    while (parser.source.canRead()) {
        // Save a local snapshot of startIndex BEFORE consuming this character.
        // If the sub-tag dispatch below throws UNEXPECTED_END we restore here
        // and re-throw so that feed()'s catch calls rewindToMark(), which
        // restores all the way back to the '<' that began the DOCTYPE tag
        // (the level-0 mark set by parseXml's loop). We must NOT call
        // markTokenStart(0) here because that would overwrite parseXml's
        // level-0 mark and cause rewindToMark() to land at the wrong position.
        const subTagStart = parser.source.startIndex;

        let ch = parser.source.readCh();

        // Inside a quoted external-identifier literal (SYSTEM "..."/PUBLIC "...")
        // that appears before the '[' body — XML allows '<' and '>' as plain
        // data here, so nothing below should interpret them as structure
        // until the matching closing quote is seen.
        if (quoteChar !== null) {
            if (ch === quoteChar) quoteChar = null;
            continue;
        }
        if (!hasBody && (ch === '"' || ch === "'")) {
            quoteChar = ch;
            continue;
        }

        if (ch === '<' && hasBody && !bodyDone) {
            // ── "<!…" sub-tag inside [...] body ───────────────────────────────
            // If any read below hits a chunk boundary we restore to subTagStart
            // (the '<') and re-throw UNEXPECTED_END so the outer rewind via
            // rewindToMark() lands at parseXml's level-0 mark (the DOCTYPE '<').
            try {
                ensureCanRead(parser.source, 0, "DOCTYPE sub-tag");
                let bang = parser.source.readStr(1);
                parser.source.updateBufferBoundary(1);
                if (bang !== "!") throw new ParseError(
                    `Invalid DOCTYPE body tag starting with "<${bang}"`,
                    ErrorCode.INVALID_TAG,
                    errorPositionOf(parser.source)
                );

                ensureCanRead(parser.source, 0, "DOCTYPE sub-tag type");
                let typeChar = parser.source.readStr(1);
                parser.source.updateBufferBoundary(1);

                if (typeChar === "-") {
                    // <!-- comment -->
                    ensureCanRead(parser.source, 0, "DOCTYPE comment");
                    let dash2 = parser.source.readStr(1);
                    parser.source.updateBufferBoundary(1);
                    if (dash2 !== "-") throw new ParseError(
                        "Invalid comment in DOCTYPE",
                        ErrorCode.INVALID_TAG,
                        errorPositionOf(parser.source)
                    );
                    parser.source.readUpto("-->");

                } else if (typeChar === "E") {
                    // ENTITY or ELEMENT — one more char to distinguish
                    ensureCanRead(parser.source, 0, "DOCTYPE E-type sub-tag");
                    let typeChar2 = parser.source.readStr(1);
                    parser.source.updateBufferBoundary(1);

                    if (typeChar2 === "N") {
                        // <!ENTITY — need 4 more chars for "TITY"
                        expectMatch(parser.source, "TITY", "DOCTYPE ENTITY keyword");

                        const [entityName, entityValue] = readEntityExp(parser);

                        if (entityValue.indexOf("&") === -1) {
                            const ep = parser.options?.doctypeOptions;
                            if (ep?.maxEntityCount && entityCount >= ep.maxEntityCount) {
                                throw new ParseError(
                                    `Entity count (${entityCount + 1}) exceeds maximum allowed (${ep.maxEntityCount})`,
                                    ErrorCode.ENTITY_MAX_COUNT,
                                    errorPositionOf(parser.source)
                                );
                            }
                            const escaped = entityName.replace(/[.\-+*:]/g, '\\$&');
                            entities[entityName] = {
                                regx: RegExp(`&${escaped};`, "g"),
                                val: entityValue
                            };
                            entityCount++;
                        }

                    } else if (typeChar2 === "L") {
                        // <!ELEMENT — need 5 more chars for "EMENT"
                        expectMatch(parser.source, "EMENT", "DOCTYPE ELEMENT keyword");
                        readElementExp(parser);

                    } else {
                        throw new ParseError(
                            `Invalid DOCTYPE sub-tag "<!E${typeChar2}"`,
                            ErrorCode.INVALID_TAG,
                            errorPositionOf(parser.source)
                        );
                    }

                } else if (typeChar === "A") {
                    // <!ATTLIST — need 6 more chars for "TTLIST"
                    expectMatch(parser.source, "TTLIST", "DOCTYPE ATTLIST keyword");
                    readAttlistExp(parser);

                } else if (typeChar === "N") {
                    // <!NOTATION — need 7 more chars for "OTATION"
                    expectMatch(parser.source, "OTATION", "DOCTYPE NOTATION keyword");
                    readNotationExp(parser);

                } else {
                    throw new ParseError(
                        `Invalid DOCTYPE sub-tag "<!${typeChar}"`,
                        ErrorCode.INVALID_TAG,
                        errorPositionOf(parser.source)
                    );
                }

            } catch (err) {
                if (err.code === ErrorCode.UNEXPECTED_END) {
                    // Restore cursor to the '<' that started this sub-tag so
                    // that when feed() calls rewindToMark() (which goes all the
                    // way back to the DOCTYPE '<' via parseXml's level-0 mark)
                    // the full DOCTYPE — including this sub-tag — is replayed.
                    parser.source.startIndex = subTagStart;
                }
                // Always re-throw: UNEXPECTED_END bubbles up to feed() for rewind;
                // INVALID_TAG and others bubble up as real parse failures.
                throw err;
            }

        } else if (ch === '[') {
            hasBody = true;

        } else if (ch === ']') {
            bodyDone = true;

        } else if (ch === '>') {
            if (!hasBody || bodyDone) {
                return entities;
            }
            // '>' before '[' is part of the external identifier — skip it
        }
        // whitespace, external identifier text, public id text — all skipped
    }

    throw new ParseError(
        "Unclosed DOCTYPE",
        ErrorCode.UNEXPECTED_END,
        errorPositionOf(parser.source)
    );
}

// ---------------------------------------------------------------------------
// Sub-expression readers
// ---------------------------------------------------------------------------

/**
 * Read an ENTITY declaration body.
 * "<!ENTITY" has already been consumed by the caller.
 *
 * All canRead() guards throw UNEXPECTED_END on chunk boundaries. The caller's
 * try/catch restores startIndex to the '<' of this sub-tag, then re-throws
 * so feed() → rewindToMark() resets all the way to the DOCTYPE opening '<'.
 *
 * @returns {[string, string]} [entityName, entityValue]
 */
function readEntityExp(parser) {
    const source = parser.source;

    skipSourceWhitespace(source);

    ensureCanRead(source, 1, "entity name");

    const entityNameStart = source.startIndex;
    let entityNameLen = 0;
    while (source.canRead()) {
        const ch = source.readCh();
        if (isSpace(ch) || ch === '"' || ch === "'") break;
        entityNameLen++;
    }
    const entityName = source.readStr(entityNameLen, entityNameStart);

    // Ran out mid-name without hitting a terminator — wait for more data
    ensureCanRead(source, 1, `entity name "${entityName}"`);

    DocTypeReader_validateEntityName(entityName, parser);
    skipSourceWhitespace(source);

    ensureCanRead(source, 0, `after entity name "${entityName}"`);

    // SYSTEM check requires 6 chars; only peek when they are available
    if (source.canRead(5)) {
        if (source.matchAhead("system", true) === true) {
            throw new ParseError("External entities are not supported",
                ErrorCode.INVALID_TAG,
                errorPositionOf(source));
        }
    }

    if (source.readStr(1) === "%") {
        throw new ParseError("Parameter entities are not supported",
            ErrorCode.INVALID_TAG,
            errorPositionOf(source));
    }

    // Need at least the opening quote char
    ensureCanRead(source, 0, `entity value for "${entityName}"`);

    const [entityValue] = readIdentifierVal(source, "entity");

    const ep = parser.options?.doctypeOptions;
    if (ep?.maxEntitySize && entityValue.length > ep.maxEntitySize) {
        throw new ParseError(
            `Entity "${entityName}" size (${entityValue.length}) exceeds maximum allowed size (${ep.maxEntitySize})`,
            ErrorCode.ENTITY_MAX_SIZE,
            errorPositionOf(source)
        );
    }

    // readUpto throws UNEXPECTED_END automatically if ">" is not in the buffer yet
    source.readUptoChar(">");

    return [entityName, entityValue];
}

/**
 * Read an ELEMENT declaration body.
 * "<!ELEMENT" has already been consumed by the caller.
 */
function readElementExp(parser) {
    const source = parser.source;

    skipSourceWhitespace(source);

    ensureCanRead(source, 1, "ELEMENT name");

    const elementNameStart = source.startIndex;
    let elementNameLen = 0;
    while (source.canRead()) {
        const ch = source.readCh();
        if (isSpace(ch)) break;
        elementNameLen++;
    }
    const elementName = source.readStr(elementNameLen, elementNameStart);

    ensureCanRead(source, 1, "ELEMENT name");

    if (!parser.getNameValidator('name')(elementName)) {
        throw new ParseError(`Invalid element name: "${elementName}"`,
            ErrorCode.INVALID_TAG,
            errorPositionOf(source));
    }

    skipSourceWhitespace(source);

    ensureCanRead(source, 1, "ELEMENT name");

    let peek1 = source.readStr(1);
    if (peek1 === "E") {
        // Use expectMatch for "EMPTY"
        try {
            expectMatch(source, "EMPTY", "ELEMENT content model keyword EMPTY");
        } catch (e) {
            // If not EMPTY, it might be something else – we fall back to skipping until '>'
            source.readUptoChar(">");
            return { elementName, contentModel: "" };
        }
    } else if (peek1 === "A") {
        try {
            expectMatch(source, "ANY", "ELEMENT content model keyword ANY");
        } catch (e) {
            source.readUptoChar(">");
            return { elementName, contentModel: "" };
        }
    } else if (peek1 === "(") {
        source.updateBufferBoundary(1);
        source.readUptoChar(")");
    }

    source.readUptoChar(">");
    return { elementName };
}

/**
 * Read an ATTLIST declaration body.
 * "<!ATTLIST" has already been consumed by the caller.
 */
function readAttlistExp(parser) {
    parser.source.readUptoChar(">");
}

/**
 * Read a NOTATION declaration body.
 * "<!NOTATION" has already been consumed by the caller.
 */
function readNotationExp(parser) {
    const source = parser.source;

    skipSourceWhitespace(source);

    ensureCanRead(source, 1, "NOTATION name");

    const notationNameStart = source.startIndex;
    let notationNameLen = 0;
    while (source.canRead()) {
        const ch = source.readCh();
        if (isSpace(ch)) break;
        notationNameLen++;
    }
    const notationName = source.readStr(notationNameLen, notationNameStart);

    ensureCanRead(source, 1, `after NOTATION name "${notationName}"`);

    DocTypeReader_validateEntityName(notationName, parser);
    skipSourceWhitespace(source);

    // Need all 6 chars of "SYSTEM" / "PUBLIC" before we can classify
    ensureCanRead(source, 6, "NOTATION identifier type");

    if (source.matchAhead("system", true) === true) {
        source.updateBufferBoundary(6);
        skipSourceWhitespace(source);
        readIdentifierVal(source, "systemIdentifier");
    } else if (source.matchAhead("public", true) === true) {
        source.updateBufferBoundary(6);
        skipSourceWhitespace(source);
        readIdentifierVal(source, "publicIdentifier");
        skipSourceWhitespace(source);
        ensureCanRead(source, 1, "after NOTATION PUBLIC identifier");
        let next = source.readStr(1);
        if (next === '"' || next === "'") {
            readIdentifierVal(source, "systemIdentifier");
        }
    } else {
        throw new ParseError(
            `Expected SYSTEM or PUBLIC in NOTATION, found "${source.readStr(6)}"`,
            ErrorCode.INVALID_TAG,
            errorPositionOf(source)
        );
    }

    source.readUptoChar(">");
}

/**
 * Read a quoted identifier value from the source.
 * Consumes the opening quote, the content, and the closing quote.
 * @returns {[string]} [value]
 */
function readIdentifierVal(source, type) {
    ensureCanRead(source, 1, type + " opening quote")
    let startChar = source.readStr(1);
    if (startChar !== '"' && startChar !== "'") {
        throw new ParseError(
            `Expected quoted string for ${type}, found "${startChar}"`,
            ErrorCode.INVALID_TAG,
            errorPositionOf(source)
        );
    }
    source.updateBufferBoundary(1);
    // readUpto throws UNEXPECTED_END automatically when the closing quote is absent
    let value = source.readUptoChar(startChar);
    return [value];
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function skipSourceWhitespace(source) {
    while (source.canRead()) {
        const ch = source.readChAt(0);
        if (!isSpace(ch)) break;
        source.updateBufferBoundary(1)
    }
}

function DocTypeReader_validateEntityName(name, parser) {
    if (parser.getNameValidator('name')(name)) return name;
    throw new ParseError(
        `Invalid entity name "${name}"`,
        ErrorCode.ENTITY_INVALID_KEY,
        {}
    );
}
;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/AutoCloseHandler.js



/**
 * AutoCloseHandler
 *
 * Handles two distinct failure modes that arise when XML is malformed
 * or a data stream is interrupted:
 *
 *   1. EOF with open tags   — `onEof` option
 *   2. Mismatched close tag — `onMismatch` option
 *
 * The handler is stateless; it receives the parser's live state on each
 * call and mutates it directly (matching how the parser normally works).
 */

/**
 * Error types returned by getParseErrors() when `collectErrors` is true.
 * @enum {string}
 */
const AutoCloseErrorType = Object.freeze({
  /** A tag was still open when the document ended. */
  UNCLOSED_EOF: 'unclosed-eof',

  /**
   * A closing tag didn't match the current open tag.
   * The handler popped up the stack to find the nearest match.
   */
  MISMATCHED_CLOSE: 'mismatched-close',

  /**
   * A closing tag appeared whose opener doesn't exist anywhere in the stack.
   * The tag is discarded.
   */
  PHANTOM_CLOSE: 'phantom-close',

  /**
   * The source ended mid-way through a tag — e.g. `<div><p` or `</di`.
   * The partial tag is discarded; any already-open tags are closed by handleEof.
   */
  PARTIAL_TAG: 'partial-tag',
});

class AutoCloseHandler {
  /**
   * @param {object} autoCloseOptions - Resolved autoClose options
   * @param {string} autoCloseOptions.onEof        - 'throw' | 'closeAll'
   * @param {string} autoCloseOptions.onMismatch   - 'throw' | 'recover' | 'discard'
   * @param {boolean} autoCloseOptions.collectErrors
   */
  constructor(autoCloseOptions) {
    this.onEof = autoCloseOptions.onEof || 'throw';
    this.onMismatch = autoCloseOptions.onMismatch || 'throw';
    this.collectErrors = autoCloseOptions.collectErrors || false;
    this.errors = [];
  }

  /**
   * Called at end-of-document when `tagsStack` is non-empty.
   *
   * @param {object}   parserState
   * @param {Array}    parserState.tagsStack       - Parser's open-tag stack
   * @param {object}   parserState.currentTagDetail - The currently open TagDetail
   * @param {object}   parserState.outputBuilder   - Live OutputBuilder instance
   * @param {object}   parserState.readonlyMatcher - Read-only Matcher proxy
   * @param {object}   parserState.source          - Current InputSource (for position)
   * @param {Function} parserState.addTextNode     - Bound addTextNode on the parser
   */
  handleEof(parserState) {
    if (this.onEof === 'throw') {
      throw new ParseError('Unexpected data in the end of document', ErrorCode.UNEXPECTED_TRAILING_DATA);
    }

    // onEof === 'closeAll'
    // Close from innermost outward using the parser's canonical popTag(),
    // which keeps the parser stack and output builder in sync automatically.

    const { addTextNode, popTag } = parserState;

    let current = parserState.currentTagDetail;

    while (current && !current.root) {
      this._recordError(AutoCloseErrorType.UNCLOSED_EOF, {
        tag: current.name,
        expected: null,
        index: current.index,
      });

      addTextNode();
      popTag();

      // popTag() already updated currentTagDetail via tagsStack.pop()
      current = parserState.currentTagDetail;
    }
  }

  /**
   * Called when a closing tag name doesn't match `currentTagDetail.name`.
   *
   * Returns an object describing what the caller should do:
   *   { action: 'close-matched' } — handler already closed intermediates;
   *                                  caller should now close the matched tag normally
   *   { action: 'discard' }       — caller should skip this closing tag entirely
   *
   * @param {string}   closingTagName   - The mismatched closing tag we just read
   * @param {object}   parserState      - Same shape as handleEof
   * @returns {{ action: string }}
   */
  handleMismatch(closingTagName, parserState) {
    const { tagsStack, currentTagDetail, source, addTextNode } = parserState;

    if (this.onMismatch === 'throw') {
      throw new ParseError(
        `Unexpected closing tag '${closingTagName}' expecting '${currentTagDetail.name}'`,
        ErrorCode.MISMATCHED_CLOSE_TAG,
        { index: source ? absolutePosition(source) : undefined }
      );
    }

    if (this.onMismatch === 'discard') {
      this._recordError(AutoCloseErrorType.MISMATCHED_CLOSE, {
        tag: closingTagName,
        expected: currentTagDetail.name,
        index: source ? absolutePosition(source) : null,
      });
      return { action: 'discard' };
    }

    // onMismatch === 'recover'
    // Scan the stack (top → bottom) for the closest matching opener.
    // tagsStack holds ancestors with index 0 = root, last = parent of current.
    // currentTagDetail is the open tag at the top that didn't match.

    // Build a unified view: [root...ancestors, current] — we check current first
    // (it's the top), then walk down toward the root.
    const stackSnapshot = [...tagsStack, currentTagDetail];

    let matchIndex = -1;
    const stackSnapshotLength = stackSnapshot.length;
    for (let i = stackSnapshotLength - 1; i >= 0; i--) {
      if (stackSnapshot[i].name === closingTagName) {
        matchIndex = i;
        break;
      }
    }

    if (matchIndex === -1) {
      // No match anywhere — phantom closing tag
      this._recordError(AutoCloseErrorType.PHANTOM_CLOSE, {
        tag: closingTagName,
        expected: currentTagDetail.name,
        index: source ? absolutePosition(source) : null,
      });
      return { action: 'discard' };
    }

    // Close everything above the match (innermost first), then signal the
    // caller to close the matched tag itself in the normal path.
    const levelsToClose = stackSnapshotLength - 1 - matchIndex;

    for (let i = 0; i < levelsToClose; i++) {
      const tag = stackSnapshot[stackSnapshotLength - 1 - i];

      this._recordError(AutoCloseErrorType.MISMATCHED_CLOSE, {
        tag: tag.name,
        expected: closingTagName,
        index: tag.index,
      });

      addTextNode();
      parserState.popTag();
    }

    // Update currentTagDetail to the matched one so the normal close path works.
    // popTag() has already walked the stack up by levelsToClose steps; the next
    // currentTagDetail is the one we want to match against.
    parserState.currentTagDetail = stackSnapshot[matchIndex];

    return { action: 'close-matched' };
  }

  /**
   * Called when the source ended mid-way through a tag token.
   * Records the partial-tag error and delegates remaining open tags to handleEof.
   *
   * @param {Error}  originalError  - The error thrown by the read function
   * @param {object} parserState    - Same shape as handleEof
   */
  handlePartialTag(originalError, parserState) {
    this._recordError(AutoCloseErrorType.PARTIAL_TAG, {
      tag: _extractPartialTagName(originalError),
      expected: null,
      index: parserState.source ? absolutePosition(parserState.source) : null,
    });

    // Discard any partially-accumulated text from the broken tag
    parserState.tagTextData = '';

    // Close whatever was legitimately open before this truncation
    this.handleEof(parserState);
  }

  /**
   * Return a copy of the collected error list.
   * Empty array when collectErrors is false or no errors occurred.
   * @returns {Array}
   */
  getErrors() {
    return this.errors.slice();
  }

  /**
   * Reset error log (useful if the same handler instance is reused).
   */
  reset() {
    this.errors = [];
  }

  // ── Private ──────────────────────────────────────────────────────────────

  _recordError(type, detail) {
    if (!this.collectErrors) return;
    this.errors.push({ type, ...detail });
  }
}

/**
 * Best-effort extraction of a partial tag name from a source-exhausted error.
 * Accepts the full error object so it can inspect both message and code.
 *
 * ParseError from readClosingTagName (new format):
 *   message: "Unexpected end of source reading closing tag '</di'"
 *
 * Legacy plain Error (old format, kept for safety):
 *   message: "Unexpected end of source. Reading closing tag '</di'"
 *
 * ParseError from readTagExp / readPiExp — opening tag truncated before '>':
 *   No tag name is embedded; returns null.
 */
function _extractPartialTagName(err) {
  if (!err) return null;
  const message = typeof err.message === 'string' ? err.message : String(err);
  // Match both "reading closing tag" (new, lowercase) and
  // "Reading closing tag"  (old, capitalised, period-separated)
  const closeMatch = message.match(/[Rr]eading closing tag '<\/([^']*)/);
  if (closeMatch) return closeMatch[1] || null;
  return null;
}
;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/Xml2JsParser.js














// Cap on the tag-name and attribute-name caches (each capped independently —
// see SAVEPOINT_name_cache.md for why: real documents have a small closed
// vocabulary of names, so this is a not-unbounded-growth guard for a
// pathological one-off document, not a security control (that's what
// limits.maxAttributesPerTag/maxNestedTags are for). Not user-configurable —
// an internal implementation detail, not a knob most users could tune
// meaningfully. On overflow the whole map is cleared rather than evicting
// individual entries (LRU) — simpler, and this ceiling is rare in practice.
const NAME_CACHE_LIMIT = 2000;
const keepSpace = { keep: ["xml:space"] }
/**
 * Returns the cached result of computeFn(rawName) if present, otherwise
 * calls computeFn(), caches the result, and returns it.
 *
 * If computeFn() throws (invalid name, restricted name, prototype-pollution
 * attempt, etc.) nothing is cached — the next occurrence of the same bad
 * name re-runs the full check and throws again from scratch. These are rare
 * error paths where correctness matters, not speed.
 *
 * A plain Map is used (not a plain object) so a legitimately falsy cached
 * value (resolveNsPrefix returns `false` for a dropped xmlns declaration)
 * is never confused with "not cached" — Map.get() only returns undefined
 * when the key is genuinely absent.
 */
function getCachedName(cache, rawName, computeFn) {
  const cached = cache.get(rawName);
  if (cached !== undefined || cache.has(rawName)) return cached;
  const result = computeFn();
  if (cache.size >= NAME_CACHE_LIMIT) cache.clear();
  cache.set(rawName, result);
  return result;
}

class TagDetail {
  /**
   * @param {string} name  - Tag name
   * @param {number} index - Character offset of '<' from document start
   * @param {number} [openEnd] - Character offset immediately after the opening
   *   tag's closing '>' (i.e. end of `<tag attr="x">`). Undefined until the
   *   opening tag expression has been fully read; set in readOpeningTag().
   *   For self-closing tags this is the offset after '/>'.
   * @param {string} [rawName] - the tag name exactly as written (before
   *   namespace-prefix stripping) — what a matching closing tag will
   *   literally contain. Used by readClosingTag()'s fast path; undefined for
   *   the synthetic root node.
   */
  constructor(name, index = 0, openEnd = undefined, rawName = undefined) {
    this.name = name;
    this.index = index;
    this.openEnd = openEnd;
    this.rawName = rawName;
  }
}

class Xml2JsParser {
  constructor(options) {
    this.options = options;

    this.currentTagDetail = null;
    this.tagTextData = "";
    this.tagsStack = [];
    this.doctypeFound = false;
    this.matcher = new Matcher/* default */.A();

    //create once and reuse
    this.readonlyMatcher = this.matcher.readOnly();

    // AutoClose handler — created once per parser instance, reset on each parse
    this.autoCloseHandler = options.autoClose
      ? new AutoCloseHandler(options.autoClose)
      : null;

    this._unpairedSet = new Set(this.options.tags.unpaired);

    // Reuse the sealed ExpressionSets built by OptionsBuilder.
    // Each Expression carries its config ({ nested, skipEnclosures }) in .data.
    // findMatch() returns the matched Expression directly — O(1) indexed lookup.
    this.stopNodeExpressionsSet = this.options.tags.stopNodesSet ?? new ExpressionSet/* default */.A();
    if (this.stopNodeExpressionsSet.size === 0) this.isStopNode = () => false;
    else this.isStopNode = isStopNode;
    this.skipTagExpressionsSet = this.options.skip.tagsSet ?? new ExpressionSet/* default */.A();
    if (this.skipTagExpressionsSet.size === 0) this.isSkipTag = () => false;
    else this.isSkipTag = isSkipTag;

    // exitIf: optional predicate called after each opening tag is pushed.
    // Stored directly — it's a plain function, not an ExpressionSet.
    this._exitIf = typeof options.exitIf === 'function' ? options.exitIf : () => false;

    // Tag/attribute name cache — read from `options`, not created fresh here.
    // `XMLParser` creates a brand-new Xml2JsParser on every parse() call but
    // passes the *same* options object each time, so a cache stored on
    // `options` survives across those calls. Deliberately NOT reset in
    // initializeParser() (unlike _nameValidators) — it depends only on the
    // raw name string plus options that are fixed for this instance's
    // lifetime, never on anything document-specific like xmlVersion.
    // Guarded fallback here in case Xml2JsParser is ever constructed
    // directly (e.g. in tests) without going through XMLParser.
    this._nameCache = options._nameCache || (options._nameCache = { tags: new Map(), attrs: new Map() });
  }

  initializeParser() {
    this.tagTextData = "";
    this.tagsStack = [];
    this.doctypeFound = false;
    this._stopNodeProcessor = null;
    this._exitIfTriggered = false;
    // Lazily-built, memoized xml-naming validators (v0.3.0 createValidator).
    // Lazy because xmlDec.version isn't final until the optional <?xml?>
    // declaration (if any) has been read — which happens after this method
    // runs but before any tag name is ever validated. Reset here (once per
    // document/session, see XMLParser._createParser / feed() call sites) so
    // a reused Xml2JsParser instance never validates against a stale
    // xmlVersion or leaks one document's name cache into the next.
    // this._nameValidators = Object.create(null);
    this._nameValidators = {};
    // Validity (unlike sanitize/ns-resolution in this._nameCache) depends on
    // xmlVersion, which is itself document-scoped — reset alongside
    // _nameValidators for the same reason, not on `options` with the rest of
    // _nameCache. See isValidQName().
    this._validQNames = new Set();
    this.xmlDec = {
      version: 1.0,
      lang: null,
      encoding: null,
      standalone: "yes"
    }

    if (!this.matcher) {
      this.matcher = new Matcher/* default */.A();
      this.readonlyMatcher = this.matcher.readOnly();
    }

    this.outputBuilder = this._createOutputBuilder();

    this.root = { root: true, name: "" };
    this.currentTagDetail = this.root;
  }

  /**
   * Create an OutputBuilder instance for this parse run.
   * The output builder owns all value parser registration, including
   * EntitiesValueParser — no injection needed from the parser side.
   */
  _createOutputBuilder() {
    return this.options.OutputBuilder.getInstance(this.options, this.readonlyMatcher);
  }

  /**
   * Returns true if the last parse call was terminated early by exitIf.
   * Useful when the caller needs to know whether parsing completed or stopped.
   */
  wasExited() {
    return this._exitIfTriggered === true;
  }

  parse(strData) {
    this.source = new StringSource(strData);
    this.initializeParser();
    this._parseAndFinalize();
    return this.outputBuilder.getOutput();
  }

  parseBytesArr(data) {
    const registry = this.options.decoding?._registry;
    const profile = buildProfileForBuffer(data, this.options.decoding, registry);
    this.source = new BufferSource(data, {}, profile);
    this.initializeParser();
    this._parseAndFinalize();
    return this.outputBuilder.getOutput();
  }

  /**
   * Advance the parser state machine as far as the source buffer allows.
   * Stops naturally when canRead() returns false — no EOF handling here.
   * Call finalizeXml() once all input is consumed to validate end-of-document.
   *
   * parseStream() and feed()/end() call this per chunk; _parseAndFinalize()
   * (used by parse() / parseBytesArr()) calls it then finalizeXml() immediately.
   */
  parseXml() {
    while (this.source.canRead()) {
      // exitIf triggered in this iteration — stop consuming input immediately.
      if (this._exitIfTriggered) break;

      // Level-0 outer mark: set before consuming any character so that if a
      // '<' dispatch throws UNEXPECTED_END (chunk boundary mid-tag), feed()
      // rewinds to here and the full token — including '<', '![', '</' etc. —
      // is re-read on the next chunk. Inner reader functions use level-1 marks
      // which never overwrite this position.
      this.source.markTokenStart(0);

      // Position of the next character, captured before it's read. When that
      // character turns out to be '<', this is exactly the position of '<'
      // itself — used below as the authoritative tag-start position for both
      // TagDetail (open tags) and closeMeta (close tags), instead of deriving
      // it after the fact from source.startIndex once the tag name/attrs have
      // already been consumed (which points past the tag, not at its start).
      const preReadPos = errorPositionOf(this.source);

      const ch = this.source.readCh();
      if (ch === undefined || ch === '') break;

      if (ch === '<') {
        const tagStart = preReadPos;

        const nextChar = this.source.readChAt(0);
        if (nextChar === '') throw new ParseError(
          "Unexpected end of source after '<'", ErrorCode.UNEXPECTED_END, errorPositionOf(this.source)
        );

        //sorted frequency wise
        if (nextChar === '/') {
          this.source.updateBufferBoundary();
          this.readClosingTag(tagStart);
        } else if (nextChar === '!') {
          this.source.updateBufferBoundary();
          this.addTextNode();
          this.readSpecialTag(nextChar);
        } else if (nextChar === '?') {
          this.source.updateBufferBoundary();
          this.addTextNode();
          readPiTag(this);
        } else {
          this.readOpeningTag(tagStart);
        }
      } else {
        // ch is already consumed. Peek ahead for more non-'<' chars and grab
        // the whole run in one readStr call rather than concatenating one char
        // at a time through every loop iteration.
        let runLen = 0;
        while (true) {
          const c = this.source.readChAt(runLen);
          if (c === '<' || c === undefined || c === '') break;
          runLen++;
        }
        if (runLen > 0) {
          this.tagTextData += ch + this.source.readStr(runLen, this.source.startIndex);
          this.source.updateBufferBoundary(runLen);
        } else {
          this.tagTextData += ch;
        }

        //TODO: why does below code doesn't work
        // const text = this.source.readUptoChar("<");
        // this.tagTextData += text;
      }
    }
  }

  /**
   * Validate end-of-document state and apply autoClose recovery if configured.
   * Must be called exactly once after all input has been consumed.
   */
  finalizeXml() {
    // When exitIf fired, the parser already closed all open tags and notified
    // the builder — treat the partial parse as complete and skip EOF checks.
    if (this._exitIfTriggered) return;

    const hasOpenTags = this.tagsStack.length > 0 ||
      (this.currentTagDetail && !this.currentTagDetail.root);

    const hasTrailingText =
      !hasOpenTags &&
      this.tagTextData !== undefined &&
      this.tagTextData.trimEnd().length > 0;

    if (hasOpenTags || hasTrailingText) {
      if (this.autoCloseHandler && hasOpenTags && !hasTrailingText) {
        this.autoCloseHandler.handleEof(this._parserState());
      } else {
        throw new ParseError('Unexpected data in the end of document', ErrorCode.UNEXPECTED_TRAILING_DATA, errorPositionOf(this.source));
      }
    }
  }

  /**
   * One-shot helper used by parse() and parseBytesArr().
   * Runs parseXml() with autoClose partial-tag recovery, then finalizeXml().
   * @private
   */
  _parseAndFinalize() {
    let partialTagError = null;
    if (this.autoCloseHandler) this.autoCloseHandler.reset();

    try {
      this.parseXml();
    } catch (err) {
      if (this.autoCloseHandler && isSourceExhaustedError(err)) {
        partialTagError = err;
      } else {
        throw err;
      }
    }

    if (partialTagError) {
      this.autoCloseHandler.handlePartialTag(partialTagError, this._parserState());
      return;
    }

    this.finalizeXml();
  }

  readClosingTag(tagStart) {
    // ── Fast path ────────────────────────────────────────────────────────────
    // The overwhelming majority of closing tags match the tag already sitting
    // on top of the stack. Try that directly, character-by-character, before
    // reading the name into a fresh string and re-validating/re-sanitizing a
    // name we've already validated once (see
    // SAVEPOINT_closing_tag_and_double_scan.md). Peek-only — a mismatch or a
    // buffer that runs out mid-check costs nothing to abandon, so any failure
    // here falls straight through to the exact original slow path below.
    //
    // Skipping isUnpaired()/isStopNode() on this path is safe by construction,
    // not just by observation: only pushTag() ever sets currentTagDetail, and
    // pushTag() is never reached for an unpaired tag or a stop-node/skip-tag
    // match (both close themselves inline in readOpeningTag) — so whenever
    // currentTagDetail is a real open tag, both checks are guaranteed false.
    const current = this.currentTagDetail;
    if (current && !current.root && current.rawName !== undefined) {
      const consumed = tryMatchClosingTagName(this.source, current.rawName);
      if (consumed !== -1) {
        this.source.updateBufferBoundary(consumed);
        const closeMeta = {
          name: current.name,
          index: tagStart.index,
          closeEnd: absolutePosition(this.source),
        };
        this.addTextNode();
        this.popTag(closeMeta);
        return;
      }
    }

    // ── Slow path — unchanged ────────────────────────────────────────────────
    const tagName = this.processTagName(readClosingTagName(this.source));
    // closeMeta: position of this closing tag's '</' (tagStart, passed in from
    // parseXml's dispatch) plus the offset right after its '>' (closeEnd) —
    // mirrors tagDetail.index / tagDetail.openEnd for the opening-tag side.
    const closeMeta = {
      name: tagName,
      index: tagStart.index,
      closeEnd: absolutePosition(this.source),
    };

    if (this.isUnpaired(tagName) || this.isStopNode()) {
      throw new ParseError(`Unexpected closing tag '${tagName}'`, ErrorCode.UNEXPECTED_CLOSE_TAG, errorPositionOf(this.source));
    }

    if (tagName !== this.currentTagDetail.name) {
      if (!this.autoCloseHandler) {
        throw new ParseError(
          `Unexpected closing tag '${tagName}' expecting '${this.currentTagDetail.name}'`,
          ErrorCode.MISMATCHED_CLOSE_TAG,
          errorPositionOf(this.source)
        );
      }

      const decision = this.autoCloseHandler.handleMismatch(tagName, this._parserState());

      if (decision.action === 'discard') return;
      // 'close-matched': handler updated currentTagDetail; fall through to normal close
    }

    if (!this.currentTagDetail.root) this.addTextNode();
    this.popTag(closeMeta);
  }

  readOpeningTag(tagStart) {
    const options = this.options;
    this.addTextNode();

    // ── Stop-node resume ─────────────────────────────────────────────────────
    // When a chunk boundary fell inside StopNodeProcessor.collect(), feed() caught
    // UNEXPECTED_END and rewound the source to the '<' of the stop node's
    // opening tag. On the next feed() we re-enter here with the processor active.
    // Re-consume the opening tag (source was rewound to its '<'), then resume
    // collection — the processor remembers all accumulated content and depth.
    if (this._stopNodeProcessor && this._stopNodeProcessor.isActive()) {
      const { tagDetail, isSkip } = this._stopNodeProcessorMeta;
      this._stopNodeProcessor.resumeAfterOpenTag();
      readTagExp(this); // re-consume the opening tag from the rewound source
      // openEnd reflects the offset right after this opening tag's '>' — stable
      // across retries since the opening tag is fully re-read every time.
      tagDetail.openEnd = absolutePosition(this.source);
      const { content, end: stopEnd } = this._stopNodeProcessor.collect(this.source);
      if (!isSkip) {
        this.outputBuilder.addElement(tagDetail, this.readonlyMatcher);
        this.outputBuilder.onStopNode?.(tagDetail, content, this.readonlyMatcher, stopEnd);
        this.outputBuilder.addValue(content, this.readonlyMatcher);
        this.outputBuilder.closeElement(this.readonlyMatcher, { name: tagDetail.name, closeEnd: stopEnd.index });
      }
      this.matcher.pop();
      this._stopNodeProcessor = null;
      this._stopNodeProcessorMeta = null;
      return;
    }

    let tagExp = readTagExp(this);
    const processedTagName = this.processTagName(tagExp.tagName);
    const tagDetail = new TagDetail(
      processedTagName,
      tagStart.index,
      absolutePosition(this.source), // openEnd: offset right after this opening tag's '>'
      tagExp.tagName, // rawName: exactly as written, for readClosingTag()'s fast path
    );

    // Extract namespace prefix and local name from raw tag name (e.g. "ns:tag" → "ns", "tag").
    // Always done from the raw name (tagExp.tagName), before processTagName strips the prefix,
    // so these values are stable regardless of skip.nsPrefix.
    const colonIdx = tagExp.tagName.indexOf(':');
    const tagNamespace = colonIdx !== -1 ? tagExp.tagName.slice(0, colonIdx) : undefined;
    // Local name for the matcher: prefix-free always (e.g. "code" from "ns:code").
    // The matcher library tracks namespace separately via the 3rd push() argument —
    // passing the full "ns:code" as the tag name would break ns::code expression matching.
    const matcherTagName = tagNamespace !== undefined
      ? tagExp.tagName.slice(colonIdx + 1)
      : processedTagName;

    // ── Limit: maxNestedTags ─────────────────────────────────────────────────
    const maxNested = options.limits?.maxNestedTags;
    if (maxNested !== undefined && maxNested !== null) {
      const depth = this.tagsStack.length + 1;
      if (depth > maxNested) {
        throw new ParseError(
          `Nesting depth ${depth} exceeds limit of ${maxNested} (tag: '${processedTagName}')`,
          ErrorCode.LIMIT_MAX_NESTED_TAGS,
          { index: tagDetail.index }
        );
      }
    }

    // ── Two-pass attribute handling ──────────────────────────────────────────
    let rawAttributes = {};
    let raeAttrLen = 0;
    if (tagExp.rawAttributes) {
      rawAttributes = tagExp.rawAttributes;
      raeAttrLen = tagExp.rawAttributesLen;
    }

    if (raeAttrLen > 0) {
      this.matcher.push(matcherTagName, rawAttributes, tagNamespace, keepSpace);
      // this.matcher.updateCurrent(rawAttributes);
    } else {
      this.matcher.push(matcherTagName, {}, tagNamespace);

    }

    // Resolve skip/stop BEFORE touching the output builder
    const stopNodeConfig = this.isStopNode();
    const skipTagConfig = stopNodeConfig ? null : this.isSkipTag();

    if (!options.skip.attributes && !skipTagConfig) {
      flushAttributes(tagExp._parsedAttrs, this, tagExp._attrsExpStart, tagExp._rawAttrMatchCount);
    }

    // Stop-node and skip-tag checks AFTER attributes are set so attribute conditions work.
    // const stopNodeConfig = this.isStopNode();
    // Skip tag is only checked when this tag is not already a stop node — they are mutually exclusive.
    // const skipTagConfig = stopNodeConfig ? null : this.isSkipTag();

    if (this.isUnpaired(processedTagName)) {
      this.outputBuilder.addElement(tagDetail, this.readonlyMatcher);
      // Unpaired tags (e.g. <br>, <img>) have no separate closing tag — the
      // close position is the same as the open tag's end.
      this.outputBuilder.closeElement(this.readonlyMatcher, this._closeMetaFor(tagDetail));
      this.matcher.pop();
    } else if (tagExp.selfClosing) {
      if (!skipTagConfig) {
        this.outputBuilder.addElement(tagDetail, this.readonlyMatcher);
        // Self-closing tags (<tag/>) likewise have no distinct closing tag.
        this.outputBuilder.closeElement(this.readonlyMatcher, this._closeMetaFor(tagDetail));
      }
      this.matcher.pop();
    } else if (stopNodeConfig) {
      // Create a fresh processor with the matching nested + skipEnclosures config.
      // Raw tag name (tagExp.tagName) is used — the processor scans the source
      // character-by-character and must match the prefix-as-written (e.g. "ns:code"),
      // independent of what skip.nsPrefix does to the processed output name.
      this._stopNodeProcessor = new StopNodeProcessor(tagExp.tagName, {
        nested: stopNodeConfig.nested,
        skipEnclosures: stopNodeConfig.skipEnclosures,
      });
      this._stopNodeProcessorMeta = { tagDetail, isSkip: false };
      this._stopNodeProcessor.activate();
      const { content, end: stopEnd } = this._stopNodeProcessor.collect(this.source);
      this.outputBuilder.addElement(tagDetail, this.readonlyMatcher);
      this.outputBuilder.onStopNode?.(tagDetail, content, this.readonlyMatcher, stopEnd);
      this.outputBuilder.addValue(content, this.readonlyMatcher);
      // closeMeta for a stop node carries only `closeEnd` (offset right after
      // the matched </tagname> was consumed) — StopNodeProcessor scans the
      // closing tag opaquely and doesn't track where '</tagname' itself starts,
      // so unlike the normal close path we don't have a real index
      // for the close tag's own start, only its end.
      this.outputBuilder.closeElement(this.readonlyMatcher, { name: tagDetail.name, closeEnd: stopEnd.index });
      this.matcher.pop();
      this._stopNodeProcessor = null;
      this._stopNodeProcessorMeta = null;
    } else if (skipTagConfig) {
      // Skip tag: collect raw content (to advance the source past the closing tag)
      // but call no output builder methods — the tag is silently dropped.
      // Raw tag name used for the same reason as the stop-node branch above.
      this._stopNodeProcessor = new StopNodeProcessor(tagExp.tagName, {
        nested: skipTagConfig.nested,
        skipEnclosures: skipTagConfig.skipEnclosures,
      });
      this._stopNodeProcessorMeta = { tagDetail, isSkip: true };
      this._stopNodeProcessor.activate();
      this._stopNodeProcessor.collect(this.source); // advance source; content discarded
      this.matcher.pop();
      this._stopNodeProcessor = null;
      this._stopNodeProcessorMeta = null;
    } else if (this._exitIf(this.readonlyMatcher)) {
      // ── exitIf ───────────────────────────────────────────────────────────────
      // Checked BEFORE addElement so the triggering tag is never added to the
      // output builder. The matcher is already positioned (push + updateCurrent
      // above), so attribute-based predicates work correctly.
      //
      // We pop the matcher entry for this tag (it was never added to the builder),
      // then close all already-open ancestors so the builder can finalise its tree.

      const exitDepth = this.tagsStack.length; // number of ancestors open before this tag
      this.matcher.pop(); // undo the push for the triggering tag

      while (this.currentTagDetail && !this.currentTagDetail.root) {
        this.addTextNode();
        this.popTag();
      }

      // Notify the output builder that parsing was intentionally truncated.
      if (typeof this.outputBuilder.onExit === 'function') {
        this.outputBuilder.onExit({
          tagDetail,
          matcher: this.readonlyMatcher,
          depth: exitDepth,
        });
      }

      this._exitIfTriggered = true;
    } else {
      this.pushTag(tagDetail);
    }
  }

  /**
   * Push a tag onto the parser stack and notify the output builder.
   * This is the single point of entry for opening a non-self-closing tag —
   * both the parser-side stack (currentTagDetail / tagsStack) and the
   * output builder are updated together, keeping them in sync.
   *
   * Custom OutputBuilder implementations that maintain their own tag stack
   * should override addElement() rather than calling pushTag() directly.
   *
   * @param {TagDetail} tagDetail
   */
  pushTag(tagDetail) {
    this.tagsStack.push(this.currentTagDetail);
    this.outputBuilder.addElement(tagDetail, this.readonlyMatcher);
    this.currentTagDetail = tagDetail;
  }

  /**
   * Pop the current tag from the parser stack and notify the output builder.
   * This is the single point of exit for closing a tag — both stacks are
   * updated together.
   *
   * @param {object} [closeMeta] - Position info for the closing tag:
   *   { name, index, closeEnd }. Omitted when there is no real
   *   closing tag to report a position for — e.g. AutoCloseHandler synthesizing
   *   a close at EOF, or exitIf closing already-open ancestors. In that case a
   *   minimal `{ name }` is passed to the builder instead of nothing, so
   *   closeElement() never has to special-case "no second argument at all".
   */
  popTag(closeMeta) {
    this.outputBuilder.closeElement(this.readonlyMatcher, closeMeta ?? { name: this.currentTagDetail?.name });
    this.matcher.pop();
    this.currentTagDetail = this.tagsStack.pop();
  }

  /**
   * Build a closeMeta object for tags with no distinct closing token
   * (unpaired tags like <br>, and self-closing tags like <tag/>) — the close
   * position is just the opening tag's own end.
   * @param {TagDetail} tagDetail
   */
  _closeMetaFor(tagDetail) {
    return {
      name: tagDetail.name,
      index: tagDetail.index,
      closeEnd: tagDetail.openEnd,
    };
  }

  readSpecialTag(startCh) {
    if (startCh === "!") {
      let nextChar = this.source.readCh();
      if (nextChar === null || nextChar === undefined) throw new ParseError("Unexpected end of source after '<!'", ErrorCode.UNEXPECTED_END, errorPositionOf(this.source));

      if (nextChar === "-") {
        readComment(this);
      } else if (nextChar === "[") {
        readCdata(this);
      } else if (nextChar === "D") {
        // DOCTYPE is always read to consume its content and advance the cursor.
        // Entities are forwarded to the output builder only when doctypeOptions.enabled is true.
        const docTypeEntities = readDocType(this);
        if (this.doctypeFound) {
          throw new ParseError("Multiple DOCTYPE declarations found.", ErrorCode.INVALID_INPUT, errorPositionOf(this.source));
        }
        this.doctypeFound = true;
        if (this.options.doctypeOptions.enabled &&
          docTypeEntities &&
          Object.keys(docTypeEntities).length > 0) {
          this.outputBuilder.addInputEntities(docTypeEntities);
        }
      }
    } else {
      throw new ParseError(`Invalid tag '<${startCh}'`, ErrorCode.INVALID_TAG, errorPositionOf(this.source));
    }
  }

  addTextNode() {
    if (this.tagTextData !== undefined && this.tagTextData !== "") {
      // Line-ending normalization + illegal-control-character rejection,
      // applied once per complete text run (never mid-chunk — see util.js).
      this.tagTextData = sanitizeContent(this.tagTextData, this.source);
      // Pass raw text — entity expansion is handled by 'entities' ValueParser in the chain
      if (!this.options.skip.whitespaceText || this.tagTextData.trim().length > 0) {
        this.outputBuilder.addValue(this.tagTextData, this.readonlyMatcher);
      }
      this.tagTextData = "";
    }
  }

  /**
   * Cached wrapper around getNameValidator('qName') — shape-validating a tag
   * name is a pure function of the name string alone (for a fixed xmlVersion,
   * itself fixed for the whole document), so a name seen once and found valid
   * never needs the regex re-run for its later occurrences. Only opening tag
   * names go through this (see buildTagExpObj in XmlPartReader.js); closing
   * tags are checked by exact-match against the already-validated opening
   * name instead (readClosingTag), so they never need shape validation of
   * their own.
   *
   * Only valid names are cached, matching processTagName/processAttrName's
   * existing convention — an invalid name throws every time it's seen, never
   * silently let through after a first failure.
   */
  isValidQName(name) {
    const cache = this._validQNames;
    if (cache.has(name)) return true;
    const ok = this.getNameValidator('qName')(name);
    if (ok) {
      if (cache.size >= NAME_CACHE_LIMIT) cache.clear();
      cache.add(name);
    }
    return ok;
  }

  /**
   * Returns a memoized xml-naming validator for the given production
   * ('qName' for tag/attribute names, 'name' for DOCTYPE entity/element/
   * notation names), built lazily on first use and cached per parser
   * instance for the rest of the document/session.
   *
   * xmlDec.version is stored as a number (1.0 / 1.1) but xml-naming's
   * xmlVersion option is the string '1.0'/'1.1' — normalized here rather
   * than changing xmlDec's public shape (it's forwarded as-is to
   * outputBuilder.addDeclaration(), so its type is part of the builder
   * contract, not just an internal detail).
   *
   * @param {'name'|'qName'} production
   */
  getNameValidator(production) {
    let validator = this._nameValidators[production];
    if (!validator) {
      const xmlVersion = this.xmlDec.version === 1.1 || this.xmlDec.version === '1.1' ? '1.1' : '1.0';
      validator = (0,src/* createValidator */.fH)(production, { xmlVersion });
      this._nameValidators[production] = validator;
    }
    return validator;
  }

  processAttrName(rawAttrName) {
    return getCachedName(this._nameCache.attrs, rawAttrName, () => {
      const options = this.options;
      let attrName = resolveNsPrefix(rawAttrName, options.skip.nsPrefix);
      if (!this.getNameValidator('qName')(attrName)) { //TODO: make it optional
        throw new ParseError(`Invalid attribute name: ${attrName}`, ErrorCode.INVALID_ATTRIBUTE_NAME, errorPositionOf(this.source));
      }
      attrName = sanitizeName(attrName, options.onDangerousProperty, options.sanitizeNames, this.source);
      if (options.strictReservedNames && attrName === options.attributes.groupBy) {
        throw new ParseError(`Restricted attribute name: ${attrName}`, ErrorCode.SECURITY_RESTRICTED_NAME, errorPositionOf(this.source));
      }
      return attrName;
    });
  }

  processTagName(rawTagName) {
    return getCachedName(this._nameCache.tags, rawTagName, () => {
      const options = this.options;
      const nameFor = options.nameFor;
      let tagName = resolveNsPrefix(rawTagName, options.skip.nsPrefix);
      tagName = sanitizeName(tagName, options.onDangerousProperty, options.sanitizeNames, this.source);
      if (options.strictReservedNames && (
        tagName === nameFor.comment ||
        tagName === nameFor.cdata ||
        tagName === nameFor.text
      )) {
        throw new ParseError(`Restricted tag name: ${tagName}`, ErrorCode.SECURITY_RESTRICTED_NAME, errorPositionOf(this.source));
      }
      return tagName;
    });
  }

  isUnpaired(tagName) {
    return this._unpairedSet.has(tagName);
  }

  /**
 * Snapshot of mutable parser state passed to AutoCloseHandler.
 * Returns a live object — properties read from it reflect current state.
 */
  _parserState() {
    const self = this;
    return {
      get tagsStack() { return self.tagsStack; },
      get currentTagDetail() { return self.currentTagDetail; },
      set currentTagDetail(v) { self.currentTagDetail = v; },
      get outputBuilder() { return self.outputBuilder; },
      get readonlyMatcher() { return self.readonlyMatcher; },
      get matcher() { return self.matcher; },
      get source() { return self.source; },
      get tagTextData() { return self.tagTextData; },
      set tagTextData(v) { self.tagTextData = v; },
      addTextNode: self.addTextNode.bind(self),
      popTag: self.popTag.bind(self),
    };
  }
}

function resolveNsPrefix(name, skipNsPrefix) {
  if (skipNsPrefix) {
    const parts = name.split(':');
    if (parts.length === 2) {
      if (parts[0] === 'xmlns') return false; // drop xmlns declarations
      return parts[1];
    } else if (parts.length > 2) {
      throw new ParseError(`Multiple namespaces in name: ${name}`, ErrorCode.MULTIPLE_NAMESPACES, errorPositionOf(this.source));
    }
  }
  return name;
}

function sanitizeName(name, onDangerousProperty, sanitizeNames, source) {
  // criticalProperties (__proto__, constructor, prototype) guard against an
  // actual prototype-pollution vulnerability in the output object, not just
  // a naming collision — this check always runs, `sanitizeNames` cannot
  // turn it off. Only the DANGEROUS_PROPERTY_NAMES rename step (a milder,
  // cosmetic shadowing concern) is skippable for trusted input.
  if (criticalProperties.includes(name)) {
    throw new ParseError(`[SECURITY] Invalid name: "${name}" is a reserved JavaScript keyword that could cause prototype pollution`, ErrorCode.SECURITY_PROTOTYPE_POLLUTION, errorPositionOf(source));
  }
  if (sanitizeNames === false) return name;
  if (DANGEROUS_PROPERTY_NAMES.includes(name)) {
    return onDangerousProperty(name);
  }
  return name;
}

/**
 * Returns true for errors thrown by read functions when the source ran out
 * mid-token — i.e. the document was truncated inside a tag.
 * These are the only errors we intercept for autoClose recovery.
 * Syntax errors (unclosed quotes) are NOT intercepted — they rethrow.
 */
function isSourceExhaustedError(err) {
  // Accept both ParseError (with codes) and plain Error from lower-level readers
  if (err instanceof ParseError) {
    return err.code === ErrorCode.UNEXPECTED_END;
  }
  return (
    err.message.startsWith('Unexpected end of source') ||
    err.message.startsWith('Unexpected closing of source')
  );
}

/**
   * Returns the matched stop-node config `{ nested, skipEnclosures }` (from Expression.data)
   * if the current matcher position matches any stop-node expression, or `null` if not.
   * Uses ExpressionSet.findMatch() for O(1) indexed lookup.
   */
function isStopNode() {
  if (this.stopNodeExpressionsSet.size === 0) return null;
  const matched = this.stopNodeExpressionsSet.findMatch(this.matcher);
  return matched ? matched.data : null;
}

/**
 * Returns the matched skip-tag config `{ nested, skipEnclosures }` (from Expression.data)
 * if the current matcher position matches any skip.tags expression, or `null` if not.
 * Uses ExpressionSet.findMatch() for O(1) indexed lookup.
 */
function isSkipTag() {
  if (this.skipTagExpressionsSet.size === 0) return null;
  const matched = this.skipTagExpressionsSet.findMatch(this.matcher);
  return matched ? matched.data : null;
}
;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/InputSource/FeedableSource.js






// Matches EncodingDetector's own declaration-peek window — bounds how much
// raw (undecoded) data 'auto' mode ever holds before giving up and resolving
// on whatever it has (a document with no BOM and no <?xml?> declaration is
// legitimately using the utf8 default, not something to keep waiting on).
const SNIFF_CAP = 200;

/**
 * FeedableSource — input source for the feed()/end() API.
 *
 * Accepts incremental string/Buffer chunks via feed(), accumulates them in a
 * single string buffer, and exposes the same read interface as StringSource so
 * Xml2JsParser can use it without modification.
 *
 * ### Incremental parsing
 *
 * The parser calls parseXml() after every feed() call, consuming as much of
 * the buffer as possible. When a chunk boundary falls mid-token (e.g. a CDATA
 * section split across two feeds), every reader function marks its start
 * position with markTokenStart() before it begins. If the reader throws
 * UNEXPECTED_END, the caller (XMLParser.feed) catches it and calls
 * rewindToMark() to restore startIndex to the beginning of the incomplete
 * token. The incomplete bytes stay in the buffer and are re-parsed on the
 * next feed() once the rest of the token has arrived.
 *
 * ### Two-level mark stack
 *
 * There are two mark levels:
 *
 *   Level 0 — outer mark, set by parseXml()'s main loop BEFORE it reads the
 *              '<' character that begins a tag dispatch. This is the position
 *              that rewindToMark() always restores to, so the full tag (including
 *              its '<![', '</', etc. prefix) is replayed correctly on the next
 *              feed().
 *
 *   Level 1 — inner mark, set by individual reader functions (readCdata,
 *              readClosingTagName, readTagExp, …) at the point where *they*
 *              begin. This does NOT affect rewindToMark(); it is used only by
 *              flush() to determine the safe trim boundary while a reader is
 *              in progress.
 *
 * Using two levels instead of a single slot prevents inner markTokenStart()
 * calls from overwriting the outer mark that feed() needs to rewind to.
 *
 * ### Memory
 *
 * Parsed data is reclaimed from the buffer automatically (autoFlush) once the
 * processed portion exceeds flushThreshold bytes. Because parseXml() runs per
 * chunk and completed tokens are consumed before the next chunk arrives, only
 * incomplete tokens at the current chunk boundary are retained — not the whole
 * document.
 *
 * maxBufferSize is checked against the live (unprocessed) portion of the
 * buffer plus the incoming chunk, not the raw buffer.length, so post-flush
 * sizing stays accurate.
 */
class FeedableSource {
  constructor(options = {}) {
    this.buffer = '';
    this.startIndex = 0;
    this.isComplete = false;
    // Running total of characters trimmed off the front by flush() so far.
    // See StringSource.js's copy of this field / util.js#absolutePosition —
    // startIndex alone drifts from the true document offset after any flush.
    this._baseOffset = 0;

    this.maxBufferSize = options.maxBufferSize || 10 * 1024 * 1024; // 10 MB
    this.autoFlush = options.autoFlush !== false;            // true by default
    this.flushThreshold = options.flushThreshold || 1024;             // 1 KB

    // Encoding resolution. Three modes:
    //   - explicit name (options.decoding.encoding, e.g. 'utf16le'): resolve
    //     a decoder immediately via the registry.
    //   - 'auto': can't build a decoder yet — not enough bytes seen. Buffer
    //     raw (undecoded) bytes in `_sniffBuffer` until either a BOM+enough
    //     bytes, a complete `<?xml ... ?>` declaration, or SNIFF_CAP bytes
    //     have accumulated, then resolve once via _resolveDetection() and
    //     replay the held bytes through the real decoder. See feed() below.
    //   - neither supplied (direct FeedableSource construction, bypassing
    //     XMLParser): falls back to a caller-supplied `options.createDecoder`
    //     if given, else plain utf8 — identical to this class's behavior
    //     before this feature existed.
    this._decodingOptions = options.decoding || null;
    const requestedEncoding = this._decodingOptions?.encoding;
    this._detecting = requestedEncoding === 'auto';
    this._sniffBuffer = this._detecting ? Buffer.alloc(0) : null;
    if (!this._detecting && requestedEncoding && this._decodingOptions.registry) {
      const registry = this._decodingOptions.registry;
      this._createDecoder = () => registry.resolve(requestedEncoding).createDecoder();
    } else {
      this._createDecoder = typeof options.createDecoder === 'function' ? options.createDecoder : null;
    }

    /**
     * Two-level mark stack.
     *
     * _marks[0] — outer mark: set by parseXml()'s loop before consuming '<'.
     *             rewindToMark() always restores startIndex here.
     * _marks[1] — inner mark: set by individual reader functions.
     *             Used only by flush() as the safe trim boundary.
     *
     * `null` means "not set" for that level. Each entry is a plain startIndex
     * number — no line/col to carry alongside it, since position reporting
     * is index-only.
     */
    this._marks = [null, null];

    /**
     * Lazily-created, persistent across the whole feed() session. Buffer
     * chunks must go through this rather than Buffer#toString() per chunk —
     * toString() decodes each chunk in isolation, so a multi-byte UTF-8
     * character whose bytes straddle a chunk boundary gets corrupted (each
     * half independently replaced with U+FFFD). The decoder holds back an
     * incomplete trailing sequence internally and prepends it to the next
     * write(), so a split character decodes correctly once the rest of its
     * bytes arrive. Only created if Buffer input is ever fed — string-only
     * callers never pay for it.
     */
    this._decoder = null;

    // Reused across every scanTagExpEnd() call, never reallocated. See
    // StringSource.js's copy of this field for the full doc (fixed-capacity
    // typed array + manual length, not push()). Safe across a
    // chunk-boundary rewind: the failed scan's contents are irrelevant the
    // moment the tag is re-scanned from scratch on the next feed().
    this._quotePairs = new Int32Array(QUOTE_PAIRS_CAPACITY);
    this._quotePairsLen = 0;
  }

  /**
   * Append a data chunk to the buffer.
   *
   * maxBufferSize is checked against the live unprocessed portion
   * (buffer.length - startIndex) plus the incoming data length. Data that has
   * already been parsed and is waiting to be flushed does not count against
   * the limit.
   *
   * @param {string|Buffer} data
   * @returns {number} number of characters appended to the buffer (after
   *   decoding) — callers that track fed-byte totals (e.g. XMLParser.feed's
   *   batch threshold) should use this rather than the raw input length,
   *   since a Buffer chunk ending mid-character may decode to fewer chars
   *   than its byte length until the next chunk completes the sequence.
   */
  feed(data) {
    if (this._detecting) {
      if (typeof data === 'string') {
        // Already decoded upstream (e.g. stream.setEncoding() was called by
        // the caller) — detection is moot, nothing left to sniff.
        this._detecting = false;
      } else {
        const chunk = Buffer.isBuffer(data) ? data : Buffer.from(data);
        this._sniffBuffer = this._sniffBuffer.length ? Buffer.concat([this._sniffBuffer, chunk]) : chunk;
        const declarationComplete = this._sniffBuffer.includes(Buffer.from('?>'));
        if (this._sniffBuffer.length < SNIFF_CAP && !declarationComplete) {
          // Not enough to decide yet — hold everything, decode nothing.
          return 0;
        }
        data = this._resolveDetection();
      }
    }

    let newData = this._decodeNow(data);

    const liveBytes = this.buffer.length - this.startIndex;

    if (liveBytes + newData.length > this.maxBufferSize) {
      throw new ParseError(
        `Buffer size limit exceeded (${liveBytes + newData.length} > ${this.maxBufferSize}). ` +
        `Increase feedable.maxBufferSize or reduce chunk size.`,
        ErrorCode.INVALID_INPUT
      );
    }

    this.buffer += newData;
    return newData.length;
  }

  /** @private */
  _decodeNow(data) {
    if (typeof data === 'string') return data;
    if (Buffer.isBuffer(data)) {
      // Stateful decode: bytes of a multi-byte char split across two feed()
      // calls are buffered internally by the decoder and correctly stitched
      // together, instead of each chunk being decoded in isolation.
      if (!this._decoder) this._decoder = this._createDecoder ? this._createDecoder() : createTextDecoderAdapter('utf-8');
      return this._decoder.write(data);
    }
    if (data?.toString) return data.toString();
    throw new ParseError('feed() data must be a string or Buffer.', ErrorCode.DATA_MUST_BE_STRING);
  }

  /**
   * Resolve 'auto' encoding from `_sniffBuffer` (BOM + `<?xml encoding="...">`
   * sniffing, XML 1.0 Appendix F — see Encoding/EncodingDetector.js), build
   * the real decoder, strip any BOM, and return the held bytes ready to be
   * decoded normally by the caller in feed(). Runs exactly once per session.
   * @private
   * @returns {Buffer}
   */
  _resolveDetection() {
    const registry = this._decodingOptions.registry;
    const { encoding, bomLength } = sniff(this._sniffBuffer, registry);
    const descriptor = registry.resolve(encoding);
    this._createDecoder = () => descriptor.createDecoder();
    this._detecting = false;
    const held = bomLength ? this._sniffBuffer.subarray(bomLength) : this._sniffBuffer;
    this._sniffBuffer = null;
    return held;
  }

  /** Signal that no more data will be fed. */
  end() {
    if (this._detecting) {
      // Whole document arrived without ever reaching SNIFF_CAP or a
      // complete declaration (a short, unadorned document like <root/>) —
      // resolve now, on whatever bytes we have.
      const held = this._resolveDetection();
      this.buffer += this._decodeNow(held);
    }
    if (this._decoder) {
      // Flush any final incomplete byte sequence held by the decoder. For
      // well-formed UTF-8 input this is normally '' (nothing pending); a
      // non-empty result here means the input was genuinely truncated
      // mid-character, and the decoder's own U+FFFD substitution is the
      // correct, standard behavior for that case.
      const tail = this._decoder.end();
      if (tail) this.buffer += tail;
    }
    this.isComplete = true;
  }

  /**
   * Returns true when there is at least one character available at or after
   * the given offset (relative to startIndex).
   * @param {number} [n=0]
   */
  canRead(n = 0) {
    return this.startIndex + n < this.buffer.length;
  }

  // ─── Two-level mark API ───────────────────────────────────────────────────

  /**
   * Save the current read position into the mark stack.
   *
   * The `level` parameter selects which mark slot to write:
   *
   *   level 0 (default) — outer mark, written by parseXml()'s main loop
   *                        before it reads the '<' that begins a dispatch.
   *   level 1           — inner mark, written by reader functions
   *                        (readCdata, readClosingTagName, readTagExp, …)
   *                        at the start of their own logic.
   *
   * The two levels are independent. An inner markTokenStart(1) never
   * overwrites the outer mark[0] that rewindToMark() relies on.
   *
   * @param {0|1} [level=0]
   */
  markTokenStart(level = 0) {
    this._marks[level] = this.startIndex;
  }

  /**
   * Restore startIndex to the OUTER mark (level 0) and clear both marks.
   *
   * Always rewinds to the outermost saved position so the full tag —
   * including any prefix characters consumed by parseXml() before the
   * dispatch (e.g. '<', '!', '[') — is replayed on the next feed().
   *
   * Called by XMLParser.feed() when a reader throws UNEXPECTED_END.
   */
  rewindToMark() {
    if (this._marks[0] !== null) {
      this.startIndex = this._marks[0];
    }
    this._marks[0] = null;
    this._marks[1] = null;
  }

  /**
   * Clear both mark slots after a token completes successfully.
   *
   * Should be called (or marks allowed to be overwritten) once a dispatch
   * fully succeeds so stale positions don't block flush().
   *
   * In practice the outer mark is overwritten at the top of every
   * parseXml() loop iteration, so explicit clearing is only needed when
   * the loop does NOT continue (e.g. after a non-'<' character is consumed
   * as plain text). The flush guard uses the minimum of set marks, so a
   * stale mark only delays flushing — it does not cause correctness issues.
   */
  clearMark() {
    this._marks[0] = null;
    this._marks[1] = null;
  }

  /**
   * Read next character and advance position.
   * @returns {string}
   */
  readCh() {
    return this.buffer[this.startIndex++];
  }

  /**
   * Read character at offset without advancing.
   * @param {number} index - Offset from current position
   * @returns {string}
   */
  readChAt(index) {
    return this.buffer[this.startIndex + index];
  }

  /**
   * Read n characters as string.
   * @param {number} n    - Number of characters to read
   * @param {number} from - Start position (default: current position)
   * @returns {string}
   */
  readStr(n, from) {
    if (typeof from === 'undefined') from = this.startIndex;
    return this.buffer.substring(from, from + n);
  }

  /**
   * See StringSource.js's copy of this method for the full doc — identical
   * contract here. `null` (not enough buffered data yet) is the routine
   * case for this source in particular, since a chunk boundary can land
   * mid-check; callers already have to handle that the same way they
   * handle scanTagExpEnd's -1.
   */
  matchAhead(expected, caseInsensitive = false) {
    const len = expected.length;
    for (let i = 0; i < len; i++) {
      let ch = this.buffer[this.startIndex + i];
      if (ch === undefined) return null;
      if (caseInsensitive) ch = ch.toLowerCase();
      if (ch !== expected[i]) return false;
    }
    return true;
  }

  // Two variants — caller picks once based on skip.attributes, no flag
  // evaluated inside the loop. Bracket access (not charCodeAt) is load-bearing
  // here: this buffer is a V8 ConsString/rope built via repeated +=, and
  // charCodeAt would force a full flatten on every access (confirmed O(n^2)
  // memory regression). The shared implementations use bracket access throughout.
  // See src/InputSource/scanTagExpEnd.js.
  scanTagExpEnd = scanTagExpEnd;
  scanTagExpEndFast = scanTagExpEndFast;

  /**
   * Read until stop string is found.
   * @param {string} stopStr
   * @returns {string} content before the stop string (stop string is consumed)
   * @throws {ParseError} UNEXPECTED_END when stop string is not found
   */
  readUpto(stopStr) {
    const inputLength = this.buffer.length;
    const stopLength = stopStr.length;

    for (let i = this.startIndex; i < inputLength; i++) {
      let match = true;
      for (let j = 0; j < stopLength; j++) {
        if (this.buffer[i + j] !== stopStr[j]) { match = false; break; }
      }
      if (match) {
        const result = this.buffer.substring(this.startIndex, i);
        this.startIndex = i + stopLength;
        return result;
      }
    }

    throw new ParseError(`Unexpected end of source reading '${stopStr}'`, ErrorCode.UNEXPECTED_END);
  }

  /**
   * Single-character variant of readUpto — faster because there is no inner
   * match loop.  Reads until `stopChar` is found, consumes it, and returns
   * the text before it.
   *
   * @param {string} stopChar  Exactly one character.
   * @returns {string}
   */
  readUptoChar(stopChar) {
    const i = this.buffer.indexOf(stopChar, this.startIndex);
    if (i === -1) {
      throw new ParseError(`Unexpected end of source reading '${stopChar}'`, ErrorCode.UNEXPECTED_END);
    }
    const result = this.buffer.substring(this.startIndex, i);
    this.startIndex = i + 1;
    return result;
  }

  /**
   * Read until a closing tag is found (used for stop nodes).
   * @param {string} stopStr  e.g. `"</tagname"`
   * @returns {string} raw content between the current position and the closing tag
   * @throws {ParseError} UNEXPECTED_END when the closing tag is not found
   */
  readUptoCloseTag(stopStr) {
    const inputLength = this.buffer.length;
    const stopLength = stopStr.length;
    let tagMatchStart = -1;
    let state = 0; // 0=scanning, 1=tag-name matched (scanning for '>'), 2=full match

    for (let i = this.startIndex; i < inputLength; i++) {
      if (state === 1) {
        const c = this.buffer[i];
        if (isSpace(c)) continue;
        if (c === '>') { state = 2; }
        else { state = 0; tagMatchStart = -1; } // false match e.g. </scriptX>
      } else {
        // Try to match stopStr at position i
        let matched = true;
        for (let j = 0; j < stopLength; j++) {
          if (this.buffer[i + j] !== stopStr[j]) { matched = false; break; }
        }
        if (matched) {
          state = 1;
          tagMatchStart = i;
          i += stopLength - 1; // skip past matched string
        }
      }
      if (state === 2) {
        const result = this.buffer.substring(this.startIndex, tagMatchStart);
        this.startIndex = i + 1;
        return result;
      }
    }

    throw new ParseError(`Unexpected end of source reading '${stopStr}'`, ErrorCode.UNEXPECTED_END);
  }

  /**
   * Advance the read cursor by n characters.
   *
   * Triggers an automatic flush of already-processed data when autoFlush is
   * enabled, the processed portion has grown past flushThreshold, and no
   * mark is currently active. Any active mark (either level) blocks the
   * flush to prevent the saved position from becoming invalid.
   *
   * @param {number} [n=1]
   */
  updateBufferBoundary(n = 1) {
    this.startIndex += n;
    // No "any mark active" gate here — flush()'s own min(startIndex, marks...)
    // origin computation already guarantees any in-progress token (at either
    // mark level) survives the trim. A separate boolean gate on top of that
    // was redundant, and since _marks[0] is set on every parseXml() loop
    // iteration and never nulled outside of rewindToMark() (an error path),
    // that gate was effectively permanent — flush() never ran in normal
    // operation. See specs/flushArchitecture_spec.js for the regression test.
    if (this.autoFlush && this.startIndex >= this.flushThreshold) {
      this.flush();
    }
  }

  /**
   * Discard already-processed data from the front of the buffer to free memory.
   * startIndex is reset to 0 after the trim.
   *
   * The flush origin is the minimum of all active mark positions, so that any
   * in-progress token (at either mark level) is preserved in the buffer and
   * can be re-read after the flush. This is the sole safety mechanism for
   * flush() — callers do not need to additionally check "is a mark active"
   * before calling this; an active mark simply caps how much origin can
   * advance, rather than blocking the call outright.
   *
   * If no marks are active, the origin is startIndex itself — everything
   * before the current read position is discarded.
   */
  flush() {
    // Determine the earliest position that must be kept.
    let origin = this.startIndex;
    for (const m of this._marks) {
      if (m !== null && m < origin) origin = m;
    }

    if (origin > 0) {
      this.buffer = this.buffer.substring(origin);

      // Adjust all mark offsets by the amount trimmed.
      const marksLen = this._marks.length;
      for (let i = 0; i < marksLen; i++) {
        if (this._marks[i] !== null) this._marks[i] -= origin;
      }

      this.startIndex -= origin;
      this._baseOffset += origin;
    }
  }
}

;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/InputSource/StreamSource.js


/**
 * StreamSource — input source that reads from a Node.js Readable stream.
 *
 * Extends FeedableSource so it shares the same buffer management and read
 * interface. attachStream() wires Node.js stream events. On each 'data'
 * event the chunk is appended to the buffer and onChunk is called so the
 * caller can run parseXml() incrementally. Parsing is therefore driven
 * chunk-by-chunk rather than once over the full accumulated document.
 */
class StreamSource extends FeedableSource {
  /**
   * Wire a Readable stream to this source.
   *
   * @param {NodeJS.ReadableStream} readable
   * @param {function(Error|null):void} onChunk
   *   Called after each successful feed() with null, or immediately with the
   *   feed error if the buffer limit is exceeded. The caller runs parseXml()
   *   inside this callback and handles UNEXPECTED_END (chunk boundary mid-token)
   *   by calling rewindToMark().
   * @param {function():void} onEnd
   *   Called when the stream ends cleanly. The caller should finalise the parse
   *   (finalizeXml) here.
   * @param {function(Error):void} onError
   *   Called with any stream-level error (e.g. 'error' event from the readable).
   */
  attachStream(readable, onChunk, onEnd, onError) {
    readable.on('data', chunk => {
      try {
        // Pass the raw chunk (Buffer or string) straight through — feed()
        // decodes Buffers via a persistent stateful decoder so a multi-byte
        // UTF-8 character split across two chunks decodes correctly instead
        // of each half being independently mangled by a per-chunk toString().
        this.feed(chunk);
        onChunk(null); // chunk appended successfully — caller runs parseXml()
      } catch (err) {
        onChunk(err); // buffer overflow or coercion failure
      }
    });

    readable.on('error', onError);

    readable.on('end', () => {
      try {
        this.end();
        onEnd();
      } catch (err) {
        onError(err);
      }
    });
  }
}
;// CONCATENATED MODULE: ./node_modules/@nodable/flexible-xml-parser/src/XMLParser.js








class XMLParser {

  constructor(options) {
    this.options = OptionsBuilder_buildOptions(options);

    // feed()/end() session state
    this._feedParser = null;
    this._feedSource = null;
    this._isFeeding = false;

    // ── Batching state ──────────────────────────────────
    this._pendingBytes = 0;
    this._batchThreshold = this.options.feedable?.bufferSize;

    // Per-instance encoding registry only when custom decoders are supplied
    // — avoids mutating the shared default registry (which would leak a
    // customDecoder registered on one XMLParser instance into every other
    // instance in the process). The common case (no customDecoders) reuses
    // the shared default registry, seeded once at module load.
    if (this.options.decoding?.customDecoders) {
      const registry = new EncodingRegistry();
      for (const [name, descriptor] of Object.entries(this.options.decoding.customDecoders)) {
        registry.register({ name, ...descriptor });
      }
      this.options.decoding._registry = registry;
    } else {
      this.options.decoding = this.options.decoding || {};
      this.options.decoding._registry = EncodingRegistry_defaultEncodingRegistry;
    }

    // Shared tag/attribute name cache — lives on `options`, not on any one
    // Xml2JsParser instance, because `.parse()` creates a fresh Xml2JsParser
    // every call while `this.options` is passed by reference to all of them.
    // This lets repeated names skip re-validation/re-sanitization across
    // separate parse() calls on the same XMLParser instance, not just within
    // one document. See Xml2JsParser.js for what's cached and why.
    this.options._nameCache = { tags: new Map(), attrs: new Map() };
  }

  // ─── One-shot parse methods ───────────────────────────────────────────────

  /**
   * Parse an XML string or Buffer and return a JS object.
   * @param {string|Buffer} xmlData
   */
  parse(xmlData) {
    if (xmlData instanceof Buffer || ArrayBuffer.isView(xmlData)) {
      // Route through the encoding-aware path (auto-detect / configured
      // `decoding.encoding`) instead of an unconditional utf8 toString() —
      // otherwise a non-utf8 `decoding.encoding` option would silently be
      // ignored for Buffer input given directly to parse().
      return this.parseBytesArr(xmlData);
    } else if (typeof xmlData !== 'string') {
      if (xmlData && typeof xmlData.toString === 'function') {
        xmlData = xmlData.toString();
      } else {
        throw new ParseError('XML data must be a string or Buffer.', ErrorCode.INVALID_INPUT);
      }
    }

    const parser = this._createParser();
    const result = parser.parse(xmlData);
    this.wasExited = parser.wasExited();
    this._lastParseErrors = parser.autoCloseHandler?.getErrors() ?? [];
    return result;
  }

  /**
   * Parse a Uint8Array / byte array and return a JS object.
   * @param {Uint8Array|ArrayBufferView} xmlData
   */
  parseBytesArr(xmlData) {
    if (xmlData instanceof Uint8Array || ArrayBuffer.isView(xmlData)) {
      xmlData = Buffer.from(xmlData);
    } else {
      throw new ParseError('XML data must be a Uint8Array or ArrayBufferView.', ErrorCode.INVALID_INPUT);
    }

    const parser = this._createParser();
    const result = parser.parseBytesArr(xmlData);
    this.wasExited = parser.wasExited();
    this._lastParseErrors = parser.autoCloseHandler?.getErrors() ?? [];
    return result;
  }

  // ─── Stream input ─────────────────────────────────────────────────────────

  /**
   * Parse an XML Node.js Readable stream and return a Promise that resolves
   * with the parsed JS object.
   *
   * Chunks are processed incrementally as they arrive — parseXml() runs after
   * each 'data' event and already-consumed input is freed before the next
   * chunk arrives, so memory stays proportional to the largest incomplete token
   * at any chunk boundary rather than the total document size.
   *
   * @param {NodeJS.ReadableStream} readable
   * @returns {Promise<any>}
   */
  parseStream(readable) {
    if (!isReadableStream(readable)) {
      throw new ParseError('parseStream() requires a Node.js Readable stream.', ErrorCode.INVALID_STREAM);
    }

    const source = new StreamSource({
      ...this.options.feedable,
      decoding: { encoding: this.options.decoding.encoding, registry: this.options.decoding._registry },
    });
    const streamParser = this._createParser();
    streamParser.source = source;
    streamParser.initializeParser();

    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (err) => {
        if (!settled) {
          settled = true;
          readable.destroy(); // stop further data/end events and free the handle
          reject(err);
        }
      };

      source.attachStream(
        readable,
        // onChunk — run the parser incrementally after each chunk arrives.
        // Mirrors what feed() does: advance as far as possible, rewind on
        // UNEXPECTED_END (chunk boundary mid-token), re-throw real errors.
        (err) => {
          if (err) { fail(err); return; }
          try {
            streamParser.parseXml();
          } catch (parseErr) {
            if (parseErr.code === ErrorCode.UNEXPECTED_END) {
              source.rewindToMark();
            } else {
              fail(parseErr);
            }
          }
        },
        // onEnd — stream finished cleanly; finalise the document.
        () => {
          if (settled) return;
          try {
            // source.end() (called by attachStream just before this) can
            // release content that was held back pending encoding detection
            // (see FeedableSource's 'auto' mode) — run parseXml() once more
            // to consume it before finalizing. No-op if there's nothing new.
            streamParser.parseXml();
            streamParser.finalizeXml();
            this._lastParseErrors = streamParser.autoCloseHandler?.getErrors() ?? [];
            settled = true;
            resolve(streamParser.outputBuilder.getOutput());
          } catch (err) { fail(err); }
        },
        // onError — stream-level error (e.g. file not found, network drop)
        fail,
      );
    });
  }

  // ─── Incremental feed()/end() API ────────────────────────────────────────

  _runParse() {
    if (!this._feedParser) return;

    const beforePos = absolutePosition(this._feedSource); // bytes consumed so far, flush-proof

    try {
      this._feedParser.parseXml();
    } catch (err) {
      if (err.code === ErrorCode.UNEXPECTED_END) {
        this._feedSource.rewindToMark();
      } else {
        throw err;
      }
    }

    const afterPos = absolutePosition(this._feedSource);
    const didAdvance = afterPos > beforePos;

    if (didAdvance) {
      // Real progress made — reset threshold normally
      this._pendingBytes = 0;
      this._batchThreshold = this.options.feedable.bufferSize;
    } else {
      // Parser is stuck mid-token — grow the threshold to avoid
      // hammering parseXml() until significantly more data arrives
      this._batchThreshold = Math.min(
        this._batchThreshold * 2,
        this.options.feedable.maxBufferSize
      );
    }
  }

  /**
   * Feed an XML data chunk for incremental parsing.
   *
   * After appending the chunk, parseXml() is run immediately so the parser
   * advances as far as possible. If a chunk boundary falls mid-token, the
   * reader throws UNEXPECTED_END; this is caught here and the source is
   * rewound to the start of the incomplete token so it will be re-parsed on
   * the next feed() call once more data has arrived.
   *
   * Any other ParseError (unclosed quote, mismatched tag, etc.) is a real
   * parse failure and is re-thrown after cleaning up the session.
   *
   * @param {string|Buffer} data
   * @returns {XMLParser} for chaining
   */
  feed(data) {
    if (!this._isFeeding) {
      this._initFeedSession();
    }

    // Pass raw data straight through — do NOT pre-convert Buffers to string
    // here. FeedableSource.feed() decodes Buffers via a persistent stateful
    // decoder so a multi-byte UTF-8 character split across two feed()
    // calls decodes correctly; converting each chunk with .toString() first
    // (as this used to do) decodes each chunk in isolation and corrupts a
    // split character. feed() itself validates the type and throws
    // DATA_MUST_BE_STRING for anything unsupported.
    const appendedLength = this._feedSource.feed(data);
    this._pendingBytes += appendedLength;

    if (this._pendingBytes >= this._batchThreshold) {
      this._runParse();
    }
    // Otherwise, delay parsing until next feed() or end()

    return this;
  }

  /**
   * Signal end of input, validate end-of-document state, and return the
   * parsed result. Throws if called before any feed() call.
   *
   * parseXml() is called one final time after marking the source complete.
   * This replays any bytes that were rewound during the last feed() call
   * (e.g. a tag that was split across the final chunk boundary). Now that
   * isComplete is true, any UNEXPECTED_END thrown by a reader means the
   * document is genuinely truncated — not a chunk boundary — so it is
   * treated as a real parse error rather than silently swallowed.
   *
   * autoClose partial-tag recovery works the same way it does in
   * _parseAndFinalize(): if autoCloseHandler is configured and parseXml()
   * throws UNEXPECTED_END, the handler is given a chance to recover before
   * finalizeXml() runs.
   *
   * @returns {any}
   */
  end() {
    if (!this._isFeeding) {
      throw new ParseError('No data fed. Call feed() before end().', ErrorCode.NOT_STREAMING);
    }

    // Force a final parse (any pending bytes are now processed)
    this._runParse();

    try {
      // Mark the source as complete so readers know there is no more data.
      this._feedSource.end();

      // Replay any bytes rewound during the last feed() call (e.g. an
      // incomplete tag at the very end of the input stream). Any
      // UNEXPECTED_END thrown here is a genuine truncation error.
      let partialTagError = null;
      const autoClose = this._feedParser.autoCloseHandler;
      if (autoClose) autoClose.reset();

      try {
        this._feedParser.parseXml();
      } catch (err) {
        if (err.code === ErrorCode.UNEXPECTED_END) {
          if (autoClose) {
            // autoClose recovery: treat the truncated tag the same way
            // _parseAndFinalize() does for the one-shot parse path.
            partialTagError = err;
          } else {
            // No recovery configured — truncated document is a hard error.
            throw err;
          }
        } else {
          throw err;
        }
      }

      if (partialTagError) {
        autoClose.handlePartialTag(partialTagError, this._feedParser._parserState());
      } else {
        this._feedParser.finalizeXml();
      }

      this._lastParseErrors = autoClose?.getErrors() ?? [];
      this.wasExited = this._feedParser.wasExited();
      return this._feedParser.outputBuilder.getOutput();
    } finally {
      this._cleanupFeedSession();
    }
  }

  // ─── Error reporting ──────────────────────────────────────────────────────

  /**
   * Return structural errors collected during the last parse call.
   * Only populated when autoClose.collectErrors is true.
   * Each entry: { type, tag, expected, index }
   *
   * @returns {Array}
   */
  getParseErrors() {
    return this._lastParseErrors ?? [];
  }

  // ─── Private helpers ──────────────────────────────────────────────────────

  /** @private */
  _createParser() {
    return new Xml2JsParser(this.options);
  }

  /** @private */
  _initFeedSession() {
    this._feedSource = new FeedableSource({
      ...this.options.feedable,
      decoding: { encoding: this.options.decoding.encoding, registry: this.options.decoding._registry },
    });
    this._feedParser = this._createParser();
    this._feedParser.source = this._feedSource;
    this._feedParser.initializeParser();
    this._isFeeding = true;
  }

  /** @private */
  _cleanupFeedSession() {
    this._feedParser = null;
    this._feedSource = null;
    this._isFeeding = false;
  }
}

// ─── Helpers ─────────────────────────────────────────────────────────────────

function isReadableStream(value) {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof value.read === 'function' &&
    typeof value.on === 'function' &&
    typeof value.readableEnded === 'boolean'
  );
}
;// CONCATENATED MODULE: ./node_modules/detailed-xml-validator/src/OrderTrackingBuilder.js


/**
 * Same shape as CompactBuilder's output, plus a side-channel recording the
 * insertion order of child tags per parent path (Map<parentPath, string[]>,
 * dot-notation paths matching Traverser's own path format).
 *
 * Needed because plain object key order isn't a reliable stand-in for
 * document order once repeated sibling tags collapse into one key backed by
 * an array — this fires once per tag in document order regardless.
 */
class OrderTrackingBuilder extends CompactBuilder {
    constructor(parserOptions, builderOptions, readonlyMatcher, registry) {
        super(parserOptions, builderOptions, readonlyMatcher, registry);
        this.siblingOrder = new Map();
    }

    addElement(tag) {
        // this.matcher already reflects the tag being opened (Xml2JsParser
        // pushes onto the matcher before addElement is called), so its path
        // string is "root.parent.child" — the parent path is everything
        // before the last segment.
        const jPath = this.matcher.toString();
        const lastDot = jPath.lastIndexOf(".");
        const parentPath = lastDot === -1 ? "" : jPath.substring(0, lastDot);
        if (!this.siblingOrder.has(parentPath)) this.siblingOrder.set(parentPath, []);
        const siblings = this.siblingOrder.get(parentPath);
        // Only push if not already recorded (repeated tags share one entry)
        if (siblings[siblings.length - 1] !== tag.name) siblings.push(tag.name);

        super.addElement(tag);
    }

    getOutput() {
        return { data: super.getOutput(), siblingOrder: this.siblingOrder };
    }
}

class OrderTrackingBuilderFactory extends CompactBuilderFactory {
    getInstance(parserOptions, readonlyMatcher) {
        return new OrderTrackingBuilder(parserOptions, this.builderOptions, readonlyMatcher, this.registry);
    }
}

;// CONCATENATED MODULE: ./node_modules/detailed-xml-validator/src/util.js


// dxv's own numeric type-checking (Traverser.js, validations.js, and
// parseRange below) used plain Number()/parseFloat()/isNaN(), none of which
// understand full-width (unicode) numerals such as "１０００". Centralizing
// coercion here, backed by BOB's own number value parser configured with
// unicode:true, gives every numeric check in dxv that support in one place.
// FXP's tag/attribute value-parser pipeline stays disabled for dxv data
// (see RAW_VALUE_PARSERS in validator.js) — this is a separate, dxv-local
// use of the same parser class, not a re-enabling of that pipeline.
const numberParser = new numParser({ hex: true, leadingZeros: true, eNotation: true, unicode: true });

/**
 * Coerce a raw XML string value to a number, accepting unicode (full-width)
 * numerals in addition to plain ASCII digits/hex/e-notation.
 * @param {string} val
 * @returns {number} the parsed number, or NaN if val isn't numeric
 */
function toNumber(val) {
    const parsed = numberParser.parse(val);
    return typeof parsed === "number" ? parsed : NaN;
}

/**
 * @param {string[]} data
 * @param {string[]} rules
 * @returns {{ data: string[], rules: string[], common: string[] }}
 */
function breakInSets(data, rules) {
    const extra = {
        data: [],
        rules: [],
        common: [],
    };

    for (let i = 0; i < data.length; i++) {
        if (rules.indexOf(data[i]) === -1) extra.data.push(data[i]);
        else extra.common.push(data[i]);
    }

    for (let i = 0; i < rules.length; i++) {
        if (data.indexOf(rules[i]) === -1 && rules[i] !== "@") extra.rules.push(rules[i]);
    }
    return extra;
}

/**
 * Parse a range shorthand "min..max" string into { min, max } numbers.
 * Returns null if the string is not a valid range.
 * @param {string} range
 * @returns {{ min: number, max: number } | null}
 */
function parseRange(range) {
    if (typeof range !== "string") return null;
    const parts = range.split("..");
    if (parts.length !== 2) return null;
    const min = toNumber(parts[0]);
    const max = toNumber(parts[1]);
    if (isNaN(min) || isNaN(max)) return null;
    return { min, max };
}

/**
 * Parse a date range shorthand "minDate..maxDate" string into { min, max } date strings.
 * Returns null if either part is not a parseable date.
 * @param {string} range
 * @returns {{ min: string, max: string } | null}
 */
function parseDateRange(range) {
    if (typeof range !== "string") return null;
    const parts = range.split("..");
    if (parts.length !== 2) return null;
    const [min, max] = parts;
    if (isNaN(Date.parse(min)) || isNaN(Date.parse(max))) return null;
    return { min, max };
}

;// CONCATENATED MODULE: ./node_modules/detailed-xml-validator/src/validations.js


const string = {
    minLength(expected, actual) {
        return actual.length >= expected;
    },
    maxLength(expected, actual) {
        return actual.length <= expected;
    },
    length(expected, actual) {
        return actual.length === expected;
    },
    pattern(expected, actual, modifier = "") {
        const regxp = new RegExp(expected, modifier);
        return regxp.test(actual);
    },
    fixed(expected, actual) {
        return expected === actual;
    },
    in(expected, actual) {
        return expected.split(",").indexOf(actual) > -1;
    },
};

const num = {
    min(expected, actual) {
        return toNumber(actual) >= expected;
    },
    max(expected, actual) {
        return toNumber(actual) <= expected;
    },
};

const list = {
    minOccurs(expected, actual) {
        return actual >= expected;
    },
    maxOccurs(expected, actual) {
        return actual <= expected;
    },
};

const date = {
    /**
     * Compare two date strings.
     * @param {string} a
     * @param {string} b
     * @returns {number}
     */
    compare(a, b) {
        return Date.parse(a) - Date.parse(b);
    },

    isBefore(actual, reference) {
        return Date.parse(actual) < Date.parse(reference);
    },

    isAfter(actual, reference) {
        return Date.parse(actual) > Date.parse(reference);
    },

    min(expected, actual) {
        return Date.parse(actual) >= Date.parse(expected);
    },

    max(expected, actual) {
        return Date.parse(actual) <= Date.parse(expected);
    },
};

;// CONCATENATED MODULE: ./node_modules/detailed-xml-validator/src/Traverser.js



const numericTypes = ["positiveInteger", "integer", "positiveDecimal", "decimal", "number"];

class Traverser {
    /**
     * @param {object} options
     * @param {object} validators
     */
    constructor(options, validators, siblingOrder) {
        this.options = options;
        this.failures = [];
        this.validators = validators;

        // uniqueness tracking: field path -> array of seen values (sibling-scoped)
        // global uniqueness tracking: field name -> array of seen values (document-scoped)
        this._globalUnique = new Map(); // Map<fieldName, Set<string>>

        // Side-channel sibling order map built during XML parsing.
        // Map<parentPath, string[]> where parentPath matches Traverser's dot-notation path.
        this._siblingOrder = siblingOrder || new Map();
    }

    /**
     * @param {object|string} ele
     * @param {string} key
     * @param {object|string} rules
     * @param {string} path
     */
    traverse(ele, key, rules, path) {
        if (Array.isArray(ele)) {
            if (rules !== undefined && rules["@rules"] !== undefined) {
                if (rules["@rules"].repeatable !== undefined) {
                    this.checkOccurences(rules["@rules"], ele.length, path);
                    ele.forEach((val, index) => {
                        const arrayPath = path + "[" + index + "]";
                        if (Object.keys(rules).length > 1) {
                            this.callForCommonProperties(ele[index], rules, arrayPath);
                        } else {
                            this.traverse(ele[index], key, rules, arrayPath);
                        }
                    });
                    return;
                }
            }
            this.failures.push({
                code: "unexpected sequence",
                path: path.substr(1),
            });
        } else if (typeof ele === "object") {
            this.callForCommonProperties(ele, rules, path);
        } else {
            if (typeof rules === "object" && rules["@rules"]) {
                this.checkDataAndType(ele, key, rules, path);
            } else if (this.isMapType(rules)) {
                this.validateMandatoryFields(rules, path);
            }
            this.applyCustomValidators(ele, rules, path);
        }
    }

    applyCustomValidators(ele, rules, path) {
        if (
            rules["@rules"] &&
            rules["@rules"].checkBy &&
            typeof this.validators[rules["@rules"].checkBy] === "function"
        ) {
            let res = this.validators[rules["@rules"].checkBy](ele, path.substr(1));
            if (typeof res === "object") {
                this.failures.push(res);
            }
        }
    }

    /**
     * @param {object} ele
     * @param {object} rules
     * @param {string} path
     */
    callForCommonProperties(ele, rules, path) {
        const tags = Object.keys(ele);
        const rulesTags = Object.keys(rules);

        const sets = breakInSets(tags, rulesTags);
        this.checkUnknownSiblings(sets, path);
        this.checkMissingSiblings(sets, rules, path);

        this.applyCustomValidators(ele, rules, path);

        // Collect sibling values for uniqueness checks before traversing
        // Build a map of fieldName -> array of values for this sibling scope
        const siblingValues = this._buildSiblingValues(ele, rules, sets.common);

        sets.common.forEach((key) => {
            const newpath = path + "." + key;
            this.traverse(ele[key], key, rules[key], newpath);
        });

        // After traversing, run ordering, uniqueness, and relational checks for this sibling scope
        this._checkOrderingConstraints(ele, rules, sets.common, path);
        this._checkUniquenessConstraints(ele, rules, sets.common, path, siblingValues);
        this._checkRelationalConstraints(ele, rules, sets.common, path);
    }

    // ─── Ordering Constraints (before / after) ────────────────────────────────

    /**
     * For every field that has `before` or `after` in its rules, validate that
     * it appears positionally before or after the referenced sibling tag in the
     * original XML document order.
     *
     * Order is sourced from the side-channel `_siblingOrder` map built during
     * parsing — not from JS object key order, which is unreliable for integer keys.
     *
     * Works for any tag type, not just dates.
     *
     * @param {object} ele
     * @param {object} rules
     * @param {string[]} commonKeys
     * @param {string} path  - current traversal path (e.g. ".event" or ".order[0]")
     */
    _checkOrderingConstraints(ele, rules, commonKeys, path) {
        // The siblingOrder map is keyed by the parent path without the leading dot.
        const orderKey = path.substr(1);
        const order = this._siblingOrder.get(orderKey);
        // If we have no order info for this path, skip — can happen for empty elements.
        if (!order) return;

        commonKeys.forEach((key) => {
            const fieldRules = rules[key];
            if (!fieldRules || !fieldRules["@rules"]) return;
            const r = fieldRules["@rules"];

            const keyIdx = order.indexOf(key);
            if (keyIdx === -1) return; // tag not recorded — skip

            if (r.after) {
                const refKey = r.after;
                // Skip silently if referenced sibling is absent from data
                if (ele[refKey] === undefined) return;
                const refIdx = order.indexOf(refKey);
                if (refIdx === -1) return;
                if (keyIdx <= refIdx) {
                    this.failures.push({
                        code: "after",
                        path: (path + "." + key).substr(1),
                        actual: key,
                        expected: refKey,
                    });
                }
            }

            if (r.before) {
                const refKey = r.before;
                // Skip silently if referenced sibling is absent from data
                if (ele[refKey] === undefined) return;
                const refIdx = order.indexOf(refKey);
                if (refIdx === -1) return;
                if (keyIdx >= refIdx) {
                    this.failures.push({
                        code: "before",
                        path: (path + "." + key).substr(1),
                        actual: key,
                        expected: refKey,
                    });
                }
            }
        });
    }

    // ─── Relational Constraints (sameAs / notSameAs / lessThan / moreThan) ──────

    /**
     * Compare this field's value against another sibling field's value.
     *
     * Supported rule attributes:
     *   sameAs="refField"     — values must be equal
     *   notSameAs="refField"  — values must differ
     *   lessThan="refField"   — this value must be strictly less than ref value
     *   moreThan="refField"   — this value must be strictly greater than ref value
     *
     * Comparison is type-aware based on the field's declared `type`:
     *   date types   → Date.parse() comparison
     *   numeric types → Number() comparison
     *   all others    → lexicographic string comparison
     *
     * Skips silently when:
     *   - The referenced sibling is absent from data
     *   - Either value is an object/map (not a primitive)
     *   - The ref value cannot be coerced to the expected type
     *
     * @param {object} ele
     * @param {object} rules
     * @param {string[]} commonKeys
     * @param {string} path
     */
    _checkRelationalConstraints(ele, rules, commonKeys, path) {
        const RELATIONAL_RULES = ["sameAs", "notSameAs", "lessThan", "moreThan"];

        commonKeys.forEach((key) => {
            const fieldRules = rules[key];
            if (!fieldRules || !fieldRules["@rules"]) return;
            const r = fieldRules["@rules"];

            // Check if any relational rule is present
            if (!RELATIONAL_RULES.some((attr) => r[attr] !== undefined)) return;

            const actualRaw = ele[key];

            // Skip maps and arrays — only primitives are comparable
            if (actualRaw === null || actualRaw === undefined) return;
            if (typeof actualRaw === "object") return;

            const fieldType = r.type || "string";

            RELATIONAL_RULES.forEach((attr) => {
                if (r[attr] === undefined) return;

                const refKey = r[attr];
                const refRaw = ele[refKey];

                // Skip silently if ref sibling is absent or is a map/array
                if (refRaw === undefined || refRaw === null) return;
                if (typeof refRaw === "object") return;

                // Coerce both values and compare
                const cmp = this._relationalCompare(String(actualRaw), String(refRaw), fieldType);

                // cmp is null when coercion fails — skip silently
                if (cmp === null) return;

                let violated = false;
                if (attr === "sameAs"    && cmp !== 0) violated = true;
                if (attr === "notSameAs" && cmp === 0) violated = true;
                if (attr === "lessThan"  && cmp >= 0)  violated = true;
                if (attr === "moreThan"  && cmp <= 0)  violated = true;

                if (violated) {
                    this.failures.push({
                        code: attr,
                        path: (path + "." + key).substr(1),
                        actual: String(actualRaw),
                        expected: refKey,
                    });
                }
            });
        });
    }

    /**
     * Compare two string-encoded values using the appropriate strategy for the field type.
     * Returns a negative number, zero, or positive number (like Array.sort comparator).
     * Returns null if coercion fails (caller should skip silently).
     * @param {string} a
     * @param {string} b
     * @param {string} fieldType
     * @returns {number|null}
     */
    _relationalCompare(a, b, fieldType) {
        if (fieldType === "date") {
            const da = Date.parse(a);
            const db = Date.parse(b);
            if (isNaN(da) || isNaN(db)) return null;
            return da - db;
        }
        if (numericTypes.indexOf(fieldType) !== -1) {
            const na = toNumber(a);
            const nb = toNumber(b);
            if (isNaN(na) || isNaN(nb)) return null;
            return na - nb;
        }
        // string / no type — lexicographic
        if (a < b) return -1;
        if (a > b) return 1;
        return 0;
    }

    // ─── Uniqueness Constraints ───────────────────────────────────────────────

    /**
     * Build a map of fieldName -> array of values found in this sibling scope.
     * Works for both scalar values and array (repeatable) values.
     * @param {object} ele
     * @param {object} rules
     * @param {string[]} commonKeys
     * @returns {Map<string, string[]>}
     */
    _buildSiblingValues(ele, rules, commonKeys) {
        const map = new Map();
        commonKeys.forEach((key) => {
            const val = ele[key];
            if (Array.isArray(val)) {
                map.set(key, val.map(String));
            } else if (val !== undefined && val !== null && typeof val !== "object") {
                map.set(key, [String(val)]);
            }
        });
        return map;
    }

    /**
     * Check uniqueness constraints for fields in this sibling scope.
     * @param {object} ele
     * @param {object} rules
     * @param {string[]} commonKeys
     * @param {string} path
     * @param {Map<string, string[]>} siblingValues
     */
    _checkUniquenessConstraints(ele, rules, commonKeys, path, siblingValues) {
        // For repeatable items (array context), ele is a single item; sibling-scope
        // uniqueness is managed by the parent array traversal which collects all items.
        // We handle uniqueness at the collection level in `_checkUniqueInCollection`.
        // This method handles per-field unique="global".
        commonKeys.forEach((key) => {
            const fieldRules = rules[key];
            if (!fieldRules || !fieldRules["@rules"]) return;
            const unique = fieldRules["@rules"].unique;
            if (!unique) return;

            const vals = siblingValues.get(key) || [];
            if (unique === "global") {
                vals.forEach((v, idx) => {
                    const fieldPath = Array.isArray(ele[key])
                        ? (path + "." + key + "[" + idx + "]").substr(1)
                        : (path + "." + key).substr(1);
                    this._assertGlobalUnique(key, v, fieldPath);
                });
            }
            // unique="true" (sibling scope) is handled at the repeatable-collection level
        });
    }

    /**
     * Check uniqueness within a collection of repeatable items.
     * Called from _traverseRepeatableCollection when sibling-scoped uniqueness is needed.
     * @param {Array<object>} items
     * @param {string} fieldKey  - field to check
     * @param {string} basePath  - path prefix for error messages
     */
    _checkUniqueInCollection(items, fieldKey, basePath) {
        const seen = new Map(); // value -> first index
        items.forEach((item, idx) => {
            const val = item[fieldKey];
            if (val === undefined || val === null || typeof val === "object") return;
            const strVal = String(val);
            if (seen.has(strVal)) {
                this.failures.push({
                    code: "unique",
                    path: (basePath + "[" + idx + "]." + fieldKey).substr(1),
                    value: strVal,
                });
            } else {
                seen.set(strVal, idx);
            }
        });
    }

    /**
     * Assert a value is unique globally (across the whole document).
     * @param {string} fieldName
     * @param {string} value
     * @param {string} fieldPath
     */
    _assertGlobalUnique(fieldName, value, fieldPath) {
        if (!this._globalUnique.has(fieldName)) {
            this._globalUnique.set(fieldName, new Set());
        }
        const seen = this._globalUnique.get(fieldName);
        if (seen.has(value)) {
            this.failures.push({
                code: "unique",
                path: fieldPath,
                value,
            });
        } else {
            seen.add(value);
        }
    }

    // ─── Data & Type ──────────────────────────────────────────────────────────

    /**
     * Check if the leaf node has correct type and passes validations.
     * @param {string} val
     * @param {string} key
     * @param {object} rules
     * @param {string} path
     */
    checkDataAndType(val, key, rules, path) {
        if (rules["@rules"].repeatable === true) {
            this.checkOccurences(rules["@rules"], 1, path);
        }
        const eleType = rules["@rules"].type;

        // Expand range shorthand before numeric validation
        const expandedRules = this._expandRange(rules);

        if (eleType === "map" || (!eleType && this.isMapType(rules))) {
            if (typeof val === "string" && val.length > 0) {
                this.failures.push({
                    code: "unexpected value in a map",
                    path: path.substr(1),
                    value: val,
                });
            }
            this.validateMandatoryFields(rules, path);
        } else if (eleType === "date") {
            this.validateDate(val, eleType, path);
            this._checkDateBounds(rules, val, path);
        } else if (eleType === "boolean") {
            this.validateBoolean(val, eleType, path);
        } else if (numericTypes.indexOf(eleType) !== -1) {
            if (!this.isValidNum(eleType, val)) {
                this.setInvalidDataType(eleType, path, val);
            } else {
                this.assertValue(expandedRules["@rules"], "num", toNumber(val), path);
            }
        } else if (eleType === "string" || !eleType) {
            this.assertValue(expandedRules["@rules"], "string", val, path);
        } else {
            throw new Error("Unsupported data type in Rules:" + eleType);
        }
    }

    /**
     * Expand `range="min..max"` shorthand into `min` and `max` on a cloned rules object.
     * @param {object} rules
     * @returns {object}
     */
    _expandRange(rules) {
        if (!rules["@rules"] || !rules["@rules"].range) return rules;
        const parsed = parseRange(rules["@rules"].range);
        if (!parsed) return rules;
        // Clone to avoid mutating the shared rules object
        return {
            ...rules,
            "@rules": {
                ...rules["@rules"],
                min: rules["@rules"].min !== undefined ? rules["@rules"].min : String(parsed.min),
                max: rules["@rules"].max !== undefined ? rules["@rules"].max : String(parsed.max),
            },
        };
    }

    /**
     * Check `min`, `max`, and `range` bounds for a date field.
     * Only runs after the value has already passed `validateDate` (i.e. it is a valid date).
     * Explicit `min`/`max` take precedence over `range` shorthand.
     * @param {object} rules
     * @param {string} val
     * @param {string} path
     */
    _checkDateBounds(rules, val, path) {
        if (isNaN(Date.parse(val))) return; // invalid date — type check already reported it
        const r = rules["@rules"];

        let min = r.min;
        let max = r.max;

        // Expand range shorthand only for the parts not already set explicitly
        if (r.range && (!min || !max)) {
            const parsed = parseDateRange(r.range);
            if (parsed) {
                if (!min) min = parsed.min;
                if (!max) max = parsed.max;
            }
        }

        if (min !== undefined && !date.min(min, val)) {
            this.setInvalidValueError("min", path, val, min);
        }
        if (max !== undefined && !date.max(max, val)) {
            this.setInvalidValueError("max", path, val, max);
        }
    }

    /**
     * @param {object} rules
     * @param {string} newpath
     */
    validateMandatoryFields(rules, newpath) {
        const keys = Object.keys(rules);
        for (let i = 0; i < keys.length; i++) {
            if (keys[i] === "@rules") continue;
            const child = rules[keys[i]];
            const rulesForChild = child["@rules"];
            if (rulesForChild) {
                if (rulesForChild.minOccurs && rulesForChild.minOccurs > 0) {
                    this.failures.push({
                        code: "missing",
                        path: (newpath + "." + keys[i]).substr(1),
                    });
                } else if (rulesForChild.nillable !== undefined && rulesForChild.nillable === "false") {
                    this.failures.push({
                        code: "missing",
                        path: (newpath + "." + keys[i]).substr(1),
                    });
                }
            }
        }
    }

    /**
     * @param {any} tag
     * @returns {boolean}
     */
    isMapType(tag) {
        if (typeof tag === "string") return false;
        const keys = Object.keys(tag);
        if (tag["@rules"]) {
            if (keys.length === 1) return false;
        } else if (keys.length === 0) {
            return false;
        } else {
            return true;
        }
    }

    setInvalidValueError(rule, newpath, actual, expected) {
        this.failures.push({
            code: rule,
            path: newpath.substr(1),
            actual,
            expected,
        });
    }

    checkOccurences(rules, actual, newpath) {
        ["minOccurs", "maxOccurs"].forEach((rule) => {
            if (rules[rule] !== undefined) {
                const expected = Number(rules[rule]);
                if (!list[rule](expected, actual)) {
                    this.setInvalidValueError(rule, newpath, actual, expected);
                }
            }
        });
    }

    checkNumeric(rules, actual, newpath) {
        ["min", "max"].forEach((rule) => {
            if (rules[rule] !== undefined) {
                const expected = Number(rules[rule]);
                if (!num[rule](expected, actual)) {
                    this.setInvalidValueError(rule, newpath, actual, expected);
                }
            }
        });
    }

    checkString(rules, actual, newpath) {
        ["minLength", "maxLength", "length"].forEach((rule) => {
            if (rules[rule] !== undefined) {
                const expected = Number(rules[rule]);
                if (!string[rule](expected, actual)) {
                    this.setInvalidValueError(rule, newpath, actual, expected);
                }
            }
        });
        ["fixed", "in"].forEach((rule) => {
            if (rules[rule] !== undefined) {
                const expected = rules[rule];
                if (!string[rule](expected, actual)) {
                    this.setInvalidValueError(rule, newpath, actual, expected);
                }
            }
        });
        ["pattern", "pattern_i", "pattern_im", "pattern_mi"].forEach((rule) => {
            if (rules[rule] !== undefined) {
                let modifier = "";
                if (rule.length > 8) modifier = rule.substring(8);
                const expected = rules[rule];
                if (!string["pattern"](expected, actual, modifier)) {
                    this.setInvalidValueError("pattern", newpath, actual, expected);
                }
            }
        });
    }

    assertValue(rules, eleType, actual, newpath) {
        if (eleType === "string") this.checkString(rules, actual, newpath);
        else if (eleType === "num") this.checkNumeric(rules, actual, newpath);
    }

    validateBoolean(actual, eleType, newpath) {
        if (this.options.boolean.indexOf(actual) === -1) {
            this.setInvalidDataType(eleType, newpath, actual);
        }
    }

    isValidNum(eleType, val) {
        const num = toNumber(val);
        if (!isNaN(num)) {
            if (
                (eleType === "positiveInteger" && num < 0) ||
                (eleType === "positiveDecimal" && num < 0) ||
                (eleType === "integer" && !isInt(num))
            ) {
                return false;
            }
        } else {
            return false;
        }
        return true;
    }

    validateDate(val, eleType, newpath) {
        const date = Date.parse(val);
        if (isNaN(date)) this.setInvalidDataType(eleType, newpath, val);
    }

    setInvalidDataType(eleType, newpath, val) {
        this.failures.push({
            code: "not a " + eleType,
            path: newpath.substr(1),
            value: val,
        });
    }

    /**
     * @param {object} sets
     * @param {object} rules
     * @param {string} path
     */
    checkMissingSiblings(sets, rules, path) {
        if (sets.rules) {
            sets.rules.forEach((tagRule) => {
                const rulesNode = rules[tagRule]["@rules"];
                if (rulesNode && (rulesNode.nillable === "false" || rulesNode.minOccurs > 0)) {
                    this.failures.push({
                        code: "missing",
                        path: (path + "." + tagRule).substr(1),
                    });
                }
            });
        }
    }

    /**
     * @param {object} sets
     * @param {string} path
     */
    checkUnknownSiblings(sets, path) {
        if (sets.data && !this.options.unknownAllow) {
            sets.data.forEach((tag) => {
                this.failures.push({
                    code: "unknown",
                    path: (path + "." + tag).substr(1),
                });
            });
        }
    }
}

// ─── Traverser subclass that adds repeatable-collection uniqueness ─────────────
// We override the array-handling branch of traverse() to also run sibling uniqueness.

const _originalTraverse = Traverser.prototype.traverse;

Traverser.prototype.traverse = function traverse(ele, key, rules, path) {
    if (
        Array.isArray(ele) &&
        rules !== undefined &&
        rules["@rules"] !== undefined &&
        rules["@rules"].repeatable !== undefined
    ) {
        // Run the original logic (occurrence checks + per-item traversal)
        this.checkOccurences(rules["@rules"], ele.length, path);
        ele.forEach((val, index) => {
            const arrayPath = path + "[" + index + "]";
            if (Object.keys(rules).length > 1) {
                this.callForCommonProperties(ele[index], rules, arrayPath);
            } else {
                // Simple scalar repeatable
                const scalarRules = rules;
                _originalTraverse.call(this, ele[index], key, scalarRules, arrayPath);
            }
        });

        // After all items processed, check sibling-scoped uniqueness
        if (ele.length > 0 && typeof ele[0] === "object") {
            this._runSiblingUniqueness(ele, rules, path);
        }
        return;
    }

    // For everything else, delegate to the original implementation
    _originalTraverse.call(this, ele, key, rules, path);
};

/**
 * Scan child field rules of a repeatable element for `unique="true"` and
 * validate all occurrences within the array scope.
 * @param {Array<object>} items
 * @param {object} rules  - rules for the repeatable element
 * @param {string} path
 */
Traverser.prototype._runSiblingUniqueness = function (items, rules, path) {
    const fieldKeys = Object.keys(rules).filter((k) => k !== "@rules");
    fieldKeys.forEach((fieldKey) => {
        const fieldRules = rules[fieldKey];
        if (!fieldRules || !fieldRules["@rules"]) return;
        if (fieldRules["@rules"].unique !== "true") return;
        this._checkUniqueInCollection(items, fieldKey, path);
    });
};

function isInt(num) {
    return (num | 0) === num;
}

;// CONCATENATED MODULE: ./node_modules/detailed-xml-validator/src/validator.js





const validator_defaultOptions = {
    unknownAllow: true,
    boolean: ["true", "false"],
};

// Keep every tag/attribute value as a raw, untouched string — Traverser and
// validations.js do their own number/date/boolean coercion, so no parser
// pipeline should get there first.
const RAW_VALUE_PARSERS = { tags: { valueParsers: [] }, attributes: { valueParsers: [] } };

// Parsers are stateless w.r.t. any single Validator instance and safe to
// reuse across parses (each .parse() call gets a fresh internal tokenizer
// and a fresh builder instance from the factory) — building them once here
// avoids rebuilding the value-parser pipelines on every Validator/validate() call.
const ruleParser = new XMLParser({
    skip: { attributes: false },
    attributes: { prefix: "", groupBy: "@rules", booleanType: true },
    OutputBuilder: new CompactBuilderFactory(RAW_VALUE_PARSERS),
});

const dataParser = new XMLParser({
    skip: { attributes: false },
    attributes: { prefix: "", groupBy: ":a" },
    OutputBuilder: new OrderTrackingBuilderFactory(RAW_VALUE_PARSERS),
});

class Validator {
    /**
     * @param {string} rules  - XML string containing rule definitions
     * @param {object} [options]
     */
    constructor(rules, options) {
        assertXmlString(rules);
        this.rules = restoreAttrsBucketKeys(parseOrThrow(ruleParser, sanitizeAttrsBucketTag(rules)));
        this.options = Object.assign({}, validator_defaultOptions, options);
        this.validators = {};
        /** @type {object|null} Parsed XML data after the last validate() call */
        this.data = null;
    }

    /**
     * Register a custom validator function.
     * @param {string} name
     * @param {(value: string, path: string) => object | undefined} fn
     */
    register(name, fn) {
        this.validators[name] = fn;
    }

    /**
     * Validate XML data against the rules.
     * @param {string} xmldata
     * @returns {Array<object>} Array of failure objects (empty if valid)
     */
    validate(xmldata) {
        assertXmlString(xmldata);

        const { data, siblingOrder } = parseOrThrow(dataParser, xmldata);
        this.data = data;

        const traverser = new Traverser(this.options, this.validators, siblingOrder);
        traverser.traverse(data, "", this.rules, "");
        return traverser.failures;
    }
}

// Rules files may define a tag literally named ":a" — a stand-in element
// holding validation rules for a tag's attributes, mirroring the ":a" key
// data gets grouped under. A leading colon is not a legal tag name under
// namespace-aware naming rules, which the new parser enforces and the old
// one didn't. Rather than force every existing rules file to change, swap
// it for a legal placeholder before parsing and rename the resulting object
// key straight back — invisible to anyone authoring or consuming rules.
const ATTRS_BUCKET_TAG = ":a";
const ATTRS_BUCKET_PLACEHOLDER = "__nodableAttrsBucket__";
const ATTRS_BUCKET_TAG_RE = /<(\/?):a(\s|>|\/)/g;

function sanitizeAttrsBucketTag(rules) {
    return rules.replace(ATTRS_BUCKET_TAG_RE, `<$1${ATTRS_BUCKET_PLACEHOLDER}$2`);
}

function restoreAttrsBucketKeys(value) {
    if (Array.isArray(value)) {
        for (const item of value) restoreAttrsBucketKeys(item);
    } else if (value !== null && typeof value === "object") {
        if (Object.prototype.hasOwnProperty.call(value, ATTRS_BUCKET_PLACEHOLDER)) {
            value[ATTRS_BUCKET_TAG] = value[ATTRS_BUCKET_PLACEHOLDER];
            delete value[ATTRS_BUCKET_PLACEHOLDER];
        }
        for (const key of Object.keys(value)) restoreAttrsBucketKeys(value[key]);
    }
    return value;
}

function assertXmlString(xmldata) {
    if (!xmldata) throw new Error("Empty data");
    if (typeof xmldata !== "string") throw new Error("Not a valid string");
}

/**
 * Runs a shared parser instance and turns a syntax-level ParseError into the
 * same plain "message:line" Error shape dxv has always thrown. Line is not
 * provided by the parser (position is index-only) so it's derived by
 * counting newlines up to the error's character offset.
 *
 * One error code gets its wording translated back to dxv's pre-migration
 * text, so existing callers matching on that exact message keep working
 * without forcing that wording onto every other FXP consumer.
 */
function parseOrThrow(parser, xmldata) {
    try {
        return parser.parse(xmldata);
    } catch (err) {
        if (err instanceof ParseError) {
            let message = err.message;
            if (err.code === "INVALID_ATTRIBUTE_NAME") {
                const name = message.slice(message.indexOf(": ") + 2);
                message = `Attribute '${name}' is an invalid name.`;
            }
            // Not every ParseError carries a position (position is index-only,
            // and not every code attaches one) — don't fabricate a line number
            // when it's missing.
            if (err.index === undefined) throw new Error(message);
            const line = xmldata.substring(0, err.index).split("\n").length;
            throw new Error(message + ":" + line);
        }
        throw err;
    }
}

/* harmony default export */ const validator = (Validator);

;// CONCATENATED MODULE: ./node_modules/fast-xml-validator/src/fxv.js








/***/ })

};

//# sourceMappingURL=32.index.js.map