import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractError, loadContract, type ForbiddenImportRule } from '../../src/lib/contract.js';
import { globToRegExp } from '../../src/lib/glob.js';
import { findViolations, moduleMatches, type Violation } from '../../src/test-stage/import-guard.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'import-guard');
const CONTRACT = 'runtime-contract.yml';

/**
 * Files git ignores cannot be committed, so the tests write them: `src/generated/` (ignored
 * by the fixture's own .gitignore) and `src/web/node_modules/` (ignored by the repository's).
 * Each holds imports every rule below forbids; none may be reported.
 */
const IGNORED_FILES: Record<string, string> = {
  'src/generated/secrets_pb2.py': 'from google.cloud import secretmanager\nimport google.auth\n',
  // node-gyp really ships Python.
  'src/web/node_modules/node-gyp/gyp/pylib/gyp/secrets.py': 'from google.cloud import secretmanager\n',
  'src/web/node_modules/@google-cloud/secret-manager/build/src/index.js':
    "const v1 = require('@google-cloud/secret-manager/build/src/v1');\nmodule.exports = { v1 };\n",
};
const IGNORED_FOLDERS = ['src/generated', 'src/web/node_modules'];

let rules: ForbiddenImportRule[] = [];

beforeAll(async () => {
  rules = (await loadContract(join(FIXTURE, CONTRACT), 'contract')).imports.forbidden;
  for (const [file, text] of Object.entries(IGNORED_FILES)) {
    await mkdir(dirname(join(FIXTURE, file)), { recursive: true });
    await writeFile(join(FIXTURE, file), text);
  }
});

afterAll(async () => {
  for (const folder of IGNORED_FOLDERS) await rm(join(FIXTURE, folder), { recursive: true, force: true });
});

/** A violation as a reader checks it: where, what, and why (the rule's reason and line). */
function summary(
  violations: Violation[],
): { file: string; line: number; module: string; reason: string; ruleLine: number }[] {
  return violations.map(({ file, line, module, rule }) => ({
    file,
    line,
    module,
    reason: rule.reason,
    ruleLine: rule.line,
  }));
}

const SECRETS = 'secrets arrive as environment variables';
const IDENTITY = 'domain and application layers know no cloud identity';

describe('moduleMatches', () => {
  it.each([
    ['google.cloud.secretmanager', 'google.cloud.secretmanager', true],
    ['google.cloud.secretmanager.types', 'google.cloud.secretmanager', true],
    ['google.cloud.secretmanager.services.secret_manager_service', 'google.cloud.secretmanager', true],
    ['google.cloud.secretmanagerx', 'google.cloud.secretmanager', false],
    ['google.cloud', 'google.cloud.secretmanager', false],
    ['google.cloud.secret', 'google.cloud.secretmanager', false],
    ['google', 'google.auth', false],
    ['google.authx', 'google.auth', false],
    ['google.auth.transport.requests', 'google.auth', true],
    ['@google-cloud/secret-manager', '@google-cloud/secret-manager', true],
    ['@google-cloud/secret-manager/build/x', '@google-cloud/secret-manager', true],
    ['@google-cloud/secret-manager-extra', '@google-cloud/secret-manager', false],
    ['@google-cloud/secret', '@google-cloud/secret-manager', false],
    // The versioned clients of the same library: the DECISION documented on moduleMatches.
    ['google.cloud.secretmanager_v1', 'google.cloud.secretmanager', true],
    ['google.cloud.secretmanager_v1beta2', 'google.cloud.secretmanager', true],
    ['google.cloud.secretmanager_v1beta1.types', 'google.cloud.secretmanager', true],
    ['google.cloud.iam_v2alpha', 'google.cloud.iam', true],
    ['google.cloud.vision_v1p3beta1', 'google.cloud.vision', true],
    ['google.cloud.iam_v2', 'google.cloud.iam', true],
    ['google.cloud.iam_credentials_v1', 'google.cloud.iam', false],
    ['google.cloud.secretmanager_v', 'google.cloud.secretmanager', false],
    ['google.cloud.secretmanager_vx', 'google.cloud.secretmanager', false],
    ['google.cloud.secretmanager_v1x', 'google.cloud.secretmanager', false],
    ['google.cloud.secretmanager_v1_extra', 'google.cloud.secretmanager', false],
    // `node:` names the same built-in modules.
    ['node:child_process', 'child_process', true],
    ['child_process', 'node:child_process', true],
    ['node:fs/promises', 'fs', true],
  ] as const)('%s against %s: %s', (imported, forbidden, expected) => {
    expect(moduleMatches(imported, forbidden)).toBe(expected);
  });
});

