import { describe, expect, it } from 'vitest';
import {
  describeServiceArgs,
  evaluateService,
  RevisionFailedError,
} from '../../src/health-check/cloud-run.js';
import { knativeService } from '../../testkit/cloud-run-fixtures.js';

describe('describeServiceArgs', () => {
  it.each([
    [
      { service: 'api', region: 'europe-west1', project: 'acme-prod', revision: '' },
      [
        'run',
        'services',
        'describe',
        'api',
        '--region=europe-west1',
        '--project=acme-prod',
        '--format=json',
        '--quiet',
      ],
    ],
    [
      { service: 'api', region: 'us-central1', project: '', revision: 'api-00002-abc' },
      ['run', 'services', 'describe', 'api', '--region=us-central1', '--format=json', '--quiet'],
    ],
  ])('builds the gcloud argument array for %o', (target, args) => {
    expect(describeServiceArgs(target)).toEqual(args);
  });
});

describe('evaluateService', () => {
  it('is done when the latest created revision is ready and takes the traffic', () => {
    expect(evaluateService(knativeService({ created: 'api-00042-xyz' }), '')).toEqual({
      done: true,
      value: { revision: 'api-00042-xyz', url: 'https://api-q7h2kq3zaa-ew.a.run.app', trafficPercent: 100 },
    });
  });

  it('waits while Cloud Run has not reconciled the newest generation', () => {
    const result = evaluateService(knativeService({ generation: 43, observedGeneration: 42 }), '');
    expect(result).toEqual({
      done: false,
      reason: expect.stringContaining('generation 43 (observed 42)') as string,
    });
  });

  it('waits while the revision is deploying (Ready Unknown) and another one is still the ready one', () => {
    const result = evaluateService(
      knativeService({
        created: 'api-00042-xyz',
        readyRevision: 'api-00041-abc',
        ready: 'Unknown',
        reason: 'Deploying',
      }),
      '',
    );
    expect(result.done).toBe(false);
    expect(!result.done && result.reason).toBe(
      'revision api-00042-xyz is not ready yet: Ready=Unknown (Deploying), latest ready api-00041-abc',
    );
  });

  it('waits for the wanted revision while the service still shows an older one', () => {
    const result = evaluateService(knativeService({ created: 'api-00041-abc' }), 'api-00042-xyz');
    expect(result).toEqual({
      done: false,
      reason: 'the latest created revision is api-00041-abc, not api-00042-xyz',
    });
  });

  it('fails at once with Cloud Run reason and message when Ready turns False', () => {
    const service = knativeService({
      created: 'api-00042-xyz',
      ready: 'False',
      reason: 'HealthCheckContainerError',
      message:
        "Revision 'api-00042-xyz' is not ready and cannot serve traffic. The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable within the allocated timeout.",
    });
    expect(() => evaluateService(service, 'api-00042-xyz')).toThrow(RevisionFailedError);
    expect(() => evaluateService(service, '')).toThrow(
      /revision api-00042-xyz cannot become ready: HealthCheckContainerError: Revision 'api-00042-xyz' is not ready.*PORT=8080/,
    );
  });

  it('fails at once when the ready revision gets no traffic', () => {
    const service = knativeService({
      created: 'api-00042-xyz',
      traffic: [{ revisionName: 'api-00041-abc', percent: 100 }],
    });
    expect(() => evaluateService(service, '')).toThrow(
      /api-00042-xyz is ready but receives no traffic \(api-00041-abc 100%\).*update-traffic api --to-latest/,
    );
  });

  it('adds up split traffic to the revision', () => {
    const service = knativeService({
      created: 'api-00042-xyz',
      traffic: [
        { revisionName: 'api-00042-xyz', percent: 10 },
        { revisionName: 'api-00041-abc', percent: 80 },
        { revisionName: 'api-00042-xyz', percent: 10 },
      ],
    });
    const result = evaluateService(service, '');
    expect(result.done && result.value.trafficPercent).toBe(20);
  });

  it('waits when there is no revision at all yet', () => {
    const service = knativeService();
    delete service.status?.latestCreatedRevisionName;
    expect(evaluateService(service, '')).toEqual({ done: false, reason: 'the service has no revision yet' });
  });
});
