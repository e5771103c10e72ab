// Brings .github/action-pins.json (the one table of third-party pins, checked by
// scripts/actionlint.mjs) in line with the pinned `uses:` lines, e.g. after a Dependabot pull
// request changed SHAs and `# vX.Y.Z` comments in the workflows (CONTRIBUTING.md, "Dependency
// updates"):
//   - a row still used is kept as it is, its "verified" text included;
//   - a row no workflow or document uses any more is dropped;
//   - a new (action, SHA, version) gets a row after asking GitHub which commit the tag names
//     (`git ls-remote <remote> refs/tags/vX.Y.Z refs/tags/vX.Y.Z^{}`, read-only, 20 s): the same
//     SHA is written as verified with the date; another SHA stops the script (exit 1, nothing
//     written: the pin is wrong or the tag moved); no answer writes "UNVERIFIED: …", which
//     test/pins-sync.test.ts refuses until someone verifies it.
//
//   node scripts/pins-sync.mjs [--check] [--offline] [--root DIR]
//     --check    write nothing; exit 1 when the table would change or has an UNVERIFIED row
//     --offline  no look-up: new rows are UNVERIFIED
//     --root     the repository (default: this one)
// The remote of an action is $PINS_SYNC_REMOTE with {action} replaced (default
// https://github.com/{action}.git); the tests point it at local repositories.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PINS_FILE = join('.github', 'action-pins.json');
export const UNVERIFIED = 'UNVERIFIED';
// The folders actionlint skips too.
const SKIPPED_DIRS = new Set(['node_modules', '.venv', '.git', '.terraform', 'dist', 'dist.next']);

/**
 * The files actionlint reads pins from: workflows of every `.github/workflows` folder, and
 * Markdown and action.yml documents, skipping installed dependencies.
 * @param {string} root
 */
function pinnedFiles(root) {
  /** @type {string[]} */
  const found = [];
  /** @param {string} dir @param {boolean} inWorkflows */
  const walk = (dir, inWorkflows) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (SKIPPED_DIRS.has(entry.name)) continue;
        walk(path, inWorkflows || (entry.name === 'workflows' && dir.endsWith('.github')));
      } else if (
        entry.name.endsWith('.md') ||
        /^action\.ya?ml$/.test(entry.name) ||
        (inWorkflows && /\.ya?ml$/.test(entry.name))
      ) {
        found.push(path);
      }
    }
  };
  walk(root, false);
  return found.sort();
}

/**
 * @typedef {{ action: string, sha: string, version: string, where: string }} Use
 * @typedef {{ action: string, sha: string, version: string, verified: string }} Row
 */

/**
 * Every `uses: owner/repo[/path]@<40 hex> # vX.Y.Z` line of the files.
 * @param {string} root
 * @returns {Use[]}
 */
export function pinnedUses(root) {
  /** @type {Use[]} */
  const uses = [];
  for (const file of pinnedFiles(root)) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        const match =
          /^\s*(?:-\s+)?uses:\s*["']?([\w.-]+\/[\w.-]+)(?:\/[\w./-]*)?@([0-9a-f]{40})["']?\s+#\s*(v\d+\.\d+\.\d+\S*)\s*$/.exec(
            line,
          );
        if (match) {
          uses.push({
            action: match[1] ?? '',
            sha: match[2] ?? '',
            version: match[3] ?? '',
            where: `${relative(root, file)}:${index + 1}`,
          });
        }
      });
  }
  return uses;
}

/**
 * The commit a tag names on the remote, peeled (an annotated tag's `^{}` line wins), or
 * undefined when the remote cannot be asked; `null` when it answers without the tag.
 * @param {string} action @param {string} version
 * @returns {{ sha: string | null } | { error: string }}
 */
function remoteTag(action, version) {
  const remote = (process.env['PINS_SYNC_REMOTE'] ?? 'https://github.com/{action}.git').replace(
    '{action}',
    action,
  );
  const result = spawnSync('git', ['ls-remote', remote, `refs/tags/${version}`, `refs/tags/${version}^{}`], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  });
  if (result.status !== 0) {
    const reason = (result.stderr || String(result.error ?? `exit ${String(result.status)}`)).trim();
    return { error: reason.split('\n').pop() ?? reason };
  }
  /** @type {Map<string, string>} */
  const refs = new Map();
  for (const line of result.stdout.split('\n')) {
    const [sha, ref] = line.split('\t');
    if (sha && ref) refs.set(ref, sha);
  }
  return {
    sha: refs.get(`refs/tags/${version}^{}`) ?? refs.get(`refs/tags/${version}`) ?? null,
  };
}

/**
 * The table as it should be.
 * @param {{ description?: string, pins: Row[] }} table
 * @param {Use[]} uses
 * @param {{ offline: boolean, today: string }} options
 * @returns {{ table: { description?: string, pins: Row[] }, added: Row[], removed: Row[], mismatches: string[] }}
 */
