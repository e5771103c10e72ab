import { messageOf } from '../lib/errors.js';
import { runTool, ToolError } from '../lib/exec.js';
import { excerpt } from '../lib/format.js';
import { isLoopback } from './registry.js';
import type { BuildInputs } from './inputs.js';

/** The variables that carry the values of `secrets` to the build: `BUILD_PUSH_SECRET_1`, … */
export const SECRET_ENV_PREFIX = 'BUILD_PUSH_SECRET_';

export interface BuildPlan {
  /** The builder's executable. */
  command: string;
  build: string[];
  /**
   * Variables added to the build's environment only: the values of `secrets`, which the build's
   * arguments name (`--secret id=ID,env=VAR`) but never hold, so no process list, error message
   * or log line that shows the command carries a value.
   */
  env: Record<string, string>;
  /** One push per tag (buildah and podman); empty for docker, whose build pushes. */
  pushes: { tag: string; args: string[] }[];
}

type PlanInputs = Pick<
  BuildInputs,
  | 'imageName'
  | 'image'
  | 'context'
  | 'file'
  | 'buildArgs'
  | 'secrets'
  | 'secretFiles'
  | 'target'
  | 'platform'
  | 'tag'
  | 'tags'
  | 'push'
  | 'provenance'
  | 'builder'
  | 'cacheFrom'
  | 'cacheTo'
>;

const flagPairs = (flag: string, values: readonly string[]): string[] =>
  values.flatMap((value) => [flag, value]);

/** Where the builder reports what it made. */
export interface ReportFiles {
  /** buildx's metadata file: the digest it pushed. */
  metadata: string;
  /** buildah's and podman's digest file of each pushed tag. */
  digest: (tag: string) => string;
  /** buildah's and podman's image ID file, written only when the build finished. */
  imageId: string;
}

/** The builder's argument arrays for the inputs: a pure function, tested with a table. */
export function buildPlan(inputs: PlanInputs, files: ReportFiles): BuildPlan {
  const refs = [inputs.tag, ...inputs.tags].map((tag) => `${inputs.imageName}:${tag}`);
  const secretVariable = (index: number): string => `${SECRET_ENV_PREFIX}${index + 1}`;
  // The same syntax for buildx, buildah (1.24 and later) and podman (4.0 and later).
  const secrets = [
    ...inputs.secrets.map(({ id }, index) => `id=${id},env=${secretVariable(index)}`),
    ...inputs.secretFiles.map(({ id, path }) => `id=${id},src=${path}`),
  ];
  const env = Object.fromEntries(inputs.secrets.map(({ value }, index) => [secretVariable(index), value]));
  const common = [
    '--file',
    inputs.file,
    '--platform',
    inputs.platform,
    ...flagPairs('--tag', refs),
    ...flagPairs(
      '--build-arg',
      inputs.buildArgs.map(([key, value]) => `${key}=${value}`),
    ),
    ...flagPairs('--secret', secrets),
    ...(inputs.target === '' ? [] : ['--target', inputs.target]),
  ];
  if (inputs.builder === 'docker') {
    return {
      command: 'docker',
      build: [
        'buildx',
        'build',
        ...common,
        // Off by default: an attestation turns the image into an index, and the digest Cloud Run
        // records would no longer be the one this action outputs.
        `--provenance=${inputs.provenance}`,
        ...flagPairs('--cache-from', inputs.cacheFrom),
        ...flagPairs('--cache-to', inputs.cacheTo),
        '--metadata-file',
        files.metadata,
        ...(inputs.push ? ['--push'] : []),
        inputs.context,
      ],
      env,
      pushes: [],
    };
  }
  const tlsVerify = isLoopback(inputs.image.registry) ? ['--tls-verify=false'] : [];
  return {
    command: inputs.builder,
    build: [
      'build',
      ...common,
      // Layer caching is what makes a rebuild take seconds; a registry repository shares it between runs.
      '--layers',
      ...flagPairs('--cache-from', inputs.cacheFrom),
      ...flagPairs('--cache-to', inputs.cacheTo),
      // podman build exits 0 when a SIGTERM stops it halfway: only this file says it finished.
      '--iidfile',
      files.imageId,
      ...tlsVerify,
      inputs.context,
    ],
    env,
    pushes: inputs.push
      ? [inputs.tag, ...inputs.tags].map((tag) => ({
          tag,
          args: [
            'push',
            '--digestfile',
            files.digest(tag),
            ...tlsVerify,
            `${inputs.imageName}:${tag}`,
            `docker://${inputs.imageName}:${tag}`,
          ],
        }))
      : [],
  };
}

/** How long `docker buildx version` may take: it only reads the plugin's version. */
const BUILDX_CHECK_MS = 30_000;

/**
 * The docker builder runs `docker buildx build`: without the buildx plugin, docker reads
 * `buildx` as an unknown command and fails on the first flag (`unknown flag: --file`), which
 * says nothing about the cause. `docker buildx version` before the build says it plainly.
 * Returns the version line buildx printed.
 */
export async function requireBuildx(env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await runTool('docker', ['buildx', 'version'], { timeoutMs: BUILDX_CHECK_MS, env });
    return stdout.trim().split('\n')[0] ?? '';
  } catch (error) {
    const result = error instanceof ToolError ? error.result : undefined;
    const said =
      result === undefined
        ? messageOf(error)
        : `it answered: ${excerpt(`${result.stderr}\n${result.stdout}`.trim() || `exit code ${result.code}`, 300)}`;
    throw new Error(
      `docker buildx is required (builder "docker" builds with docker buildx build), and "docker buildx version" failed; ${said}. Set up buildx before this step with docker/setup-buildx-action (it installs the plugin where it is missing and creates a builder), install the docker-buildx-plugin package on a self-hosted runner, or use builder: buildah or podman`,
      { cause: error },
    );
  }
}
