import * as core from '@actions/core';
import { messageOf } from '../lib/errors.js';
import { runTool, ToolError } from '../lib/exec.js';
import { formatMs } from '../lib/format.js';
import { setCheckedOutput } from '../lib/outputs.js';
import { writeFenced } from '../lib/relay.js';
import { redact } from '../lib/secrets.js';
import { runStage, type Stage } from '../lib/stage.js';
import { alembicPrefix, currentRevision, describeRevisions, shortRevision } from './alembic.js';
import { Outputs, STAGE, State } from './constants.js';
import { describeInputs, readInputs, type MigrateInputs } from './inputs.js';
import {
  assertPortFree,
  freePort,
  proxyArgs,
  proxyDeath,
  resolveProxy,
  startProxy,
  waitForProxy,
  type ProxyBinary,
  type RunningProxy,
} from './proxy.js';
import { explainTimeout, pgOptions } from './timeouts.js';

/** `alembic current` after a failure: a quick read, bounded well below any step's deadline. */
const CURRENT_AFTER_FAILURE_MS = 30_000;

export async function run(): Promise<void> {
  await runStage({
    name: STAGE,
    readInputs,
    describeInputs,
    steps: async (inputs, stage) => {
      stage.row('Instance', inputs.instance);
      stage.row('Database', `${inputs.url.database} as ${inputs.url.user}`);
      stage.row('Command', inputs.command.join(' '));
      const { binary, httpPort } = await prepareProxy(inputs);
      stage.row('Proxy', binary.source);
      const proxy = await stage.group(
        `Cloud SQL Auth Proxy for ${inputs.instance} on 127.0.0.1:${inputs.port}`,
        () => startReadyProxy(inputs, binary.path, httpPort, stage),
      );

      const env = {
        ...process.env,
        DATABASE_URL: inputs.rewrittenUrl,
        PGOPTIONS: pgOptions(process.env['PGOPTIONS'], inputs.sessionTimeouts),
      };
      const readRevision = alembicRevisionReader(inputs, env);
      const before = await readRevision?.();
      try {
        await stage.group(inputs.command.join(' '), () => runCommand(inputs, env));
      } catch (error) {
        // A cancelled step reports nothing more: the runner's kill is seconds away.
        if (stage.cancelled.aborted) throw error;
        throw await explainFailure(error, { inputs, env, stage, proxy, httpPort, before });
      }
      const headline =
        readRevision === undefined || before === undefined
          ? 'command succeeded'
          : reportRevisions(stage, before, await readRevision());
      stage.headline(headline);
      core.info(`${STAGE}: ${headline}`);
    },
  });
}

/** The proxy binary, a free port for its health endpoints, and a clear error if `port` is taken. */
async function prepareProxy(inputs: MigrateInputs): Promise<{ binary: ProxyBinary; httpPort: number }> {
  const [binary, httpPort] = await Promise.all([
    resolveProxy(inputs),
    freePort(),
    assertPortFree(inputs.port),
  ]);
  return { binary, httpPort };
}

/** Starts the proxy and waits until it is ready; it is stopped when the stage ends, whatever the outcome. */
async function startReadyProxy(
  inputs: MigrateInputs,
  binary: string,
  httpPort: number,
  stage: Stage,
): Promise<RunningProxy> {
  const proxy = startProxy(binary, proxyArgs(inputs, httpPort));
  // The post: step stops it if this step dies before it could.
  core.saveState(State.ProxyPid, String(proxy.pid));
  stage.defer(async () => {
    await proxy.stop();
    core.saveState(State.ProxyPid, '');
  });
  const waited = await waitForProxy(proxy, httpPort, inputs.proxyTimeoutMs);
  core.info(`the proxy is ready after ${formatMs(waited)}`);
  core.info(proxy.logTail());
  return proxy;
}

interface FailureContext {
  inputs: MigrateInputs;
  env: NodeJS.ProcessEnv;
  stage: Stage;
  proxy: RunningProxy;
  httpPort: number;
  /** The Alembic revision before the command; undefined when the command is not Alembic. */
  before: string | undefined;
}

/**
 * What a failed command leaves to know, before the proxy is stopped: whether the proxy died
 * under it (its exit and last log lines), where the database is now (`alembic current`), and
 * whether PostgreSQL's lock or statement timeout stopped it. Returns the error to fail with:
 * the command's own, with the cause first when one is known.
 */
