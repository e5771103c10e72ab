// Cloud Run's front end, as the rehearsal plays it: one local process per revision (uvicorn of
// the reference service), and this router on 127.0.0.1 in front of them. A request to the
// service URL goes to a revision by the service's split as the emulator's Cloud Run holds it at
// that moment (trafficStatuses: LATEST resolved, percentages weighted in a smooth round robin, so
// a 50/50 split alternates); a request to a tag URL goes straight to the revision that carries
// the tag, and an unknown tag answers 404, as Cloud Run does. A revision without a process yet,
// or whose process does not accept the connection, answers 503. Every request is recorded: which
// URL it came to and which revision's process served it.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request through the router. */
export interface RouterHit {
  at: number;
  /** `service` (the service URL) or `tag:<name>` (a tag URL). */
  via: string;
  /** The revision whose process served it; empty when none did. */
  revision: string;
  /** The port of that process (0 when none). */
  port: number;
  method: string;
  path: string;
  status: number;
}

/** What the router reads of the service at each request: the emulator's trafficStatuses. */
export type TrafficStatuses = () => readonly { revision?: string; percent?: number; tag?: string }[];

export interface RevisionRouter {
  /** For the emulator's `serviceUrl` option: the service URL (tag undefined) or a tag's URL. */
  serviceUrl: (service: string, tag?: string) => string;
  /** The revision's process listens on this port from now on. */
  serve: (revision: string, port: number) => void;
  /** The port of each revision's process. */
  readonly processes: ReadonlyMap<string, number>;
  readonly hits: readonly RouterHit[];
  /** The service URL's port and each tag URL's port. */
  readonly ports: { service: number; tags: Record<string, number> };
  close: () => Promise<void>;
}

function listen(handler: http.RequestListener): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const server = http.createServer(handler);
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/**
 * Starts the router: a listener for the service URL and one for each tag the pipeline gives
 * (`tags`, e.g. health-check's `candidate`); `statuses` is bound once the emulator runs.
 */
export async function startRevisionRouter(
  service: string,
  tags: readonly string[],
  statuses: () => ReturnType<TrafficStatuses> | undefined,
): Promise<RevisionRouter> {
  const processes = new Map<string, number>();
  const hits: RouterHit[] = [];
  /** Smooth weighted round robin: each revision's credit. */
  const credits = new Map<string, number>();

  const pickByShare = (): string | undefined => {
    const shares = (statuses() ?? []).filter(
      (status): status is { revision: string; percent: number } =>
        typeof status.revision === 'string' && (status.percent ?? 0) > 0,
    );
    if (shares.length === 0) return undefined;
    let best: string | undefined;
    for (const share of shares) {
      const credit = (credits.get(share.revision) ?? 0) + share.percent;
      credits.set(share.revision, credit);
      if (best === undefined || credit > (credits.get(best) ?? 0)) best = share.revision;
    }
    for (const known of credits.keys()) {
      if (!shares.some((share) => share.revision === known)) credits.delete(known);
    }
    if (best !== undefined) credits.set(best, (credits.get(best) ?? 0) - 100);
    return best;
  };

  const forward = (
    via: string,
    revision: string | undefined,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ) => {
    const port = revision === undefined ? undefined : processes.get(revision);
    const hit: RouterHit = {
      at: Date.now(),
      via,
      revision: revision ?? '',
      port: port ?? 0,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      status: 0,
    };
    hits.push(hit);
    const answer = (status: number, text: string) => {
      hit.status = status;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(`${text}\n`);
    };
    if (revision === undefined) {
      answer(via === 'service' ? 503 : 404, via === 'service' ? 'no revision serves traffic' : 'no such tag');
      return;
    }
    if (port === undefined) {
      answer(503, `revision ${revision} has no instance yet`);
      return;
    }
    const upstream = http.request(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
      (answerOf) => {
        hit.status = answerOf.statusCode ?? 0;
        res.writeHead(answerOf.statusCode ?? 502, answerOf.headers);
        answerOf.pipe(res);
      },
    );
    upstream.once('error', () => {
      if (!res.headersSent) answer(503, `revision ${revision}: its instance is not accepting connections`);
      else res.destroy();
    });
    req.pipe(upstream);
  };

  const serviceServer = await listen((req, res) => forward('service', pickByShare(), req, res));
  const tagServers = new Map<string, http.Server>();
  for (const tag of tags) {
    tagServers.set(
      tag,
      await listen((req, res) => {
        const tagged = (statuses() ?? []).find((status) => status.tag === tag)?.revision;
        forward(`tag:${tag}`, tagged, req, res);
      }),
    );
  }
  const portOf = (server: http.Server) => (server.address() as AddressInfo).port;
  const ports = {
    service: portOf(serviceServer),
    tags: Object.fromEntries([...tagServers].map(([tag, server]) => [tag, portOf(server)])),
  };
  return {
    serviceUrl: (name, tag) => {
      if (name !== service) throw new Error(`the rehearsal serves service ${service}, not ${name}`);
      if (tag === undefined) return `http://127.0.0.1:${ports.service}`;
      const port = ports.tags[tag];
      if (port === undefined) {
        throw new Error(`the rehearsal serves the tag URLs of ${tags.join(', ')} only, not of ${tag}`);
      }
      return `http://127.0.0.1:${port}`;
    },
    serve: (revision, port) => {
      processes.set(revision, port);
    },
    processes,
    hits,
    ports,
    close: async () => {
      await Promise.all(
        [serviceServer, ...tagServers.values()].map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}
