// Path globs as regular expressions, shared by the import guard and the .dockerignore reader.

/**
 * A path glob as an anchored regular expression over `/`-separated relative paths:
 * `*` is any text within one folder name, `?` one character of it, `**` as a whole segment
 * any number of folders (none included: `src/**\/x.py` matches `src/x.py`), `{a,b}`
 * alternatives (nested too), `[abc]`, `[a-z]`, `[!a]`/`[^a]` one character (never `/`), `\`
 * escapes. Wildcards match names starting with a dot as well: a hidden folder in `src/` is
 * still in `src/`. A trailing `/` means everything below, and so does a glob without any
 * wildcard: `src/domain` names the folder, not just a file of that name.
 */
export function globToRegExp(glob: string): RegExp {
  let pattern = glob.replace(/^(?:\.\/)+/, '');
  if (pattern.endsWith('/')) pattern += '**';
  const alternatives = expandBraces(pattern).map((expanded) => {
    const source = segmentsToRegExp(expanded);
    return /[*?[\]]/.test(expanded) ? source : `${source}(?:/.*)?`;
  });
  return new RegExp(`^(?:${alternatives.join('|')})$`);
}

/** `a{b,c{d,e}}f` → `abf`, `acdf`, `acef`; a brace without a matching `}` or a `,` is literal. */
function expandBraces(glob: string): string[] {
  let depth = 0;
  let open = -1;
  const commas: number[] = [];
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index];
    if (char === '\\') {
      index++;
    } else if (char === '{') {
      if (depth === 0) open = index;
      depth++;
    } else if (char === '}' && depth > 0) {
      depth--;
      if (depth === 0) {
        if (commas.length === 0) {
          // `{a}`: literal braces; look for alternatives after it.
          const rest = expandBraces(glob.slice(index + 1));
          return rest.map((tail) => glob.slice(0, index + 1) + tail);
        }
        const head = glob.slice(0, open);
        const tails = expandBraces(glob.slice(index + 1));
        const bounds = [open, ...commas, index];
        const options = bounds
          .slice(0, -1)
          .flatMap((start, at) => expandBraces(glob.slice(start + 1, bounds[at + 1])));
        return options.flatMap((option) => tails.map((tail) => head + option + tail));
      }
    } else if (char === ',' && depth === 1) {
      commas.push(index);
    }
  }
  return [glob];
}

const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\/]/;

function segmentsToRegExp(glob: string): string {
  let source = '';
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index] ?? '';
    if (char === '*') {
      if (glob[index + 1] === '*') {
        const wholeSegment =
          (index === 0 || glob[index - 1] === '/') && (index + 2 === glob.length || glob[index + 2] === '/');
        if (wholeSegment) {
          if (index + 2 === glob.length) {
            // `**` at the end: everything below (and, alone, everything).
            source += '.*';
            index += 1;
          } else {
            // `**/`: any number of folders, none included.
            source += '(?:[^/]+/)*';
            index += 2;
          }
          continue;
        }
        // `a**b`: two stars within a name are one.
        while (glob[index + 1] === '*') index++;
      }
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '[') {
      const end = classEnd(glob, index);
      if (end === -1) {
        source += '\\[';
        continue;
      }
      source += characterClass(glob.slice(index + 1, end));
      index = end;
    } else if (char === '\\' && index + 1 < glob.length) {
      index++;
      source += escapeRegExp(glob[index] ?? '');
    } else {
      source += escapeRegExp(char);
    }
  }
  return source;
}

/** The index of the `]` closing a class opened at `open`; a `]` first in the class is literal. */
function classEnd(glob: string, open: number): number {
  let index = open + 1;
  if (glob[index] === '!' || glob[index] === '^') index++;
  if (glob[index] === ']') index++;
  for (; index < glob.length; index++) {
    if (glob[index] === '\\') index++;
    else if (glob[index] === ']') return index;
  }
  return -1;
}

function characterClass(body: string): string {
  let negated = false;
  let rest = body;
  if (rest.startsWith('!') || rest.startsWith('^')) {
    negated = true;
    rest = rest.slice(1);
  }
  let inner = '';
  for (let index = 0; index < rest.length; index++) {
    let char = rest[index] ?? '';
    if (char === '\\' && index + 1 < rest.length) {
      index++;
      char = rest[index] ?? '';
      inner += escapeInClass(char);
    } else if (char === '-' && index > 0 && index < rest.length - 1) {
      inner += '-';
    } else {
      inner += escapeInClass(char);
    }
  }
  // A class never matches the separator.
  return negated ? `[^/${inner}]` : `(?:(?!/)[${inner}])`;
}

function escapeInClass(char: string): string {
  return /\w/.test(char) ? char : `\\${char}`;
}

function escapeRegExp(char: string): string {
  return REGEXP_SPECIAL.test(char) ? `\\${char}` : char;
}
