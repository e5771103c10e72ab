import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigurationError } from '../lib/errors.js';
import { runTool, ToolError } from '../lib/exec.js';
import { Inputs } from './constants.js';

/**
 * Folders that hold other people's code or tool output, skipped at any depth: version control
 * (`.git`), virtualenvs (`.venv`, `venv`, and any folder holding `pyvenv.cfg`, such as `env`;
 * a folder named `env` without it is ordinary code), installed packages (`node_modules`,
 * `site-packages`), caches (`__pycache__`, `.tox`, `.nox`, `.mypy_cache`, `.pytest_cache`) and
 * build output (`dist`, `build`). A service's own code must not live in a folder named like
 * these: it would not be scanned.
 */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set([
  '.git',
  '.venv',
  'venv',
  'node_modules',
  '__pycache__',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  'site-packages',
  'dist',
  'build',
]);

/** The file that makes a folder a virtualenv, whatever the folder's name. */
const VIRTUALENV_MARKER = 'pyvenv.cfg';

/** `git ls-files` answers in milliseconds even for large trees; this is only a safety net. */
const GIT_TIMEOUT_MS = 60_000;

/**
 * The files under `root`, as sorted paths relative to it with `/`, outside the skipped
 * folders. In a git work tree the list is git's (`ls-files --cached --others
 * --exclude-standard`): tracked files and untracked ones that are not ignored, so that
 * `.gitignore`d output is not scanned. Elsewhere (no git, not a work tree) the folders are
 * walked; symbolic links to files are listed, links to folders are not followed.
 */
export async function listSourceFiles(root: string): Promise<string[]> {
  await requireDirectory(root);
  const files = (await gitFiles(root)) ?? (await walk(root));
  return files.sort(compareText);
}

async function requireDirectory(root: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(root)).isDirectory();
  } catch {
    throw new ConfigurationError(
      `the folder ${root} does not exist; set ${Inputs.WorkingDirectory} to a folder of the repository`,
    );
  }
  if (!isDirectory) {
    throw new ConfigurationError(
      `${root} is a file, not a folder; set ${Inputs.WorkingDirectory} to a folder of the repository`,
    );
  }
}

/** Orders text by its code units, never by locale: the same order on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Git's list of the files under `root`; `undefined` when `root` is not in a work tree or git is missing. */
async function gitFiles(root: string): Promise<string[] | undefined> {
  try {
    const inside = await runTool('git', ['rev-parse', '--is-inside-work-tree'], {
      cwd: root,
      timeoutMs: GIT_TIMEOUT_MS,
    });
    if (inside.stdout.trim() !== 'true') return undefined;
  } catch (error) {
    // Not a repository (exit 128), inside .git, or no git on PATH: walk instead.
    if (error instanceof ToolError) return undefined;
    throw error;
  }
  // Run from root, git lists only the files under it, relative to it; -z: names as they are.
  const listed = await runTool('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    timeoutMs: GIT_TIMEOUT_MS,
  });
  // A conflicted file is listed once per stage.
  const paths = [...new Set(listed.stdout.split('\0'))].filter((path) => path !== '');
  const virtualenvs = new Map<string, boolean>();
  const isVirtualenv = (folder: string): boolean => {
    let known = virtualenvs.get(folder);
    if (known === undefined) {
      known = existsSync(join(root, folder, VIRTUALENV_MARKER));
      virtualenvs.set(folder, known);
    }
    return known;
  };
  return paths.filter((path) => !inSkippedFolder(path, isVirtualenv));
}

/** Whether a folder on the way to `path` is skipped, by name or as a virtualenv. */
function inSkippedFolder(path: string, isVirtualenv: (folder: string) => boolean): boolean {
  let slash = path.indexOf('/');
  let start = 0;
  while (slash !== -1) {
    if (SKIPPED_FOLDERS.has(path.slice(start, slash)) || isVirtualenv(path.slice(0, slash))) return true;
    start = slash + 1;
    slash = path.indexOf('/', start);
  }
  return false;
}

/** Every file under `root`, folder by folder; the folders of one level are read together. */
async function walk(root: string): Promise<string[]> {
  const files: string[] = [];
  let folders = [''];
  while (folders.length > 0) {
    const next: string[] = [];
    await Promise.all(
      folders.map(async (folder) => {
        const entries = await readdir(join(root, folder), { withFileTypes: true });
        if (
          folder !== '' &&
          entries.some((entry) => entry.name === VIRTUALENV_MARKER && !entry.isDirectory())
        ) {
          return;
        }
        for (const entry of entries) {
          const path = folder === '' ? entry.name : `${folder}/${entry.name}`;
          if (entry.isDirectory()) {
            if (!SKIPPED_FOLDERS.has(entry.name)) next.push(path);
          } else if (entry.isFile()) {
            files.push(path);
          } else if (entry.isSymbolicLink() && (await isFileBehindLink(join(root, path)))) {
            files.push(path);
          }
        }
      }),
    );
    folders = next;
  }
  return files;
}

async function isFileBehindLink(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    // A dangling link.
    return false;
  }
}
