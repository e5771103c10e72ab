// The set-up that `npm run rehearse` and `npm run test:all` do first, on a fresh Debian or
// Ubuntu machine: the Debian packages of .ci/debian-packages (the one list, which .ci/run and
// the CI workflow use too) and the npm packages of package-lock.json. What is missing is
// installed when this user can (root, or sudo without a password); otherwise it stops before
// anything starts, with one paragraph that names what is missing and the one command that
// installs it (exit 2). Plain Node, no dependencies: it runs before `npm ci` has.
//
//   node scripts/setup.mjs [--for rehearse|test] [--no-npm] [--simulate]
//
// --for names the command in the messages; --no-npm checks the Debian side only; --simulate
// passes --simulate to apt-get install (it shows what would be installed and changes nothing).
// For tests: SETUP_PACKAGE_LIST reads another list, SETUP_AS_NON_ROOT=1 acts as a user who is
// not root.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join, relative } from 'node:path';

export const root = join(import.meta.dirname, '..');
export const PACKAGE_LIST = join(root, '.ci', 'debian-packages');
/** Debian's Python: its python3-* modules are there (the python3 first on PATH may be another). */
export const DEBIAN_PYTHON = '/usr/bin/python3';
/** From package.json's engines. */
export const NODE_MINIMUM = [20, 19];

/** The commands that do this set-up first, as the messages name them. */
export const COMMANDS = /** @type {const} */ ({
  rehearse: '`npm run rehearse`',
  test: '`npm run test:all`',
});

/**
 * @typedef {'command' | 'python' | 'postgres'} ProbeKind
 * @typedef {{ name: string, kind: ProbeKind, target: string, line: number, whenRoot: boolean }} DebianPackage
 * @typedef {{ status: number | null, stdout: string, stderr: string, error?: Error }} RunResult
 * @typedef {{ env?: Record<string, string>, inherit?: boolean }} RunOptions
 * @typedef {{
 *   run: (command: string, args: string[], options?: RunOptions) => RunResult,
 *   which: (name: string) => string | undefined,
 *   exists: (path: string) => boolean,
 *   readdir: (path: string) => string[],
 *   readFile: (path: string) => string | undefined,
 *   isRoot: boolean,
 *   env: Record<string, string | undefined>,
 *   nodeVersion: string,
 * }} System
 */

/**
 * Reads the package list: one package a line, then its probe (`command:NAME`, `python:MODULE`
 * or `postgres:NAME`), then optionally `when-root` (probed only when running as root: a tool
 * started only then); `#` starts a comment. A malformed line is an error naming its line.
 * @param {string} text
 * @param {string} [file]
 * @returns {DebianPackage[]}
 */
export function parsePackageList(text, file = '.ci/debian-packages') {
  /** @type {DebianPackage[]} */
  const packages = [];
  const seen = new Set();
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const content = raw.replace(/#.*/, '').trim();
    if (!content) return;
    const words = content.split(/\s+/);
    const [name = '', probe = '', when] = words;
    const match = /^(command|python|postgres):([\w.+-]+)$/.exec(probe);
    const valid = words.length === 2 || (words.length === 3 && when === 'when-root');
    if (!valid || !/^[a-z0-9][a-z0-9+.-]+$/.test(name) || !match) {
      throw new Error(
        `${file}:${line}: expected "<package> command:NAME|python:MODULE|postgres:NAME [when-root]", got "${content}"`,
      );
    }
    if (seen.has(name)) throw new Error(`${file}:${line}: ${name} is listed twice`);
    seen.add(name);
    packages.push({
      name,
      kind: /** @type {ProbeKind} */ (match[1]),
      target: match[2] ?? '',
      line,
      whenRoot: when === 'when-root',
    });
  });
  if (packages.length === 0) throw new Error(`${file}: lists no package`);
  return packages;
}

/**
 * The installed packages among those asked for, from
 * `dpkg-query -W -f='${Package}\t${Status}\n' …` (Status: `want ok state`, e.g.
 * `install ok installed`; `deinstall ok config-files` is a removed package). Packages that dpkg
 * has never seen are absent from its output (it names them on stderr and exits 1).
 * @param {string} stdout
 * @returns {Set<string>}
 */
export function parseDpkgStatus(stdout) {
  const installed = new Set();
  for (const line of stdout.split('\n')) {
    const [name, status = ''] = line.split('\t');
    if (name && status.trim().split(/\s+/)[2] === 'installed') installed.add(name.trim());
  }
  return installed;
}

