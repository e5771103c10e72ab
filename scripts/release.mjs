// The release rules of this repository, as pure functions and a small CLI for
// .github/workflows/release.yml (STYLE.md, "One version for the repo"): package.json holds the
// version; the tag `vX.Y.Z` publishes it with its CHANGELOG.md section as the notes and moves the
// major tag `vX` and the minor tag `vX.Y` (the newest patch of that line); a manual run re-points
// both to an older release (rollback).
//
//   node scripts/release.mjs check-tag vX.Y.Z        the tag is strictly v<semver>, equals v + package.json's
//                                                    version, and CHANGELOG.md has "## [X.Y.Z] - YYYY-MM-DD";
//                                                    prints the major tag (v1); outputs major, minor (v1.0),
//                                                    prerelease, version
//   node scripts/release.mjs notes X.Y.Z             prints that version's CHANGELOG.md section, without its
//                                                    heading, with the link definitions it uses
//   node scripts/release.mjs rollback-target vX.Y.Z  checks the format (no prerelease); prints the major and
//                                                    minor tags it re-points (v1 v1.2); outputs major, minor
//   node scripts/release.mjs rank vX.Y.Z             reads `gh release list --json tagName` (the published,
//                                                    non-prerelease releases) on stdin; outputs latest (no
//                                                    published version is newer), move-major (none of
//                                                    the same major is newer: a backport never moves vX back),
//                                                    move-minor (none of the same X.Y is newer) and newer
//                                                    (the newer tags, space-separated)
//   node scripts/release.mjs check-release vX.Y.Z    reads `gh release view --json isDraft,isPrerelease,tagName`
//                                                    on stdin; fails unless it is that tag's published full release
//   node scripts/release.mjs git-object              reads a Git ref or tag object of the REST API on stdin
//                                                    (GET git/ref/…, GET git/tags/…); prints "<type> <sha>"
//
// package.json and CHANGELOG.md are read from the working directory (the checkout). Outputs go to
// $GITHUB_OUTPUT when it is set, as `name=value` lines. A failure exits 1 with one message on
// stderr (an `::error::` annotation under GitHub Actions); a wrong command line exits 2.
import { appendFileSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A release rule was broken: the message says which and how to fix it. */
export class ReleaseError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'ReleaseError';
  }
}

// semver.org's grammar without build metadata (`+build` is no part of a release tag here).
const IDENTIFIER = '(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)';
const SEMVER = new RegExp(
  `^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-(${IDENTIFIER}(?:\\.${IDENTIFIER})*))?$`,
);

/**
 * @typedef {object} Version
 * @property {string} version     `1.2.3` or `1.2.3-rc.1`
 * @property {string} tag         `v1.2.3`
 * @property {string} major       the major tag, `v1`
 * @property {string} minor       the minor tag, `v1.2`: the newest patch of the line
 * @property {[number, number, number]} core
 * @property {string | undefined} prerelease  `rc.1`, or undefined for a full release
 */

/**
 * Parses a semantic version, with or without the leading `v`.
 * @param {string} text
 * @returns {Version | undefined}
 */
export function parseVersion(text) {
  const match = SEMVER.exec(text.startsWith('v') ? text.slice(1) : text);
  if (!match) return undefined;
  const [version, major = '', minor = '', patch = '', prerelease] = match;
  return {
    version,
    tag: `v${version}`,
    major: `v${major}`,
    minor: `v${major}.${minor}`,
    core: [Number(major), Number(minor), Number(patch)],
    prerelease,
  };
}

/**
 * A release tag: `v` then a semantic version, nothing else (no `V`, no leading zeros, no `+build`).
 * @param {string} tag
 * @returns {Version}
 */
export function parseTag(tag) {
  const parsed = tag.startsWith('v') ? parseVersion(tag) : undefined;
  if (!parsed) {
    throw new ReleaseError(
      `${JSON.stringify(tag)} is not a release tag: write v<major>.<minor>.<patch>, optionally with -<prerelease> (v1.2.3, v2.0.0-rc.1)`,
    );
  }
  return parsed;
}

