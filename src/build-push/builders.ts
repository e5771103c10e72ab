import { isLoopback } from './registry.js';
import type { BuildInputs } from './inputs.js';

export interface BuildPlan {
  /** The builder's executable. */
  command: string;
  build: string[];
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
