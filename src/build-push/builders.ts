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

/**
 * The builder's argument arrays for the inputs: a pure function, tested with a table.
 * `files` holds where the builder reports the digest (buildx's metadata file, buildah's and
 * podman's digest files).
 */
export function buildPlan(
  inputs: PlanInputs,
  files: { metadata: string; digest: (tag: string) => string },
): BuildPlan {
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