/**
 * Compares the X.Y.Z parts of two versions (prereleases are never ranked here).
 * @param {Version} a
 * @param {Version} b
 */
const compareCore = (a, b) => a.core[0] - b.core[0] || a.core[1] - b.core[1] || a.core[2] - b.core[2];

/**
 * @typedef {object} ChangelogSection
 * @property {string} version
 * @property {string} date   YYYY-MM-DD
 * @property {number} line   1-based line of the heading
 * @property {string} body   the section without its heading, trimmed, with the link
 *                           definitions it uses appended
 */

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
// A link reference definition on one line: `[label]: https://… "optional title"`.
const LINK_DEFINITION = /^ {0,3}\[([^\]]+)\]:\s*\S+(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*$/;
const normalizeLabel = (/** @type {string} */ label) => label.trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * The lines of a Markdown text, each with whether it is inside a fenced code block (where
 * nothing is a heading or a link definition).
 * @param {string} text
 */
function markdownLines(text) {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  /** @type {string | undefined} */
  let fence;
  return lines.map((line) => {
    const opener = FENCE.exec(line)?.[1];
    if (fence === undefined) {
      if (opener !== undefined) fence = opener;
      return { line, code: opener !== undefined };
    }
    if (opener !== undefined && opener[0] === fence[0] && opener.length >= fence.length) fence = undefined;
    return { line, code: true };
  });
}

/**
 * Labels of the link references a Markdown text uses: `[text][label]`, `[label][]` and `[label]`.
 * @param {string} text
 */
function usedLabels(text) {
  /** @type {Set<string>} */
  const labels = new Set();
  for (const match of text.matchAll(/\[([^\]]+)\](?:\[([^\]]*)\])?(?![(:])/g)) {
    const [, first = '', second] = match;
    labels.add(normalizeLabel(second ? second : first));
  }
  return labels;
}

/** @param {string} date */
const isCalendarDate = (date) => {
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
};

/**
 * Finds one version's section of a Keep a Changelog text: the heading must read exactly
 * `## [X.Y.Z] - YYYY-MM-DD` and occur once. The body keeps the link definitions it uses (they
 * usually live at the bottom of the file), so that the release notes render the same links.
 * @param {string} changelog
 * @param {string} version  `1.2.3`; a leading `v` is ignored
 * @returns {ChangelogSection}
 */
