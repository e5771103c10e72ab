// The set-up that `npm run rehearse` and `npm run test:all` do first (scripts/setup.mjs), with the
// machine played by an injected System: the package list, dpkg's answer, the probes, who may
// install (root, passwordless sudo, neither), the apt-get calls and the refusal paragraph.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  aptCalls,
  findMissing,
  installAccess,
  nodeIsRecentEnough,
  nodeModulesState,
  PACKAGE_LIST,
  parseDpkgStatus,
  parsePackageList,
  realSystem,
  refusal,
  root,
  setUp,
  type RunOptions,
  type RunResult,
  type System,
} from '../../scripts/setup.mjs';

const LIST = `# a comment
openssl          command:openssl
postgresql       postgres:initdb   # trailing comment

python3-alembic  python:alembic
docker-registry  command:docker-registry
`;
const PACKAGES = ['openssl', 'postgresql', 'python3-alembic', 'docker-registry'];

interface Call {
  command: string;
  args: string[];
  options: RunOptions | undefined;
}

interface FakeMachine {
  /** Packages dpkg reports installed; an install adds to it. */
  installed?: string[];
  /** Commands on PATH besides the tools (dpkg-query, apt-get, sudo, npm). */
  commands?: string[];
  /** Python modules Debian's Python finds. */
  modules?: string[];
  /** PostgreSQL versions under /usr/lib/postgresql with bin/initdb. */
  postgres?: string[];
  isRoot?: boolean;
  sudo?: 'none' | 'password' | 'passwordless';
  dpkg?: boolean;
  aptGet?: boolean;
  /** Exit status of apt-get install; with 0 it installs the named packages. */
  aptStatus?: number;
  /** Whether apt-get install really makes the packages appear. */
  aptInstalls?: boolean;
  nodeModules?: 'current' | 'missing';
  npmStatus?: number;
  nodeVersion?: string;
}

function machine(options: FakeMachine = {}) {
  const installed = new Set(options.installed ?? PACKAGES);
  const calls: Call[] = [];
  const tools = [
    ...(options.dpkg === false ? [] : ['dpkg-query']),
    ...(options.aptGet === false ? [] : ['apt-get']),
    ...((options.sudo ?? 'none') === 'none' ? [] : ['sudo']),
    'npm',
  ];
  const commands = new Set([...(options.commands ?? ['openssl', 'docker-registry']), ...tools]);
  const modules = new Set(options.modules ?? ['alembic']);
  const postgres = options.postgres ?? ['15'];
  const lock = JSON.stringify({ packages: { '': {}, 'node_modules/a': { version: '1.0.0' } } });
  const files: Record<string, string> = { '/repo/list': LIST, '/repo/package-lock.json': lock };
  if ((options.nodeModules ?? 'current') === 'current') files['/repo/node_modules/.package-lock.json'] = lock;
  const system: System = {
    run(command: string, args: string[], runOptions?: RunOptions): RunResult {
      calls.push({ command, args, options: runOptions });
      const argv = command === 'sudo' ? args.filter((arg) => arg !== '-n') : [command, ...args];
      const [program, ...rest] = argv[0] === 'env' ? argv.slice(1).filter((arg) => !arg.includes('=')) : argv;
      if (program === 'true') {
        return {
          status: options.sudo === 'passwordless' ? 0 : 1,
          stdout: '',
          stderr: 'a password is required',
        };
      }
      if (program === 'dpkg-query') {
        const names = rest.filter((arg) => !arg.startsWith('-'));
        const lines = names
          .filter((name) => installed.has(name))
          .map((name) => `${name}\tinstall ok installed`);
        return { status: lines.length === names.length ? 0 : 1, stdout: lines.join('\n'), stderr: '' };
      }
      if (program === '/usr/bin/python3') {
        const missing = rest.slice(2).filter((name) => !modules.has(name));
        return { status: 0, stdout: missing.map((name) => `${name}\n`).join(''), stderr: '' };
      }
      if (program === 'apt-get' && rest[0] === 'install') {
        const status = options.aptStatus ?? 0;
        if (status === 0 && options.aptInstalls !== false) {
          for (const name of rest.filter((arg) => !arg.startsWith('-') && arg !== 'install')) {
            installed.add(name);
          }
        }
        return { status, stdout: '', stderr: '' };
      }
      if (program === 'npm') {
        const status = options.npmStatus ?? 0;
        if (status === 0) files['/repo/node_modules/.package-lock.json'] = lock;
        return { status, stdout: '', stderr: '' };
      }
      return { status: 0, stdout: '', stderr: '' };
    },
    which: (name) => (commands.has(name) ? `/usr/bin/${name}` : undefined),
    exists: (path) =>
      path === '/repo/node_modules/a/package.json' ||
      postgres.some((version) => path === `/usr/lib/postgresql/${version}/bin/initdb`),
    readdir: (path) => (path === '/usr/lib/postgresql' ? postgres : []),
    readFile: (path) => files[path],
    isRoot: options.isRoot ?? false,
    env: { PATH: '/usr/bin:/bin' },
    nodeVersion: options.nodeVersion ?? '20.19.0',
  };
  const lines: string[] = [];
  const failures: string[] = [];
  const run = (extra: { npm?: boolean; simulate?: boolean } = {}) =>
    setUp({
      command: '`npm run rehearse`',
      system,
      list: '/repo/list',
      dir: '/repo',
      log: (line) => lines.push(line),
      fail: (paragraph) => failures.push(paragraph),
      ...extra,
    });
  const aptRuns = () => calls.filter((call) => [call.command, ...call.args].includes('apt-get'));
  const npmRuns = () => calls.filter((call) => call.command === 'npm');
  return { system, calls, lines, failures, run, aptRuns, npmRuns };
}

