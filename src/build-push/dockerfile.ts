// The FROM lines of a Dockerfile, read as BuildKit's parser reads them (parser directives,
// line continuations with the escape character, comments, `--platform`, `AS name`, global ARGs
// substituted), to find base images that a tag names without a digest: a tag moves, so the
// same commit built again can get another base, and a pushed digest stops meaning one image.

export interface FromLine {
  /** 1-based line of the FROM instruction. */
  line: number;
  /** The image as written: `python:3.12-slim`, `${BASE_IMAGE}`. */
  written: string;
  /** After global ARG substitution; undefined when a variable has no value to substitute. */
  resolved: string | undefined;
  /** The variables that had no value (an ARG without default and no build-arg). */
  unresolved: string[];
}

export type FromFinding =
  /** A base image named by a tag only: the reference to pin. */
  | { kind: 'unpinned'; line: number; written: string; resolved: string }
  /** A FROM whose image depends on an ARG with no value here: nothing to check. */
  | { kind: 'unknown'; line: number; written: string; unresolved: string[] };

interface Instruction {
  line: number;
  keyword: string;
  rest: string;
}

/** Instructions with their first line, continuations joined and comments dropped. */
export function parseInstructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  let escape = '\\';
  // Parser directives: `# key=value` lines at the very top, before anything else.
  for (const line of lines) {
    const directive = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(line);
    if (directive === null) break;
    if (directive[1]?.toLowerCase() === 'escape' && (directive[2] === '`' || directive[2] === '\\')) {
      escape = directive[2];
    }
  }
  const instructions: Instruction[] = [];
  let current: { line: number; text: string } | undefined;
  // Here-documents still to skip (`RUN <<EOF … EOF`): their lines are a script's, not instructions.
  const heredocs: { word: string; dash: boolean }[] = [];
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    const open = heredocs[0];
    if (open !== undefined) {
      if ((open.dash ? raw.replace(/^\t+/, '') : raw) === open.word) heredocs.shift();
      return;
    }
    // A comment line, even inside a continuation, is dropped; so is an empty line there.
    if (trimmed.startsWith('#')) return;
    if (current === undefined && trimmed === '') return;
    const continued = trimmed.endsWith(escape);
    const body = continued ? trimmed.slice(0, -1) : trimmed;
    if (current === undefined) current = { line: index + 1, text: body };
    else current.text += ` ${body}`;
    if (continued) return;
    const match = /^(\S+)\s*(.*)$/s.exec(current.text.trim());
    if (match !== null) {
      const keyword = (match[1] ?? '').toUpperCase();
      instructions.push({ line: current.line, keyword, rest: match[2] ?? '' });
      if (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') {
        for (const heredoc of (match[2] ?? '').matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)) {
          heredocs.push({ word: heredoc[3] ?? '', dash: heredoc[1] === '-' });
        }
      }
    }
    current = undefined;
  });
  if (current !== undefined) {
    const match = /^(\S+)\s*(.*)$/s.exec(current.text.trim());
    if (match !== null) {
      instructions.push({
        line: current.line,
        keyword: (match[1] ?? '').toUpperCase(),
        rest: match[2] ?? '',
      });
    }
  }
  return instructions;
}

/** `A=1 B="two" C` → [[A, 1], [B, two], [C, undefined]]. */
function parseArgDeclarations(rest: string): [string, string | undefined][] {
  const declarations: [string, string | undefined][] = [];
  for (const match of rest.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g)) {
    const raw = match[2];
    const value =
      raw === undefined
        ? undefined
        : /^".*"$/s.test(raw)
          ? raw.slice(1, -1).replace(/\\(.)/g, '$1')
          : /^'.*'$/s.test(raw)
            ? raw.slice(1, -1)
            : raw;
    declarations.push([match[1] ?? '', value]);
  }
  return declarations;
}

