import { createHash, Hash, randomBytes } from 'node:crypto';
import { createWriteStream, WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createServer, IncomingMessage, Server, ServerResponse, STATUS_CODES } from 'node:http';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { once } from 'node:events';
import { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import type { Dispatcher } from 'undici';
import { Algorithm, ALGORITHMS } from '@hermetic/core';
import { LeafCertificates } from '../ca/certificate-authority';
import { checksumFileInspector } from '../inspect/checksum-files';
import { Inspections, inspectRequest, inspectResponse, requestAllowed, verdictNeedsContent } from '../inspect/inspectors';
import { InspectedRequest } from '../inspect/types';
import { Download, Session } from '../sessions/session';
import { SessionRegistry } from '../sessions/registry';
import { secretHeader } from '../sessions/secrets';
import { canonicalUrl, reportedUrl } from '../url';
import { endToEnd, reportHeaders } from './headers';

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

/** Hashes for the session's algorithms of a URL (canonical names, validated when the session was created). */
function algorithmHashes(algorithms: readonly Algorithm[]): Array<[Algorithm, Hash]> {
  return algorithms.map((a) => [a, createHash(ALGORITHMS[a].node)]);
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

  constructor(private readonly o: ProxyOptions) {
    this.server = createServer((req, res) => this.contained(req, res, () => this.onRequest(req, res)));
    this.server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.containedConnect(req, socket, () => this.onConnect(req, socket, head)),
    );
    this.server.on('clientError', (_err, socket) => badRequest(socket));
    this.inner = createServer((req, res) => this.contained(req, res, () => this.onTunnelRequest(req, res)));
    this.inner.on('clientError', (_err, socket) => badRequest(socket));
    this.server.keepAliveTimeout = 30_000;
    this.inner.keepAliveTimeout = 30_000;
    this.server.maxConnections = o.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    // Every client socket, tunnels included (they are the same sockets), closes when idle.
    const idle = o.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
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
      this.o.log(`proxy: internal error on ${req.method} ${logTarget(req.url)}: ${(err as Error)?.message ?? String(err)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain', connection: 'close' }).end('500 fetch service internal error (see its log)\n');
      else res.destroy();
    });
  }

  /** The same for a CONNECT, whose work partly happens later (on the tunnel's first bytes). */
  private containedConnect(req: IncomingMessage, socket: Socket, handler: () => void): void {
    try {
      handler();
    } catch (err) {
      this.o.log(`proxy: internal error on CONNECT ${logTarget(req.url)}: ${(err as Error)?.message ?? String(err)}`);
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
    const session = this.o.registry.authenticate(req.headers['proxy-authorization']);
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
    const session = this.o.registry.authenticate(req.headers['proxy-authorization']);
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
    const start = (first: Buffer) =>
      this.containedConnect(req, socket, () => {
        socket.pause();
        if (first[0] === 0x16) {
          // The peeked bytes are already out of the socket's handle, so TLS runs over a stream that
          // replays them first (wrapping the socket itself would lose them).
          this.intercept(replaying(socket, first), session, host, port);
          socket.resume();
        } else {
          socket.unshift(first);
          this.tunnels.set(socket, { session, host, port, scheme: 'http' });
          this.inner.emit('connection', socket);
          socket.resume();
        }
      });
    if (head.length) start(head);
    else if (port === '443') this.intercept(socket, session, host, port);
    else socket.once('data', start);
  }

  /**
   * Terminates the client's TLS with a leaf certificate for the host and serves the requests inside.
   * On port 443 the socket itself is wrapped (its native handle: the fast path, no peeking).
   */
  private intercept(socket: Socket | Duplex, session: Session, host: string, port: string): void {
    // Clients may send an SNI name other than the CONNECT host (npm does for IPs): the leaf names both.
    const tls = new TLSSocket(socket, {
      isServer: true,
      secureContext: this.o.leafCertificates.contextFor(host),
      SNICallback: (name, cb) => {
        try {
          cb(null, this.o.leafCertificates.contextFor(host, name));
        } catch (err) {
          this.o.log(`proxy: no certificate for SNI name ${JSON.stringify(name)} of ${host}: ${(err as Error).message}`);
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

  /**
   * Passes on a declared URL's answer that holds no artifact: a redirect (whose target becomes
   * declared with the same checksums), a HEAD, a 304 or an error. Nothing is judged, so nothing is
   * refused for later; an error is reported, since the build will miss the artifact.
   */
  private async relayWithoutArtifact(
    session: Session,
    inspected: InspectedRequest,
    request: Inspections,
    url: URL,
    upstream: Dispatcher.ResponseData,
    res: ServerResponse,
    download: (status: number, headers: Record<string, string | string[] | undefined>, contentType: string) => Download,
  ): Promise<void> {
    const status = upstream.statusCode;
    const location = upstream.headers.location;
    if (status >= 300 && status < 400 && typeof location === 'string') {
      try {
        session.followRedirect(inspected.canonical, canonicalUrl(new URL(location, url)));
      } catch {
        // An unusable Location: the client's next request (if any) is judged on its own.
      }
    }
    res.writeHead(status, endToEnd(upstream.headers));
    await pipelineQuietly(upstream.body, res);
    if (status >= 400) {
      session.recordRefusal(
        inspected,
        request,
        { lockfile: { opinion: 'Rejected', reason: `upstream answered HTTP ${status} for the declared URL` } },
        download(status, upstream.headers, String(upstream.headers['content-type'] ?? '')),
      );
    } else {
      this.o.log(
        `session ${session.id}: ${inspected.method} ${session.redactor.url(reportedUrl(url))}: HTTP ${status}, no artifact${status < 400 && location ? ` (redirect to ${session.redactor.url(String(location))})` : ''}`,
      );
    }
  }

  /** Inspects, forwards (or refuses), streams back and records one request of a session. */
  private async handle(session: Session, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const started = new Date();
    const inspected: InspectedRequest = { method: req.method ?? 'GET', url, canonical: canonicalUrl(url) };
    const request = inspectRequest(inspected, session);
    const download = (status: number, responseHeaders: Record<string, string | string[] | undefined>, contentType: string): Download => ({
      'start-time': started.toISOString(),
      'end-time': new Date().toISOString(),
      method: inspected.method,
      url: session.redactor.url(reportedUrl(url)),
      address: `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`,
      'user-agent': String(req.headers['user-agent'] ?? ''),
      'status-code': status,
      status: `${status} ${STATUS_CODES[status] ?? ''}`.trim(),
      'content-type': contentType,
      'request-header': reportHeaders(req.headers, session.redactor),
      'response-header': reportHeaders(responseHeaders, session.redactor),
    });

    if (session.policy === 'strict' && (!requestAllowed(request) || session.rejectedUrls.has(inspected.canonical))) {
      const body = refusal(session, inspected, request);
      res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
      session.recordRefusal(
        inspected,
        request,
        { policy: { opinion: 'Rejected', reason: 'refused by the strict session before anything went upstream' } },
        download(403, {}, 'text/plain; charset=utf-8'),
      );
      this.o.log(`session ${session.id}: refused ${inspected.method} ${session.redactor.url(reportedUrl(url))}`);
      req.resume();
      return;
    }

    const headers = endToEnd(req.headers);
    headers.host = url.host;
    const secret = secretHeader(session.secrets, url);
    if (secret) headers.authorization = secret;
    const hasBody =
      !['GET', 'HEAD', 'OPTIONS'].includes(inspected.method) || req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    // A client that leaves ends the upstream transfer too: nothing is fetched for nobody.
    const client = new AbortController();
    let clientGone = false;
    let delivered = 0;
    res.on('close', () => {
      if (res.writableFinished) return;
      clientGone = true;
      client.abort(new Error('the client disconnected'));
    });
    let upstream: Dispatcher.ResponseData;
    try {
      upstream = await this.o.upstream.request({
        signal: client.signal,
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: inspected.method as Dispatcher.HttpMethod,
        headers,
        body: hasBody ? req : undefined,
        headersTimeout: this.o.upstreamTimeoutMs ?? 60_000,
        bodyTimeout: this.o.upstreamTimeoutMs ?? 60_000,
      });
    } catch (err) {
      if (clientGone) {
        session.recordRefusal(
          inspected,
          request,
          { client: { opinion: 'Rejected', reason: 'the client disconnected before the response: nothing was fetched' } },
          download(499, {}, ''),
        );
        return;
      }
      const message = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`502 upstream failed: ${message}\n`);
      session.recordRefusal(inspected, request, { upstream: { opinion: 'Rejected', reason: `upstream failed: ${message}` } }, download(502, {}, 'text/plain'));
      return;
    }

    const contentType = String(upstream.headers['content-type'] ?? '');
    if (session.declared.has(inspected.canonical) && !carriesArtifact(inspected.method, upstream.statusCode)) {
      await this.relayWithoutArtifact(session, inspected, request, url, upstream, res, download);
      return;
    }
    const hashes = algorithmHashes(session.algorithmsFor(inspected.canonical));
    const spool = this.o.spoolData ? await openSpool(session.spoolPath) : NO_SPOOL;
    const holdBack = session.policy === 'strict' && verdictNeedsContent(inspected, session);
    let size = 0;
    let pending: Buffer | undefined;
    // A checksum file is judged by what it says: keep the start of it (they are a line long).
    const wantsText = !!checksumFileInspector.request(inspected, session);
    let text = '';
    res.writeHead(upstream.statusCode, endToEnd(upstream.headers));
    try {
      for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        for (const [, h] of hashes) h.update(chunk);
        if (wantsText && text.length < 4096) text += chunk.subarray(0, 4096 - text.length).toString('latin1');
        if (spool.stream && !spool.stream.write(chunk)) await once(spool.stream, 'drain');
        // A strict session holds the last chunk back until the content is judged, so rejected
        // bytes of a declared artifact never reach the client whole.
        const out = holdBack ? pending : chunk;
        if (holdBack) pending = chunk;
        if (out && !clientGone) {
          delivered += out.length;
          if (!res.write(out)) await drained(res);
        }
        // Left while this chunk was on its way: stop reading upstream now.
        if (clientGone) throw new Error('the client disconnected');
      }
    } catch (err) {
      if (clientGone) {
        // What was delivered is what the report says: a part, never a whole download.
        await spool.discard();
        upstream.body.on('error', () => undefined).destroy();
        const total = upstream.headers['content-length'];
        session.recordRefusal(
          inspected,
          request,
          {
            client: {
              opinion: 'Rejected',
              reason: `the client disconnected after ${delivered} of ${total ?? 'an unknown number of'} bytes: the rest was not fetched`,
            },
          },
          download(upstream.statusCode, upstream.headers, contentType),
        );
        this.o.log(`session ${session.id}: client left ${session.redactor.url(reportedUrl(url))} after ${delivered} bytes; upstream aborted`);
        return;
      }
      this.o.log(`session ${session.id}: ${session.redactor.url(reportedUrl(url))}: upstream body failed: ${session.redactor.text((err as Error).message)}`);
      await spool.discard();
      res.destroy();
      session.recordRefusal(
        inspected,
        request,
        { upstream: { opinion: 'Rejected', reason: `upstream body failed: ${(err as Error).message}` } },
        download(upstream.statusCode, upstream.headers, contentType),
      );
      return;
    }
    const digests = new Map(hashes.map(([a, h]) => [a, h.digest('hex')]));
    const response = inspectResponse(inspected, { status: upstream.statusCode, contentType, digests, size, ...(wantsText ? { text } : {}) }, session);
    const record = session.recordContent(
      inspected,
      request,
      response,
      { sha1: digests.get('sha1')!, sha256: digests.get('sha256')!, size, type: contentType },
      download(upstream.statusCode, upstream.headers, contentType),
    );
    await spool.keep(digests.get('sha256')!);
    if (record.result === 'Approved') session.noteDigests(inspected.canonical, digests);
    // Only bytes judged and refused make a URL refused for the rest of the session.
    if (record.result === 'Rejected' && response.lockfile?.opinion === 'Rejected') session.rejectedUrls.add(inspected.canonical);
    if (holdBack && Object.values(response).some((i) => i.opinion === 'Rejected')) {
      this.o.log(
        `session ${session.id}: cut off ${session.redactor.url(reportedUrl(url))}: ${Object.values(response)
          .map((i) => i.reason)
          .join('; ')}`,
      );
      res.destroy();
      return;
    }
    if (clientGone) return;
    res.end(pending);
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

/** Whether a response carries an artifact's bytes (not a HEAD, a redirect, an error or an empty answer). */
function carriesArtifact(method: string, status: number): boolean {
  return method !== 'HEAD' && status >= 200 && status < 300 && status !== 204;
}

/** Resolves when `res` can take more data, or is gone; leaves no listener behind. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Streams a small body (a redirect's, an error page) to the client; a client gone early is fine. */
async function pipelineQuietly(body: Dispatcher.ResponseData['body'], res: ServerResponse): Promise<void> {
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) if (!res.write(chunk)) await drained(res);
    res.end();
  } catch {
    res.destroy();
  }
}

/** A duplex over `socket` that yields `first` before the socket's own data. */
function replaying(socket: Socket, first: Buffer): Duplex {
  const duplex = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk, _enc, cb) {
      socket.write(chunk, cb);
    },
    final(cb) {
      socket.end();
      cb();
    },
    destroy(err, cb) {
      socket.destroy();
      cb(err);
    },
  });
  duplex.push(first);
  socket.on('data', (d: Buffer) => {
    if (!duplex.push(d)) socket.pause();
  });
  socket.on('end', () => duplex.push(null));
  socket.on('close', () => duplex.destroy());
  socket.on('error', (err) => duplex.destroy(err));
  return duplex;
}

/** The 403 text of a strict refusal: what was blocked, why, and what would allow it. */
function refusal(session: Session, req: InspectedRequest, inspections: Inspections): string {
  const reasons = Object.entries(inspections).map(([id, i]) => `  ${id}: ${i.opinion}: ${i.reason}`);
  const origin = `${req.url.protocol}//${req.url.host}`;
  const dir = req.url.pathname.replace(/[^/]*$/, '');
  const repeat = session.rejectedUrls.has(req.canonical) ? ['  this URL already delivered content that was rejected in this session'] : [];
  return [
    `Blocked by the Hermetic fetch service (strict session ${session.id}): ${req.method} ${reportedUrl(req.url)}`,
    ...reasons,
    ...repeat,
    'To allow it, either:',
    `  - declare it in the project's artifacts.lock.yaml: download_url: "${req.url.href}" with its checksum`,
    `    (nx g @hermetic/nx:add-artifact --project <project> --url ${req.url.href})`,
    `  - or add an allow rule to the session, e.g. "${origin}${dir}**" or "${req.url.hostname}"`,
    '',
  ].join('\n');
}

interface Spool {
  stream?: WriteStream;
  keep: (sha256: string) => Promise<void>;
  discard: () => Promise<void>;
}

const NO_SPOOL: Spool = { keep: async () => undefined, discard: async () => undefined };

/** A spool file for one response: `<spool>/<id>/<sha256>.data` once the digest is known. */
async function openSpool(dir: string): Promise<Spool> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.incoming-${randomBytes(6).toString('hex')}`);
  const stream = createWriteStream(temp, { mode: 0o600 });
  const closed = async () => {
    if (!stream.closed) {
      stream.end();
      await once(stream, 'close');
    }
  };
  return {
    stream,
    keep: async (sha256) => {
      await closed();
      await rename(temp, join(dir, `${sha256}.data`));
    },
    discard: async () => {
      await closed();
      await rm(temp, { force: true });
    },
  };
}