describe('globToRegExp', () => {
  it.each([
    ['src/**', 'src/a.py', true],
    ['src/**', 'src/domain/deep/a.py', true],
    ['src/**', 'src', false],
    ['src/**', 'srcx/a.py', false],
    ['src/**', 'lib/src/a.py', false],
    ['src/**', 'src/.hidden/a.py', true],
    ['**', 'a/b/c.py', true],
    ['**/*.py', 'a.py', true],
    ['**/*.py', 'a/b/c.py', true],
    ['**/*.py', 'a/b/c.ts', false],
    ['src/**/test_*.py', 'src/test_a.py', true],
    ['src/**/test_*.py', 'src/x/y/test_a.py', true],
    ['src/**/test_*.py', 'src/x/y/a_test.py', false],
    ['src/*.py', 'src/a.py', true],
    ['src/*.py', 'src/a/b.py', false],
    ['src/*/*.py', 'src/a/b.py', true],
    ['src/a**b.py', 'src/aXXb.py', true],
    ['src/a**b.py', 'src/a/b.py', false],
    ['src/?.py', 'src/a.py', true],
    ['src/?.py', 'src/ab.py', false],
    ['src/?.py', 'src//.py', false],
    ['src/{domain,application}/**', 'src/domain/a.py', true],
    ['src/{domain,application}/**', 'src/application/a.py', true],
    ['src/{domain,application}/**', 'src/infrastructure/a.py', false],
    ['{src,lib}/{a,b{c,d}}.py', 'lib/bd.py', true],
    ['{src,lib}/{a,b{c,d}}.py', 'lib/b.py', false],
    ['src/{a}.py', 'src/{a}.py', true],
    ['src/[abc].py', 'src/b.py', true],
    ['src/[abc].py', 'src/d.py', false],
    ['src/[a-c]x.py', 'src/bx.py', true],
    ['src/[!a-c]x.py', 'src/dx.py', true],
    ['src/[!a-c]x.py', 'src/ax.py', false],
    ['src/[^a]x.py', 'src/ax.py', false],
    ['src[/]a.py', 'src/a.py', false],
    ['src/[]]x.py', 'src/]x.py', true],
    ['src/[a.py', 'src/[a.py', true],
    ['src/\\*.py', 'src/*.py', true],
    ['src/\\*.py', 'src/a.py', false],
    ['src/a+b(c).py', 'src/a+b(c).py', true],
    ['./src/**', 'src/a.py', true],
    ['src/domain/', 'src/domain/a.py', true],
    ['src/domain', 'src/domain/a.py', true],
    ['src/domain', 'src/domain', true],
    ['src/domain', 'src/domainx/a.py', false],
    ['src/main.py', 'src/main.py', true],
  ] as const)('%s on %s: %s', (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });
});