/** @param {DebianPackage} pkg */
export function probeText(pkg) {
  switch (pkg.kind) {
    case 'command':
      return `the command ${pkg.target}`;
    case 'python':
      return `the Python module ${pkg.target} (${DEBIAN_PYTHON})`;
    case 'postgres':
      return `PostgreSQL's ${pkg.target} (/usr/lib/postgresql/<version>/bin)`;
  }
}

/**
 * The packages whose probe fails: a command not on PATH, a module that Debian's Python does not
 * find (one Python process for all of them), a PostgreSQL server binary not found.
 * @param {DebianPackage[]} packages
 * @param {System} system
 * @returns {Set<string>}
 */
export function failedProbes(packages, system) {
  const failed = new Set();
  const modules = packages.filter((pkg) => pkg.kind === 'python');
  /** @type {Set<string> | undefined} */
  let missingModules;
  if (modules.length > 0) {
    const script =
      'import importlib.util, sys\n' +
      'for name in sys.argv[1:]:\n' +
      '    if importlib.util.find_spec(name) is None: print(name)\n';
    const result = system.run(DEBIAN_PYTHON, ['-c', script, ...modules.map((pkg) => pkg.target)]);
    missingModules =
      result.status === 0
        ? new Set(result.stdout.split('\n').filter(Boolean))
        : new Set(modules.map((pkg) => pkg.target));
  }
  const pgBinDir = system.env['PG_BINDIR'];
  for (const pkg of packages) {
    let ok;
    if (pkg.whenRoot && !system.isRoot) ok = true;
    else if (pkg.kind === 'command') ok = system.which(pkg.target) !== undefined;
    else if (pkg.kind === 'python') ok = !missingModules?.has(pkg.target);
    else if (pgBinDir) ok = system.exists(join(pgBinDir, pkg.target));
    else {
      const base = '/usr/lib/postgresql';
      ok = system.readdir(base).some((version) => system.exists(join(base, version, 'bin', pkg.target)));
    }
    if (!ok) failed.add(pkg.name);
  }
  return failed;
}

/**
 * What is missing. With dpkg: the packages it does not report installed (`missing`), and those it
 * does whose probe fails all the same (`unusable`: installing again would not help). Without
 * dpkg (not Debian): the packages whose probe fails, all `missing`.
 * @param {DebianPackage[]} packages
 * @param {System} system
 * @returns {{ missing: DebianPackage[], unusable: DebianPackage[], dpkg: boolean }}
 */
export function findMissing(packages, system) {
  const failed = failedProbes(packages, system);
  if (system.which('dpkg-query') === undefined) {
    return { missing: packages.filter((pkg) => failed.has(pkg.name)), unusable: [], dpkg: false };
  }
  const names = packages.map((pkg) => pkg.name);
  const query = system.run('dpkg-query', ['-W', '-f=${Package}\t${Status}\n', ...names]);
  const installed = parseDpkgStatus(query.stdout);
  return {
    missing: packages.filter((pkg) => !installed.has(pkg.name)),
    unusable: packages.filter((pkg) => installed.has(pkg.name) && failed.has(pkg.name)),
    dpkg: true,
  };
}

/**
 * Whether this user can install Debian packages: as root, or with sudo that needs no password
 * (`sudo -n true`), and only where apt-get exists.
 * @param {System} system
 * @returns {{ via: 'root' | 'sudo' } | { via: 'none', reason: string }}
 */
export function installAccess(system) {
  if (system.which('apt-get') === undefined) return { via: 'none', reason: 'this machine has no apt-get' };
  if (system.isRoot) return { via: 'root' };
  if (system.which('sudo') === undefined) {
    return { via: 'none', reason: 'this user is not root and has no sudo' };
  }
  if (system.run('sudo', ['-n', 'true']).status === 0) return { via: 'sudo' };
  return { via: 'none', reason: 'this user is not root, and sudo asks for a password' };
}

/**
 * The apt-get calls that install `names`: update, then install without recommends and without
 * questions. With sudo, `env` carries DEBIAN_FRONTEND past sudo's environment reset.
 * @param {string[]} names
 * @param {'root' | 'sudo'} via
 * @param {{ simulate?: boolean }} [options]
 * @returns {{ command: string, args: string[], env: Record<string, string> }[]}
 */
export function aptCalls(names, via, options = {}) {
  const install = [
    'install',
    '-y',
    '-qq',
    '--no-install-recommends',
    ...(options.simulate ? ['--simulate'] : []),
  ];
  const calls = [
    ['apt-get', 'update', '-qq'],
    ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...install, ...names],
  ];
  return calls.map((argv) => {
    const full = via === 'sudo' ? ['sudo', '-n', ...argv] : argv;
    return { command: full[0] ?? '', args: full.slice(1), env: { DEBIAN_FRONTEND: 'noninteractive' } };
  });
}

