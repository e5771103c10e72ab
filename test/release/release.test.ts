// The release rules (scripts/release.mjs): tag format, package.json and CHANGELOG.md agreement,
// release notes, ranking among published releases, rollback checks; then the CLI as the workflow
// starts it, with its exit codes and $GITHUB_OUTPUT.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../testkit/local-runner.mjs';
import {
  checkRollbackRelease,
  checkTag,
  findSection,
  gitObject,
  parseTag,
  rankRelease,
  ReleaseError,
  releaseNotes,
  rollbackTarget,
} from '../../scripts/release.mjs';

/** A changelog as this repository keeps it: [Unreleased] first, link definitions at the bottom. */
const CHANGELOG = `# Changelog

All notable changes to this project are documented here. The format follows
[Keep a Changelog](https://keepachangelog.com/en/1.1.0/).

## [Unreleased]

### Added

- Something not released yet.

## [1.3.0-rc.1] - 2025-03-01

### Added

- Release candidate of the proxy upgrade.

## [1.2.3] - 2025-02-14

### Fixed

- \`actions/deploy\`: a held state lock names its id ([#42]).
- Health checks follow the [retry rules][retries].

### Changed

- Example of a changelog entry:

\`\`\`md
## [9.9.9] - 2099-01-01
[not]: https://example.com/not-a-definition
\`\`\`

## [1.2.2] - 2025-01-10

- The first public release.

[unreleased]: https://github.com/acme/cloud-run-actions/compare/v1.2.3...HEAD
[1.2.3]: https://github.com/acme/cloud-run-actions/compare/v1.2.2...v1.2.3
[1.2.2]: https://github.com/acme/cloud-run-actions/releases/tag/v1.2.2
[#42]: https://github.com/acme/cloud-run-actions/pull/42
[Retries]: https://github.com/acme/cloud-run-actions/blob/main/docs/retries.md "Retry rules"
`;

const NOTES_1_2_3 = `### Fixed

- \`actions/deploy\`: a held state lock names its id ([#42]).
- Health checks follow the [retry rules][retries].

### Changed

- Example of a changelog entry:

\`\`\`md
## [9.9.9] - 2099-01-01
[not]: https://example.com/not-a-definition
\`\`\`

[#42]: https://github.com/acme/cloud-run-actions/pull/42
[Retries]: https://github.com/acme/cloud-run-actions/blob/main/docs/retries.md "Retry rules"`;

const packageJson = (version: string) => JSON.stringify({ name: 'x', version }, null, 2);

/** Runs `fn`, expects a ReleaseError, and returns its message. */
function releaseErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ReleaseError);
    return (error as Error).message;
  }
  throw new Error('expected a ReleaseError, nothing was thrown');
}

describe('parseTag', () => {
  it.each([
    ['v0.0.0', 'v0', undefined],
    ['v0.4.1', 'v0', undefined],
    ['v1.2.3', 'v1', undefined],
    ['v10.20.30', 'v10', undefined],
    ['v1.0.0-rc.1', 'v1', 'rc.1'],
    ['v2.0.0-alpha', 'v2', 'alpha'],
    ['v1.0.0-0.3.7', 'v1', '0.3.7'],
    ['v1.0.0-x.7.z.92', 'v1', 'x.7.z.92'],
    ['v1.0.0-alpha-beta.1', 'v1', 'alpha-beta.1'],
    ['v1.0.0-0a', 'v1', '0a'],
  ])('%s is a release tag of %s (prerelease %s)', (tag, major, prerelease) => {
    const parsed = parseTag(tag);
    expect(parsed.major).toBe(major);
    // The minor tag: the major and the minor number, never the patch or the prerelease.
    expect(parsed.minor).toBe(tag.split('.').slice(0, 2).join('.'));
    expect(parsed.prerelease).toBe(prerelease);
    expect(parsed.tag).toBe(tag);
    expect(parsed.version).toBe(tag.slice(1));
  });

  it.each([
    '1.2.3',
    'V1.2.3',
    'vv1.2.3',
    'v1',
    'v1.2',
    'v1.2.3.4',
    'v01.2.3',
    'v1.02.3',
    'v1.2.03',
    'v1.2.3-',
    'v1.2.3-01',
    'v1.2.3-rc..1',
    'v1.2.3-rc_1',
    'v1.2.3+build.5',
    'v1.2.3-rc.1+build',
    ' v1.2.3',
    'v1.2.3 ',
    'v1.2.3\n',
    'v1.2.3; touch pwned',
    'refs/tags/v1.2.3',
    'v-1.2.3',
    '',
  ])('%j is refused with the accepted form', (tag) => {
    expect(releaseErrorOf(() => parseTag(tag))).toBe(
      `${JSON.stringify(tag)} is not a release tag: write v<major>.<minor>.<patch>, optionally with -<prerelease> (v1.2.3, v2.0.0-rc.1)`,
    );
  });
});

