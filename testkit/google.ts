// Google Cloud for the runner-level tests: the local emulator (testkit/google-emulator.mjs) and a
// PATH on which no `gcloud` exists, so that a test proves an action reaches Google over its REST
// APIs only.
import { existsSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { startGoogleEmulator } from './google-emulator.mjs';

export type GoogleEmulator = Awaited<ReturnType<typeof startGoogleEmulator>>;
export type GoogleEmulatorOptions = Parameters<typeof startGoogleEmulator>[0];

/** The Google SDK's commands: none of them may be found on the PATH of a test. */
const SDK_COMMANDS = new Set(['gcloud', 'gsutil', 'bq', 'docker-credential-gcloud']);

/** Starts an emulator that `cleanups` closes. */
export async function startEmulator(
  cleanups: (() => unknown)[],
  options: GoogleEmulatorOptions = {},
): Promise<GoogleEmulator> {
  const emulator = await startGoogleEmulator(options);
  cleanups.push(() => emulator.close());
  return emulator;
}

const shadowed = new Map<string, string>();

/**
 * `prepend` (stand-in folders), then this process's PATH, with the Google SDK taken out: a
 * folder that holds `gcloud` (the stand-ins' too) is replaced by a folder of links to everything
 * else in it. Made once per test process.
 */
export function pathWithoutGcloud(prepend: readonly string[] = []): string {
  const key = prepend.join(delimiter);
  const known = shadowed.get(key);
  if (known !== undefined) return known;
  const path = [...prepend, process.env['PATH'] ?? '/usr/bin:/bin'].join(delimiter);
  const folders = path.split(delimiter).map((folder) => {
    if (![...SDK_COMMANDS].some((command) => existsSync(join(folder, command)))) return folder;
    const copy = mkdtempSync(join(tmpdir(), 'path-without-gcloud-'));
    for (const entry of readdirSync(folder)) {
      if (!SDK_COMMANDS.has(entry)) symlinkSync(join(folder, entry), join(copy, entry));
    }
    return copy;
  });
  const result = folders.join(delimiter);
  shadowed.set(key, result);
  return result;
}

/**
 * The environment of an action run against the emulator, with no gcloud to be found: Google's
 * endpoints overridden to the emulator, a Workload Identity credentials file (the shape
 * google-github-actions/auth writes) whose token exchange runs against it, the project variables
 * the auth action exports; `prepend` (stand-in folders) first on PATH.
 */
export function emulatorRunEnv(
  emulator: GoogleEmulator,
  extra: Record<string, string> = {},
  prepend: readonly string[] = [],
): Record<string, string> {
  return { ...emulator.env(), PATH: pathWithoutGcloud(prepend), ...extra };
}

/** A secret's versions by number (1 is the oldest), as a test states them. */
export interface SecretVersions {
  project?: string;
  versions: { version: number; state: 'ENABLED' | 'DISABLED' | 'DESTROYED' }[];
}

/**
 * Puts secrets into the emulator: `{ id: { versions: [{ version, state }] } }`; a version number
 * left out (3 given, 2 not) is there as DESTROYED, as Secret Manager keeps the numbers.
 */
export function putSecrets(emulator: GoogleEmulator, secrets: Record<string, SecretVersions>): void {
  for (const [id, spec] of Object.entries(secrets)) {
    const byNumber = new Map(spec.versions.map((v) => [v.version, v.state]));
    const highest = Math.max(0, ...byNumber.keys());
    const versions = Array.from({ length: highest }, (_, index) => ({
      state: byNumber.get(index + 1) ?? 'DESTROYED',
    }));
    emulator.putSecret({ ...(spec.project === undefined ? {} : { project: spec.project }), id, versions });
  }
}

/** The emulator's requests to one API path pattern (what the action asked Google). */
export function requestsTo(emulator: GoogleEmulator, pattern: RegExp): GoogleEmulator['requests'] {
  return emulator.requests.filter((request) => pattern.test(request.path));
}
