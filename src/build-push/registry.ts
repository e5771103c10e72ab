// The registry client lives in src/lib/registry.ts: deploy checks with it that the image it
// deploys exists in its repository. This module keeps build-push's imports where they were.
export {
  findCredentials,
  isLoopback,
  MANIFEST_TYPES,
  ManifestError,
  parseChallenge,
  registryUrl,
  resolveManifest,
  type Credentials,
  type ImageName,
  type ResolvedManifest,
} from '../lib/registry.js';
