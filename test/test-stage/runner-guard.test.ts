// The import guard of actions/test as the runner runs it (issue 14): the bundle started as a
// process on trees built to break it. One file (a loop of links, a huge file, an out-of-range
// escape, a link out of the tree) must never stop the scan or hide a violation elsewhere, and
// the forms that were missed are caught.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAction } from '../../testkit/local-runner.mjs';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function scratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function write(root: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
}

const CONTRACT = `version: 1
imports:
  forbidden:
    - paths: ["src/**"]
      modules: [google.cloud.secretmanager, "@google-cloud/secret-manager"]
      reason: secrets arrive as environment variables
    - paths: ["src/domain/**"]
      modules: [google.auth]
      reason: the domain knows no cloud identity
`;

async function guard(dir: string, inputs: Record<string, string> = {}) {
  const result = await runAction({
    stage: 'test',
    inputs: { contract: 'runtime-contract.yml', ...inputs },
    cwd: dir,
    timeoutMs: 60_000,
  });
  cleanups.push(result.cleanup);
  return result;
}

/** The guard's annotations of one kind, as `file:line module` or `file[:line] reason`. */
function errors(log: string): string[] {
  return [
    ...log.matchAll(
      /^::error title=Runtime contract: forbidden import,file=([^,]+),line=(\d+)::(\S+) must not be imported here(.*?): .* \(runtime contract rule at runtime-contract\.yml:\d+\)$/gm,
    ),
  ].map((m) => `${m[1]}:${m[2]} ${m[3]}${m[4]}`);
}

function unchecked(log: string, kind: 'warning' | 'notice'): string[] {
  const title = kind === 'notice' ? 'Import guard: file skipped' : 'Import guard: not checked';
  return [
    ...log.matchAll(
      new RegExp(`^::${kind} title=${title},file=([^,:]+)(?:,line=(\\d+))?::import-guard: (.*)$`, 'gm'),
    ),
  ].map((m) => `${m[1]}${m[2] === undefined ? '' : `:${m[2]}`} ${m[3]}`);
}

const NOT_FOLLOWED = 'not scanned: a symbolic link that leads out of the working directory is not followed';
const LOOP = 'could not be read: a loop of symbolic links';