describe('checkTag', () => {
  it("accepts the tag of package.json's version with a dated CHANGELOG section", () => {
    const checked = checkTag({ tag: 'v1.2.3', packageJson: packageJson('1.2.3'), changelog: CHANGELOG });
    expect(checked).toMatchObject({
      tag: 'v1.2.3',
      version: '1.2.3',
      major: 'v1',
      minor: 'v1.2',
      prerelease: false,
    });
    expect(checked.section).toMatchObject({ version: '1.2.3', date: '2025-02-14', line: 18 });
  });

  it('accepts a prerelease, which is marked as one', () => {
    const checked = checkTag({
      tag: 'v1.3.0-rc.1',
      packageJson: packageJson('1.3.0-rc.1'),
      changelog: CHANGELOG,
    });
    expect(checked).toMatchObject({ major: 'v1', prerelease: true, version: '1.3.0-rc.1' });
  });

  it.each([
    [
      'v1.2.4',
      '1.2.3',
      'the tag v1.2.4 does not match package.json\'s version 1.2.3: tag v1.2.3, or set "version": "1.2.4" and tag again',
    ],
    [
      'v1.2.3',
      '1.2.3-rc.1',
      'the tag v1.2.3 does not match package.json\'s version 1.2.3-rc.1: tag v1.2.3-rc.1, or set "version": "1.2.3" and tag again',
    ],
    [
      'v1.2.3-rc.1',
      '1.2.3',
      'the tag v1.2.3-rc.1 does not match package.json\'s version 1.2.3: tag v1.2.3, or set "version": "1.2.3-rc.1" and tag again',
    ],
  ])('refuses the tag %s when package.json says %s', (tag, version, message) => {
    expect(
      releaseErrorOf(() => checkTag({ tag, packageJson: packageJson(version), changelog: CHANGELOG })),
    ).toBe(message);
  });

  it('checks the tag format before anything else', () => {
    expect(releaseErrorOf(() => checkTag({ tag: 'v1.2', packageJson: '{', changelog: '' }))).toMatch(
      /^"v1.2" is not a release tag/,
    );
  });

  it.each([
    ['{"name": "x"}', 'package.json has no "version": it holds the version the tag releases'],
    ['{"version": 123}', 'package.json has no "version": it holds the version the tag releases'],
    ['[]', 'package.json has no "version": it holds the version the tag releases'],
  ])('refuses package.json %s', (text, message) => {
    expect(releaseErrorOf(() => checkTag({ tag: 'v1.2.3', packageJson: text, changelog: CHANGELOG }))).toBe(
      message,
    );
  });

  it('names a package.json that is no JSON', () => {
    expect(
      releaseErrorOf(() => checkTag({ tag: 'v1.2.3', packageJson: '{"version": ', changelog: CHANGELOG })),
    ).toMatch(/^package\.json is not valid JSON: /);
  });

  it('refuses a version without a CHANGELOG section, and says what to add', () => {
    expect(
      releaseErrorOf(() =>
        checkTag({ tag: 'v1.2.4', packageJson: packageJson('1.2.4'), changelog: CHANGELOG }),
      ),
    ).toBe(
      'CHANGELOG.md has no section for 1.2.4: add "## [1.2.4] - YYYY-MM-DD" with the release\'s changes (Keep a Changelog)',
    );
  });

  it('does not take the [Unreleased] section, nor a heading inside a code block, for a release', () => {
    expect(
      releaseErrorOf(() =>
        checkTag({ tag: 'v9.9.9', packageJson: packageJson('9.9.9'), changelog: CHANGELOG }),
      ),
    ).toMatch(/^CHANGELOG\.md has no section for 9\.9\.9/);
  });
});

