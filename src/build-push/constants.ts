/** Input names of actions/build-push, as in its action.yml. */
export const Inputs = {
  Image: 'image',
  Context: 'context',
  File: 'file',
  BuildArgs: 'build-args',
  Secrets: 'secrets',
  SecretFiles: 'secret-files',
  Target: 'target',
  Platform: 'platform',
  Sha: 'sha',
  Tags: 'tags',
  Push: 'push',
  Provenance: 'provenance',
  Builder: 'builder',
  CacheFrom: 'cache-from',
  CacheTo: 'cache-to',
  Timeout: 'timeout',
} as const;

/** Output names of actions/build-push, as in its action.yml. */
export const Outputs = {
  Digest: 'digest',
  Image: 'image',
  Tag: 'tag',
  TaggedImage: 'tagged-image',
} as const;

export const STAGE = 'build-push';
export const BUILDERS = ['docker', 'buildah', 'podman'] as const;
export type Builder = (typeof BUILDERS)[number];
