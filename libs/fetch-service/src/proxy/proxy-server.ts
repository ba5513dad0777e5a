import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import type { Dispatcher } from 'undici';
import { LeafCertificates } from '../ca/certificate-authority';
import { Session } from '../sessions/session';
import { SessionRegistry } from '../sessions/registry';
import { Exchange } from './exchange';

export interface ProxyOptions {
  registry: SessionRegistry;
  leafCertificates: LeafCertificates;
  /** Dispatcher for upstream traffic (honours HTTP(S)_PROXY/NO_PROXY and extra CAs). */
  upstream: Dispatcher;
  log: (line: string) => void;
  /** Idle time allowed upstream, for headers and between body chunks. */
  upstreamTimeoutMs?: number;
  /** Keep each artifact's bytes as `<spool>/<id>/<sha256>.data` (costs a file write per response). */
  spoolData?: boolean;
  /** A client connection (plain or tunnel) with no bytes either way for this long is closed. */
  idleTimeoutMs?: number;
  /** Client connections open at once; more are refused (closed on accept). */
  maxConnections?: number;
}

/** Five minutes: longer than the upstream timeout, so only a connection nobody uses is closed. */
export const DEFAULT_IDLE_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_MAX_CONNECTIONS = 1024;

const AUTH_REALM = 'Basic realm="fetch-service"';

/** What a CONNECT tunnel was opened for; the requests inside it inherit it. */
interface Tunnel {
  session: Session;
  host: string;
  port: string;
  scheme: 'http' | 'https';
}

/**
 * The recording, filtering MITM proxy. Plain HTTP requests arrive in absolute form; HTTPS arrives as
 * CONNECT, is answered with a leaf certificate minted for the host, and the requests inside the
 * tunnel are served like plain ones. Every request belongs to the session of its
 * `Proxy-Authorization`; bodies stream through (hashed and spooled on the way, never held whole).
 */
export class ProxyServer {
  readonly server: Server;
  private readonly inner: Server;
  private readonly tunnels = new WeakMap<Socket, Tunnel>();