describe('findSection', () => {
  const withHeading = (heading: string) => `# Changelog\n\n## [Unreleased]\n\n${heading}\n\n- A change.\n`;

  it.each([
    [
      '## [1.2.3]',
      'the heading of 1.2.3 must read "## [1.2.3] - YYYY-MM-DD" with a real date, not "## [1.2.3]"',
    ],
    [
      '## 1.2.3 - 2025-02-14',
      'the heading of 1.2.3 must read "## [1.2.3] - YYYY-MM-DD" with a real date, not "## 1.2.3 - 2025-02-14"',
    ],
    [
      '## [v1.2.3] - 2025-02-14',
      'the heading of 1.2.3 must read "## [1.2.3] - YYYY-MM-DD" with a real date, not "## [v1.2.3] - 2025-02-14"',
    ],
    [
      '## [1.2.3] – 2025-02-14',
      'the heading of 1.2.3 must read "## [1.2.3] - YYYY-MM-DD" with a real date, not "## [1.2.3] – 2025-02-14"',
    ],
    [
      '## [1.2.3] - 14.02.2025',
      'the heading of 1.2.3 must read "## [1.2.3] - YYYY-MM-DD" with a real date, not "## [1.2.3] - 14.02.2025"',
    ],
    [
      '## [1.2.3] - 2025-02-30',
      'the heading of 1.2.3 must read "## [1.2.3] - YYYY-MM-DD" with a real date, not "## [1.2.3] - 2025-02-30"',
    ],
    [
      '## [1.2.3] - 2025-02-14 [YANKED]',
      'the heading of 1.2.3 must read "## [1.2.3] - YYYY-MM-DD" with a real date, not "## [1.2.3] - 2025-02-14 [YANKED]"',
    ],
  ])('refuses the heading %j with its line', (heading, message) => {
    expect(releaseErrorOf(() => findSection(withHeading(heading), '1.2.3'))).toBe(
      `CHANGELOG.md:5: ${message}`,
    );
  });

  it('accepts trailing spaces after the date', () => {
    expect(findSection(withHeading('## [1.2.3] - 2024-02-29  '), '1.2.3').date).toBe('2024-02-29');
  });

  it('refuses two sections of one version', () => {
    const text = `${withHeading('## [1.2.3] - 2025-02-14')}\n## [1.2.3] - 2025-02-15\n\n- Again.\n`;
    expect(releaseErrorOf(() => findSection(text, '1.2.3'))).toBe(
      'CHANGELOG.md has 2 sections for 1.2.3 (lines 5, 9): keep one',
    );
  });

  it('refuses an empty section, even one with only link definitions', () => {
    const text =
      '## [1.2.3] - 2025-02-14\n\n[1.2.3]: https://example.com\n\n## [1.2.2] - 2025-01-01\n\n- Old.\n';
    expect(releaseErrorOf(() => findSection(text, '1.2.3'))).toBe(
      "CHANGELOG.md:1: the section for 1.2.3 is empty: list the release's changes",
    );
  });

  it('does not match a version that only starts the same', () => {
    expect(
      findSection('## [1.2.30] - 2025-01-01\n\n- No.\n\n## [1.2.3] - 2025-01-02\n\n- Yes.\n', '1.2.3').body,
    ).toBe('- Yes.');
  });
});

