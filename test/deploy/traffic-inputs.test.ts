// Input `traffic` and the service it acts on (parseTrafficInputs), and the pure parts of
// traffic-control.ts: the plan's traffic findings, the LATEST targets with tags kept, the
// comparison of traffic targets, and what summarisePlan says of a planned traffic change.
import { describe, expect, it } from 'vitest';
import { parseTrafficInputs } from '../../src/deploy/inputs.js';
import {
  isLatest100,
  latestTargets,
  plannedTrafficFindings,
  putBackCommand,
  sameTargets,
} from '../../src/deploy/traffic-control.js';
import { summarisePlan, type TerraformPlan } from '../../src/deploy/terraform-plan.js';
import { ConfigurationError } from '../../src/lib/errors.js';
import { servicePlan, type JsonObject } from '../../testkit/deploy-scenarios.js';

const LATEST = 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST';
const BY_NAME = 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION';
const REF = { project: 'acme-dev', region: 'europe-west1', service: 'api' };

const parse = (raw: Partial<{ traffic: string; service: string; region: string }>, project = 'acme-dev') =>
  parseTrafficInputs({ traffic: '', service: '', region: '', ...raw }, project);

describe('parseTrafficInputs', () => {
  it('defaults to latest without a service: nothing of the traffic is touched', () => {
    expect(parse({})).toEqual({ traffic: 'latest', service: undefined });
    expect(parse({ traffic: ' HOLD ', service: 'api', region: 'europe-west1' })).toEqual({
      traffic: 'hold',
      service: REF,
    });
    expect(parse({ service: 'api', region: 'europe-west1' })).toEqual({ traffic: 'latest', service: REF });
  });

  it.each([
    [{ traffic: 'hold' }, 'acme-dev', 'input "service" is required with traffic: hold'],
    [{ traffic: 'hold', service: 'api' }, 'acme-dev', 'input "region" is required with input "service"'],
    [{ service: 'api', region: 'europe-west1' }, '', 'input "project" is required with input "service"'],
    [{ region: 'europe-west1' }, 'acme-dev', 'input "region" is set but input "service" is empty'],
    [{ traffic: 'always' }, 'acme-dev', 'input "traffic" is "always": use one of latest, hold'],
    [
      { traffic: 'hold', service: 'Api', region: 'europe-west1' },
      'acme-dev',
      '(it holds upper-case letters)',
    ],
    [{ traffic: 'hold', service: '-api', region: 'europe-west1' }, 'acme-dev', '(it starts with a hyphen'],
    [
      { service: 'api\n::error::x', region: 'europe-west1' },
      'acme-dev',
      'input "service" is "api\\n::error::x"',
    ],
    [{ service: 'a'.repeat(50), region: 'europe-west1' }, 'acme-dev', '(50 characters, at most 49)'],
    [{ service: 'api', region: 'europe-west1-b' }, 'acme-dev', 'input "region" is "europe-west1-b"'],
    [{ service: 'api', region: '../x' }, 'acme-dev', 'which is not a Google Cloud region'],
  ])('refuses %j (project %j), naming the input', (raw, project, message) => {
    expect(() => parse(raw, project)).toThrow(ConfigurationError);
    expect(() => parse(raw, project)).toThrow(message);
  });
});