  constructor(private readonly options: ProxyOptions) {
    this.server = createServer((req, res) => this.contained(req, res, () => this.onRequest(req, res)));
    this.server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.containedConnect(req, socket, () => this.onConnect(req, socket, head)),
    );
    this.server.on('clientError', (_err, socket) => badRequest(socket));
    this.inner = createServer((req, res) => this.contained(req, res, () => this.onTunnelRequest(req, res)));
    this.inner.on('clientError', (_err, socket) => badRequest(socket));
    this.server.keepAliveTimeout = 30_000;
    this.inner.keepAliveTimeout = 30_000;
    this.server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    // Every client socket, tunnels included (they are the same sockets), closes when idle.
    const idle = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.server.on('connection', (socket: Socket) => socket.setTimeout(idle, () => socket.destroy()));
  }

  /**
   * Runs one request's handler so that nothing it throws reaches the process (which holds every
   * live session): the request ends with a 500 (or is cut, once its headers went out) and a log line.
   */
  private contained(req: IncomingMessage, res: ServerResponse, handler: () => Promise<void>): void {
    let work: Promise<void>;
    try {
      work = handler();
    } catch (err) {
      work = Promise.reject(err);
    }
    work.catch((err: unknown) => {
      this.options.log(`proxy: internal error on ${req.method} ${logTarget(req.url)}: ${(err as Error)?.message ?? String(err)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain', connection: 'close' }).end('500 fetch service internal error (see its log)\n');
      else res.destroy();
    });
  }

  /** The same for a CONNECT, whose work partly happens later (on the tunnel's first bytes). */
  private containedConnect(req: IncomingMessage, socket: Socket, handler: () => void): void {
    try {
      handler();
    } catch (err) {
      this.options.log(`proxy: internal error on CONNECT ${logTarget(req.url)}: ${(err as Error)?.message ?? String(err)}`);
      socket.destroy();
    }
  }

  close(): void {
    this.server.closeAllConnections();
    this.inner.closeAllConnections();
    this.server.close();
    this.inner.close();
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!/^http:\/\//i.test(req.url ?? '')) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('This is a proxy: send absolute-form requests (http://host/path) or CONNECT.\n');
      return;
    }
    const session = this.options.registry.authenticate(req.headers['proxy-authorization']);
    if (!session) {
      res
        .writeHead(407, { 'proxy-authenticate': AUTH_REALM, 'content-type': 'text/plain' })
        .end('407 Proxy Authentication Required: use http://<session-id>:<token>@<proxy>/\n');
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url!);
    } catch {
      res.writeHead(400).end('bad request URL\n');
      return;
    }
    await this.handle(session, req, res, url);
  }

  private onConnect(req: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const session = this.options.registry.authenticate(req.headers['proxy-authorization']);
    if (!session) {
      socket.end(`HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: ${AUTH_REALM}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    const target = connectTarget(req.url);
    if (!target) {
      socket.end(
        'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nCONNECT needs host:port with a valid host and a port from 1 to 65535\n',
      );
      return;
    }
    const { host, port } = target;
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    // A tunnel may carry TLS (intercepted with a leaf certificate for the host) or plain HTTP
    // (undici's ProxyAgent tunnels http:// URLs too): the first byte tells (0x16 = TLS handshake).
    // The peeked bytes go back into the socket's buffer: TLS takes them from there before it reads
    // the native handle (Node's TLSSocket feeds a wrapped socket's buffered data first), so both
    // ways keep the native fast path.
    const start = (first: Buffer) =>
      this.containedConnect(req, socket, () => {
        socket.pause();
        socket.unshift(first);
        if (first[0] === 0x16) {
          this.intercept(socket, session, host, port);
        } else {
          this.tunnels.set(socket, { session, host, port, scheme: 'http' });
          this.inner.emit('connection', socket);
          socket.resume();
        }
      });
    if (head.length) start(head);
    else socket.once('data', start);
  }

  /**
   * Terminates the client's TLS with a leaf certificate for the host and serves the requests inside.
   * The socket itself is wrapped: TLS runs on its native handle, never through a JavaScript stream.
   */
  private intercept(socket: Socket, session: Session, host: string, port: string): void {
    // Clients may send an SNI name other than the CONNECT host (npm does for IPs): the leaf names both.
    const tls = new TLSSocket(socket, {
      isServer: true,
      secureContext: this.options.leafCertificates.contextFor(host),
      SNICallback: (name, cb) => {
        try {
          cb(null, this.options.leafCertificates.contextFor(host, name));
        } catch (err) {
          this.options.log(`proxy: no certificate for SNI name ${JSON.stringify(name)} of ${host}: ${(err as Error).message}`);
          cb(err as Error, undefined);
        }
      },
      ALPNProtocols: ['http/1.1'],
    });
    tls.on('error', () => tls.destroy());
    this.tunnels.set(tls, { session, host, port, scheme: 'https' });
    this.inner.emit('connection', tls);
  }

  private async onTunnelRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const tunnel = this.tunnels.get(req.socket);
    if (!tunnel) {
      res.writeHead(500).end();
      return;
    }
    if (tunnel.session.revoked || !tunnel.session.live) {
      res.writeHead(407, { 'proxy-authenticate': AUTH_REALM }).end('407 session token revoked or expired\n');
      return;
    }
    const host = tunnel.host.includes(':') ? `[${tunnel.host}]` : tunnel.host;
    let url: URL;
    try {
      // Origin-form only ("/path?query"): "*", absolute or authority forms make no sense inside a tunnel.
      if (!(req.url ?? '').startsWith('/')) throw new TypeError('not origin-form');
      url = new URL(`${tunnel.scheme}://${host}:${tunnel.port}${req.url}`);
    } catch {
      res
        .writeHead(400, { 'content-type': 'text/plain', connection: 'close' })
        .end('400 bad request target: send origin-form requests (/path?query) inside a tunnel\n');
      return;
    }
    await this.handle(tunnel.session, req, res, url);
  }

  /** Serves one request of a session (see `Exchange`). */
  private handle(session: Session, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    return new Exchange(this.options, session, req, res, url).run();
  }
}

/** Answers what Node's HTTP parser could not parse with a 400 (as Node does by default), then closes. */
function badRequest(socket: Duplex): void {
  if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n400 malformed request\n');
  socket.destroy();
}

/** A CONNECT target `host:port` (IPv6 in brackets) whose host and port make a valid URL, or undefined. */
export function connectTarget(target: string | undefined): { host: string; port: string } | undefined {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(target ?? '');
  if (!m) return undefined;
  const [, host, port] = m;
  if (Number(port) < 1 || Number(port) > 65535) return undefined;
  try {
    const url = new URL(`https://${host.includes(':') ? `[${host}]` : host}:${port}/`);
    if (!url.hostname) return undefined;
  } catch {
    return undefined;
  }
  return { host, port: String(Number(port)) };
}

/** A request target for the log: without its query (which may carry credentials), bounded in length. */
function logTarget(target: string | undefined): string {
  const text = (target ?? '').split('?')[0];
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}
