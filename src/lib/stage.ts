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
  const onSignal = (signal: NodeJS.Signals): void => {
    core.error(`${stage}: cancelled (${signal}); stopping the tools this step started`);
    void stopAllTools('cancel').finally(() => {
      process.exitCode = 1;
      process.exit();
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
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
      await stopAllTools('failure');
    } catch (cleanupError) {
      core.warning(`${stage}: cleanup failed: ${redact(messageOf(cleanupError))}`);
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