describe('the package list', () => {
  it('reads packages and probes, skipping comments and blank lines', () => {
    expect(parsePackageList(LIST)).toEqual([
      { name: 'openssl', kind: 'command', target: 'openssl', line: 2, whenRoot: false },
      { name: 'postgresql', kind: 'postgres', target: 'initdb', line: 3, whenRoot: false },
      { name: 'python3-alembic', kind: 'python', target: 'alembic', line: 5, whenRoot: false },
      { name: 'docker-registry', kind: 'command', target: 'docker-registry', line: 6, whenRoot: false },
    ]);
    expect(parsePackageList('util-linux command:runuser when-root\n')).toEqual([
      { name: 'util-linux', kind: 'command', target: 'runuser', line: 1, whenRoot: true },
    ]);
  });

  it.each([
    ['a package without its probe', 'openssl\n', 'list:1'],
    ['an unknown probe kind', 'openssl binary:openssl\n', 'list:1'],
    ['a third word other than when-root', '# c\nopenssl command:openssl extra\n', 'list:2'],
    ['a name Debian does not allow', 'Open_SSL command:openssl\n', 'list:1'],
  ])('names the line of %s', (_, text, where) => {
    expect(() => parsePackageList(text, 'list')).toThrow(new RegExp(`^${where}: expected`));
  });

  it('refuses a package listed twice and a list without packages', () => {
    expect(() => parsePackageList('jq command:jq\njq command:jq\n', 'list')).toThrow(
      'list:2: jq is listed twice',
    );
    expect(() => parsePackageList('# nothing\n', 'list')).toThrow('list: lists no package');
  });

  it('is the list in .ci/debian-packages, with every package the README used to list', () => {
    const names = parsePackageList(readFileSync(PACKAGE_LIST, 'utf8')).map((pkg) => pkg.name);
    for (const name of [
      'openssl',
      'postgresql',
      'python3-alembic',
      'python3-psycopg2',
      'python3-sqlalchemy',
      'docker-registry',
      'buildah',
      'podman',
      'skopeo',
      'umoci',
      'jq',
      'python3-fastapi',
      'python3-uvicorn',
      'python3-jwt',
      'python3-cryptography',
      'python3-yaml',
      'python3-pytest',
      'python3-httpx',
    ]) {
      expect(names).toContain(name);
    }
  });
});

describe("dpkg-query's answer", () => {
  it('counts only packages whose state is installed', () => {
    const stdout = [
      'jq\tinstall ok installed',
      'umoci\thold ok installed',
      'podman\tdeinstall ok config-files',
      'skopeo\tunknown ok not-installed',
      'buildah\tinstall ok half-configured',
      '',
    ].join('\n');
    expect([...parseDpkgStatus(stdout)].sort()).toEqual(['jq', 'umoci']);
  });
});

