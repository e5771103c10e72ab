import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KnativeService } from '../src/health-check/cloud-run.js';

export interface ServiceState {
  name?: string;
  generation?: number;
  observedGeneration?: number;
  created?: string;
  readyRevision?: string;
  ready?: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  traffic?: { revisionName: string; percent: number; latestRevision?: boolean }[];
  url?: string;
}

/**
 * A service as `gcloud run services describe --format=json` prints it: the Knative
 * serving.knative.dev/v1 Service with Cloud Run's metadata, spec and status.
 */
export function knativeService(state: ServiceState = {}): KnativeService {
  const name = state.name ?? 'api';
  const generation = state.generation ?? 42;
  const created = state.created ?? `${name}-000${generation}-xyz`;
  const ready = state.ready ?? 'True';
  const readyRevision =
    state.readyRevision ?? (ready === 'True' ? created : `${name}-000${generation - 1}-abc`);
  const url = state.url ?? `https://${name}-q7h2kq3zaa-ew.a.run.app`;
  const condition = (type: string) => ({
    type,
    status: ready,
    lastTransitionTime: '2026-11-28T10:15:42.117203Z',
    ...(state.reason === undefined ? {} : { reason: state.reason }),
    ...(state.message === undefined ? {} : { message: state.message }),
  });
  const document: Record<string, unknown> = {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: '123456789012',
      selfLink: `/apis/serving.knative.dev/v1/namespaces/123456789012/services/${name}`,
      uid: '0b5e6c1e-8d3f-4a7b-9c2d-1e2f3a4b5c6d',
      resourceVersion: 'AAYkF3q8mQ4',
      generation,
      creationTimestamp: '2026-10-01T08:00:00.000000Z',
      labels: { 'cloud.googleapis.com/location': 'europe-west1', 'commit-sha': '3f2a9c8' },
      annotations: {
        'run.googleapis.com/ingress': 'all',
        'run.googleapis.com/operation-id': '9c1d2e3f-0000-4a5b-8c9d-0e1f2a3b4c5d',
        'serving.knative.dev/creator': 'deployer@example-project.iam.gserviceaccount.com',
      },
    },
    spec: {
      template: {
        metadata: { annotations: { 'autoscaling.knative.dev/maxScale': '10' } },
        spec: {
          containerConcurrency: 80,
          timeoutSeconds: 300,
          serviceAccountName: 'api-runtime@example-project.iam.gserviceaccount.com',
          containers: [
            {
              image: `europe-west1-docker.pkg.dev/example-project/services/${name}@sha256:${'ab'.repeat(32)}`,
              ports: [{ name: 'http1', containerPort: 8080 }],
              resources: { limits: { cpu: '1000m', memory: '512Mi' } },
            },
          ],
        },
      },
      traffic: [{ percent: 100, latestRevision: true }],
    },
    status: {
      observedGeneration: state.observedGeneration ?? generation,
      conditions: [
        condition('Ready'),
        condition('ConfigurationsReady'),
        {
          type: 'RoutesReady',
          status: ready === 'False' ? 'False' : ready,
          lastTransitionTime: '2026-11-28T10:15:42.117203Z',
        },
      ],
      latestReadyRevisionName: readyRevision,
      latestCreatedRevisionName: created,
      traffic: state.traffic ?? [{ revisionName: readyRevision, percent: 100, latestRevision: true }],
      url,
      address: { url },
    },
  };
  return document;
}

/** Writes a gcloud stand-in scenario and returns its path. */
export function writeScenario(services: Record<string, unknown[]>): string {
  const dir = mkdtempSync(join(tmpdir(), 'gcloud-scenario-'));
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify({ services }));
  return file;
}
