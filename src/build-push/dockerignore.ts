// What a build context sends: `.dockerignore` as Docker reads it (patterns relative to the
// context, `**`, `!` exceptions, the last matching line wins), to find files that must not
// travel into an image.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
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

/** Files in the context whose name matches `name` (a RegExp on the base name) and that would be sent. */
export async function filesSentMatching(context: string, name: RegExp): Promise<string[]> {
  let rules: Rule[] = [];
  try {
    rules = parseDockerignore(await readFile(join(context, '.dockerignore'), 'utf8'));
  } catch {
    rules = [];
  }
  const entries = await readdir(context, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && name.test(entry.name))
    .map((entry) => relative(context, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((path) => !path.startsWith('.git/') && !isIgnored(rules, path))
    .sort();
}
