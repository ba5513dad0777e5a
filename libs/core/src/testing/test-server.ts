import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AddressInfo, connect as connectTcp, createServer as createNetServer, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

/** Test-only TLS certificate for 127.0.0.1 and localhost. */
export const TEST_CERT_PATH = join(__dirname, 'fixtures', 'test-cert.pem');
const TEST_KEY_PATH = join(__dirname, 'fixtures', 'test-key.pem');

export type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void | Promise<void>;

/** A real loopback HTTP(S) server whose routes inject faults; counts and records requests. */
export interface TestServer {
  /** `http://127.0.0.1:<port>` (or https). */
  readonly origin: string;
  readonly requests: Array<{ method: string; path: string; headers: IncomingMessage['headers'] }>;
  /** Connections accepted so far (keep-alive reuses one for many requests). */
  readonly connections: number;
  /** HTTPS connections that resumed an earlier TLS session (no full handshake). */
  readonly resumed: number;
  /**
   * Tunnels opened through it as a proxy (`CONNECT`, whatever host is asked for): each leads back to
   * the server itself, so its routes serve any URL fetched through it by path.
   */
  readonly tunnels: number;
  /** Answers the next tunnels with this status instead (a proxy asking for credentials, refusing a host); undefined: open them. */
  refuseTunnels(status: number | undefined): void;
  route(path: string, handler: Handler): void;
  hits(path: string): number;
  close(): Promise<void>;
}

