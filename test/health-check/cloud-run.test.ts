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

describe('evaluateService: an answer that is not what Cloud Run prints fails, escaped, before use', () => {
  const FORGE = '\n::error file=x::forged';
  const status = (service: ReturnType<typeof knativeService>) =>
    service.status as Record<string, unknown> & { conditions: Record<string, unknown>[] };

  it.each<[string, (service: ReturnType<typeof knativeService>) => void, RegExp]>([
    [
      'a revision name with a line break',
      (s) => (status(s)['latestCreatedRevisionName'] = `api-00042-xyz${FORGE}`),
      /answered "api-00042-xyz\\n::error file=x::forged" as the latest created revision name, which is not a revision name/,
    ],
    [
      'a ready revision name in upper case',
      (s) => (status(s)['latestReadyRevisionName'] = 'API-00042-XYZ'),
      /answered "API-00042-XYZ" as the latest ready revision name/,
    ],
    [
      'a traffic revision name that is an option',
      (s) => (status(s)['traffic'] = [{ revisionName: '--project=attacker-proj', percent: 100 }]),
      /answered "--project=attacker-proj" as a traffic target revision name/,
    ],
    [
      'a revision name that is a number',
      (s) => (status(s)['latestCreatedRevisionName'] = 42),
      /answered "42" as the latest created revision name/,
    ],
    [
      'a traffic percent that is text with a line break',
      (s) => (status(s)['traffic'] = [{ revisionName: 'api-00042-xyz', percent: `100${FORGE}` }]),
      /answered "100\\n::error file=x::forged" as a traffic percent, which is not a number from 0 to 100/,
    ],
    [
      'a traffic percent above 100',
      (s) => (status(s)['traffic'] = [{ revisionName: 'api-00042-xyz', percent: 250 }]),
      /answered "250" as a traffic percent/,
    ],
    [
      'a generation that is text',
      (s) => ((s.metadata as Record<string, unknown>)['generation'] = `43${FORGE}`),
      /answered "43\\n::error file=x::forged" as the generation, which is not a whole number/,
    ],
    [
      'an observed generation that is text',
      (s) => (status(s)['observedGeneration'] = '::add-mask::main'),
      /answered "::add-mask::main" as the observed generation/,
    ],
    [
      'a Ready status with a line break',
      (s) => (status(s).conditions[0]!['status'] = `Unknown${FORGE}`),
      /answered "Unknown\\n::error file=x::forged" as the Ready status, which is not True, False or Unknown/,
    ],
    [
      'a Ready reason that is an object',
      (s) => (status(s).conditions[0]!['reason'] = { text: 'x' }),
      /answered "\{\\"text\\":\\"x\\"\}" as the Ready reason, which is not text/,
    ],
    [
      'a URL with a line break in the host',
      (s) => (status(s)['url'] = 'https://exa\nmple.com'),
      /answered "https:\/\/exa\\nmple.com" as the service URL, which is not a URL of printable ASCII/,
    ],
    [
      'an address URL that is a number',
      (s) => (status(s)['address'] = { url: 8080 }),
      /answered "8080" as the service address URL/,
    ],
    ['traffic that is not a list', (s) => (status(s)['traffic'] = 'all'), /answered "all" as the traffic/],
  ])('%s', (_what, spoil, message) => {
    const service = knativeService({ created: 'api-00042-xyz' });
    spoil(service);
    expect(() => evaluateService(service, '')).toThrow(RevisionFailedError);
    let thrown = '';
    try {
      evaluateService(service, '');
    } catch (error) {
      thrown = (error as Error).message;
    }
    expect(thrown).toMatch(message);
    // One line that no value can end or turn into a workflow command.
    expect(thrown).not.toMatch(/[\r\n]/);
  });

  it('keeps a Ready reason and message with line breaks on one line in the failure', () => {
    const service = knativeService({
      created: 'api-00042-xyz',
      ready: 'False',
      reason: `ContainerError${FORGE}`,
      message: `failed\n::add-mask::main`,
    });
    expect(() => evaluateService(service, '')).toThrow(
      'revision api-00042-xyz cannot become ready: ContainerError ::error file=x::forged: failed ::add-mask::main',
    );
  });

  it('keeps a Ready reason with a line break on one line while it waits', () => {
    const service = knativeService({
      created: 'api-00042-xyz',
      ready: 'Unknown',
      reason: `Deploying${FORGE}`,
    });
    const result = evaluateService(service, '');
    expect(!result.done && result.reason).toBe(
      'revision api-00042-xyz is not ready yet: Ready=Unknown (Deploying ::error file=x::forged), latest ready api-00041-abc',
    );
  });
});
