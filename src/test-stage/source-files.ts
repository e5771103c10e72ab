import { close, constants, existsSync, fstat, lstat, open, read, realpath, type Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
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
 * walked; symbolic links are listed unless they lead to a folder or nowhere (links to folders
 * are not followed), and {@link openSourceFile} decides what a listed link may be read as.
 * A folder that cannot be read is left out, with why, in `problems` (given): one unreadable
 * folder does not hide the rest of the tree.
 */
export async function listSourceFiles(root: string, problems?: ListingProblem[]): Promise<string[]> {
  await requireDirectory(root);
  const files =
    (await gitFiles(root)) ??
    (await walk(root, (folder, error) => {
      if (problems === undefined) throw error;
      problems.push({ path: folder, reason: describeFsError(error) });
    }));
  return files.sort(compareText);
}

/** A folder the walk could not read: its path relative to the root (`''` is the root) and why. */
export interface ListingProblem {
  path: string;
  reason: string;
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
async function walk(root: string, unreadable: (folder: string, error: unknown) => void): Promise<string[]> {
  const files: string[] = [];
  let folders = [''];
  while (folders.length > 0) {
    const next: string[] = [];
    await Promise.all(
      folders.map(async (folder) => {
        let entries;
        try {
          entries = await readdir(join(root, folder), { withFileTypes: true });
        } catch (error) {
          // The root itself was checked: a folder below that vanished is simply not there.
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') unreadable(folder, error);
          return;
        }
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
          } else if (entry.isSymbolicLink() && (await isListedLink(join(root, path)))) {
            files.push(path);
          }
        }
      }),
    );
    folders = next;
  }
  return files;
}

/**
 * Whether a link is listed: not when it leads to a folder (never followed) or nowhere. A loop is
 * listed, as git lists it, so that the reader reports it instead of it vanishing.
 */