describe('what is missing', () => {
  it('is what dpkg does not report installed, asked in one dpkg-query and one Python call', () => {
    const { system, calls } = machine({ installed: ['openssl', 'postgresql'] });
    const { missing, unusable, dpkg } = findMissing(parsePackageList(LIST), system);
    expect(missing.map((pkg) => pkg.name)).toEqual(['python3-alembic', 'docker-registry']);
    expect(unusable).toEqual([]);
    expect(dpkg).toBe(true);
    expect(calls.filter((call) => call.command === 'dpkg-query')).toHaveLength(1);
    expect(calls.filter((call) => call.command === '/usr/bin/python3')).toHaveLength(1);
  });

  it('calls an installed package whose command, module or server binary is not found unusable', () => {
    const { system } = machine({ commands: ['openssl'], modules: [], postgres: [] });
    const { missing, unusable } = findMissing(parsePackageList(LIST), system);
    expect(missing).toEqual([]);
    expect(unusable.map((pkg) => pkg.name)).toEqual(['postgresql', 'python3-alembic', 'docker-registry']);
  });

  it('probes a when-root tool only when running as root', () => {
    const packages = parsePackageList('util-linux command:runuser when-root\n');
    const user = machine({ installed: ['util-linux'], commands: [] });
    expect(findMissing(packages, user.system).unusable).toEqual([]);
    const rootUser = machine({ installed: ['util-linux'], commands: [], isRoot: true });
    expect(findMissing(packages, rootUser.system).unusable.map((pkg) => pkg.name)).toEqual(['util-linux']);
  });

  it('finds the server binaries under PG_BINDIR when it is set', () => {
    const { system } = machine();
    system.env['PG_BINDIR'] = '/opt/pg/bin';
    const { unusable } = findMissing(parsePackageList(LIST), system);
    expect(unusable.map((pkg) => pkg.name)).toEqual(['postgresql']);
  });

  it('without dpkg, is what the probes do not find', () => {
    const { system } = machine({ dpkg: false, installed: [], commands: ['openssl'] });
    const { missing, unusable, dpkg } = findMissing(parsePackageList(LIST), system);
    expect(missing.map((pkg) => pkg.name)).toEqual(['docker-registry']);
    expect(unusable).toEqual([]);
    expect(dpkg).toBe(false);
  });
});

describe('who may install', () => {
  it('root installs directly, without asking sudo', () => {
    const { system, calls } = machine({ isRoot: true, sudo: 'passwordless' });
    expect(installAccess(system)).toEqual({ via: 'root' });
    expect(calls).toEqual([]);
  });

  it('a user with passwordless sudo installs with sudo (checked with sudo -n true)', () => {
    const { system, calls } = machine({ sudo: 'passwordless' });
    expect(installAccess(system)).toEqual({ via: 'sudo' });
    expect(calls.map((call) => [call.command, ...call.args])).toEqual([['sudo', '-n', 'true']]);
  });

  it.each([
    [{ sudo: 'password' } as const, 'this user is not root, and sudo asks for a password'],
    [{ sudo: 'none' } as const, 'this user is not root and has no sudo'],
    [{ isRoot: true, aptGet: false }, 'this machine has no apt-get'],
  ])('no one else: %o', (options, reason) => {
    expect(installAccess(machine(options).system)).toEqual({ via: 'none', reason });
  });

  it('apt-get runs noninteractive, without recommends, sudo -n and env carrying DEBIAN_FRONTEND', () => {
    expect(aptCalls(['jq', 'umoci'], 'root').map((c) => [c.command, ...c.args].join(' '))).toEqual([
      'apt-get update -qq',
      'env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends jq umoci',
    ]);
    expect(aptCalls(['jq'], 'sudo', { simulate: true }).map((c) => [c.command, ...c.args].join(' '))).toEqual(
      [
        'sudo -n apt-get update -qq',
        'sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends --simulate jq',
      ],
    );
  });
});