describe('findViolations', () => {
  it('reports every forbidden import of the fixture service under the contract of DESIGN.md', async () => {
    const violations = await findViolations(FIXTURE, rules, CONTRACT);
    expect(summary(violations)).toEqual([
      {
        file: 'src/application/checkout.py',
        line: 7,
        module: 'google.auth.credentials',
        reason: IDENTITY,
        ruleLine: 20,
      },
      {
        file: 'src/application/checkout.py',
        line: 11,
        module: 'google.cloud.iam',
        reason: IDENTITY,
        ruleLine: 20,
      },
      {
        file: 'src/application/checkout.py',
        line: 17,
        module: 'google.cloud.secretmanager_v1',
        reason: SECRETS,
        ruleLine: 17,
      },
      // `from google.oauth2 import service_account`: once, for the module.
      { file: 'src/domain/pricing.py', line: 3, module: 'google.oauth2', reason: IDENTITY, ruleLine: 20 },
      {
        file: 'src/domain/types.pyi',
        line: 1,
        module: 'google.auth.credentials',
        reason: IDENTITY,
        ruleLine: 20,
      },
      // A package named env is code; only a folder with pyvenv.cfg is a virtualenv.
      {
        file: 'src/env/settings.py',
        line: 3,
        module: 'google.cloud.secretmanager',
        reason: SECRETS,
        ruleLine: 17,
      },
      {
        file: 'src/infrastructure/secrets.py',
        line: 5,
        module: 'google.cloud.secretmanager',
        reason: SECRETS,
        ruleLine: 17,
      },
    ]);
    // The rule objects themselves, for annotations that point at the contract.
    expect(violations[0]?.rule).toBe(rules[1]);
    expect(violations[2]?.rule).toBe(rules[0]);
  });

  it('finds JavaScript and TypeScript imports, type imports included, outside build output and node_modules', async () => {
    const rule: ForbiddenImportRule = {
      paths: ['src/web/**'],
      modules: ['@google-cloud/secret-manager', 'google-auth-library'],
      reason: 'the browser bundle holds no server credentials',
      line: 30,
    };
    expect(summary(await findViolations(FIXTURE, [rule], CONTRACT))).toEqual([
      {
        file: 'src/web/app.ts',
        line: 3,
        module: '@google-cloud/secret-manager',
        reason: rule.reason,
        ruleLine: 30,
      },
      { file: 'src/web/app.ts', line: 4, module: 'google-auth-library', reason: rule.reason, ruleLine: 30 },
      {
        file: 'src/web/legacy.cjs',
        line: 2,
        module: '@google-cloud/secret-manager/build/src/v1',
        reason: rule.reason,
        ruleLine: 30,
      },
    ]);
  });

  it('never scans virtualenvs, node_modules, build output or git-ignored files, whatever the glob', async () => {
    const rule: ForbiddenImportRule = {
      paths: ['**'],
      modules: ['google.cloud.secretmanager', '@google-cloud/secret-manager'],
      reason: 'nowhere',
      line: 1,
    };
    const files = (await findViolations(FIXTURE, [rule], CONTRACT)).map(
      ({ file, line }) => `${file}:${line}`,
    );
    expect(files).toEqual([
      'src/application/checkout.py:17',
      'src/env/settings.py:3',
      'src/infrastructure/secrets.py:5',
      'src/web/app.ts:3',
      'src/web/legacy.cjs:2',
      'tests/test_secrets.py:3',
    ]);
  });

  it('reports an import once per rule it breaks, sorted by file and line', async () => {
    const both: ForbiddenImportRule[] = [
      { paths: ['src/{domain,application}/**'], modules: ['google.oauth2'], reason: 'second', line: 9 },
      { paths: ['src/domain/pricing.py'], modules: ['google'], reason: 'first', line: 5 },
    ];
    expect(summary(await findViolations(FIXTURE, both, CONTRACT))).toEqual([
      { file: 'src/domain/pricing.py', line: 3, module: 'google.oauth2', reason: 'second', ruleLine: 9 },
      { file: 'src/domain/pricing.py', line: 3, module: 'google.oauth2', reason: 'first', ruleLine: 5 },
    ]);
  });

  it('finds nothing without rules, and nothing where no glob matches', async () => {
    expect(await findViolations(FIXTURE, [], CONTRACT)).toEqual([]);
    const elsewhere: ForbiddenImportRule = {
      paths: ['app/**'],
      modules: ['google.cloud.secretmanager'],
      reason: 'x',
      line: 1,
    };
    expect(await findViolations(FIXTURE, [elsewhere], CONTRACT)).toEqual([]);
  });

  it('refuses a glob that leaves the working directory, naming the contract and the rule line', async () => {
    const outside: ForbiddenImportRule = {
      paths: ['src/**', 'src/../../**'],
      modules: ['google.auth'],
      reason: 'x',
      line: 23,
    };
    const error = await findViolations(FIXTURE, [outside], CONTRACT).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).message).toBe(
      'runtime-contract.yml:23: imports.forbidden: the path glob "src/../../**" leaves the working directory; write globs relative to it, such as "src/**"',
    );
  });
});
