// The traffic of a Cloud Run service as the pipeline reads and sets it (src/lib/traffic.ts): the
// split by revision name from trafficStatuses, the targets that pin it with its tags, a step's
// split in whole percents, and a change through the local emulator, confirmed in trafficStatuses
// and refused (409) when someone else changed the service since it was read.
import { afterAll, describe, expect, it } from 'vitest';
import { CloudRun, RUN_TYPE_LATEST, RUN_TYPE_REVISION, type RunService } from '../../src/lib/cloud-run.js';
import { googleApi } from '../../src/lib/google-auth.js';
import { GoogleApiError } from '../../src/lib/google-api.js';
import {
  restoreCommand,
  sameSplit,
  servingSplit,
  setTraffic,
  splitOutput,
  splitText,
  stepSplit,
  tagsOf,
  trafficTargets,
  type Share,
} from '../../src/lib/traffic.js';
import { startEmulator } from '../../testkit/google.js';

const where = 'projects/acme-dev/locations/europe-west1/services/api';
const rev = (name: string) => `${where}/revisions/${name}`;

function service(fields: Partial<RunService>): RunService {
  return { name: where, generation: '3', observedGeneration: '3', ...fields };
}

describe('servingSplit', () => {
  it('resolves LATEST to the latest ready revision and adds up entries of one revision', () => {
    const split = servingSplit(
      service({
        latestReadyRevision: rev('api-00003-ccc'),
        trafficStatuses: [
          { type: RUN_TYPE_LATEST, percent: 60 },
          { type: RUN_TYPE_REVISION, revision: 'api-00001-aaa', percent: 30 },
          { type: RUN_TYPE_REVISION, revision: 'api-00003-ccc', percent: 10 },
          { type: RUN_TYPE_REVISION, revision: 'api-00002-bbb', tag: 'old' },
        ],
      }),
    );
    expect(split).toEqual([
      { revision: 'api-00003-ccc', percent: 70 },
      { revision: 'api-00001-aaa', percent: 30 },
    ]);
  });

  it('refuses LATEST traffic when no revision is ready, and a forged revision name', () => {
    expect(() =>
      servingSplit(service({ trafficStatuses: [{ type: RUN_TYPE_LATEST, percent: 100 }] })),
    ).toThrow(/on the latest revision, but no revision is ready/);
    expect(() =>
      servingSplit(
        service({
          trafficStatuses: [{ type: RUN_TYPE_REVISION, revision: 'api\n::error::x', percent: 100 }],
        }),
      ),
    ).toThrow(/which is not a revision name/);
  });
});

describe('tagsOf and trafficTargets', () => {
  const tagged = service({
    latestReadyRevision: rev('api-00002-bbb'),
    trafficStatuses: [
      { type: RUN_TYPE_REVISION, revision: 'api-00001-aaa', percent: 100 },
      {
        type: RUN_TYPE_REVISION,
        revision: 'api-00002-bbb',
        tag: 'candidate',
        uri: 'https://candidate---api.a.run.app',
      },
    ],
  });

  it('reads each tag on its revision with its URL', () => {
    expect(tagsOf(tagged)).toEqual([
      { revision: 'api-00002-bbb', tag: 'candidate', uri: 'https://candidate---api.a.run.app' },
    ]);
  });

  it('pins a split by name; a tag rides on its revision share or on a 0 % target of its own', () => {
    const split: Share[] = [
      { revision: 'api-00001-aaa', percent: 90 },
      { revision: 'api-00002-bbb', percent: 10 },
    ];
    expect(
      trafficTargets(split, [
        { revision: 'api-00002-bbb', tag: 'candidate' },
        { revision: 'api-00000-zzz', tag: 'old' },
      ]),
    ).toEqual([
      { type: RUN_TYPE_REVISION, revision: 'api-00001-aaa', percent: 90 },
      { type: RUN_TYPE_REVISION, revision: 'api-00002-bbb', percent: 10, tag: 'candidate' },
      { type: RUN_TYPE_REVISION, revision: 'api-00000-zzz', tag: 'old' },
    ]);
  });
});