describe('the set-up', () => {
  it('with everything there: nothing to install, exit 0, no apt-get, no npm ci', () => {
    const m = machine();
    expect(m.run()).toBe(0);
    expect(m.aptRuns()).toEqual([]);
    expect(m.npmRuns()).toEqual([]);
    expect(m.failures).toEqual([]);
    expect(m.lines).toEqual([
      expect.stringMatching(/^setup: ready in \d+\.\d s: the 4 Debian packages .* nothing to install\.$/),
    ]);
  });

  it('as root: apt-get update, then install of the missing packages only, checked again after', () => {
    const m = machine({ isRoot: true, installed: ['openssl', 'postgresql'] });
    expect(m.run()).toBe(0);
    expect(m.aptRuns().map((call) => [call.command, ...call.args].join(' '))).toEqual([
      'apt-get update -qq',
      'env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-alembic docker-registry',
    ]);
    expect(m.aptRuns().every((call) => call.options?.inherit === true)).toBe(true);
    expect(m.calls.filter((call) => call.command === 'dpkg-query')).toHaveLength(2);
    expect(m.lines[0]).toBe(
      'setup: installing 2 missing Debian packages (as root): python3-alembic docker-registry',
    );
    expect(m.lines.at(-1)).toMatch(/after the install above\.$/);
  });

  it('with passwordless sudo: the same calls through sudo -n', () => {
    const m = machine({ sudo: 'passwordless', installed: ['openssl', 'postgresql', 'python3-alembic'] });
    expect(m.run()).toBe(0);
    expect(m.aptRuns().map((call) => [call.command, ...call.args].join(' '))).toEqual([
      'sudo -n apt-get update -qq',
      'sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry',
    ]);
  });

  it('neither root nor passwordless sudo: exit 2 before anything, with one paragraph and the command', () => {
    const m = machine({ sudo: 'password', installed: ['openssl'], nodeModules: 'missing' });
    expect(m.run()).toBe(2);
    expect(m.aptRuns()).toEqual([]);
    expect(m.npmRuns()).toEqual([]);
    expect(m.lines).toEqual([]);
    expect(m.failures).toEqual([
      'setup: `npm run rehearse` needs 3 Debian packages that are not installed: postgresql, ' +
        'python3-alembic, docker-registry (the list is .ci/debian-packages). Nothing was started, and ' +
        'nothing can be installed from here: this user is not root, and sudo asks for a password. ' +
        'This one command installs them; then run `npm run rehearse` again:\n\n' +
        '    sudo apt-get update && sudo apt-get install -y --no-install-recommends postgresql python3-alembic docker-registry',
    ]);
  });

  it('a single missing package reads in the singular', () => {
    const m = machine({ installed: PACKAGES.slice(1) });
    expect(m.run()).toBe(2);
    expect(m.failures[0]).toMatch(/needs 1 Debian package that is not installed: openssl .* installs it;/);
  });

  it('an installed package that is not usable: exit 2, the reinstall command, no apt-get', () => {
    const m = machine({ isRoot: true, commands: ['openssl'] });
    expect(m.run()).toBe(2);
    expect(m.aptRuns()).toEqual([]);
    expect(m.failures).toEqual([
      expect.stringContaining(
        '1 package is installed but not usable: docker-registry (the command docker-registry is not found). ' +
          'Installing again will not help: check PATH (/usr/bin:/bin), or reinstall with ' +
          '`apt-get update && apt-get install -y --reinstall --no-install-recommends docker-registry`.',
      ),
    ]);
  });

  it('a command in a system folder that PATH lacks: says where it is', () => {
    const m = machine({ commands: ['openssl'] });
    const exists = m.system.exists;
    m.system.exists = (path) => path === '/usr/sbin/docker-registry' || exists(path);
    expect(m.run()).toBe(2);
    expect(m.failures[0]).toContain(
      'docker-registry (the command docker-registry is not found; it is in /usr/sbin, which PATH lacks)',
    );
  });

  it('without dpkg: names what is not found and which Debian package provides it', () => {
    const m = machine({ dpkg: false, isRoot: true, commands: ['openssl'] });
    expect(m.run()).toBe(2);
    expect(m.aptRuns()).toEqual([]);
    expect(m.failures[0]).toContain(
      'needs a tool that this machine lacks: the command docker-registry (Debian package docker-registry).',
    );
    expect(m.failures[0]).toContain('dpkg-query is not on PATH');
  });

  it('a failing apt-get: exit 1, and npm ci is not started', () => {
    const m = machine({ isRoot: true, installed: [], aptStatus: 100, nodeModules: 'missing' });
    expect(m.run()).toBe(1);
    expect(m.npmRuns()).toEqual([]);
    expect(m.failures).toEqual([
      expect.stringMatching(
        /^setup: `env DEBIAN_FRONTEND=noninteractive apt-get install .*` failed \(exit 100\)/,
      ),
    ]);
  });

  it('apt-get succeeding without installing: exit 1, naming what is still missing', () => {
    const m = machine({ isRoot: true, installed: ['openssl'], aptInstalls: false });
    expect(m.run()).toBe(1);
    expect(m.failures[0]).toMatch(/yet postgresql, python3-alembic, docker-registry are still not installed/);
  });

  it('--simulate: apt-get install --simulate, not checked again, said so', () => {
    const m = machine({ isRoot: true, installed: PACKAGES.slice(0, 3), aptInstalls: false });
    expect(m.run({ simulate: true })).toBe(0);
    expect(m.aptRuns().at(-1)?.args).toContain('--simulate');
    expect(m.calls.filter((call) => call.command === 'dpkg-query')).toHaveLength(1);
    expect(m.lines.at(-1)).toMatch(/\(the install above was simulated\)\.$/);
  });

  it('node_modules missing: npm ci after the Debian packages; failing: exit 1', () => {
    const m = machine({ nodeModules: 'missing' });
    expect(m.run()).toBe(0);
    expect(m.npmRuns().map((call) => call.args)).toEqual([['ci', '--no-audit', '--no-fund']]);
    const failing = machine({ nodeModules: 'missing', npmStatus: 1 });
    expect(failing.run()).toBe(1);
    expect(failing.failures[0]).toMatch(/^setup: `npm ci` failed \(exit 1\)/);
    const skipped = machine({ nodeModules: 'missing' });
    expect(skipped.run({ npm: false })).toBe(0);
    expect(skipped.npmRuns()).toEqual([]);
  });

  it('an older Node than package.json allows: exit 2 before anything', () => {
    const m = machine({ nodeVersion: '18.20.4', installed: [] });
    expect(m.run()).toBe(2);
    expect(m.calls).toEqual([]);
    expect(m.failures[0]).toContain('needs Node.js 20.19 or newer');
    expect(nodeIsRecentEnough('20.19.0')).toBe(true);
    expect(nodeIsRecentEnough('20.18.3')).toBe(false);
    expect(nodeIsRecentEnough('24.0.0')).toBe(true);
  });

  it('the refusal for missing and unusable packages together: both, in two paragraphs', () => {
    const { system } = machine();
    const packages = parsePackageList(LIST);
    const text = refusal({
      command: '`npm run test:all`',
      missing: packages.slice(0, 1),
      unusable: packages.slice(3),
      dpkg: true,
      reason: 'this user is not root and has no sudo',
      system,
    });
    expect(text.split('\n\n')).toHaveLength(3);
    expect(text).toContain('Also, 1 package is installed but not usable: docker-registry');
  });
});