describe('test bundle: one file cannot stop the import guard', () => {
  it.each([
    ['a folder outside git (walked)', false],
    ['a git work tree (listed by git)', true],
  ])(
    '%s: a loop of links, a 200 MiB file, out-of-range escapes and links out of the tree; every violation still reported',
    async (_name, inGit) => {
      const dir = scratch('guard-faults-');
      const outside = scratch('guard-outside-');
      write(outside, { 'leak.py': 'from google.cloud import secretmanager\n' });
      write(dir, {
        'runtime-contract.yml': CONTRACT,
        'src/domain/pricing.py': 'import google.auth\n',
        'src/app.ts':
          "// the client\nimport { SecretManagerServiceClient } from '@google-cloud/secret-manager';\n",
        // Python 2 source: in Python 3 an escape past U+10FFFF is a SyntaxError.
        'src/escape.py': 'x = "\\U12345678"\nfrom google.cloud import secretmanager\n',
        // Valid JavaScript: a raw template keeps the escape as text.
        'src/raw.js': "const s = String.raw`\\u{110000}`;\nrequire('@google-cloud/secret-manager');\n",
        'src/huge.js': "require('@google-cloud/secret-manager');\n",
      });
      // Sparse: 200 MiB in no time and no disk.
      truncateSync(join(dir, 'src', 'huge.js'), 200 * 1024 * 1024);
      symlinkSync('loop_b.py', join(dir, 'src', 'loop_a.py'));
      symlinkSync('loop_a.py', join(dir, 'src', 'loop_b.py'));
      symlinkSync('.', join(dir, 'src', 'self'));
      symlinkSync(join(outside, 'leak.py'), join(dir, 'src', 'outside.py'));
      symlinkSync('/etc/hostname', join(dir, 'src', 'hostname.py'));
      symlinkSync(outside, join(dir, 'src', 'vendor'));
      if (inGit) execFileSync('git', ['init', '-q'], { cwd: dir });

      const result = await guard(dir);
      expect(result.code, result.log).toBe(1);
      expect(result.outputs).toEqual({ failed: 'import-guard' });
      expect(errors(result.log)).toEqual([
        'src/app.ts:2 @google-cloud/secret-manager',
        'src/domain/pricing.py:1 google.auth',
        'src/escape.py:2 google.cloud.secretmanager',
        'src/raw.js:2 @google-cloud/secret-manager',
      ]);
      expect(unchecked(result.log, 'warning')).toEqual([
        `src/hostname.py ${NOT_FOLLOWED}`,
        `src/loop_a.py ${LOOP}`,
        `src/loop_b.py ${LOOP}`,
        `src/outside.py ${NOT_FOLLOWED}`,
      ]);
      expect(unchecked(result.log, 'notice')).toEqual([
        'src/huge.js not scanned: 200.0 MiB, over the size cap of 4.0 MiB (input import-guard-max-file-size)',
      ]);
      // Nothing behind the links out of the tree was read: neither the host name nor leak.py.
      expect(result.log).not.toContain(
        execFileSync('cat', ['/etc/hostname'], { encoding: 'utf8' }).trim() + '\n',
      );
      expect(result.log).not.toMatch(/leak\.py|ELOOP|RangeError/);
      expect(result.summary).toMatch(/^### ❌ test: 1 of 1 checks failed$/m);
      expect(result.summary).toContain('| import-guard | ❌ 4 forbidden imports in');
      expect(result.summary).toContain('**Not checked by the import guard**');
      expect(result.summary).toContain(`| src/loop_a.py | ${LOOP} |`);
      expect(result.durationMs).toBeLessThan(20_000);
    },
  );
});

describe('test bundle: the import guard catches the forms that were missed', () => {
  it('f-string fields, parenthesised literals, require?.(), escaped and NFKC names, re-exports, tsconfig aliases; computed imports are warnings', async () => {
    const dir = scratch('guard-forms-');
    write(dir, {
      'runtime-contract.yml': CONTRACT,
      'src/fstring.py': `print(f"{__import__('google.cloud.secretmanager')}")\n`,
      'src/paren.py': 'import importlib\nclient = importlib.import_module(("google.cloud.secretmanager"))\n',
      'src/domain/nfkc.py': 'import \uff47\uff4f\uff4f\uff47\uff4c\uff45.auth\n',
      'src/optional.js': "const sm = require?.('@google-cloud/secret-manager');\n",
      'src/escaped.js': "const sm = \\u0072equire('@google-cloud/secret-manager');\n",
      'src/barrel.ts':
        "export * from '@google-cloud/secret-manager';\nexport { SecretManagerServiceClient } from '@google-cloud/secret-manager';\n",
      'tsconfig.json': `{
  // aliases, as tsconfig files are written: comments and trailing commas
  "compilerOptions": {
    "baseUrl": ".",
    /* one exact, one with a wildcard */
    "paths": {
      "@secrets": ["node_modules/@google-cloud/secret-manager"],
      "#sm/*": ["./node_modules/@google-cloud/secret-manager/*"],
    },
  },
}
`,
      'src/alias.ts':
        "import { SecretManagerServiceClient } from '@secrets';\nimport v1 from '#sm/build/src/v1';\n",
      'src/plugins.py': 'import importlib\n\ndef load(name):\n    return importlib.import_module(name)\n',
      'src/plugins.js': "const a = await import(name);\nconst b = require('a' + 'b');\n",
      // Outside every rule's paths: a computed import there is nobody's concern.
      'scripts/tool.js': 'require(name);\n',
    });
    const result = await guard(dir);
    expect(result.code, result.log).toBe(1);
    expect(result.outputs).toEqual({ failed: 'import-guard' });
    expect(errors(result.log)).toEqual([
      'src/alias.ts:1 @google-cloud/secret-manager (imported as "@secrets" through a paths alias of tsconfig.json)',
      'src/alias.ts:2 @google-cloud/secret-manager/build/src/v1 (imported as "#sm/build/src/v1" through a paths alias of tsconfig.json)',
      'src/barrel.ts:1 @google-cloud/secret-manager',
      'src/barrel.ts:2 @google-cloud/secret-manager',
      'src/domain/nfkc.py:1 google.auth',
      'src/escaped.js:1 @google-cloud/secret-manager',
      'src/fstring.py:1 google.cloud.secretmanager',
      'src/optional.js:1 @google-cloud/secret-manager',
      'src/paren.py:2 google.cloud.secretmanager',
    ]);
    const dynamic = (callee: string) =>
      `cannot check a dynamic import: the module given to ${callee}() is computed; write the module name as a literal string so that the runtime contract can be checked`;
    expect(unchecked(result.log, 'warning')).toEqual([
      `src/plugins.js:1 ${dynamic('import')}`,
      `src/plugins.js:2 ${dynamic('require')}`,
      `src/plugins.py:4 ${dynamic('import_module')}`,
    ]);
    expect(result.summary).toContain('| import-guard | ❌ 9 forbidden imports in');
    expect(result.summary).toContain('| src/plugins.py:4 | cannot check a dynamic import');
  });

  it('a tsconfig.json that is not JSON is a warning; the rest is still checked', async () => {
    const dir = scratch('guard-tsconfig-');
    write(dir, {
      'runtime-contract.yml': CONTRACT,
      'tsconfig.json': '{ "compilerOptions": { "paths": ',
      'src/app.ts': "import '@google-cloud/secret-manager';\n",
    });
    const result = await guard(dir);
    expect(result.code, result.log).toBe(1);
    expect(errors(result.log)).toEqual(['src/app.ts:1 @google-cloud/secret-manager']);
    expect(unchecked(result.log, 'warning')).toEqual([
      'tsconfig.json not valid JSON (comments and trailing commas are fine); its paths aliases are not checked',
    ]);
  });
});

describe('test bundle: import-guard-max-file-size', () => {
  it('skips a file over the cap with a notice naming it, and scans the one under it', async () => {
    const dir = scratch('guard-cap-');
    write(dir, {
      'runtime-contract.yml': CONTRACT,
      'src/big.py': `from google.cloud import secretmanager\n${'#'.repeat(2048)}\n`,
      'src/small.py': 'import os\n',
    });
    const result = await guard(dir, { 'import-guard-max-file-size': '1KB' });
    expect(result.code, result.log).toBe(0);
    expect(result.outputs).toEqual({ failed: '' });
    expect(unchecked(result.log, 'notice')).toEqual([
      'src/big.py not scanned: 2.0 KiB, over the size cap of 1.0 KiB (input import-guard-max-file-size)',
    ]);
    expect(errors(result.log)).toEqual([]);
    expect(result.summary).toContain('| src/big.py | not scanned: 2.0 KiB, over the size cap of 1.0 KiB');
  });

  it.each(['4 potatoes', '0', '-1MB', '1TB', '300MB', '4MBB', '1e6'])(
    'refuses %j before anything runs, naming the input',
    async (value) => {
      const dir = scratch('guard-cap-bad-');
      write(dir, { 'runtime-contract.yml': CONTRACT });
      const result = await guard(dir, { 'import-guard-max-file-size': value, test: 'touch ran' });
      expect(result.code).toBe(1);
      expect(result.log).toContain(
        `::error::test: invalid configuration: input "import-guard-max-file-size" is ${JSON.stringify(value)}: use a size from 1 byte to 256MB, such as 4MB, 512KB or 1048576 (bytes)`,
      );
      expect(result.outputs).toEqual({});
      expect(result.summary).toMatch(/^### ❌ test: invalid input\n/);
    },
  );
});
