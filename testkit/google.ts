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

/** The environment of an action run against the emulator, with no gcloud to be found. */
export function emulatorRunEnv(
  emulator: GoogleEmulator,
  extra: Record<string, string> = {},
): Record<string, string> {
  return { ...emulator.env(), PATH: pathWithoutGcloud(), ...extra };
}