async function explainFailure(error: unknown, context: FailureContext): Promise<Error> {
  const { inputs, env, stage, proxy, httpPort, before } = context;
  const causes: string[] = [];

  // What is learnt here adds to the command's failure; it never replaces it.
  const death = await proxyDeath(proxy, httpPort).catch(() => undefined);
  if (death !== undefined) {
    const log = proxy.logTail() || '(it printed nothing)';
    stage.row('Proxy exit', death);
    stage.headline(`failed; the Cloud SQL Auth Proxy exited (${death}) during the command`);
    stage.note(`The Cloud SQL Auth Proxy exited (${death}) during the command; its last log lines:\n${log}`);
    core.info(`${STAGE}: the Cloud SQL Auth Proxy exited (${death}) during the command; its last log lines:`);
    writeFenced(`${log}\n`);
    causes.push(`the Cloud SQL Auth Proxy exited (${death}) during the command (its log is above)`);
  }

  const output =
    error instanceof ToolError ? `${error.result?.stdout ?? ''}\n${error.result?.stderr ?? ''}` : '';
  const timeout = explainTimeout(output, inputs.sessionTimeouts);
  if (timeout !== undefined) causes.push(timeout);

  const prefix = alembicPrefix(inputs.command);
  if (prefix !== undefined) {
    if (death !== undefined) {
      stage.note('alembic current was not run after the failure: the proxy it would connect through is gone');
    } else {
      await reportCurrentAfterFailure(prefix, inputs, env, stage, before);
    }
  }

  const message = messageOf(error);
  return causes.length === 0
    ? asError(error)
    : new Error(`${causes.join('; ')}\n${message}`, { cause: error });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(messageOf(error));
}

/**
 * `alembic current` after a failed command, its output in the log through the relay, the
 * revision in the summary: with transactional DDL it is where it was before; a revision that
 * ran outside a transaction (or a migration that commits per revision) may have moved it.
 */
async function reportCurrentAfterFailure(
  prefix: readonly string[],
  inputs: MigrateInputs,
  env: NodeJS.ProcessEnv,
  stage: Stage,
  before: string | undefined,
): Promise<void> {
  const [command = 'alembic', ...args] = prefix;
  try {
    const current = await stage.group(`${prefix.join(' ')} current (after the failure)`, () =>
      currentRevision(prefix, inputs.workingDirectory, env, CURRENT_AFTER_FAILURE_MS, true),
    );
    const shown = current === '' ? '(empty database)' : current;
    stage.row('Revision after failure', shown);
    const moved = before !== undefined && before !== current;
    stage.headline(
      current === ''
        ? 'failed; the database has no revision'
        : `failed; the database is at ${shortRevision(current)}`,
    );
    const note = moved
      ? `alembic current after the failure: ${shown}, not ${before === '' ? '(empty database)' : before} as before the command: part of the migration was committed`
      : `alembic current after the failure: ${shown}, as before the command`;
    stage.note(note);
    core.info(`${STAGE}: ${note}`);
  } catch (currentError) {
    const note = `alembic current after the failure did not answer: ${redact(messageOf(currentError)).split('\n')[0] ?? ''}`;
    stage.note(note);
    core.warning(`${STAGE}: ${note} (${[command, ...args].join(' ')} current)`);
  }
}

/** Reads the Alembic head the database is at; undefined when the command is not Alembic. */
function alembicRevisionReader(
  inputs: MigrateInputs,
  env: NodeJS.ProcessEnv,
): (() => Promise<string>) | undefined {
  const prefix = alembicPrefix(inputs.command);
  if (prefix === undefined) return undefined;
  return () => currentRevision(prefix, inputs.workingDirectory, env, inputs.timeoutMs);
}

/** The migration command itself, its output streamed to the log. */
async function runCommand(inputs: MigrateInputs, env: NodeJS.ProcessEnv): Promise<void> {
  const [command = '', ...args] = inputs.command;
  await runTool(command, args, {
    cwd: inputs.workingDirectory,
    env,
    timeoutMs: inputs.timeoutMs,
    live: true,
  });
}

/** Alembic revision ids, comma-separated when there are several heads (what parseCurrent reads). */
const ALEMBIC_REVISIONS = /^[0-9a-zA-Z_]+(?:,[0-9a-zA-Z_]+)*$/;

/** The revisions before and after as the summary's row and the outputs; returns the headline. */
function reportRevisions(stage: Stage, before: string, after: string): string {
  const revisions = describeRevisions(before, after);
  stage.row('Revisions', revisions);
  setCheckedOutput(Outputs.RevisionBefore, before, { kind: 'line', pattern: ALEMBIC_REVISIONS });
  setCheckedOutput(Outputs.RevisionAfter, after, { kind: 'line', pattern: ALEMBIC_REVISIONS });
  return revisions;
}