describe('node_modules against package-lock.json', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const locked = {
    '': { name: 'x' },
    'node_modules/a': { version: '1.0.0' },
    'node_modules/b': { version: '2.0.0', dev: true },
    'node_modules/@esbuild/darwin-arm64': { version: '0.25.0', optional: true },
  };
  function project(tree: Record<string, { version: string }> | undefined, folders = ['a', 'b']): string {
    const dir = mkdtempSync(join(tmpdir(), 'setup-modules-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ packages: locked }));
    for (const folder of folders) {
      mkdirSync(join(dir, 'node_modules', folder), { recursive: true });
      writeFileSync(join(dir, 'node_modules', folder, 'package.json'), '{}');
    }
    if (tree) {
      writeFileSync(join(dir, 'node_modules', '.package-lock.json'), JSON.stringify({ packages: tree }));
    }
    return dir;
  }
  const system = realSystem();
  const a = { version: '1.0.0' };
  const b = { version: '2.0.0' };

  it("is current when npm's record matches (a platform's optional package may be absent)", () => {
    expect(nodeModulesState(project({ 'node_modules/a': a, 'node_modules/b': b }), system)).toEqual({
      state: 'current',
    });
  });

  it.each([
    ['never installed', undefined, undefined, { state: 'missing', why: 'node_modules is not installed' }],
    [
      'a package at another version',
      { 'node_modules/a': { version: '0.9.0' }, 'node_modules/b': b },
      undefined,
      { state: 'stale', why: 'a is 0.9.0, package-lock.json has 1.0.0' },
    ],
    [
      'a locked package not installed',
      { 'node_modules/a': a },
      undefined,
      { state: 'stale', why: 'b is not installed' },
    ],
    [
      'a package the lock no longer has',
      { 'node_modules/a': a, 'node_modules/b': b, 'node_modules/c': { version: '1.0.0' } },
      undefined,
      { state: 'stale', why: 'c is installed but not in package-lock.json' },
    ],
    [
      "a package's folder deleted",
      { 'node_modules/a': a, 'node_modules/b': b },
      ['a'],
      { state: 'stale', why: 'node_modules/b is gone' },
    ],
  ] as const)('is not current with %s', (_, tree, folders, expected) => {
    expect(nodeModulesState(project(tree, folders ? [...folders] : undefined), system)).toEqual(expected);
  });

  it('is current in this checkout (what npm ci made here)', () => {
    expect(nodeModulesState(root, system)).toEqual({ state: 'current' });
  });
});
