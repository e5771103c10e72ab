import * as core from '@actions/core';
import { ConfigurationError, messageOf } from './errors.js';
import { stopAllTools } from './exec.js';
import { redact } from './secrets.js';

/**
 * The one error boundary of every stage. It runs the body, turns anything thrown into
 * `core.setFailed('<stage>: <message>')` with secrets removed, stops any tool still running,
 * and on SIGINT/SIGTERM (the runner's cancellation) stops the tools and fails the step.
 */
export async function runStage(stage: string, body: () => Promise<void>): Promise<void> {
  const cancellation = { started: false };
  const onSignal = (signal: NodeJS.Signals): void => {
    // The runner sends SIGINT, then SIGTERM 7.5 s later: the second must not interrupt a tool
    // again (a second SIGINT makes Terraform quit without releasing its state lock).
    if (cancellation.started) {
      core.info(`${stage}: ${signal} received while already stopping the tools`);
      return;
    }
    cancellation.started = true;
    core.error(`${stage}: cancelled (${signal}); stopping the tools this step started`);
    void stopAllTools('cancel').finally(() => {
      process.exitCode = 1;
      process.exit();
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await body();
  } catch (error) {
    const prefix = error instanceof ConfigurationError ? `${stage}: invalid configuration: ` : `${stage}: `;
    core.setFailed(prefix + redact(messageOf(error)));
    if (!(error instanceof ConfigurationError) && error instanceof Error && error.stack !== undefined) {
      core.debug(redact(error.stack));
    }
  } finally {
    try {
      // While cancelling, the signal handler owns the tools (an interrupted one is left to exit).
      if (!cancellation.started) await stopAllTools('failure');
    } catch (cleanupError) {
      core.warning(`${stage}: cleanup failed: ${redact(messageOf(cleanupError))}`);
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