describe('releaseNotes', () => {
  it('is the section between its heading and the next, without the heading, trimmed', () => {
    expect(releaseNotes(CHANGELOG, '1.2.3')).toBe(NOTES_1_2_3);
    expect(releaseNotes(CHANGELOG, 'v1.2.3')).toBe(NOTES_1_2_3);
  });

  it('keeps the link definitions the section uses, and only those (labels match in any case)', () => {
    const notes = releaseNotes(CHANGELOG, '1.2.3');
    expect(notes).toContain('[#42]: https://github.com/acme/cloud-run-actions/pull/42');
    expect(notes).toContain('[Retries]: https://github.com/acme/cloud-run-actions/blob/main/docs/retries.md');
    expect(notes).not.toContain('[unreleased]:');
    expect(notes).not.toContain('[1.2.3]:');
    expect(notes, 'a code block keeps its lines').toContain(
      '\n[not]: https://example.com/not-a-definition\n```',
    );
  });

  it('ends the last section before the link definitions at the bottom of the file', () => {
    expect(releaseNotes(CHANGELOG, '1.2.2')).toBe('- The first public release.');
  });

  it('reads a prerelease section', () => {
    expect(releaseNotes(CHANGELOG, '1.3.0-rc.1')).toBe(
      '### Added\n\n- Release candidate of the proxy upgrade.',
    );
  });

  it('reads a file with CRLF line ends', () => {
    expect(releaseNotes(CHANGELOG.replace(/\n/g, '\r\n'), '1.2.3')).toBe(NOTES_1_2_3);
  });

  it('keeps full (inline) links as they are, and a level-3 heading inside the section', () => {
    const text = '## [2.0.0] - 2025-06-01\n\n### Removed\n\n- See [the guide](https://example.com/guide).\n';
    expect(releaseNotes(text, '2.0.0')).toBe('### Removed\n\n- See [the guide](https://example.com/guide).');
  });
});

describe('rollbackTarget', () => {
  it.each([
    ['v1.2.3', 'v1', 'v1.2'],
    ['v0.9.0', 'v0', 'v0.9'],
    ['v12.0.1', 'v12', 'v12.0'],
  ])('%s re-points %s and %s', (tag, major, minor) => {
    expect(rollbackTarget(tag)).toEqual({ major, minor });
  });

  it('refuses a prerelease', () => {
    expect(releaseErrorOf(() => rollbackTarget('v2.0.0-rc.1'))).toBe(
      'v2.0.0-rc.1 is a prerelease: v2 points only at full releases',
    );
  });

  it.each(['1.2.3', 'v1.2', 'v1', 'latest', 'v1.2.3 ', '$(id)'])('refuses %j', (tag) => {
    expect(releaseErrorOf(() => rollbackTarget(tag))).toMatch(/is not a release tag: write v<major>/);
  });
});