export function syncTable(table, uses, { offline, today }) {
  const key = (/** @type {{ action: string, sha: string, version: string }} */ row) =>
    `${row.action}@${row.sha} ${row.version}`;
  const existing = new Map(table.pins.map((row) => [key(row), row]));
  /** @type {Map<string, Use>} */
  const used = new Map();
  for (const use of uses) if (!used.has(key(use))) used.set(key(use), use);

  /** @type {Row[]} */
  const pins = [];
  /** @type {Row[]} */
  const added = [];
  /** @type {string[]} */
  const mismatches = [];
  for (const [id, use] of used) {
    const row = existing.get(id);
    if (row) {
      pins.push(row);
      continue;
    }
    const repo = `github.com/${use.action}`;
    const answer = offline ? { error: 'not asked (--offline)' } : remoteTag(use.action, use.version);
    /** @type {string} */
    let verified;
    if ('error' in answer) {
      verified = `${UNVERIFIED}: added by npm run pins:sync on ${today} from ${use.where}; the tag could not be looked up (${answer.error}). Check that tag ${use.version} of ${repo} points at this SHA (git ls-remote https://${repo} refs/tags/${use.version}) and run npm run pins:sync again, or write here how it was verified.`;
    } else if (answer.sha === use.sha) {
      verified = `tag ${use.version} of ${repo} points at this SHA (git ls-remote by npm run pins:sync, ${today})`;
    } else {
      mismatches.push(
        answer.sha === null
          ? `${use.where}: ${repo} has no tag ${use.version}: the comment or the pin is wrong`
          : `${use.where}: tag ${use.version} of ${repo} points at ${answer.sha}, not at the pinned ${use.sha}: the pin is wrong or the tag moved; do not merge it unverified`,
      );
      continue;
    }
    const fresh = { action: use.action, sha: use.sha, version: use.version, verified };
    pins.push(fresh);
    added.push(fresh);
  }
  // Kept rows stay in the table's order; new ones follow, sorted.
  const kept = table.pins.filter((row) => used.has(key(row)));
  added.sort(
    (a, b) =>
      a.action.localeCompare(b.action) ||
      a.version.localeCompare(b.version, 'en', { numeric: true }) ||
      a.sha.localeCompare(b.sha),
  );
  pins.splice(0, pins.length, ...kept, ...added);
  const removed = table.pins.filter((row) => !used.has(key(row)));
  return { table: { ...table, pins }, added, removed, mismatches };
}

/** @param {string[]} args */
function main(args) {
  const check = args.includes('--check');
  const offline = args.includes('--offline');
  const rootIndex = args.indexOf('--root');
  const root =
    rootIndex >= 0
      ? resolve(args[rootIndex + 1] ?? '.')
      : resolve(fileURLToPath(import.meta.url), '..', '..');
  const unknown = args.filter(
    (arg, index) => !['--check', '--offline', '--root'].includes(arg) && index !== rootIndex + 1,
  );
  if (unknown.length > 0 || (rootIndex >= 0 && args[rootIndex + 1] === undefined)) {
    process.stderr.write('usage: node scripts/pins-sync.mjs [--check] [--offline] [--root DIR]\n');
    return 2;
  }
  const file = join(root, PINS_FILE);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '{"pins": []}';
  /** @type {{ description?: string, pins: Row[] }} */
  const table = JSON.parse(current);
  const today = new Date().toISOString().slice(0, 10);
  const result = syncTable(table, pinnedUses(root), { offline: offline || check, today });
  for (const mismatch of result.mismatches) process.stderr.write(`pins:sync: ${mismatch}\n`);
  if (result.mismatches.length > 0) {
    process.stderr.write(`pins:sync: ${PINS_FILE} not written\n`);
    return 1;
  }
  const next = `${JSON.stringify(result.table, null, 2)}\n`;
  const unverified = result.table.pins.filter((row) => row.verified.startsWith(UNVERIFIED));
  const changes = [
    ...result.added.map((row) => `+ ${row.action}@${row.sha} # ${row.version}`),
    ...result.removed.map((row) => `- ${row.action}@${row.sha} # ${row.version}`),
  ];
  if (check) {
    // In sync: the same rows, whatever the order or layout of the file.
    const inSync = changes.length === 0;
    if (!inSync) {
      process.stderr.write(
        `pins:sync: ${PINS_FILE} is not in sync with the uses: lines${changes.length > 0 ? ` (${changes.join(', ')})` : ''}: run npm run pins:sync\n`,
      );
    }
    for (const row of unverified) {
      process.stderr.write(`pins:sync: ${row.action}@${row.sha} # ${row.version} is ${UNVERIFIED}\n`);
    }
    if (!inSync || unverified.length > 0) return 1;
    process.stdout.write(`pins:sync: ${result.table.pins.length} rows, in sync\n`);
    return 0;
  }
  if (next !== current) writeFileSync(file, next);
  for (const change of changes) process.stdout.write(`${change}\n`);
  process.stdout.write(
    `pins:sync: ${result.table.pins.length} rows (${result.added.length} added, ${result.removed.length} removed, ${unverified.length} ${UNVERIFIED})\n`,
  );
  return 0;
}

const invoked = process.argv[1];
if (invoked !== undefined && resolve(invoked) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
