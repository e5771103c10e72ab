import { posix } from 'node:path';
import type { SourceReader } from './source-files.js';

/**
 * The `compilerOptions.paths` aliases of the scanned root's tsconfig.json and jsconfig.json:
 * `"@secrets": ["node_modules/@google-cloud/secret-manager"]` makes `import '@secrets'` an
 * import of `@google-cloud/secret-manager`, which a rule forbidding that module must see.
 *
 * DECISION: only the files at the root are read, without following `extends`; an alias maps a
 * specifier onto every target it lists (TypeScript tries them in order, so any may be the one
 * used), and a target names a module twice over: by what follows its last `node_modules/`
 * (resolved against `baseUrl`), and, when it is no path (`@google-cloud/secret-manager`), by
 * its own text, which bundlers that resolve targets as packages read so.
 */
export const CONFIG_FILES = ['tsconfig.json', 'jsconfig.json'] as const;

export interface AliasTarget {
  /** The module the specifier stands for. */
  module: string;
  /** The config file that declares the alias. */
  config: string;
}

export interface PathAliases {
  /** The modules `specifier` stands for through an alias; empty when no alias matches it. */
  resolve(specifier: string): AliasTarget[];
}

/** A config file that could not be used, and why. */
export interface AliasProblem {
  file: string;
  reason: string;
}

interface Alias {
  config: string;
  /** The pattern's text before and after its `*`; without `*`, the whole pattern in `prefix`. */
  prefix: string;
  suffix: string;
  wildcard: boolean;
  /** Each target with `*` where the match goes, relative to the root (or as written). */
  targets: string[];
  baseUrl: string;
}

export async function readPathAliases(
  reader: SourceReader,
  maxFileBytes: number,
): Promise<{ aliases: PathAliases | undefined; problems: AliasProblem[] }> {
  const aliases: Alias[] = [];
  const problems: AliasProblem[] = [];
  const unused = 'its paths aliases are not checked';
  for (const config of CONFIG_FILES) {
    const source = await reader.openSourceFile(config);
    if (source.kind === 'absent') continue;
    if (source.kind === 'outside') {
      problems.push({
        file: config,
        reason: `not read: a symbolic link out of the working directory; ${unused}`,
      });
      continue;
    }
    if (source.kind === 'unreadable') {
      problems.push({ file: config, reason: `could not be read: ${source.reason}; ${unused}` });
      continue;
    }
    if (source.size > maxFileBytes) {
      source.close();
      problems.push({ file: config, reason: `not read: over the size cap; ${unused}` });
      continue;
    }
    let parsed: unknown;
    try {
      parsed = parseJsonWithComments(await source.read());
    } catch (error) {
      const detail =
        error instanceof SyntaxError
          ? 'not valid JSON (comments and trailing commas are fine)'
          : 'could not be read';
      problems.push({ file: config, reason: `${detail}; ${unused}` });
      continue;
    }
    const found = aliasesOf(config, parsed);
    if (typeof found === 'string') problems.push({ file: config, reason: `${found}; ${unused}` });
    else aliases.push(...found);
  }
  return {
    aliases: aliases.length === 0 ? undefined : { resolve: (specifier) => resolve(aliases, specifier) },
    problems,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The aliases of one parsed config, or what is wrong with its `paths`. */
function aliasesOf(config: string, parsed: unknown): Alias[] | string {
  if (!isRecord(parsed)) return 'not a JSON object';
  const options = parsed.compilerOptions;
  if (options === undefined) return [];
  if (!isRecord(options)) return 'compilerOptions is not an object';
  const { paths, baseUrl } = options;
  if (paths === undefined) return [];
  if (!isRecord(paths)) return 'compilerOptions.paths is not an object';
  if (baseUrl !== undefined && typeof baseUrl !== 'string') return 'compilerOptions.baseUrl is not a string';
  const aliases: Alias[] = [];
  for (const [pattern, targets] of Object.entries(paths)) {
    if (!Array.isArray(targets) || !targets.every((target) => typeof target === 'string')) {
      return `compilerOptions.paths[${JSON.stringify(pattern)}] is not a list of strings`;
    }
    const star = pattern.indexOf('*');
    aliases.push({
      config,
      prefix: star === -1 ? pattern : pattern.slice(0, star),
      suffix: star === -1 ? '' : pattern.slice(star + 1),
      wildcard: star !== -1,
      targets,
      baseUrl: baseUrl ?? '.',
    });
  }
  return aliases;
}

function resolve(aliases: readonly Alias[], specifier: string): AliasTarget[] {
  const found: AliasTarget[] = [];
  for (const alias of aliases) {
    let match: string;
    if (!alias.wildcard) {
      if (specifier !== alias.prefix) continue;
      match = '';
    } else {
      if (
        specifier.length < alias.prefix.length + alias.suffix.length ||
        !specifier.startsWith(alias.prefix) ||
        !specifier.endsWith(alias.suffix)
      ) {
        continue;
      }
      match = specifier.slice(alias.prefix.length, specifier.length - alias.suffix.length);
    }
    for (const target of alias.targets) {
      const written = target.replace('*', match);
      for (const module of modulesOf(written, alias.baseUrl)) {
        if (!found.some((known) => known.module === module)) found.push({ module, config: alias.config });
      }
    }
  }
  return found;
}

/** The module names one alias target stands for (see the DECISION above). */
function modulesOf(target: string, baseUrl: string): string[] {
  const modules: string[] = [];
  const path = posix.normalize(posix.join(baseUrl.replace(/\\/g, '/'), target.replace(/\\/g, '/')));
  const inPackages = path.lastIndexOf('node_modules/');
  if (inPackages !== -1 && (inPackages === 0 || path[inPackages - 1] === '/')) {
    const module = path.slice(inPackages + 'node_modules/'.length).replace(/\/$/, '');
    if (module !== '') modules.push(module);
  }
  if (!/^(?:\.|\/|[A-Za-z]:)/.test(target) && target !== '') modules.push(target);
  return modules;
}

/**
 * JSON with the two things tsconfig files allow beyond it: comments (`//`, `/* *\/`) and
 * trailing commas. Both are removed outside strings, then JSON.parse reads the rest.
 */
export function parseJsonWithComments(text: string): unknown {
  let out = '';
  let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  /** Where in `out` a comma waits that a following `}` or `]` would make trailing. */
  let pendingComma = -1;
  while (position < text.length) {
    const char = text[position] ?? '';
    if (char === '"') {
      let end = position + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      out += text.slice(position, end + 1);
      position = end + 1;
      pendingComma = -1;
    } else if (char === '/' && text[position + 1] === '/') {
      const end = text.indexOf('\n', position);
      position = end === -1 ? text.length : end;
    } else if (char === '/' && text[position + 1] === '*') {
      const end = text.indexOf('*/', position + 2);
      position = end === -1 ? text.length : end + 2;
      out += ' ';
    } else {
      if ((char === '}' || char === ']') && pendingComma !== -1) {
        out = `${out.slice(0, pendingComma)} ${out.slice(pendingComma + 1)}`;
      }
      if (char === ',') pendingComma = out.length;
      else if (!/\s/.test(char)) pendingComma = -1;
      out += char;
      position++;
    }
  }
  return JSON.parse(out) as unknown;
}