export function findSection(changelog, version) {
  const wanted = version.startsWith('v') ? version.slice(1) : version;
  const lines = markdownLines(changelog);
  /** @type {Map<string, string>} */
  const definitions = new Map();
  /** @type {number[]} */
  const headings = [];
  lines.forEach(({ line, code }, index) => {
    if (code) return;
    const definition = LINK_DEFINITION.exec(line);
    if (definition) {
      const label = normalizeLabel(definition[1] ?? '');
      // CommonMark: the first definition of a label wins.
      if (!definitions.has(label)) definitions.set(label, line.trim());
    }
    if (/^## /.test(line)) headings.push(index);
  });

  // A heading names its version in brackets, or (wrongly) bare: `## 1.2.3` or `## v1.2.3 - …`.
  const versionOf = (/** @type {string} */ heading) => {
    const text = heading.slice(3).trim();
    const name = /^\[([^\]]*)\]/.exec(text)?.[1] ?? text.split(/\s/)[0] ?? '';
    return name.startsWith('v') ? name.slice(1) : name;
  };
  const matches = headings.filter((index) => versionOf(lines[index]?.line ?? '') === wanted);
  const expected = `## [${wanted}] - YYYY-MM-DD`;
  if (matches.length === 0) {
    throw new ReleaseError(
      `CHANGELOG.md has no section for ${wanted}: add "${expected}" with the release's changes (Keep a Changelog)`,
    );
  }
  if (matches.length > 1) {
    const at = matches.map((index) => index + 1).join(', ');
    throw new ReleaseError(
      `CHANGELOG.md has ${matches.length} sections for ${wanted} (lines ${at}): keep one`,
    );
  }
  const start = /** @type {number} */ (matches[0]);
  const heading = lines[start]?.line.trimEnd() ?? '';
  const date = new RegExp(`^## \\[${wanted.replace(/[.]/g, '\\.')}\\] - (\\d{4}-\\d{2}-\\d{2})$`).exec(
    heading,
  )?.[1];
  if (date === undefined || !isCalendarDate(date)) {
    throw new ReleaseError(
      `CHANGELOG.md:${start + 1}: the heading of ${wanted} must read "${expected}" with a real date, not "${heading}"`,
    );
  }
  const end = headings.find((index) => index > start) ?? lines.length;
  const text = lines
    .slice(start + 1, end)
    .filter(({ line, code }) => code || !LINK_DEFINITION.test(line))
    .map(({ line }) => line)
    .join('\n')
    .trim();
  if (text === '') {
    throw new ReleaseError(
      `CHANGELOG.md:${start + 1}: the section for ${wanted} is empty: list the release's changes`,
    );
  }
  const used = [...usedLabels(text)].flatMap((label) => definitions.get(label) ?? []);
  return {
    version: wanted,
    date,
    line: start + 1,
    body: used.length > 0 ? `${text}\n\n${used.join('\n')}` : text,
  };
}

/**
 * The release notes of a version: its CHANGELOG.md section without the heading.
 * @param {string} changelog
 * @param {string} version
 */
export const releaseNotes = (changelog, version) => findSection(changelog, version).body;

/**
 * @typedef {object} TagCheck
 * @property {string} tag
 * @property {string} version
 * @property {string} major
 * @property {string} minor
 * @property {boolean} prerelease
 * @property {ChangelogSection} section
 */

/**
 * Everything a tag push must satisfy before anything is published.
 * @param {{ tag: string, packageJson: string, changelog: string }} sources  the texts of package.json and CHANGELOG.md
 * @returns {TagCheck}
 */
export function checkTag({ tag, packageJson, changelog }) {
  const parsed = parseTag(tag);
  /** @type {unknown} */
  let manifest;
  try {
    manifest = JSON.parse(packageJson);
  } catch (error) {
    throw new ReleaseError(
      `package.json is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const declared =
    typeof manifest === 'object' && manifest !== null && 'version' in manifest ? manifest.version : undefined;
  if (typeof declared !== 'string' || declared === '') {
    throw new ReleaseError('package.json has no "version": it holds the version the tag releases');
  }
  if (`v${declared}` !== tag) {
    throw new ReleaseError(
      `the tag ${tag} does not match package.json's version ${declared}: tag v${declared}, or set "version": "${parsed.version}" and tag again`,
    );
  }
  const section = findSection(changelog, parsed.version);
  return {
    tag,
    version: parsed.version,
    major: parsed.major,
    minor: parsed.minor,
    prerelease: parsed.prerelease !== undefined,
    section,
  };
}

/**
 * The tags a rollback re-points: the major tag and the minor tag of the target (v1.2.2 → v1 and
 * v1.2). Only a full release can be the target: a prerelease is never what `vX` means.
 * @param {string} tag
 * @returns {{ major: string, minor: string }}
 */
export function rollbackTarget(tag) {
  const parsed = parseTag(tag);
  if (parsed.prerelease !== undefined) {
    throw new ReleaseError(`${tag} is a prerelease: ${parsed.major} points only at full releases`);
  }
  return { major: parsed.major, minor: parsed.minor };
}

/**
 * Reads JSON that a `gh` command printed.
 * @param {string} text
 * @param {string} what  names the command in the error
 * @returns {unknown}
 */
function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch {
    throw new ReleaseError(`${what} did not print JSON: ${JSON.stringify(text.slice(0, 200))}`);
  }
}