describe('plannedTrafficFindings', () => {
  const plan = (document: JsonObject) => summarisePlan(document as unknown as TerraformPlan);
  const changingTraffic = () => {
    const document = servicePlan({ environment: 'dev' });
    const change = (document['resource_changes'] as { change: { before: JsonObject } }[])[0]!.change;
    change.before['traffic'] = [{ percent: 100, revision: 'api-00001-aaa', tag: '', type: BY_NAME }];
    return document;
  };

  it('reads whether the plan changes traffic, and the planned name and location', () => {
    expect(plan(servicePlan()).services[0]).toMatchObject({
      name: 'api',
      location: 'europe-west1',
      trafficChanges: false,
    });
    expect(plan(changingTraffic()).services[0]?.trafficChanges).toBe(true);
    // A created service has no traffic to keep.
    expect(plan(servicePlan({ action: 'create' })).services[0]?.trafficChanges).toBe(false);
  });

  it('hold: a planned traffic change is a warning naming ignore_changes; latest says nothing of it', () => {
    const [warning, ...rest] = plannedTrafficFindings(plan(changingTraffic()), 'hold', REF);
    expect(rest).toEqual([]);
    expect(warning?.level).toBe('warning');
    expect(warning?.message).toContain('lifecycle { ignore_changes = [traffic] }');
    expect(plannedTrafficFindings(plan(changingTraffic()), 'latest', REF)).toEqual([]);
    expect(plannedTrafficFindings(plan(servicePlan()), 'hold', REF)).toEqual([]);
  });

  it('a planned service that is not the one named is an error naming both', () => {
    const findings = plannedTrafficFindings(plan(servicePlan({ name: 'web' })), 'latest', REF);
    expect(findings.map((finding) => finding.level)).toEqual(['error']);
    expect(findings[0]?.message).toContain(
      'google_cloud_run_v2_service.web (web in europe-west1), but inputs "service" and "region" name api in europe-west1',
    );
    const otherRegion = plannedTrafficFindings(plan(servicePlan({ region: 'us-central1' })), 'hold', REF);
    expect(otherRegion.map((finding) => finding.level)).toEqual(['error']);
    // Without the input, nothing to compare.
    expect(plannedTrafficFindings(plan(servicePlan({ name: 'web' })), 'latest', undefined)).toEqual([]);
  });
});

describe('latestTargets and sameTargets', () => {
  it('sends 100 % to LATEST and keeps every tag where it was', () => {
    expect(
      latestTargets([
        { type: BY_NAME, revision: 'api-00001-aaa', percent: 100 },
        { type: BY_NAME, revision: 'api-00002-bbb', tag: 'candidate' },
        { type: LATEST, tag: 'newest' },
      ]),
    ).toEqual([
      { type: LATEST, percent: 100, tag: 'newest' },
      { type: BY_NAME, revision: 'api-00002-bbb', tag: 'candidate' },
    ]);
    expect(isLatest100([{ type: LATEST, percent: 100 }])).toBe(true);
    expect(isLatest100([{ type: BY_NAME, revision: 'api-00001-aaa', percent: 100 }])).toBe(false);
  });

  it('compares targets as Cloud Run stores them: any order, 0 % as no percent, full revision names', () => {
    const a = [
      { type: BY_NAME, revision: 'api-00001-aaa', percent: 90 },
      { type: BY_NAME, revision: 'api-00002-bbb', percent: 10, tag: '' },
    ];
    const b = [
      { type: BY_NAME, revision: 'projects/p/locations/r/services/api/revisions/api-00002-bbb', percent: 10 },
      { type: BY_NAME, revision: 'api-00001-aaa', percent: 90 },
    ];
    expect(sameTargets(a, b)).toBe(true);
    expect(sameTargets(a, [{ type: LATEST, percent: 100 }])).toBe(false);
    expect(
      sameTargets(
        [{ type: BY_NAME, revision: 'api-00001-aaa', percent: 0, tag: 'x' }],
        [{ type: BY_NAME, revision: 'api-00001-aaa', tag: 'x' }],
      ),
    ).toBe(true);
  });

  it('the command that puts traffic back: --to-latest for LATEST, the split by name otherwise', () => {
    expect(
      putBackCommand({
        ref: REF,
        exists: true,
        split: [{ revision: 'api-00001-aaa', percent: 100 }],
        targets: [{ type: LATEST, percent: 100 }],
      }),
    ).toBe('gcloud run services update-traffic api --region=europe-west1 --project=acme-dev --to-latest');
    expect(
      putBackCommand({
        ref: REF,
        exists: true,
        split: [
          { revision: 'api-00001-aaa', percent: 90 },
          { revision: 'api-00002-bbb', percent: 10 },
        ],
        targets: [],
      }),
    ).toBe(
      'gcloud run services update-traffic api --region=europe-west1 --project=acme-dev --to-revisions=api-00001-aaa=90,api-00002-bbb=10',
    );
  });
});