async function isListedLink(path: string): Promise<boolean> {
  try {
    return !(await stat(path)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}

/** A file system error in words, without the absolute path Node puts in its message. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ELOOP':
      return 'a loop of symbolic links';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'EIO':
      return 'an input/output error';
    default:
      return code === undefined ? String(error) : `error ${code}`;
  }
}

/** What {@link openSourceFile} found at a listed path. */
export type SourceFile =
  /** A regular file inside the root, open: `read()` reads it whole and closes it; `close()` only closes. */
  | { kind: 'open'; size: number; read: () => Promise<string>; close: () => void }
  /** Gone, a folder, a submodule, a FIFO, a dangling link: no source, nothing to say. */
  | { kind: 'absent' }
  /** A symbolic link (or a link on the way) that leads out of the root: never followed. */
  | { kind: 'outside' }
  /** Could not be read: a loop of links, permissions, an I/O error. */
  | { kind: 'unreadable'; reason: string };

/**
 * Reads files under one root without ever leaving it: the root's real path, and the real path
 * of each folder that holds a listed file (once per folder), are known, so that a file behind
 * a link, or in a folder behind one, is only opened when its real path is inside the root.
 */
export class SourceReader {
  private readonly folders = new Map<string, Promise<boolean>>();

  private constructor(
    private readonly root: string,
    /** The real path of the root, with a trailing separator. */
    private readonly realRoot: string,
  ) {}

  static async open(root: string): Promise<SourceReader> {
    const real = await realPath(root);
    return new SourceReader(root, real.endsWith(sep) ? real : `${real}${sep}`);
  }

  /** Opens `file` (relative to the root, with `/`) if it is a regular file whose real path is inside the root. */
  async openSourceFile(file: string): Promise<SourceFile> {
    const slash = file.lastIndexOf('/');
    const path = join(this.root, file);
    try {
      if (slash !== -1 && !(await this.folderInside(file.slice(0, slash)))) return { kind: 'outside' };
      let fd: number;
      if (NO_FOLLOW !== 0) {
        try {
          fd = await openFile(path);
        } catch (error) {
          // With O_NOFOLLOW, ELOOP is what opening a link gives: resolve it, then decide.
          if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
          const target = await this.targetInside(path);
          if (target === undefined) return { kind: 'outside' };
          fd = await openFile(target);
        }
      } else if ((await lstatOf(path)).isSymbolicLink()) {
        const target = await this.targetInside(path);
        if (target === undefined) return { kind: 'outside' };
        fd = await openFile(target);
      } else {
        fd = await openFile(path);
      }
      return await opened(fd);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return { kind: 'absent' };
      return { kind: 'unreadable', reason: describeFsError(error) };
    }
  }

  private inside(real: string): boolean {
    return real.startsWith(this.realRoot) || `${real}${sep}` === this.realRoot;
  }

  /** The real path behind a link when it is inside the root; a loop rejects with ELOOP. */
  private async targetInside(path: string): Promise<string | undefined> {
    const target = await realPath(path);
    return this.inside(target) ? target : undefined;
  }

  private folderInside(folder: string): Promise<boolean> {
    let known = this.folders.get(folder);
    if (known === undefined) {
      known = realPath(join(this.root, folder)).then(
        (real) => this.inside(real),
        // A folder that cannot be resolved holds nothing to read; the open says why.
        () => true,
      );
      this.folders.set(folder, known);
    }
    return known;
  }
}

/** Not on every platform (Windows): there a link is recognised with lstat before it is opened. */
const NO_FOLLOW = (constants.O_NOFOLLOW as number | undefined) ?? 0;
/** O_NONBLOCK: a FIFO opens at once (and is then refused by fstat) instead of waiting for a writer. */
const OPEN_FLAGS = constants.O_RDONLY | NO_FOLLOW | ((constants.O_NONBLOCK as number | undefined) ?? 0);

/*
 * The callback API, wrapped: on this kind of load (thousands of small files) the promise API's
 * FileHandle takes about twice as long (measured on Node 20, 10,000 files).
 */
function openFile(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    open(path, OPEN_FLAGS, (error, fd) => (error === null ? resolve(fd) : reject(error)));
  });
}

function realPath(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    realpath.native(path, (error, real) => (error === null ? resolve(real) : reject(error)));
  });
}

function lstatOf(path: string): Promise<Stats> {
  return new Promise((resolve, reject) => {
    lstat(path, (error, stats) => (error === null ? resolve(stats) : reject(error)));
  });
}

function closeQuietly(fd: number): void {
  close(fd, () => undefined);
}

/** The open file's kind and size, and how to read it. */
function opened(fd: number): Promise<SourceFile> {
  return new Promise((resolve) => {
    fstat(fd, (error, stats) => {
      if (error !== null) {
        closeQuietly(fd);
        resolve({ kind: 'unreadable', reason: describeFsError(error) });
        return;
      }
      if (!stats.isFile()) {
        closeQuietly(fd);
        resolve({ kind: 'absent' });
        return;
      }
      resolve({
        kind: 'open',
        size: stats.size,
        read: () => readWhole(fd, stats.size),
        close: () => closeQuietly(fd),
      });
    });
  });
}

/** Reads `size` bytes (fewer if the file shrank) as UTF-8, then closes the file. */
function readWhole(fd: number, size: number): Promise<string> {
  const buffer = Buffer.allocUnsafe(size);
  return new Promise((resolve, reject) => {
    const step = (offset: number): void => {
      if (offset >= size) {
        closeQuietly(fd);
        resolve(buffer.toString('utf8', 0, offset));
        return;
      }
      read(fd, buffer, offset, size - offset, offset, (error, bytes) => {
        if (error !== null) {
          closeQuietly(fd);
          reject(error);
        } else if (bytes === 0) {
          closeQuietly(fd);
          resolve(buffer.toString('utf8', 0, offset));
        } else {
          step(offset + bytes);
        }
      });
    };
    step(0);
  });
}