/** @param {unknown} value @returns {value is Record<string, unknown>} */
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Where a new full release stands among the published ones (`gh release list --exclude-drafts
 * --exclude-pre-releases --json tagName`): `latest` when no published version is newer, so it may
 * become the repository's Latest release; `moveMajor` when no version of its major is newer, so
 * `vX` may move to it; `moveMinor` when no version of its `X.Y` line is newer, so `vX.Y` may
 * move to it. A patch of an older line (v1.2.4 after v1.3.0) moves `v1.2` only.
 * @param {string} tag
 * @param {unknown} releases  the parsed list
 * @returns {{ latest: boolean, moveMajor: boolean, moveMinor: boolean, newer: string[] }}
 */
export function rankRelease(tag, releases) {
  const parsed = parseTag(tag);
  if (parsed.prerelease !== undefined) {
    return { latest: false, moveMajor: false, moveMinor: false, newer: [] };
  }
  if (!Array.isArray(releases)) {
    throw new ReleaseError('gh release list --json tagName did not print a list');
  }
  const published = releases.flatMap((release) => {
    const name = isObject(release) ? release['tagName'] : undefined;
    const version = typeof name === 'string' && name.startsWith('v') ? parseVersion(name) : undefined;
    // Tags of other shapes are not versions of this scheme: nothing to rank them against.
    return version && version.prerelease === undefined ? [version] : [];
  });
  const newer = published.filter((version) => compareCore(version, parsed) > 0);
  return {
    latest: newer.length === 0,
    moveMajor: !newer.some((version) => version.major === parsed.major),
    moveMinor: !newer.some((version) => version.minor === parsed.minor),
    newer: newer.map((version) => version.tag),
  };
}

/**
 * Checks `gh release view <tag> --json isDraft,isPrerelease,tagName`: a rollback target must be
 * that tag's published full release.
 * @param {string} tag
 * @param {unknown} release  the parsed output
 */
export function checkRollbackRelease(tag, release) {
  if (
    !isObject(release) ||
    typeof release['isDraft'] !== 'boolean' ||
    typeof release['isPrerelease'] !== 'boolean'
  ) {
    throw new ReleaseError('gh release view did not print isDraft and isPrerelease');
  }
  if (release['tagName'] !== tag) {
    throw new ReleaseError(`the release found is ${String(release['tagName'])}, not ${tag}`);
  }
  if (release['isDraft']) {
    throw new ReleaseError(
      `${tag} is a draft release: publish it first, or roll back to a published release`,
    );
  }
  if (release['isPrerelease']) {
    throw new ReleaseError(`${tag} is a prerelease: ${parseTag(tag).major} points only at full releases`);
  }
}

/**
 * The object a Git ref (GET repos/…/git/ref/tags/X) or an annotated tag object
 * (GET repos/…/git/tags/SHA) points at.
 * @param {unknown} json  the parsed REST answer
 * @returns {{ type: string, sha: string }}
 */
export function gitObject(json) {
  const object = isObject(json) ? json['object'] : undefined;
  const type = isObject(object) ? object['type'] : undefined;
  const sha = isObject(object) ? object['sha'] : undefined;
  if (typeof type !== 'string' || !/^(commit|tag|tree|blob)$/.test(type)) {
    throw new ReleaseError(`the Git API answer has no object type: ${JSON.stringify(json).slice(0, 200)}`);
  }
  if (typeof sha !== 'string' || !/^[0-9a-f]{40}$/.test(sha)) {
    throw new ReleaseError(
      `the Git API answer has no 40-hex object sha: ${JSON.stringify(json).slice(0, 200)}`,
    );
  }
  return { type, sha };
}

// ---------------------------------------------------------------------------------------------
// CLI

/** A wrong command line. */
class UsageError extends Error {}

/** A message as the value of a workflow command: `%`, CR and LF escaped as the runner expects. */
const escapeCommandValue = (/** @type {string} */ text) =>
  text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

