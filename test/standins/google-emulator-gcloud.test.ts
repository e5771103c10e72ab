// Fidelity of the Google emulator (testkit/google-emulator.mjs) against Google's own clients: the
// real gcloud reads Secret Manager from it, and the Cloud SDK's generated apitools client for
// Cloud Run Admin v2 (run_v2_client / run_v2_messages, what gcloud's v2 commands use) gets,
// lists, patches and waits through it, decoding every answer into the typed messages. apitools
// raises on a wrong JSON type (an int64 sent as a number, say) and keeps unknown field names and
// enum values aside as "unrecognized": the script reports those, and the test wants none.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGoogleEmulator, type GoogleEmulator } from '../../testkit/google-emulator.mjs';

const GCLOUD = '/usr/bin/gcloud';
const SDK_LIB = '/usr/lib/google-cloud-sdk/lib';
const RUN_V2_CLIENT = `${SDK_LIB}/googlecloudsdk/generated_clients/apis/run/v2/run_v2_client.py`;
const HAVE_GCLOUD = existsSync(GCLOUD) && existsSync(RUN_V2_CLIENT);
const SKIP = HAVE_GCLOUD ? '' : ` (skipped: ${GCLOUD} or the SDK's run v2 client is absent)`;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a program asynchronously (the emulator lives in this process). */
function runTool(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

/**
 * Drives the SDK's generated Cloud Run v2 client against EMULATOR_URL and prints a JSON summary,
 * with every unrecognized field (unknown name or enum value) found in any decoded message.
 */
const RUN_V2_SCRIPT = String.raw`
import json, os, sys
sys.path[:0] = [os.environ['SDK_LIB'], os.path.join(os.environ['SDK_LIB'], 'third_party')]
import httplib2
from apitools.base.protorpclite import messages as protomessages
from apitools.base.py import encoding
from googlecloudsdk.generated_clients.apis.run.v2 import run_v2_client, run_v2_messages as m

unrecognized = []
def walk(message, path):
    for name in message.all_unrecognized_fields():
        unrecognized.append(path + '.' + name)
    for field in message.all_fields():
        value = getattr(message, field.name)
        if isinstance(field, protomessages.MessageField) and value is not None:
            for index, item in enumerate(value if field.repeated else [value]):
                walk(item, '%s.%s[%d]' % (path, field.name, index) if field.repeated else path + '.' + field.name)
    return message

client = run_v2_client.RunV2(
    url=os.environ['EMULATOR_URL'] + '/', get_credentials=False, http=httplib2.Http(),
    additional_http_headers={'Authorization': 'Bearer ' + os.environ['TOKEN']})
name = 'projects/%s/locations/%s/services/%s' % (os.environ['PROJECT'], os.environ['REGION'], os.environ['SERVICE'])
services = client.projects_locations_services
service = walk(services.Get(m.RunProjectsLocationsServicesGetRequest(name=name)), 'service')

def summary(s):
    return {
        'generation': s.generation, 'observedGeneration': s.observedGeneration, 'reconciling': s.reconciling,
        'terminalState': str(s.terminalCondition.state), 'latestReadyRevision': s.latestReadyRevision,
        'latestCreatedRevision': s.latestCreatedRevision, 'uri': s.uri,
        'trafficStatuses': [{'type': str(t.type), 'revision': t.revision, 'percent': t.percent, 'tag': t.tag,
                             'uri': t.uri} for t in s.trafficStatuses],
    }

pages, token = [], None
while True:
    page = walk(client.projects_locations_services_revisions.List(
        m.RunProjectsLocationsServicesRevisionsListRequest(parent=name, pageSize=1, pageToken=token)), 'revisions')
    pages.append([r.name.split('/')[-1] for r in page.revisions])
    token = page.nextPageToken
    if not token:
        break
revision = walk(client.projects_locations_services_revisions.Get(
    m.RunProjectsLocationsServicesRevisionsGetRequest(name=service.latestReadyRevision)), 'revision')

patch = m.GoogleCloudRunV2Service(template=m.GoogleCloudRunV2RevisionTemplate(
    containers=[m.GoogleCloudRunV2Container(image=os.environ['NEW_IMAGE'])]))
operation = walk(services.Patch(m.RunProjectsLocationsServicesPatchRequest(
    name=name, googleCloudRunV2Service=patch)), 'operation')
waited = walk(client.projects_locations_operations.Wait(m.RunProjectsLocationsOperationsWaitRequest(
    name=operation.name, googleLongrunningWaitOperationRequest=m.GoogleLongrunningWaitOperationRequest(
        timeout='10s'))), 'waited')
def unpack_any(value, path):
    # an Any in JSON: the message's fields next to "@type"
    fields = json.loads(encoding.MessageToJson(value))
    if fields.pop('@type') != 'type.googleapis.com/google.cloud.run.v2.Service':
        unrecognized.append(path + '.@type')
    return walk(encoding.JsonToMessage(m.GoogleCloudRunV2Service, json.dumps(fields)), path)
response = unpack_any(waited.response, 'response')
metadata = unpack_any(operation.metadata, 'metadata')
failed = walk(services.Get(m.RunProjectsLocationsServicesGetRequest(
    name=name.rsplit('/', 1)[0] + '/' + os.environ['FAILED_SERVICE'])), 'failed')
condition = failed.terminalCondition
print(json.dumps({
    'failed': {'state': str(condition.state), 'reason': condition.reason and str(condition.reason),
               'revisionReason': condition.revisionReason and str(condition.revisionReason),
               'latestReadyRevision': failed.latestReadyRevision},
    'service': summary(service), 'pages': pages,
    'revision': {'name': revision.name, 'state': str(revision.conditions[0].state),
                 'image': revision.containers[0].image, 'generation': revision.generation},
    'operation': {'done': bool(operation.done), 'reconciling': metadata.reconciling},
    'waited': {'done': waited.done, 'error': waited.error is not None}, 'after': summary(response),
    'unrecognized': unrecognized,
}))
`;

let emulator: GoogleEmulator;
let configDir: string;
let gcloudEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  emulator = await startGoogleEmulator({ readyAfterMs: 300 });
  configDir = mkdtempSync(join(tmpdir(), 'gcloud-config-'));
  // gcloud honours the usual proxy variables and its own CLOUDSDK_PROXY_*: none may catch 127.0.0.1
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(https?_proxy|all_proxy|cloudsdk_proxy_.*)$/i.test(key)),
  );
  gcloudEnv = {
    ...env,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    CLOUDSDK_CONFIG: configDir,
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: '1',
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: '1',
    CLOUDSDK_AUTH_ACCESS_TOKEN: emulator.issueToken(),
    CLOUDSDK_API_ENDPOINT_OVERRIDES_SECRETMANAGER: `${emulator.url}/`,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_RUN: `${emulator.url}/`,
  };
});
afterAll(async () => {
  await emulator.close();
  rmSync(configDir, { recursive: true, force: true });
});