describe('stepSplit', () => {
  const from: Share[] = [
    { revision: 'api-00001-aaa', percent: 67 },
    { revision: 'api-00002-bbb', percent: 33 },
  ];

  it.each([
    [
      10,
      [
        { revision: 'api-00001-aaa', percent: 60 },
        { revision: 'api-00002-bbb', percent: 30 },
        { revision: 'api-00003-ccc', percent: 10 },
      ],
    ],
    [
      50,
      [
        { revision: 'api-00001-aaa', percent: 34 },
        { revision: 'api-00003-ccc', percent: 50 },
        { revision: 'api-00002-bbb', percent: 16 },
      ],
    ],
    [100, [{ revision: 'api-00003-ccc', percent: 100 }]],
  ])('gives %i %% to the candidate and the rest in proportion, in whole percents', (percent, expected) => {
    const split = stepSplit(from, 'api-00003-ccc', percent);
    expect(sameSplit(split, expected)).toBe(true);
    expect(split.reduce((sum, share) => sum + share.percent, 0)).toBe(100);
  });

  it('takes the candidate share it already has out of the rest (a rerun, a rollback)', () => {
    const split = stepSplit(
      [
        { revision: 'api-00003-ccc', percent: 50 },
        { revision: 'api-00001-aaa', percent: 50 },
      ],
      'api-00003-ccc',
      80,
    );
    expect(split).toEqual([
      { revision: 'api-00003-ccc', percent: 80 },
      { revision: 'api-00001-aaa', percent: 20 },
    ]);
  });

  it('cannot give less than 100 % when no other revision serves', () => {
    expect(() => stepSplit([{ revision: 'api-00003-ccc', percent: 100 }], 'api-00003-ccc', 50)).toThrow(
      /no other revision serves traffic/,
    );
  });
});

describe('texts of a split', () => {
  const split: Share[] = [
    { revision: 'api-00001-aaa', percent: 90 },
    { revision: 'api-00002-bbb', percent: 10 },
  ];

  it('says it for a log, an output and a command', () => {
    expect(splitText(split)).toBe('api-00001-aaa 90%, api-00002-bbb 10%');
    expect(splitText([])).toBe('no traffic');
    expect(splitOutput([{ revision: 'api-00001-aaa', percent: 100 }])).toBe('api-00001-aaa');
    expect(JSON.parse(splitOutput(split))).toEqual(split);
    expect(splitOutput([])).toBe('');
    expect(restoreCommand({ project: 'acme-dev', region: 'europe-west1', service: 'api' }, split)).toBe(
      'gcloud run services update-traffic api --region=europe-west1 --project=acme-dev --to-revisions=api-00001-aaa=90,api-00002-bbb=10',
    );
  });
});

describe('setTraffic through the emulator', () => {
  const cleanups: (() => unknown)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('moves the traffic, confirms it in trafficStatuses, and is refused with a stale etag', async () => {
    const emulator = await startEmulator(cleanups, { project: 'acme-dev', region: 'europe-west1' });
    emulator.putService({ name: 'api', revisions: [{ name: 'api-00001-aaa' }, { name: 'api-00002-bbb' }] });
    const cloudRun = new CloudRun(googleApi(emulator.env(), undefined));
    const ref = { project: 'acme-dev', region: 'europe-west1', service: 'api' };
    const deadline = Date.now() + 20_000;
    const before = await cloudRun.getService(ref, deadline);
    expect(servingSplit(before)).toEqual([{ revision: 'api-00002-bbb', percent: 100 }]);
    const wanted: Share[] = [
      { revision: 'api-00002-bbb', percent: 70 },
      { revision: 'api-00001-aaa', percent: 30 },
    ];
    const after = await setTraffic(
      cloudRun,
      ref,
      { targets: trafficTargets(wanted), expected: wanted, etag: before.etag },
      deadline,
    );
    expect(servingSplit(after)).toEqual(wanted);
    expect(emulator.trafficChanges.map((change) => change.traffic)).toEqual([
      [
        { type: RUN_TYPE_REVISION, revision: 'api-00002-bbb', percent: 70 },
        { type: RUN_TYPE_REVISION, revision: 'api-00001-aaa', percent: 30 },
      ],
    ]);
    // The etag read before the change is stale now: Cloud Run refuses, nothing moves.
    const refused = await setTraffic(
      cloudRun,
      ref,
      {
        targets: trafficTargets([{ revision: 'api-00001-aaa', percent: 100 }]),
        expected: [],
        etag: before.etag,
      },
      deadline,
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GoogleApiError);
    expect((refused as GoogleApiError).httpStatus).toBe(409);
    expect(emulator.trafficChanges).toHaveLength(1);
  });
});