const USAGE = `usage: node scripts/release.mjs check-tag vX.Y.Z
       node scripts/release.mjs notes X.Y.Z
       node scripts/release.mjs rollback-target vX.Y.Z
       node scripts/release.mjs rank vX.Y.Z < releases.json
       node scripts/release.mjs check-release vX.Y.Z < release.json
       node scripts/release.mjs git-object < ref.json`;

/** @param {Record<string, string>} outputs @param {NodeJS.ProcessEnv} env */
function setOutputs(outputs, env) {
  const file = env['GITHUB_OUTPUT'];
  if (!file) return;
  appendFileSync(
    file,
    Object.entries(outputs)
      .map(([name, value]) => `${name}=${value}\n`)
      .join(''),
  );
}

/**
 * Runs one command. Returns what to print on stdout; throws ReleaseError on a broken rule.
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, stdin: () => string }} io
 * @returns {string}
 */
export function runCli(args, { cwd, env, stdin }) {
  const [command, operand, ...rest] = args;
  const needsOperand = command !== 'git-object';
  if (rest.length > 0 || (needsOperand ? operand === undefined : operand !== undefined)) {
    throw new UsageError(USAGE);
  }
  const value = operand ?? '';
  switch (command) {
    case 'check-tag': {
      const read = (/** @type {string} */ name) => {
        try {
          return readFileSync(join(cwd, name), 'utf8');
        } catch (error) {
          throw new ReleaseError(
            `${name} cannot be read in ${cwd}: ${error instanceof Error ? error.message : ''}`,
          );
        }
      };
      const checked = checkTag({
        tag: value,
        packageJson: read('package.json'),
        changelog: read('CHANGELOG.md'),
      });
      setOutputs(
        {
          major: checked.major,
          minor: checked.minor,
          prerelease: String(checked.prerelease),
          version: checked.version,
        },
        env,
      );
      return checked.major;
    }
    case 'notes': {
      let changelog;
      try {
        changelog = readFileSync(join(cwd, 'CHANGELOG.md'), 'utf8');
      } catch (error) {
        throw new ReleaseError(
          `CHANGELOG.md cannot be read in ${cwd}: ${error instanceof Error ? error.message : ''}`,
        );
      }
      return releaseNotes(changelog, value);
    }
    case 'rollback-target': {
      const { major, minor } = rollbackTarget(value);
      setOutputs({ major, minor }, env);
      return `${major} ${minor}`;
    }
    case 'rank': {
      const rank = rankRelease(value, parseJson(stdin(), 'gh release list'));
      setOutputs(
        {
          latest: String(rank.latest),
          'move-major': String(rank.moveMajor),
          'move-minor': String(rank.moveMinor),
          newer: rank.newer.join(' '),
        },
        env,
      );
      return rank.newer.length > 0
        ? `newer releases: ${rank.newer.join(' ')}`
        : `${value} is the newest release`;
    }
    case 'check-release':
      checkRollbackRelease(value, parseJson(stdin(), 'gh release view'));
      return `${value} is a published full release`;
    case 'git-object': {
      const object = gitObject(parseJson(stdin(), 'gh api'));
      return `${object.type} ${object.sha}`;
    }
    default:
      throw new UsageError(USAGE);
  }
}

/** @param {string[]} args */
function main(args) {
  try {
    const output = runCli(args, {
      cwd: process.cwd(),
      env: process.env,
      stdin: () => readFileSync(0, 'utf8'),
    });
    process.stdout.write(`${output}\n`);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    const message = error instanceof ReleaseError ? error.message : String(error);
    // The runner reads workflow commands on stderr too; stdout may be captured by the caller.
    process.stderr.write(
      process.env['GITHUB_ACTIONS'] === 'true'
        ? `::error::${escapeCommandValue(message)}\n`
        : `release: ${message}\n`,
    );
    process.exitCode = 1;
  }
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && realpathSync(invokedPath) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