describe('rankRelease', () => {
  const list = (...tags: string[]) => tags.map((tagName) => ({ tagName }));

  it.each([
    ['the first release', 'v1.0.0', [], true, true, true, []],
    ['the newest release', 'v1.2.3', ['v1.2.2', 'v1.1.0', 'v0.9.0'], true, true, true, []],
    ['a re-run that finds itself', 'v1.2.3', ['v1.2.3', 'v1.2.2'], true, true, true, []],
    ['a patch of an older line', 'v1.2.4', ['v1.3.0', 'v1.2.3'], false, false, true, ['v1.3.0']],
    ['an older patch of its line', 'v1.2.3', ['v1.2.4', 'v1.3.0'], false, false, false, ['v1.2.4', 'v1.3.0']],
    ['the newest v1 while v2 exists', 'v1.5.1', ['v2.0.0', 'v1.5.0'], false, true, true, ['v2.0.0']],
    ['a new major', 'v3.0.0', ['v2.4.0', 'v1.9.9'], true, true, true, []],
    ['numeric, not text, order', 'v1.10.0', ['v1.9.0', 'v1.2.0'], true, true, true, []],
    ['v1.1 is no prefix of v1.10', 'v1.1.5', ['v1.10.0'], false, false, true, ['v1.10.0']],
    [
      'tags of other shapes ignored',
      'v1.0.0',
      ['nightly', 'v9', 'v1.0', 'release-2', 'v2.0.0-rc.1'],
      true,
      true,
      true,
      [],
    ],
  ])(
    '%s: %s among %j is latest=%s move-major=%s move-minor=%s',
    (_name, tag, tags, latest, moveMajor, moveMinor, newer) => {
      expect(rankRelease(tag, list(...tags))).toEqual({ latest, moveMajor, moveMinor, newer });
    },
  );

  it('never moves anything for a prerelease', () => {
    expect(rankRelease('v9.0.0-rc.1', [])).toEqual({
      latest: false,
      moveMajor: false,
      moveMinor: false,
      newer: [],
    });
  });

  it('refuses an answer that is no list', () => {
    expect(releaseErrorOf(() => rankRelease('v1.0.0', { tagName: 'v1.0.0' }))).toBe(
      'gh release list --json tagName did not print a list',
    );
  });
});

describe('checkRollbackRelease', () => {
  it('accepts the published full release of the tag', () => {
    expect(() =>
      checkRollbackRelease('v1.2.3', { isDraft: false, isPrerelease: false, tagName: 'v1.2.3' }),
    ).not.toThrow();
  });

  it.each([
    [
      { isDraft: true, isPrerelease: false, tagName: 'v1.2.3' },
      'v1.2.3 is a draft release: publish it first, or roll back to a published release',
    ],
    [
      { isDraft: false, isPrerelease: true, tagName: 'v1.2.3' },
      'v1.2.3 is a prerelease: v1 points only at full releases',
    ],
    [{ isDraft: false, isPrerelease: false, tagName: 'v1.2.4' }, 'the release found is v1.2.4, not v1.2.3'],
    [
      { isDraft: 'false', isPrerelease: false, tagName: 'v1.2.3' },
      'gh release view did not print isDraft and isPrerelease',
    ],
    [{ tagName: 'v1.2.3' }, 'gh release view did not print isDraft and isPrerelease'],
    [[], 'gh release view did not print isDraft and isPrerelease'],
  ])('refuses %j', (release, message) => {
    expect(releaseErrorOf(() => checkRollbackRelease('v1.2.3', release))).toBe(message);
  });
});

describe('gitObject', () => {
  const sha = 'a'.repeat(40);

  it('reads a lightweight tag ref, an annotated tag ref and a tag object', () => {
    const url = 'https://api.github.com/repos/acme/x/git/commits/' + sha;
    expect(gitObject({ ref: 'refs/tags/v1.2.3', object: { type: 'commit', sha, url } })).toEqual({
      type: 'commit',
      sha,
    });
    expect(gitObject({ ref: 'refs/tags/v1.2.3', object: { type: 'tag', sha, url } })).toEqual({
      type: 'tag',
      sha,
    });
    expect(gitObject({ tag: 'v1.2.3', sha: 'b'.repeat(40), object: { type: 'commit', sha, url } })).toEqual({
      type: 'commit',
      sha,
    });
  });

  it.each([
    [{ message: 'Not Found', status: '404' }, /no object type/],
    [[{ ref: 'refs/tags/v1', object: { type: 'commit', sha } }], /no object type/],
    [{ object: { type: 'branch', sha } }, /no object type/],
    [{ object: { type: 'commit', sha: 'abc' } }, /no 40-hex object sha/],
    [{ object: { type: 'commit', sha: 'A'.repeat(40) } }, /no 40-hex object sha/],
  ])('refuses %j', (json, message) => {
    expect(releaseErrorOf(() => gitObject(json))).toMatch(message);
  });
});

