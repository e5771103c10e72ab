// The set-up as a new user meets it: scripts/setup.mjs, `npm run test:all`'s script and the
// rehearsal's entry started as fresh processes, on a machine played by fakes first on PATH:
// dpkg-query answering from a file, sudo that asks for a password (or not), apt-get that records
// what it was asked and "installs" into dpkg's file. Nothing is really installed or removed.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_LIST, parsePackageList, root } from '../../scripts/setup.mjs';

const ALL = parsePackageList(readFileSync(PACKAGE_LIST, 'utf8')).map((pkg) => pkg.name);
const COMMAND_PACKAGES = parsePackageList(readFileSync(PACKAGE_LIST, 'utf8'))
  .filter((pkg) => pkg.kind === 'command' && !pkg.whenRoot)
  .map((pkg) => pkg.name);

let work = '';
let fakes = '';

/** A Node script as an executable, found by name on PATH. */
function fake(name: string, source: string): void {
  const file = join(fakes, name);
  writeFileSync(file, `#!${process.execPath}\n${source}`);
  chmodSync(file, 0o755);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'setup-runner-'));
  fakes = join(work, 'bin');
  // The fakes' folder also holds node (for npm and `#!/usr/bin/env node`) and env (for sudo).
  mkdirSync(fakes);
  symlinkSync(process.execPath, join(fakes, 'node'));
  if (existsSync('/usr/bin/env')) symlinkSync('/usr/bin/env', join(fakes, 'env'));
  fake(
    'dpkg-query',
    `const fs = require('node:fs');
const file = process.env.FAKE_DPKG_INSTALLED;
const installed = new Set(file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\\n').filter(Boolean) : []);
let missing = 0;
for (const name of process.argv.slice(2).filter((arg) => !arg.startsWith('-'))) {
  if (installed.has(name)) process.stdout.write(name + '\\tinstall ok installed\\n');
  else { missing++; process.stderr.write('dpkg-query: no packages found matching ' + name + '\\n'); }
}
process.exit(missing ? 1 : 0);
`,
  );
  fake(
    'sudo',
    `const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
if (process.env.FAKE_SUDO !== 'passwordless') {
  process.stderr.write('sudo: a password is required\\n');
  process.exit(1);
}
const args = process.argv.slice(2).filter((arg) => arg !== '-n');
fs.appendFileSync(process.env.FAKE_LOG, 'sudo ' + args.join(' ') + '\\n');
if (args[0] === 'true') process.exit(0);
// As sudo's env_reset does: the command gets a fresh environment, not the caller's.
const { PATH, FAKE_LOG, FAKE_DPKG_INSTALLED } = process.env;
const result = spawnSync(args[0], args.slice(1), { stdio: 'inherit', env: { PATH, FAKE_LOG, FAKE_DPKG_INSTALLED } });
process.exit(result.status ?? 1);
`,
  );
  fake(
    'apt-get',
    `const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(process.env.FAKE_LOG, 'apt-get ' + args.join(' ') + ' DEBIAN_FRONTEND=' + process.env.DEBIAN_FRONTEND + '\\n');
if (args[0] === 'install') {
  for (const name of args.slice(1).filter((arg) => !arg.startsWith('-'))) {
    fs.appendFileSync(process.env.FAKE_DPKG_INSTALLED, name + '\\n');
  }
  console.log('Setting up ' + args.slice(1).filter((arg) => !arg.startsWith('-')).join(' ') + ' (fake)');
}
`,
  );
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts a process with a clean environment and a deadline. */
function start(args: string[], env: Record<string, string>, deadlineMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { HOME: process.env['HOME'] ?? work, TMPDIR: tmpdir(), FORCE_COLOR: '0', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`deadline of ${deadlineMs} ms passed: ${args.join(' ')}\n${stdout}\n${stderr}`));
    }, deadlineMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A machine where dpkg reports `installed` only, the user is not root and sudo asks for a password. */
function machine(installed: string[], extra: Record<string, string> = {}) {
  const dpkgFile = join(mkdtempSync(join(work, 'dpkg-')), 'installed');
  writeFileSync(dpkgFile, installed.map((name) => `${name}\n`).join(''));
  const log = join(work, `log-${Math.random().toString(36).slice(2)}`);
  const env = {
    PATH: fakes,
    SETUP_AS_NON_ROOT: '1',
    FAKE_DPKG_INSTALLED: dpkgFile,
    FAKE_LOG: log,
    ...extra,
  };
  const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
  return { env, calls };
}