export async function startTestServer(options: { https?: boolean } = {}): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  const counts = new Map<string, number>();
  const requests: TestServer['requests'] = [];
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    // Prefixed, not resolved against a base: a path like //host/x is a path here, not an authority.
    const path = new URL(`http://x${req.url ?? '/'}`).pathname;
    const hit = (counts.get(path) ?? 0) + 1;
    counts.set(path, hit);
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    const handler = routes.get(path);
    if (!handler) {
      res.writeHead(404).end('not found');
      return;
    }
    Promise.resolve(handler(req, res, hit)).catch((err) => res.destroy(err));
  };
  const server: Server = options.https
    ? createHttpsServer({ cert: readFileSync(TEST_CERT_PATH), key: readFileSync(TEST_KEY_PATH) }, listener)
    : createHttpServer(listener);
  let connections = 0;
  let resumed = 0;
  server.on(options.https ? 'secureConnection' : 'connection', (socket: Socket | TLSSocket) => {
    connections++;
    if ('isSessionReused' in socket && socket.isSessionReused()) resumed++;
  });
  let tunnels = 0;
  let refusal: number | undefined;
  server.on('connect', (_req: IncomingMessage, client: Socket, head: Buffer) => {
    tunnels++;
    if (refusal !== undefined) {
      client.end(`HTTP/1.1 ${refusal} Refused\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const back = connectTcp(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      back.write(head);
      back.pipe(client).pipe(back);
    });
    back.on('error', () => client.destroy());
    client.on('error', () => back.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${options.https ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    get connections() {
      return connections;
    },
    get resumed() {
      return resumed;
    },
    get tunnels() {
      return tunnels;
    },
    refuseTunnels: (status) => void (refusal = status),
    route: (path, handler) => void routes.set(path, handler),
    hits: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Serves bytes with Content-Length, an ETag, and `Range` support (206) unless disabled. */
export function serveBytes(body: Buffer, options: { ranges?: boolean; etag?: string; headers?: Record<string, string> } = {}): Handler {
  const ranges = options.ranges ?? true;
  return (req, res) => {
    const headers: Record<string, string | number> = { 'content-type': 'application/octet-stream', ...options.headers };
    if (ranges) {
      headers['accept-ranges'] = 'bytes';
      headers.etag = options.etag ?? '"v1"';
    }
    const range = ranges ? /^bytes=(\d+)-$/.exec(req.headers.range ?? '') : null;
    if (range && (!req.headers['if-range'] || req.headers['if-range'] === headers.etag)) {
      const start = Number(range[1]);
      res.writeHead(206, { ...headers, 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
      res.end(body.subarray(start));
      return;
    }
    res.writeHead(200, { ...headers, 'content-length': body.length });
    res.end(body);
  };
}

/** Answers `status` (with optional headers) and a short body. */
export function status(code: number, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(code, headers).end(`status ${code}`);
  };
}

/** Uses the n-th handler for the n-th hit; the last one repeats. */
export function sequence(...handlers: Handler[]): Handler {
  return (req, res, hit) => handlers[Math.min(hit, handlers.length) - 1](req, res, hit);
}

/** Promises the whole body, sends `bytes` of it, then resets the connection. */
export function cutAfter(body: Buffer, bytes: number, options: { ranges?: boolean } = {}): Handler {
  return (_req, res) => {
    const headers: Record<string, string | number> = { 'content-length': body.length, 'content-type': 'application/octet-stream' };
    if (options.ranges ?? true) Object.assign(headers, { 'accept-ranges': 'bytes', etag: '"v1"' });
    res.writeHead(200, headers);
    res.write(body.subarray(0, bytes), () => setTimeout(() => res.socket?.destroy(), 20));
  };
}

/** Sends the body in `chunks` pieces `delayMs` apart. */
export function slowBody(body: Buffer, chunks: number, delayMs: number): Handler {
  return async (_req, res) => {
    res.writeHead(200, { 'content-length': body.length });
    const size = Math.ceil(body.length / chunks);
    for (let i = 0; i < body.length; i += size) {
      if (res.destroyed) return;
      res.write(body.subarray(i, i + size));
      await new Promise((r) => setTimeout(r, delayMs));
    }
    res.end();
  };
}

/** Redirects to `location` with `code`. */
export function redirect(location: string, code = 302): Handler {
  return (_req, res) => {
    res.writeHead(code, { location }).end();
  };
}

/** Answers 401 unless the request carries `header: value` (e.g. authorization: Basic …). */
export function requireHeader(header: string, value: string, handler: Handler): Handler {
  return (req, res, hit) => {
    if (req.headers[header.toLowerCase()] !== value) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end('unauthorized');
      return;
    }
    return handler(req, res, hit);
  };
}

/** Publishes `body` at its Maven layout path below `repo` (e.g. `/m2`), with `.sha1`/`.sha256` files unless told not to. */
export function publishMaven(
  server: TestServer,
  repo: string,
  coords: { group: string; artifact: string; version: string; classifier?: string; ext?: string },
  body: Buffer,
  options: { sidecars?: boolean; guard?: (h: Handler) => Handler } = {},
): string {
  const file = `${coords.artifact}-${coords.version}${coords.classifier ? `-${coords.classifier}` : ''}.${coords.ext ?? 'jar'}`;
  const path = `${repo}/${coords.group.replace(/\./g, '/')}/${coords.artifact}/${coords.version}/${file}`;
  const guard = options.guard ?? ((h: Handler) => h);
  server.route(path, guard(serveBytes(body)));
  if (options.sidecars ?? true) {
    for (const alg of ['sha1', 'sha256']) server.route(`${path}.${alg}`, guard(serveBytes(Buffer.from(createHash(alg).update(body).digest('hex')))));
  }
  return path;
}

/** Streams `size` bytes (a repeated 1 MiB random chunk) with backpressure: for large-transfer tests. */
export function largeBody(size: number): Handler {
  const chunk = Buffer.alloc(1024 * 1024, 0x5a);
  return (_req, res) => {
    res.writeHead(200, { 'content-length': size });
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const piece = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += piece.length;
        if (!res.write(piece)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  };
}

/** Streams zeros without end and without a Content-Length, until the client goes away (counts what it sent). */
export function endlessBody(sent: { bytes: number }): Handler {
  const chunk = Buffer.alloc(64 * 1024);
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const pump = () => {
      while (!res.destroyed) {
        sent.bytes += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
    };
    res.on('close', () => res.destroy());
    pump();
  };
}

/** A port nothing listens on right now, on 127.0.0.1 (for services a test starts in another process). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Sends the first half of `body`, then waits for `gate` before the rest: a client that buffers the
 * whole body before passing it on never opens the gate (the test times out), one that streams does.
 */
export function gatedBody(body: Buffer, gate: Promise<unknown>): Handler {
  return async (_req, res) => {
    res.writeHead(200, { 'content-length': body.length });
    const half = Math.floor(body.length / 2);
    res.write(body.subarray(0, half));
    await gate;
    res.end(body.subarray(half));
  };
}