/**
 * The one command a person runs to install `names` where this script cannot.
 * @param {string[]} names
 * @param {System} system
 */
export function installCommand(names, system) {
  const list = names.join(' ');
  if (system.which('sudo') !== undefined || !system.isRoot) {
    return `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${list}`;
  }
  return `apt-get update && apt-get install -y --no-install-recommends ${list}`;
}

/** Where Debian puts executables: a command found in one that PATH lacks is named so. */
const SYSTEM_FOLDERS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * `; it is in /usr/sbin, which PATH lacks` for a command that is there, else nothing.
 * @param {DebianPackage} pkg
 * @param {System} system
 */
function elsewhere(pkg, system) {
  if (pkg.kind !== 'command') return '';
  const folder = SYSTEM_FOLDERS.find((dir) => system.exists(join(dir, pkg.target)));
  return folder ? `; it is in ${folder}, which PATH lacks` : '';
}

/** @param {DebianPackage[]} packages */
const names = (packages) => packages.map((pkg) => pkg.name);
/** @param {number} count @param {string} one @param {string} many */
const plural = (count, one, many) => `${count} ${count === 1 ? one : many}`;

/**
 * The paragraph printed when the set-up stops before starting anything: what is missing and the
 * one command that installs it.
 * @param {{
 *   command: string,
 *   missing: DebianPackage[],
 *   unusable: DebianPackage[],
 *   dpkg: boolean,
 *   reason: string,
 *   system: System,
 * }} facts
 */
export function refusal({ command, missing, unusable, dpkg, reason, system }) {
  const parts = [];
  if (missing.length > 0 && dpkg) {
    parts.push(
      `${command} needs ${plural(missing.length, 'Debian package', 'Debian packages')} that ` +
        `${missing.length === 1 ? 'is' : 'are'} not installed: ${names(missing).join(', ')} ` +
        `(the list is .ci/debian-packages). Nothing was started, and nothing can be installed from ` +
        `here: ${reason}. This one command installs ${missing.length === 1 ? 'it' : 'them'}; then run ` +
        `${command} again:\n\n` +
        `    ${installCommand(names(missing), system)}`,
    );
  } else if (missing.length > 0) {
    parts.push(
      `${command} needs ${missing.length === 1 ? 'a tool' : 'tools'} that this machine lacks: ` +
        `${missing.map((pkg) => `${probeText(pkg)} (Debian package ${pkg.name})`).join(', ')}. ` +
        `Nothing was started. dpkg-query is not on PATH, so this cannot install ` +
        `${missing.length === 1 ? 'it' : 'them'}: install ${missing.length === 1 ? 'it' : 'them'} with ` +
        `this system's package manager (on Debian or Ubuntu: \`${installCommand(names(missing), system)}\`), ` +
        `then run ${command} again.`,
    );
  }
  if (unusable.length > 0) {
    parts.push(
      `${missing.length > 0 ? 'Also, ' : `${command} cannot start, nothing was started: `}` +
        `${plural(unusable.length, 'package is', 'packages are')} installed but not usable: ` +
        `${unusable.map((pkg) => `${pkg.name} (${probeText(pkg)} is not found${elsewhere(pkg, system)})`).join(', ')}. ` +
        `Installing again will not help: check PATH (${system.env['PATH'] ?? 'unset'})` +
        `${unusable.some((pkg) => pkg.kind === 'postgres') ? ' and PG_BINDIR' : ''}, or reinstall with ` +
        `\`${installCommand(names(unusable), system).replace('install -y', 'install -y --reinstall')}\`.`,
    );
  }
  return parts.join('\n\n');
}

/**
 * Whether node_modules is what `npm ci` makes of package-lock.json: npm's own record of the
 * tree (node_modules/.package-lock.json) lists every locked package at its locked version (an
 * optional one may be absent: npm skips those for other platforms), nothing else, and each
 * required package's folder is there.
 * @param {string} dir the project's folder
 * @param {System} system
 * @returns {{ state: 'current' } | { state: 'missing' | 'stale', why: string }}
 */
