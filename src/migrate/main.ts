import * as core from '@actions/core';
import { runTool } from '../lib/exec.js';
import { formatMs } from '../lib/format.js';
import { runStage } from '../lib/stage.js';
import { writeSummarySection, type Row } from '../lib/summary.js';
import { alembicPrefix, currentRevision, describeRevisions } from './alembic.js';
import { Outputs, STAGE, State } from './constants.js';
import { readInputs, type MigrateInputs } from './inputs.js';
import { assertPortFree, freePort, proxyArgs, resolveProxy, startProxy, waitForProxy } from './proxy.js';

function describeInputs(inputs: MigrateInputs): string {
  // The URL's secret parts stay out: scheme, host and database only.
  const { url, instance, proxyVersion, proxyPath, port, privateIp, autoIamAuthn, command, workingDirectory } =
    inputs;
  return JSON.stringify({
    url: { scheme: url.scheme, host: url.host, database: url.database },
    instance,
    proxyVersion,
    proxyPath,
    port,
    privateIp,
    autoIamAuthn,
    command,
    workingDirectory,
  });
}

export async function run(): Promise<void> {
  await runStage(STAGE, async () => {
    const started = Date.now();
    const inputs = readInputs();
    core.debug(`inputs: ${describeInputs(inputs)}`);
    const rows: Row[] = [
      ['Instance', inputs.instance],
      ['Database', `${inputs.url.database} as ${inputs.url.user}`],
      ['Command', inputs.command.join(' ')],
    ];
    const notes: string[] = [];
    let ok = false;
    let headline = 'failed';
    let proxy: ReturnType<typeof startProxy> | undefined;
    try {
      const [binary, httpPort] = await Promise.all([
        resolveProxy(inputs),
        freePort(),
        assertPortFree(inputs.port),
      ]);
      rows.push(['Proxy', binary.source]);
      core.startGroup(`Cloud SQL Auth Proxy for ${inputs.instance} on 127.0.0.1:${inputs.port}`);
      try {
        proxy = startProxy(binary.path, proxyArgs(inputs, httpPort));
        // The post: step stops it if this step dies before it could.
        core.saveState(State.ProxyPid, String(proxy.pid));
        const waited = await waitForProxy(proxy, httpPort, inputs.proxyTimeoutMs);
        core.info(`the proxy is ready after ${formatMs(waited)}`);
        core.info(proxy.logTail());
      } finally {
        core.endGroup();
      }

      const env = { ...process.env, DATABASE_URL: inputs.rewrittenUrl };
      const alembic = alembicPrefix(inputs.command);
      const before =
        alembic === undefined
          ? undefined
          : await currentRevision(alembic, inputs.workingDirectory, env, inputs.timeoutMs);
      core.startGroup(inputs.command.join(' '));
      try {
        const [command = '', ...args] = inputs.command;
        await runTool(command, args, {
          cwd: inputs.workingDirectory,
          env,
          timeoutMs: inputs.timeoutMs,
          onOutput: (chunk) => process.stdout.write(chunk),
        });
      } finally {
        core.endGroup();
      }
      if (alembic !== undefined && before !== undefined) {
        const after = await currentRevision(alembic, inputs.workingDirectory, env, inputs.timeoutMs);
        headline = describeRevisions(before, after);
        rows.push(['Revisions', headline]);
        core.setOutput(Outputs.RevisionBefore, before);
        core.setOutput(Outputs.RevisionAfter, after);
      } else {
        headline = 'command succeeded';
      }
      ok = true;
      core.info(`${STAGE}: ${headline}`);
    } catch (error) {
      notes.push(error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      if (proxy !== undefined) {
        await proxy.stop();
        core.saveState(State.ProxyPid, '');
      }
      rows.push(['Time', formatMs(Date.now() - started)]);
      await writeSummarySection({ stage: STAGE, ok, headline, rows, notes });
    }
  });
}