const STACK_FRAME = /^\s+at .+[:(]/m;
const installLine = `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${ALL.join(' ')}`;

describe('a machine without the Debian packages, where they cannot be installed', () => {
  it('node scripts/setup.mjs: exit 2, one paragraph naming every package and the one command', async () => {
    const { env, calls } = machine([]);
    const run = await start(['scripts/setup.mjs', '--for', 'rehearse'], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const text = run.stderr.trim();
    expect(text).toMatch(
      new RegExp(`^setup: \`npm run rehearse\` needs ${ALL.length} Debian packages that are not installed: `),
    );
    for (const name of ALL) expect(text).toContain(name);
    expect(text).toContain('this user is not root, and sudo asks for a password');
    expect(text.endsWith(installLine)).toBe(true);
    // One paragraph, then the command on its own line.
    expect(text.split('\n\n')).toHaveLength(2);
    expect(text).not.toMatch(STACK_FRAME);
    expect(calls()).toEqual([]);
  });

  it('npm run test:all (scripts/test-all.mjs): stops before its first check, exit 2', async () => {
    // One package there (a Python module: found at /usr/bin/python3 whatever PATH is).
    const { env } = machine(['python3-yaml']);
    const run = await start(['scripts/test-all.mjs'], env);
    expect(run.code).toBe(2);
    expect(run.stdout).not.toContain('===');
    expect(run.stderr).toMatch(
      new RegExp(
        `^setup: \`npm run test:all\` needs ${ALL.length - 1} Debian packages that are not installed: openssl,`,
      ),
    );
    expect(run.stderr).not.toContain('python3-yaml');
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it("the rehearsal's entry (tsx scripts/rehearse.ts): stops before starting the registry, exit 2", async () => {
    const { env } = machine([]);
    const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const run = await start([tsx, 'scripts/rehearse.ts'], env, 90_000);
    expect(run.code).toBe(2);
    expect(run.stdout).not.toContain('Started:');
    expect(run.stderr).toMatch(
      /^setup: `npm run rehearse` needs \d+ Debian packages that are not installed:/,
    );
    expect(run.stderr).toContain('docker-registry');
    expect(run.stderr).not.toMatch(/exited before serving|command not found/);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it('installed but not on PATH: exit 2, the packages whose commands are not found, no apt-get', async () => {
    const { env, calls } = machine(ALL, { FAKE_SUDO: 'passwordless' });
    const run = await start(['scripts/setup.mjs', '--for', 'test', '--no-npm'], env);
    expect(run.code).toBe(2);
    for (const name of COMMAND_PACKAGES) expect(run.stderr).toContain(`${name} (the command `);
    expect(run.stderr).toContain('Installing again will not help: check PATH');
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(calls().filter((line) => line.includes('apt-get'))).toEqual([]);
  });
});

describe('a machine where they can be installed (passwordless sudo)', () => {
  it('installs only the missing ones, noninteractive, then checks again: exit 0', async () => {
    const missing = ['umoci', 'jq'];
    const { env, calls } = machine(
      ALL.filter((name) => !missing.includes(name)),
      // The real tools after the fakes: once "installed", every probe finds its command.
      { FAKE_SUDO: 'passwordless', PATH: `${fakes}:${process.env['PATH'] ?? ''}` },
    );
    const run = await start(['scripts/setup.mjs', '--for', 'test', '--no-npm'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(calls()).toEqual([
      'sudo true',
      'sudo apt-get update -qq',
      'apt-get update -qq DEBIAN_FRONTEND=undefined',
      'sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends umoci jq',
      'apt-get install -y -qq --no-install-recommends umoci jq DEBIAN_FRONTEND=noninteractive',
    ]);
    expect(run.stdout).toContain('setup: installing 2 missing Debian packages (with sudo): umoci jq');
    expect(run.stdout).toContain('Setting up umoci jq (fake)');
    expect(run.stdout.trim().split('\n').at(-1)).toMatch(/^setup: ready in .*, after the install above\.$/);
  });
});

describe('this machine, as it is', () => {
  it('everything there: nothing to install, exit 0, quickly', async () => {
    const run = await start(['scripts/setup.mjs', '--for', 'test'], { PATH: process.env['PATH'] ?? '' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(
      new RegExp(
        `^setup: ready in \\d+\\.\\d s: the ${ALL.length} Debian packages of \\.ci/debian-packages and node_modules .*, nothing to install\\.$`,
      ),
    );
  });
});