export function nodeModulesState(dir, system) {
  const lockText = system.readFile(join(dir, 'package-lock.json'));
  if (lockText === undefined) return { state: 'stale', why: 'package-lock.json is missing' };
  const treeText = system.readFile(join(dir, 'node_modules', '.package-lock.json'));
  if (treeText === undefined) return { state: 'missing', why: 'node_modules is not installed' };
  /** @typedef {{ version?: string, optional?: boolean, devOptional?: boolean, link?: boolean }} Entry */
  /** @type {Record<string, Entry>} */
  let locked;
  /** @type {Record<string, Entry>} */
  let installed;
  try {
    locked = /** @type {{ packages: Record<string, Entry> }} */ (JSON.parse(lockText)).packages;
    installed = /** @type {{ packages: Record<string, Entry> }} */ (JSON.parse(treeText)).packages;
  } catch {
    return { state: 'stale', why: 'node_modules/.package-lock.json is not what npm writes' };
  }
  for (const [path, entry] of Object.entries(locked)) {
    if (path === '' || entry.link) continue;
    const have = installed[path];
    if (have === undefined) {
      if (entry.optional || entry.devOptional) continue;
      return { state: 'stale', why: `${path.replace(/^node_modules\//, '')} is not installed` };
    }
    if (have.version !== entry.version) {
      return {
        state: 'stale',
        why: `${path.replace(/^node_modules\//, '')} is ${have.version ?? '?'}, package-lock.json has ${entry.version ?? '?'}`,
      };
    }
    if (!system.exists(join(dir, path, 'package.json'))) {
      return { state: 'stale', why: `${path} is gone` };
    }
  }
  for (const path of Object.keys(installed)) {
    if (path !== '' && locked[path] === undefined) {
      return {
        state: 'stale',
        why: `${path.replace(/^node_modules\//, '')} is installed but not in package-lock.json`,
      };
    }
  }
  return { state: 'current' };
}

/**
 * @param {string} version e.g. `20.19.0`
 * @returns {boolean}
 */
export function nodeIsRecentEnough(version) {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const [wantMajor = 0, wantMinor = 0] = NODE_MINIMUM;
  return major > wantMajor || (major === wantMajor && minor >= wantMinor);
}

/**
 * The whole set-up. Returns the exit code: 0 ready, 1 an install failed, 2 stopped before
 * starting anything because something is missing that this user cannot install.
 * @param {{
 *   command: string,
 *   system: System,
 *   npm?: boolean,
 *   simulate?: boolean,
 *   list?: string,
 *   dir?: string,
 *   quietWhenReady?: boolean,
 *   log?: (line: string) => void,
 *   fail?: (paragraph: string) => void,
 * }} options
 * @returns {0 | 1 | 2}
 */
export function setUp({
  command,
  system,
  npm = true,
  simulate = false,
  list = PACKAGE_LIST,
  dir = root,
  quietWhenReady = false,
  log = (line) => console.log(line),
  fail = (paragraph) => console.error(paragraph),
}) {
  const started = performance.now();
  if (!nodeIsRecentEnough(system.nodeVersion)) {
    fail(
      `setup: ${command} needs Node.js ${NODE_MINIMUM.join('.')} or newer (package.json's engines); ` +
        `this is ${system.nodeVersion}. Nothing was started. Install a current Node.js 20 or 24 ` +
        `(https://nodejs.org/en/download), then run ${command} again.`,
    );
    return 2;
  }
  const text = system.readFile(list);
  if (text === undefined) {
    fail(`setup: the package list ${relative(dir, list) || list} is missing: restore it from git.`);
    return 2;
  }
  let packages;
  try {
    packages = parsePackageList(text, relative(dir, list) || list);
  } catch (error) {
    fail(`setup: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }

  let { missing, unusable, dpkg } = findMissing(packages, system);
  const installed = missing.length;
  if (missing.length > 0) {
    const access = installAccess(system);
    if (access.via === 'none' || !dpkg) {
      const reason = access.via === 'none' ? access.reason : 'this machine has no dpkg';
      fail(`setup: ${refusal({ command, missing, unusable, dpkg, reason, system })}`);
      return 2;
    }
    log(
      `setup: installing ${plural(missing.length, 'missing Debian package', 'missing Debian packages')} ` +
        `(${access.via === 'root' ? 'as root' : 'with sudo'}${simulate ? ', simulated' : ''}): ${names(missing).join(' ')}`,
    );
    for (const call of aptCalls(names(missing), access.via, { simulate })) {
      log(`setup: ${[call.command, ...call.args].join(' ')}`);
      const result = system.run(call.command, call.args, { env: call.env, inherit: true });
      if (result.status !== 0) {
        fail(
          `setup: \`${[call.command, ...call.args].join(' ')}\` failed (${result.error?.message ?? `exit ${String(result.status)}`}); ` +
            `its output is above. Nothing else was started: fix that and run ${command} again.`,
        );
        return 1;
      }
    }
    if (!simulate) {
      ({ missing, unusable, dpkg } = findMissing(packages, system));
      if (missing.length > 0) {
        fail(
          `setup: apt-get finished, yet ${names(missing).join(', ')} ${missing.length === 1 ? 'is' : 'are'} ` +
            `still not installed: see apt-get's output above. Nothing else was started.`,
        );
        return 1;
      }
    }
  }
  if (unusable.length > 0) {
    fail(`setup: ${refusal({ command, missing: [], unusable, dpkg, reason: '', system })}`);
    return 2;
  }
  const debianLine = `${plural(packages.length, 'Debian package', 'Debian packages')} of ${relative(dir, list) || list}`;

  if (npm) {
    const modules = nodeModulesState(dir, system);
    if (modules.state !== 'current') {
      if (system.which('npm') === undefined) {
        fail(
          `setup: ${command} needs the npm packages (${modules.why}), and npm is not on PATH. ` +
            `Nothing was started. Install Node.js with npm (on Debian: \`sudo apt-get install -y npm\`), ` +
            `then run ${command} again.`,
        );
        return 2;
      }
      log(`setup: ${modules.why}: npm ci`);
      const result = system.run('npm', ['ci', '--no-audit', '--no-fund'], { inherit: true });
      if (result.status !== 0) {
        fail(
          `setup: \`npm ci\` failed (${result.error?.message ?? `exit ${String(result.status)}`}); its output is above. ` +
            `Nothing else was started: fix that and run ${command} again.`,
        );
        return 1;
      }
    }
  }
  if (quietWhenReady && installed === 0) return 0;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log(
    `setup: ready in ${seconds} s: the ${debianLine}${npm ? ' and node_modules (as package-lock.json locks it)' : ''}` +
      `${installed === 0 ? ', nothing to install' : simulate ? ' (the install above was simulated)' : ', after the install above'}.`,
  );
  return 0;
}

