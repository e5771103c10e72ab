// What a build context sends: `.dockerignore` as Docker reads it (patterns relative to the
// context, `**`, `!` exceptions, the last matching line wins), to find files that must not
// travel into an image.
import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { globToRegExp } from '../lib/glob.js';

interface Rule {
  exclude: boolean;
  pattern: RegExp;
}

export function parseDockerignore(text: string): Rule[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const exclude = !line.startsWith('!');
      const body = (exclude ? line : line.slice(1)).trim().replace(/^\/+/, '').replace(/\/+$/, '');
      return { exclude, pattern: globToRegExp(body) };
    });
}

/** Whether `.dockerignore` keeps `path` (relative, with `/`) out of the context. */
export function isIgnored(rules: readonly Rule[], path: string): boolean {
  let ignored = false;
  const parents = path.split('/').map((_, index, parts) => parts.slice(0, index + 1).join('/'));
  for (const rule of rules) {
    // A pattern that matches a parent folder excludes (or re-includes) everything in it.
    if (parents.some((candidate) => rule.pattern.test(candidate))) ignored = rule.exclude;
  }
  return ignored;
}

async function readRules(context: string): Promise<Rule[]> {
  try {
    return parseDockerignore(await readFile(join(context, '.dockerignore'), 'utf8'));
  } catch {
    return [];
  }
}

/**
 * Where `path` is inside `context` and `.dockerignore` does not exclude it: its path relative
 * to the context (with `/`), which the build would send. Undefined for a path outside the
 * context, or one it excludes.
 */
export async function sentByContext(context: string, path: string): Promise<string | undefined> {
  const inside = relative(context, path);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    return undefined;
  }
  const relativePath = inside.split(sep).join('/');
  return isIgnored(await readRules(context), relativePath) ? undefined : relativePath;
}

/** Files in the context whose name matches `name` (a RegExp on the base name) and that would be sent. */
export async function filesSentMatching(context: string, name: RegExp): Promise<string[]> {
  return (await scanContext(context, { matching: name })).matching;
}

/** What the context would send that should not travel into an image. */
export interface ContextScan {
  /** Files whose base name matches `matching` (credentials: refused). */
  matching: string[];
  /** `.env`, `.env.local`, … (names starting with `.env`): often secrets, warned about. */
  envFiles: string[];
  /** Whether `.git` (the repository, folder or worktree file) at the context's root is sent. */
  git: boolean;
}

const ENV_FILE = /^\.env/;

/**
 * One walk of the context: the files that `.dockerignore` lets through and whose base name
 * matches `matching`, the `.env*` files it lets through, and whether `.git` goes too (nothing
 * inside `.git/` is looked at: its files are not the project's).
 */
export async function scanContext(context: string, options: { matching: RegExp }): Promise<ContextScan> {
  const rules = await readRules(context);
  const entries = await readdir(context, { recursive: true, withFileTypes: true });
  const sent = (path: string): boolean => !path.startsWith('.git/') && !isIgnored(rules, path);
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => ({
      name: entry.name,
      path: relative(context, join(entry.parentPath, entry.name)).split(sep).join('/'),
    }))
    .filter(({ path }) => sent(path));
  const git = entries.some(
    (entry) => entry.name === '.git' && entry.parentPath === context && !isIgnored(rules, '.git'),
  );
  return {
    matching: files
      .filter(({ name }) => options.matching.test(name))
      .map(({ path }) => path)
      .sort(),
    envFiles: files
      .filter(({ name }) => ENV_FILE.test(name))
      .map(({ path }) => path)
      .sort(),
    git,
  };
}

/** The `.dockerignore` line that leaves the `.env*` files out: at the root only, or anywhere. */
export function envIgnoreLine(envFiles: readonly string[]): string {
  return envFiles.every((path) => !path.includes('/')) ? '.env*' : '**/.env*';
}