/** `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME:+alternative}` with the known values. */
function substitute(
  text: string,
  values: ReadonlyMap<string, string | undefined>,
): { value: string; unresolved: string[] } {
  const unresolved: string[] = [];
  const value = text.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (
      _match,
      braced: string | undefined,
      operator: string | undefined,
      word: string | undefined,
      bare: string | undefined,
    ) => {
      const name = braced ?? bare ?? '';
      const known = values.get(name);
      if (operator === '-') return known === undefined || known === '' ? (word ?? '') : known;
      if (operator === '+') return known === undefined || known === '' ? '' : (word ?? '');
      if (known === undefined) {
        unresolved.push(name);
        return '';
      }
      return known;
    },
  );
  return { value, unresolved };
}

/**
 * The platform arguments BuildKit defines in the global scope without an ARG (TARGETPLATFORM,
 * TARGETOS, TARGETARCH, TARGETVARIANT and the BUILD* ones), for `linux/amd64`-style platforms;
 * the build runs on the platform it targets here (no emulation), so BUILD* are the same.
 */
export function platformArgs(platform: string): [string, string][] {
  const [os = '', arch = '', variant = ''] = platform.split('/');
  if (os === '' || arch === '') return [];
  return ['TARGET', 'BUILD'].flatMap((prefix): [string, string][] => [
    [`${prefix}PLATFORM`, platform],
    [`${prefix}OS`, os],
    [`${prefix}ARCH`, arch],
    [`${prefix}VARIANT`, variant],
  ]);
}

/**
 * The FROM lines of a Dockerfile with their images resolved: global ARGs (before the first
 * FROM) take the build-args given, else their defaults.
 */
export function fromLines(
  text: string,
  buildArgs: readonly (readonly [string, string])[],
  platform = '',
): FromLine[] {
  const given = new Map(buildArgs.map(([key, value]) => [key, value] as const));
  const globals = new Map<string, string | undefined>(platformArgs(platform));
  const found: FromLine[] = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === 'ARG' && found.length === 0) {
      for (const [name, value] of parseArgDeclarations(instruction.rest)) {
        globals.set(name, given.has(name) ? given.get(name) : value);
      }
      continue;
    }
    if (instruction.keyword !== 'FROM') continue;
    const words = instruction.rest.split(/\s+/).filter((word) => word !== '' && !word.startsWith('--'));
    const written = words[0] ?? '';
    const { value, unresolved } = substitute(written, globals);
    found.push({
      line: instruction.line,
      written,
      resolved: unresolved.length > 0 ? undefined : value,
      unresolved,
    });
  }
  return found;
}

/** The stage names (`FROM … AS name`), lower-cased as BuildKit compares them. */
function stageNames(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword !== 'FROM') continue;
    const words = instruction.rest.split(/\s+/).filter((word) => word !== '' && !word.startsWith('--'));
    if (words.length >= 3 && words[1]?.toUpperCase() === 'AS') {
      names.set(instruction.line, (words[2] ?? '').toLowerCase());
    }
  }
  return names;
}

const DIGEST = /@sha256:[0-9a-f]{64}$/;

/**
 * The FROMs to warn about: an image without a digest. `scratch`, an earlier stage's name and a
 * reference with `@sha256:…` are fine; an image that depends on an ARG with no value is reported
 * as one that cannot be checked.
 */
export function unpinnedBaseImages(
  text: string,
  buildArgs: readonly (readonly [string, string])[],
  platform = '',
): FromFinding[] {
  const names = stageNames(text);
  const earlier = new Set<string>();
  const findings: FromFinding[] = [];
  for (const from of fromLines(text, buildArgs, platform)) {
    if (from.resolved === undefined) {
      findings.push({ kind: 'unknown', line: from.line, written: from.written, unresolved: from.unresolved });
    } else {
      const image = from.resolved;
      const fine =
        image.toLowerCase() === 'scratch' || earlier.has(image.toLowerCase()) || DIGEST.test(image);
      if (!fine && image !== '') {
        findings.push({ kind: 'unpinned', line: from.line, written: from.written, resolved: image });
      }
    }
    const name = names.get(from.line);
    if (name !== undefined) earlier.add(name);
  }
  return findings;
}
