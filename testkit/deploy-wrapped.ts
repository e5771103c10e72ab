// actions/deploy as the runner runs it, with the terraform stand-in behind a wrapper that first
// does something of a test's choosing for one command (start a background process, ignore
// signals, leave a lock file): what a real Terraform, its providers and provisioners do when
// they misbehave; Google is the local emulator (no gcloud on PATH). Used by the runner-level
// deadline and cancellation tests.
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  referenceBypass,
  REPOSITORY,
  PREVIOUS_COMMIT,
  RUN_COMMIT,
  serviceOutputs,
  servicePlan,
  stackDirs,
  standinsDir,
  terraformCalls,
  terraformSignals,
  writeTerraformScenario,
  type TerraformScenario,
} from './deploy-scenarios.js';
import { startGitHubApi, type GitHubApi } from './github-api.js';
import { emulatorRunEnv, putSecrets, startEmulator } from './google.js';
import { repoRoot, runAction, type RunOptions, type RunResult } from './local-runner.mjs';
import { isRunning } from './process.js';

export const IMAGE = `europe-west1-docker.pkg.dev/acme-dev/services/api@sha256:${'c3'.repeat(32)}`;
const GITHUB_TOKEN = 'ghs_WrappedRunnerToken7a2c9e4b1d8f3a6c5e0b';

/** The dev service scenario of the reference stack. */
export function devServiceScenario(apply: TerraformScenario['apply'] = {}): TerraformScenario {
  return {
    plan: {
      document: servicePlan({ environment: 'dev' }),
      requiredVariables: ['image'],
      bypass: referenceBypass('dev'),
    },
    apply,
    output: serviceOutputs(),
  };
}

export interface WrappedDeploy {
  /** The Terraform command the wrapper acts on: `init`, `plan`, `apply`… */
  command: string;
  /**
   * Bash run before the stand-in for that command, in the stack folder; `$PIDS` is a folder
   * where it may write pid files (`echo $! > "$PIDS/x.pid"`, read back as `pids.x`) and other
   * notes (`date +%s%3N > "$PIDS/plan.started"`, read back with `files`).
   */
  before: string;
  /** Run the stand-in after `before` (default), or end there. */
  thenStandin?: boolean;
  terraform?: TerraformScenario;
  inputs?: Record<string, string>;
  /** The runner's cancellation; given the stand-in's call log and the wrapper's notes to decide when. */
  cancel?: (terraformLog: string, note: (name: string) => string | undefined) => RunOptions['cancel'];
  timeoutMs?: number;
}

export interface WrappedResult {
  result: RunResult;
  /** The pids the wrapper wrote, by file name. */
  pids: Record<string, number>;
  /** What the wrapper wrote besides pids (`date +%s%3N` stamps, say), by file name. */
  files: (name: string) => string | undefined;
  /** When runAction returned (Date.now()). */
  endedAt: number;
  signals: string[];
  commands: string[];
  /** The stack folder (a private copy of the reference service stack). */
  stack: string;
}

/** Starts and stops the local GitHub API the stale-commit guard asks. */
export async function startCompareApi(): Promise<GitHubApi> {
  return startGitHubApi({
    repository: REPOSITORY,
    graph: { main: [PREVIOUS_COMMIT, RUN_COMMIT] },
    token: GITHUB_TOKEN,
  });
}

/**
 * Runs the deploy bundle on a private copy of the service stack with the wrapped terraform first
 * on PATH. Every pid the wrapper wrote is returned, and killed by `cleanup` if it still runs
 * (only those pids, which this test started).
 */
export async function runWrappedDeploy(
  test: WrappedDeploy,
  githubApi: GitHubApi,
  cleanups: (() => unknown)[],
): Promise<WrappedResult> {
  const home = mkdtempSync(join(tmpdir(), 'deploy-wrapped-'));
  const bin = join(home, 'bin');
  const pidsDir = join(home, 'pids');
  const stack = join(home, 'stack');
  cpSync(stackDirs.service, stack, { recursive: true });
  // The stand-ins (there is no gcloud among them: the run reaches Google over REST).
  cpSync(standinsDir, bin, { recursive: true });
  // The wrapper replaces the stand-in's name on PATH; the stand-in itself stays next to it.
  cpSync(join(standinsDir, 'terraform'), join(bin, 'terraform-standin'));
  const wrapper = [
    '#!/bin/bash',
    `export PIDS=${JSON.stringify(pidsDir)}`,
    'mkdir -p "$PIDS"',
    `if [ "$1" = ${JSON.stringify(test.command)} ]; then`,
    test.before,
    test.thenStandin === false ? 'exit 0' : '',
    'fi',
    `exec ${JSON.stringify(join(bin, 'terraform-standin'))} "$@"`,
    '',
  ].join('\n');
  writeFileSync(join(bin, 'terraform'), wrapper);
  chmodSync(join(bin, 'terraform'), 0o755);
  const terraform = writeTerraformScenario(test.terraform ?? devServiceScenario());
  const emulator = await startEmulator(cleanups, { project: 'acme-dev' });
  putSecrets(
    emulator,
    Object.fromEntries(
      ['database-url', 'clerk-secret-key', 'admin-api-key'].map((name) => [
        `${name}-dev`,
        { project: 'acme-dev', versions: [{ version: 2, state: 'ENABLED' as const }] },
      ]),
    ),
  );
  const pidFiles = (): Record<string, number> => {
    if (!existsSync(pidsDir)) return {};
    const entries: [string, number][] = [];
    for (const name of readdirSync(pidsDir).filter((file) => file.endsWith('.pid'))) {
      const pid = Number(readFileSync(join(pidsDir, name), 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0) entries.push([name.slice(0, -'.pid'.length), pid]);
    }
    return Object.fromEntries(entries);
  };
  cleanups.push(() => {
    // Only what this test's wrapper started, by pid, and only while it still runs.
    for (const pid of Object.values(pidFiles())) {
      if (isRunning(pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone meanwhile.
        }
      }
    }
    rmSync(home, { recursive: true, force: true });
    rmSync(terraform.dir, { recursive: true, force: true });
  });
  const note = (name: string): string | undefined =>
    existsSync(join(pidsDir, name)) ? readFileSync(join(pidsDir, name), 'utf8').trim() : undefined;
  const cancel = test.cancel?.(terraform.log, note);
  const result = await runAction({
    stage: 'deploy',
    inputs: {
      'working-directory': stack,
      environment: 'dev',
      image: IMAGE,
      contract: join(repoRoot, 'test', 'fixtures', 'contracts', 'runtime-contract.yml'),
      project: 'acme-dev',
      'github-token': GITHUB_TOKEN,
      ...test.inputs,
    },
    env: {
      ...terraform.env,
      // The wrapper's folder first on a PATH without gcloud (this PATH wins over pathPrepend).
      ...emulatorRunEnv(emulator, {}, [bin]),
      TF_CLI_CONFIG_FILE: '/dev/null',
      GITHUB_API_URL: githubApi.url,
    },
    secrets: [GITHUB_TOKEN],
    timeoutMs: test.timeoutMs ?? 30_000,
    ...(cancel === undefined ? {} : { cancel }),
  });
  const endedAt = Date.now();
  cleanups.push(result.cleanup);
  return {
    result,
    pids: pidFiles(),
    files: note,
    endedAt,
    signals: terraformSignals(terraform.log).map((entry) => entry.signal),
    commands: terraformCalls(terraform.log).map(
      (call) => call.argv.find((arg) => !arg.startsWith('-')) ?? '',
    ),
    stack,
  };
}
