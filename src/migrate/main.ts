import * as core from '@actions/core';
import { runTool } from '../lib/exec.js';
import { formatMs } from '../lib/format.js';
import { setCheckedOutput } from '../lib/outputs.js';
import { runStage, type Stage } from '../lib/stage.js';
import { alembicPrefix, currentRevision, describeRevisions } from './alembic.js';
import { Outputs, STAGE, State } from './constants.js';
import { describeInputs, readInputs, type MigrateInputs } from './inputs.js';
import {
  assertPortFree,
  freePort,
  proxyArgs,
  resolveProxy,
  startProxy,
  waitForProxy,
  type ProxyBinary,
} from './proxy.js';

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
      await stage.group(`Cloud SQL Auth Proxy for ${inputs.instance} on 127.0.0.1:${inputs.port}`, () =>
        startReadyProxy(inputs, binary.path, httpPort, stage),
      );

      const env = { ...process.env, DATABASE_URL: inputs.rewrittenUrl };
      const readRevision = alembicRevisionReader(inputs, env);
      const before = await readRevision?.();
      await stage.group(inputs.command.join(' '), () => runCommand(inputs, env));
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
): Promise<void> {
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