/**
 * The machine as it is.
 * @param {Record<string, string | undefined>} [env]
 * @returns {System}
 */
export function realSystem(env = process.env) {
  return {
    run(command, args, options = {}) {
      const result = spawnSync(command, args, {
        encoding: 'utf8',
        stdio: options.inherit ? 'inherit' : 'pipe',
        env: { ...env, ...options.env },
        cwd: root,
      });
      return {
        status: result.status,
        stdout: result.stdout ?? '',
        stderr: result.stderr ?? '',
        ...(result.error ? { error: result.error } : {}),
      };
    },
    which(name) {
      for (const folder of (env['PATH'] ?? '').split(delimiter)) {
        if (!folder) continue;
        const candidate = join(folder, name);
        try {
          accessSync(candidate, constants.X_OK);
          if (statSync(candidate).isFile()) return candidate;
        } catch {
          // not here
        }
      }
      return undefined;
    },
    exists: (path) => existsSync(path),
    readdir(path) {
      try {
        return readdirSync(path);
      } catch {
        return [];
      }
    },
    readFile(path) {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    isRoot: process.getuid?.() === 0 && env['SETUP_AS_NON_ROOT'] !== '1',
    env,
    nodeVersion: process.versions.node,
  };
}

/**
 * For the two commands: the set-up with this machine, exiting with its code unless ready.
 * @param {keyof typeof COMMANDS} which
 * @param {{ npm?: boolean, quietWhenReady?: boolean }} [options]
 */
export function setUpOrExit(which, options = {}) {
  const env = process.env;
  const code = setUp({
    command: COMMANDS[which],
    system: realSystem(env),
    ...options,
    ...(env['SETUP_PACKAGE_LIST'] ? { list: env['SETUP_PACKAGE_LIST'] } : {}),
  });
  if (code !== 0) process.exit(code);
}

const isMain = process.argv[1] !== undefined && import.meta.filename === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  const forIndex = args.indexOf('--for');
  const which = forIndex >= 0 ? args[forIndex + 1] : undefined;
  const known = ['--for', '--no-npm', '--simulate', ...Object.keys(COMMANDS)];
  const unknown = args.filter((arg) => !known.includes(arg));
  if (unknown.length > 0 || (which !== undefined && !(which in COMMANDS))) {
    console.error(
      `setup: unknown argument ${unknown[0] ?? which ?? ''}; usage: node scripts/setup.mjs [--for rehearse|test] [--no-npm] [--simulate]`,
    );
    process.exit(2);
  }
  const env = process.env;
  process.exit(
    setUp({
      command: which ? COMMANDS[/** @type {keyof typeof COMMANDS} */ (which)] : '`node scripts/setup.mjs`',
      system: realSystem(env),
      npm: !args.includes('--no-npm'),
      simulate: args.includes('--simulate'),
      ...(env['SETUP_PACKAGE_LIST'] ? { list: env['SETUP_PACKAGE_LIST'] } : {}),
    }),
  );
}