describe('the CLI', () => {
  const script = join(repoRoot, 'scripts', 'release.mjs');
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** A checkout with package.json and CHANGELOG.md, and an empty $GITHUB_OUTPUT beside it. */
  function checkout(version = '1.2.3', changelog = CHANGELOG) {
    const dir = mkdtempSync(join(tmpdir(), 'release-cli-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'package.json'), packageJson(version));
    writeFileSync(join(dir, 'CHANGELOG.md'), changelog);
    writeFileSync(join(dir, 'github-output'), '');
    return dir;
  }

  interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
    output: string;
  }

  function cli(
    dir: string,
    args: string[],
    options: { input?: string; env?: Record<string, string> } = {},
  ): Run {
    // Only what the script reads: NODE_EXTRA_CA_CERTS and friends would slow every start.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GITHUB_OUTPUT: join(dir, 'github-output'),
      ...options.env,
    };
    const result = spawnSync(process.execPath, [script, ...args], {
      cwd: dir,
      env,
      input: options.input ?? '',
      encoding: 'utf8',
    });
    return {
      code: result.status,
      stdout: result.stdout,
      stderr: result.stderr,
      output: readFileSync(join(dir, 'github-output'), 'utf8'),
    };
  }

  it('check-tag prints the major tag and outputs major, minor, prerelease and version', () => {
    const result = cli(checkout(), ['check-tag', 'v1.2.3']);
    expect(result).toEqual({
      code: 0,
      stdout: 'v1\n',
      stderr: '',
      output: 'major=v1\nminor=v1.2\nprerelease=false\nversion=1.2.3\n',
    });
  });

  it('check-tag marks a prerelease', () => {
    const result = cli(checkout('1.3.0-rc.1'), ['check-tag', 'v1.3.0-rc.1']);
    expect(result.code).toBe(0);
    expect(result.output).toBe('major=v1\nminor=v1.3\nprerelease=true\nversion=1.3.0-rc.1\n');
  });

  it('check-tag works without $GITHUB_OUTPUT (a local run)', () => {
    const dir = checkout();
    const result = spawnSync(process.execPath, [script, 'check-tag', 'v1.2.3'], {
      cwd: dir,
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
    });
    expect([result.status, result.stdout, result.stderr]).toEqual([0, 'v1\n', '']);
  });

  it('check-tag exits 1 with the reason, and outputs nothing, on a version mismatch', () => {
    const result = cli(checkout('1.2.3'), ['check-tag', 'v1.2.4']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'release: the tag v1.2.4 does not match package.json\'s version 1.2.3: tag v1.2.3, or set "version": "1.2.4" and tag again\n',
      output: '',
    });
  });

  it('check-tag exits 1 on a missing CHANGELOG section, as an annotation under GitHub Actions', () => {
    const result = cli(checkout('1.2.4'), ['check-tag', 'v1.2.4'], { env: { GITHUB_ACTIONS: 'true' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      '::error::CHANGELOG.md has no section for 1.2.4: add "## [1.2.4] - YYYY-MM-DD" with the release\'s changes (Keep a Changelog)\n',
    );
    expect(result.output).toBe('');
  });

  it('check-tag exits 1 on a malformed tag and when package.json is missing', () => {
    expect(cli(checkout(), ['check-tag', '1.2.3']).stderr).toMatch(
      /^release: "1\.2\.3" is not a release tag/,
    );
    const dir = checkout();
    rmSync(join(dir, 'package.json'));
    const result = cli(dir, ['check-tag', 'v1.2.3']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^release: package\.json cannot be read in /);
  });

  it('escapes the ::error:: command value, so that a tag cannot forge another line', () => {
    const result = cli(checkout(), ['check-tag', 'v1.2.3%0A::warning::x'], {
      env: { GITHUB_ACTIONS: 'true' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^::error::"v1\.2\.3%250A::warning::x" is not a release tag[^\n]*\n$/);
  });

  it('notes prints the section and nothing to $GITHUB_OUTPUT', () => {
    const result = cli(checkout(), ['notes', '1.2.3']);
    expect(result).toEqual({ code: 0, stdout: `${NOTES_1_2_3}\n`, stderr: '', output: '' });
  });

  it('notes exits 1 for a version without a section, and for an empty one', () => {
    expect(cli(checkout(), ['notes', '0.0.1'])).toMatchObject({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(/^release: CHANGELOG\.md has no section for 0\.0\.1/) as unknown,
    });
    const empty = checkout(
      '1.0.0',
      '# Changelog\n\n## [1.0.0] - 2025-01-01\n\n## [0.9.0] - 2024-12-01\n\n- x\n',
    );
    expect(cli(empty, ['notes', '1.0.0']).stderr).toBe(
      "release: CHANGELOG.md:3: the section for 1.0.0 is empty: list the release's changes\n",
    );
  });

  it('rollback-target prints and outputs the major and minor tags, and refuses a malformed or prerelease version', () => {
    expect(cli(checkout(), ['rollback-target', 'v2.4.1'])).toEqual({
      code: 0,
      stdout: 'v2 v2.4\n',
      stderr: '',
      output: 'major=v2\nminor=v2.4\n',
    });
    expect(cli(checkout(), ['rollback-target', 'v2.4'])).toMatchObject({ code: 1, stdout: '', output: '' });
    expect(cli(checkout(), ['rollback-target', 'v2.4.1-rc.1']).stderr).toBe(
      'release: v2.4.1-rc.1 is a prerelease: v2 points only at full releases\n',
    );
  });

  it('rank reads the release list on stdin and outputs latest, move-major, move-minor and newer', () => {
    const input = '[{"tagName":"v1.3.0"},{"tagName":"v1.2.3"},{"tagName":"v2.0.0"}]\n';
    expect(cli(checkout(), ['rank', 'v1.2.4'], { input })).toEqual({
      code: 0,
      stdout: 'newer releases: v1.3.0 v2.0.0\n',
      stderr: '',
      output: 'latest=false\nmove-major=false\nmove-minor=true\nnewer=v1.3.0 v2.0.0\n',
    });
    expect(cli(checkout(), ['rank', 'v2.1.0'], { input })).toMatchObject({
      code: 0,
      stdout: 'v2.1.0 is the newest release\n',
      output: 'latest=true\nmove-major=true\nmove-minor=true\nnewer=\n',
    });
    expect(cli(checkout(), ['rank', 'v2.1.0'], { input: 'gh: Bad credentials (HTTP 401)' })).toMatchObject({
      code: 1,
      stderr: 'release: gh release list did not print JSON: "gh: Bad credentials (HTTP 401)"\n',
    });
  });

  it('check-release reads gh release view on stdin', () => {
    const view = (isDraft: boolean, isPrerelease: boolean) =>
      JSON.stringify({ isDraft, isPrerelease, tagName: 'v1.2.3' });
    expect(cli(checkout(), ['check-release', 'v1.2.3'], { input: view(false, false) })).toMatchObject({
      code: 0,
      stdout: 'v1.2.3 is a published full release\n',
    });
    expect(cli(checkout(), ['check-release', 'v1.2.3'], { input: view(true, false) })).toMatchObject({
      code: 1,
      stderr: 'release: v1.2.3 is a draft release: publish it first, or roll back to a published release\n',
    });
  });

  it('git-object prints "<type> <sha>"', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const input = JSON.stringify({ ref: 'refs/tags/v1.2.3', object: { type: 'tag', sha, url: 'https://x' } });
    expect(cli(checkout(), ['git-object'], { input })).toMatchObject({ code: 0, stdout: `tag ${sha}\n` });
  });

  it.each([
    [[]],
    [['publish', 'v1.2.3']],
    [['check-tag']],
    [['check-tag', 'v1.2.3', 'extra']],
    [['git-object', 'x']],
  ])('exits 2 with the usage for %j', (args) => {
    const result = cli(checkout(), args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^usage: node scripts\/release\.mjs check-tag vX\.Y\.Z\n/);
    expect(result.output).toBe('');
  });
});
