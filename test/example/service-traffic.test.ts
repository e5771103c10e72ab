// The reference service stack leaves the traffic to the pipeline: its Cloud Run service ignores
// `traffic` (lifecycle ignore_changes), with a comment saying why, so that deploy's `traffic: hold`
// pin survives the apply. Parsed with @cdktf/hcl2json (./hcl.ts), as terraform.test.ts does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { block, loadStack, resource } from './hcl.js';

const serviceDir = join(import.meta.dirname, '..', '..', 'examples', 'fastapi-service', 'infra', 'service');

describe('examples/fastapi-service/infra/service: traffic belongs to the pipeline', () => {
  it('the Cloud Run service declares lifecycle { ignore_changes = [traffic] }', async () => {
    const stack = await loadStack(serviceDir);
    const lifecycle = block(resource(stack, 'google_cloud_run_v2_service', 'api'), 'lifecycle');
    // hcl2json writes a bare reference as an interpolation.
    expect(lifecycle['ignore_changes']).toEqual(['${traffic}']);
  });

  it('says why, next to the rule', () => {
    const text = readFileSync(join(serviceDir, 'main.tf'), 'utf8');
    const at = text.indexOf('ignore_changes = [traffic]');
    expect(at).toBeGreaterThan(0);
    expect(text.slice(Math.max(0, at - 600), at)).toMatch(
      /Terraform owns the service's configuration; the pipeline owns its traffic/,
    );
  });
});
