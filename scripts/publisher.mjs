// Who publishes this repository: `owner/name` from package.json's `repository.url`, the one place
// a publisher edits (CONTRIBUTING.md, "Publishing under your own name"). Everything that names the
// repository (the `uses: owner/name/...@v1` examples, the pipeline's fallback, the actions'
// `author`) is rewritten from it by `npm run docs` and checked against it by `npm run docs -- --check`
// and test/publisher.test.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * @param {string} root the repository's folder
 * @returns {{ owner: string, name: string, repository: string }}
 */
export function publisherOf(root) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const url = String(manifest.repository?.url ?? manifest.repository ?? '');
  const match = /github\.com[/:]([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(
    url,
  );
  if (!match?.[1] || !match[2]) {
    throw new Error(
      `package.json's repository.url is ${JSON.stringify(url)}: write "https://github.com/<owner>/<name>.git", the repository the actions are published from`,
    );
  }
  return { owner: match[1], name: match[2], repository: `${match[1]}/${match[2]}` };
}

/**
 * The files published with the repository that name it, relative to the repository: what a user
 * reads or copies. Tests and scripts are not among them (a test may name another owner on
 * purpose).
 * @param {string} repoRoot
 */
export function publishedFiles(repoRoot) {
  /** @param {string} dir @param {(name: string) => boolean} keep @returns {string[]} */
  const below = (dir, keep) =>
    existsSync(join(repoRoot, dir))
      ? readdirSync(join(repoRoot, dir), { withFileTypes: true, recursive: true })
          .filter((entry) => entry.isFile() && keep(entry.name))
          .map((entry) => relative(repoRoot, join(entry.parentPath, entry.name)))
          .filter((path) => !/(^|\/)(node_modules|dist|\.terraform|\.venv)\//.test(path))
      : [];
  const markdown = (/** @type {string} */ name) => name.endsWith('.md');
  const workflow = (/** @type {string} */ name) => /\.ya?ml$/.test(name);
  return [
    ...['README.md', 'CONTRIBUTING.md', 'SECURITY.md', '.github/CODEOWNERS'].filter((path) =>
      existsSync(join(repoRoot, path)),
    ),
    ...below('docs', markdown),
    ...below('actions', (name) => markdown(name) || name === 'action.yml'),
    ...below('.github/workflows', workflow),
    ...below('examples', (name) => markdown(name) || workflow(name)).filter(
      (path) => markdown(path) || path.includes('/.github/workflows/'),
    ),
  ].sort();
}

/**
 * A published file with the publisher written in: `<any owner>/<name>` (not inside a longer
 * name or path), `author:` of an action.yml, `@<owner>/` teams of CODEOWNERS.
 * @param {string} path relative to the repository @param {string} text
 * @param {{ owner: string, name: string }} publisher
 */
export function withPublisher(path, text, { owner, name }) {
  const escaped = name.replace(/[.]/g, '\\.');
  let result = text.replace(
    // After `github.com/` or where no longer name or path goes on; `.git` may follow.
    new RegExp(
      `(?:(?<=github\\.com/)|(?<![\\w.@/-]))[A-Za-z0-9][A-Za-z0-9-]*/${escaped}(?![\\w-]|\\.(?!git\\b)\\w)`,
      'g',
    ),
    `${owner}/${name}`,
  );
  if (path.endsWith('action.yml')) result = result.replace(/^author: .*$/m, `author: ${owner}`);
  if (path === '.github/CODEOWNERS') {
    result = result.replace(/(^|\s)@[A-Za-z0-9][A-Za-z0-9-]*\//gm, `$1@${owner}/`);
  }
  return result;
}