describe('the real gcloud reads the emulator' + SKIP, () => {
  it.skipIf(!HAVE_GCLOUD)(
    'gcloud secrets versions list/describe show the emulator’s versions',
    async () => {
      emulator.putSecret({
        id: 'db-password',
        versions: [{ state: 'DESTROYED' }, { state: 'ENABLED' }, { state: 'DISABLED' }],
      });
      const list = await runTool(
        GCLOUD,
        ['secrets', 'versions', 'list', 'db-password', `--project=${emulator.project}`, '--format=json'],
        gcloudEnv,
      );
      expect(list.stderr).toBe('');
      expect(list.code).toBe(0);
      const versions = JSON.parse(list.stdout) as { name: string; state: string; createTime: string }[];
      expect(versions.map((v) => [v.name, v.state])).toEqual([
        ['projects/123456789012/secrets/db-password/versions/3', 'DISABLED'],
        ['projects/123456789012/secrets/db-password/versions/2', 'ENABLED'],
        ['projects/123456789012/secrets/db-password/versions/1', 'DESTROYED'],
      ]);
      const direct = await fetch(
        `${emulator.url}/v1/projects/${emulator.project}/secrets/db-password/versions`,
        {
          headers: { authorization: `Bearer ${String(gcloudEnv.CLOUDSDK_AUTH_ACCESS_TOKEN)}` },
        },
      );
      expect(versions).toEqual(((await direct.json()) as { versions: unknown[] }).versions);

      const describeLatest = await runTool(
        GCLOUD,
        [
          'secrets',
          'versions',
          'describe',
          'latest',
          '--secret=db-password',
          `--project=${emulator.project}`,
          '--format=json',
        ],
        gcloudEnv,
      );
      expect(describeLatest.code).toBe(0);
      expect(JSON.parse(describeLatest.stdout)).toMatchObject({
        name: 'projects/123456789012/secrets/db-password/versions/3',
        state: 'DISABLED',
      });
      // the calls went to the emulator, with gcloud's token
      const seen = emulator.requests.filter((r) => r.path.includes('/secrets/db-password'));
      expect(seen.length).toBeGreaterThanOrEqual(2);
      expect(seen.every((r) => r.authorization)).toBe(true);

      // one gcloud call against one GET from Node
      const t0 = performance.now();
      await fetch(`${emulator.url}/v1/projects/${emulator.project}/secrets/db-password/versions`, {
        headers: { authorization: `Bearer ${String(gcloudEnv.CLOUDSDK_AUTH_ACCESS_TOKEN)}` },
      }).then((r) => r.text());
      const nodeMs = performance.now() - t0;
      console.log(
        `one gcloud call: ${list.ms.toFixed(0)} ms and ${describeLatest.ms.toFixed(0)} ms; one GET from Node: ${nodeMs.toFixed(1)} ms`,
      );
      expect(nodeMs).toBeLessThan(list.ms);
    },
    60_000,
  );

  it.skipIf(!HAVE_GCLOUD)(
    'the SDK’s Cloud Run v2 client decodes get, list, patch and wait without an unrecognized field',
    async () => {
      emulator.putService({
        name: 'api',
        revisions: [
          { name: 'api-00001-abc', image: 'example/api:1' },
          { name: 'api-00002-def', image: 'example/api:2' },
        ],
        traffic: [
          { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 },
          { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'api-00001-abc', tag: 'old' },
        ],
      });
      emulator.putService({
        name: 'broken',
        failure: { reason: 'HEALTH_CHECK_CONTAINER_ERROR', message: 'The container failed to start.' },
      });
      const result = await runTool('python3', ['-c', RUN_V2_SCRIPT], {
        FAILED_SERVICE: 'broken',
        ...gcloudEnv,
        SDK_LIB,
        EMULATOR_URL: emulator.url,
        TOKEN: String(gcloudEnv.CLOUDSDK_AUTH_ACCESS_TOKEN),
        PROJECT: emulator.project,
        REGION: emulator.region,
        SERVICE: 'api',
        NEW_IMAGE: 'example/api:3',
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const out = JSON.parse(result.stdout) as Record<string, Record<string, unknown> & unknown[]>;
      expect(out.unrecognized).toEqual([]);
      const full = (revision: string) =>
        `projects/${emulator.project}/locations/${emulator.region}/services/api/revisions/${revision}`;
      expect(out.service).toMatchObject({
        generation: 2, // an int64 JSON string, decoded to an integer
        observedGeneration: 2,
        reconciling: false,
        terminalState: 'CONDITION_SUCCEEDED',
        latestReadyRevision: full('api-00002-def'),
        trafficStatuses: [
          {
            type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST',
            revision: 'api-00002-def',
            percent: 100,
            tag: null,
          },
          {
            type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION',
            revision: 'api-00001-abc',
            percent: null,
            tag: 'old',
            uri: expect.stringMatching(/^https:\/\/old---api-[0-9a-z]{10}-uc\.a\.run\.app$/) as unknown,
          },
        ],
      });
      expect(out.failed).toEqual({
        state: 'CONDITION_FAILED',
        reason: null,
        revisionReason: 'HEALTH_CHECK_CONTAINER_ERROR',
        latestReadyRevision: null,
      });
      expect(out.pages).toEqual([['api-00002-def'], ['api-00001-abc']]);
      expect(out.revision).toEqual({
        name: full('api-00002-def'),
        state: 'CONDITION_SUCCEEDED',
        image: 'example/api:2',
        generation: 1,
      });
      expect(out.operation).toEqual({ done: false, reconciling: true });
      expect(out.waited).toEqual({ done: true, error: false });
      expect(out.after).toMatchObject({
        generation: 3,
        observedGeneration: 3,
        terminalState: 'CONDITION_SUCCEEDED',
        latestReadyRevision: expect.stringMatching(/\/revisions\/api-00003-[a-z]{3}$/) as unknown,
      });
      // the patch apitools encoded reached the emulator as a new revision of the new image
      const service = emulator.service(emulator.project, emulator.region, 'api')!;
      expect((service.template as { containers: { image: string }[] }).containers[0]!.image).toBe(
        'example/api:3',
      );
    },
    60_000,
  );
});
