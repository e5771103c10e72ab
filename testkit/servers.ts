import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestServer {
  url: string;
  port: number;
  /** Requests received, in order. */
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders }[];
  close: () => Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, index: number) => void;

export interface LocalListener {
  port: number;
  /** Destroys the open connections (keep-alive ones too, which would hold close()), then closes. */
  stop: () => Promise<void>;
}

/** Listens on 127.0.0.1 on a free port, keeping track of connections so that stop() never hangs. */
export async function listenLocally(server: net.Server): Promise<LocalListener> {
  const sockets = new Set<net.Socket>();
  const keep = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  server.on('connection', keep);
  server.on('secureConnection', keep);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function track(server: http.Server, handler: Handler, protocol: 'http' | 'https'): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res, requests.length - 1);
  });
  const { port, stop } = await listenLocally(server);
  return { url: `${protocol}://127.0.0.1:${port}`, port, requests, close: stop };
}

/** A real HTTP server on 127.0.0.1 with a free port. */
export function startServer(handler: Handler): Promise<TestServer> {
  return track(http.createServer(), handler, 'http');
}

export interface SelfSigned {
  cert: string;
  key: string;
  certFile: string;
  dispose: () => void;
}

/** A self-signed certificate for 127.0.0.1, made with openssl. */
export function selfSignedCertificate(): SelfSigned {
  const dir = mkdtempSync(join(tmpdir(), 'tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-days',
      '1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return {
    cert: readFileSync(certFile, 'utf8'),
    key: readFileSync(keyFile, 'utf8'),
    certFile,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A real HTTPS server on 127.0.0.1 with the given certificate. */
export function startTlsServer(tls: SelfSigned, handler: Handler): Promise<TestServer> {
  return track(https.createServer({ cert: tls.cert, key: tls.key }), handler, 'https');
}

export function json(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: http.OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
