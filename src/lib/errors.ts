/** A mistake in the action's inputs or the user's files: the message says what to change. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/** A wait that ran past its deadline. */
export class DeadlineError extends Error {
  override name = 'DeadlineError';
}

/** The step was cancelled (the runner sent SIGINT or SIGTERM). */
export class CancelledError extends Error {
  override name = 'CancelledError';
}

/** The message of anything thrown, `Error` or not. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    // JSON.stringify returns undefined for undefined, functions and symbols.
    const text = JSON.stringify(error) as unknown;
    return typeof text === 'string' ? text : String(error);
  } catch {
    return String(error);
  }
}
