import type { IncomingHttpHeaders } from 'node:http';
import { connect as connectTcp, isIP, OnReadOpts, Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { ConnectionOptions, HttpClient, HttpRequest, HttpResponse } from './http-client';
import { ResponseHead, ResponseParser } from './response-parser';

/**
 * Bytes one read of a connection takes at most, into the connection's own buffer. Node's sockets
 * read 64 KiB into a fresh buffer each time: garbage that only a collection frees, and four times
 * the reads (and callbacks) for a large body. A bare client reading into one reused 256 KiB buffer
 * took 0.63 s where Node's http client took 1.0-1.2 s for 4 x 128 MiB (64 KiB reused: 0.85 s; fresh
 * 64 KiB buffers without Node's parser: 1.0 s), and 0.31-0.37 s against 0.40-0.52 s for 200 x 1 MiB.
 */
const READ_BUFFER_BYTES = 256 << 10;
/** A body up to this size is read out by `dump` so its connection is kept; a longer one is cut. */
const DUMP_READ_LIMIT = 128 << 10;
/** An idle connection is closed after this long (servers close theirs after 5 s or more). */
const IDLE_TIMEOUT_MS = 4_000;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A socket that stayed silent too long: while connecting, or waiting for headers or body bytes. */
export class SilenceError extends Error {
  readonly code = 'ETIMEDOUT';
}

/** The request's signal aborted it (named as Node names aborts, so callers recognise it). */
class AbortError extends Error {
  override readonly name = 'AbortError';
  readonly code = 'ABORT_ERR';
}

/** A kept connection failed before any byte of the answer: the server had closed it; the request is sent again on a new one. */
class StaleConnection extends Error {}

function silence(what: string, ms: number): SilenceError {
  return new SilenceError(`${what} for ${Math.round(ms / 100) / 10} s`);
}

/** The request line and headers, refusing a header that would break the message (a CR or LF in a value from the environment). */
function requestHead(req: HttpRequest): string {
  let head = `${req.method} ${req.url.pathname}${req.url.search} HTTP/1.1\r\n`;
  const headers: Record<string, string> = { host: req.url.host, ...req.headers };
  for (const [name, value] of Object.entries(headers)) {
    // The value is not named: it may be a credential.
    if (!TOKEN.test(name) || !FIELD_VALUE.test(value))
      throw new TypeError(`invalid HTTP header ${JSON.stringify(name)} (a control character or line break in its name or value)`);
    head += `${name}: ${value}\r\n`;
  }
  return `${head}\r\n`;
}

/** One request and its response on a connection: what `HttpResponse` is, as the bytes arrive. */
class Exchange implements HttpResponse {
  statusCode = 0;
  headers: IncomingHttpHeaders = {};
  private readonly parser: ResponseParser;
  /** Whether any byte of the answer arrived (a kept connection that failed before is retried). */
  private answered = false;
  private headSettled = false;
  /** Who reads the body: a reader's callback, or dump's; undefined until one asks. */
  private sink?: (piece: Buffer) => void;
  /**
   * Body pieces that arrived before anyone read them: views of the connection's read buffer, which
   * it lends (reading into its other buffer meanwhile), or copies once it needs it back.
   */
  private held: Buffer[] = [];
  private ended = false;
  /** Set when the body ended with pieces still held: the connection is released once they are read. */
  private releaseAfterRead?: boolean;
  private failure?: Error;
  private settle?: { resolve: () => void; reject: (err: Error) => void };
  private readonly onAbort = () => this.fail(new AbortError('the request was aborted', { cause: this.req.signal?.reason }));

  constructor(
    private readonly connection: Connection,
    private readonly req: HttpRequest,
    private readonly headArrived: { resolve: (res: HttpResponse) => void; reject: (err: Error) => void },
  ) {
    this.parser = new ResponseParser(req.method, {
      head: (head) => this.onHead(head),
      body: (piece) => (this.sink ? this.sink(piece) : this.hold(piece)),
      end: (reusable) => this.onEnd(reusable),
    });
    req.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Bytes from the connection. */
  feed(data: Buffer): void {
    this.answered = true;
    try {
      this.parser.feed(data);
    } catch (err) {
      // A malformed answer, or what the reader threw (stopping the body).
      this.fail(err as Error);
    }
  }

  /** The connection closed (or failed with `err`) while this exchange was on it. */
  closed(err: Error | undefined): void {
    if (this.ended || this.failure) return;
    if (!err) {
      try {
        this.parser.finish();
        return;
      } catch (parseErr) {
        err = parseErr as Error;
      }
    }
    this.fail(!this.answered && this.connection.reused && !(err instanceof SilenceError) ? new StaleConnection(err.message, { cause: err }) : err);
  }

  receive(onChunk: (chunk: Buffer) => void): Promise<void> {
    return this.read(onChunk);
  }

  dump(): Promise<void> {
    const length = Number(this.headers['content-length']);
    if (!this.ended && !this.failure && !(length <= DUMP_READ_LIMIT)) {
      this.fail(new Error('the body was not read'));
      return Promise.resolve();
    }
    return this.read(() => undefined).catch(() => undefined);
  }

  cancel(reason: Error): void {
    if (this.releaseAfterRead === undefined) return this.fail(reason);
    // Whole already: nothing to stop, only the held pieces to let go.
    this.held = [];
    this.releaseHeld();
  }

  /** Makes the held pieces copies: the connection needs its buffer back. */
  keepHeld(): void {
    this.held = this.held.map((piece) => Buffer.from(piece));
  }

  private hold(piece: Buffer): void {
    this.held.push(piece);
    this.connection.lend();
  }

  /** The held pieces are read or dropped: the buffer is the connection's again, and a whole response's connection goes back. */
  private releaseHeld(): void {
    this.connection.returned();
    const reusable = this.releaseAfterRead;
    this.releaseAfterRead = undefined;
    if (reusable !== undefined) this.connection.finished(reusable);
  }

  private read(sink: (piece: Buffer) => void): Promise<void> {
    if (this.sink) return Promise.reject(new Error('the body is read once'));
    this.sink = sink;
    const held = this.held;
    this.held = [];
    let thrown: Error | undefined;
    try {
      for (const piece of held) sink(piece);
    } catch (err) {
      thrown = err as Error;
    }
    this.releaseHeld();
    if (thrown) {
      this.fail(thrown);
      return Promise.reject(thrown);
    }
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
      this.connection.flow(this.req.readTimeoutMs);
    });
  }

  private onHead(head: ResponseHead): void {
    this.statusCode = head.statusCode;
    this.headers = head.headers;
    this.headSettled = true;
    // Nobody reads the body yet: stop reading until someone does (what arrived meanwhile is held).
    if (!this.parser.done) this.connection.hold();
    this.headArrived.resolve(this);
  }

  private onEnd(reusable: boolean): void {
    this.ended = true;
    this.req.signal?.removeEventListener('abort', this.onAbort);
    // Held pieces are views of the connection's buffer: it stays this exchange's until they are read.
    if (this.held.length) this.releaseAfterRead = reusable;
    else this.connection.finished(reusable);
    this.settle?.resolve();
  }

  private fail(err: Error): void {
    if (this.ended || this.failure) return;
    this.failure = err;
    this.held = [];
    this.connection.returned();
    this.req.signal?.removeEventListener('abort', this.onAbort);
    this.connection.finished(false);
    if (!this.headSettled) {
      this.headSettled = true;
      this.headArrived.reject(err);
    }
    this.settle?.reject(err);
  }
}

/**
 * A connection's socket, reading into `onread`'s buffers: TLS for https (Node's TLS module is loaded
 * with the first one: a plain-HTTP run never pays for it), plain TCP otherwise.
 */
function openSocket(url: URL, onread: OnReadOpts, tls: TlsOptions): Socket {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  if (url.protocol !== 'https:') return connectTcp({ host, port, onread });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded for the first https connection only
  const { connect } = require('node:tls') as typeof import('node:tls');
  const socket = connect({
    host,
    port,
    ALPNProtocols: ['http/1.1'],
    // SNI names the host (not an address): servers with several names need it to pick their certificate.
    ...(isIP(host) ? {} : { servername: host }),
    ...(tls.secureContext ? { secureContext: tls.secureContext } : {}),
    // The origin's last session ticket: a new connection resumes instead of a full handshake (as Node's https agent does).
    ...(tls.session ? { session: tls.session } : {}),
    // Honoured by Node's TLS sockets as by plain ones (when they make their own), missing from its types.
    ...({ onread } as object),
  });
  socket.on('session', (session: Buffer) => tls.onSession(session));
  return socket;
}

/** What a TLS connection needs of its pool: the trust context, and the origin's session to resume. */
interface TlsOptions {
  secureContext?: SecureContext;
  session?: Buffer;
  onSession: (session: Buffer) => void;
}

/** Where connections go: the pool of their origin. */
interface Home {
  release(connection: Connection, reusable: boolean): void;
  forget(connection: Connection): void;
}

/**
 * One keep-alive connection: its socket reads into the connection's own buffer and hands each read
 * to the exchange on it, which must use the bytes before the next read.
 */
class Connection {
  readonly socket: Socket;
  /** Where the next read goes. */
  private buffer: Buffer = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
  /** The other buffer, made when first needed: reads go there while the exchange holds views of the first. */
  private spare?: Buffer;
  /** The exchange kept views of the bytes just read: the next read must go to the other buffer. */
  private lentNow = false;
  /** The exchange still holds views of the spare buffer. */
  private spareLent = false;
  private exchange?: Exchange;
  /** Whether this connection carried a request before the current one. */
  reused = false;
  private connectTimer?: NodeJS.Timeout;
  private gone = false;

  constructor(
    url: URL,
    private readonly home: Home,
    connectTimeoutMs: number,
    tls: TlsOptions,
  ) {
    // A function, so that a read can go to the other buffer while the exchange holds views of one.
    const onread = { buffer: () => this.nextBuffer(), callback: (n: number) => this.onRead(n) };
    this.socket = openSocket(url, onread, tls);
    this.socket.setNoDelay(true);
    // The connect timeout covers TLS's handshake too: the server is not there until it answers.
    this.connectTimer = setTimeout(() => this.socket.destroy(silence('no connection', connectTimeoutMs)), connectTimeoutMs);
    this.socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => clearTimeout(this.connectTimer));
    this.socket.on('timeout', () => this.onSilence());
    this.socket.on('error', (err) => this.onClose(err));
    this.socket.on('close', () => this.onClose(undefined));
  }

  get alive(): boolean {
    return !this.gone && !this.socket.destroyed;
  }

  /** Sends a request (`head`: its request line and headers); resolves with the response once its head arrived. */
  send(req: HttpRequest, head: string): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      if (!this.alive) {
        // Closed between its release and this request (the pool checks, so this is a guard): the next one.
        this.home.release(this, false);
        return reject(new StaleConnection('the kept connection was closed'));
      }
      const exchange = (this.exchange = new Exchange(this, req, { resolve, reject }));
      // Aborted while waiting for this connection (the signal's event is gone by now).
      if (req.signal?.aborted) return exchange.cancel(new AbortError('the request was aborted', { cause: req.signal.reason }));
      this.socket.ref();
      this.flow(req.readTimeoutMs);
      this.socket.write(head, 'latin1');
    });
  }

  private silenceAfter = 0;

  /** Reads on, failing after `ms` of silence. */
  flow(ms: number): void {
    this.silenceAfter = ms;
    this.socket.setTimeout(ms);
    this.socket.resume();
  }

  /** Stops reading (nobody reads the body yet); silence is not the server's fault meanwhile. */
  hold(): void {
    this.socket.setTimeout(0);
    this.socket.pause();
  }

  /** The exchange is over: the connection goes back to its pool, or is closed. */
  finished(reusable: boolean): void {
    this.exchange = undefined;
    this.reused = true;
    if (reusable && this.alive) {
      this.socket.setTimeout(IDLE_TIMEOUT_MS);
      this.socket.unref();
      this.home.release(this, true);
    } else {
      this.close();
      this.home.release(this, false);
    }
  }

  close(): void {
    this.gone = true;
    clearTimeout(this.connectTimer);
    this.socket.destroy();
  }

  /** The exchange keeps views of the bytes of this read (a body nobody reads yet). */
  lend(): void {
    this.lentNow = true;
  }

  /** The exchange let go of its views. */
  returned(): void {
    this.lentNow = false;
    this.spareLent = false;
  }

  /** The buffer for the next read (asked after each read): the other one when this one's bytes are lent. */
  private nextBuffer(): Buffer {
    if (this.lentNow) {
      this.lentNow = false;
      this.spareLent = true;
      const lent = this.buffer;
      this.buffer = this.spare ?? Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
      this.spare = lent;
    }
    return this.buffer;
  }

  /** One read's bytes; true to go on reading (an exchange that holds its body pauses the socket itself). */
  private onRead(n: number): boolean {
    // More bytes while views of the spare are held (TLS can deliver a few records after a pause): copy
    // them, so the spare can take the read after this one.
    if (this.spareLent) {
      this.exchange?.keepHeld();
      this.spareLent = false;
    }
    if (this.exchange) this.exchange.feed(this.buffer.subarray(0, n));
    // Bytes nobody asked for: the connection is out of step with its requests.
    else this.close();
    return true;
  }

  private onSilence(): void {
    if (!this.exchange) return this.close();
    this.exchange.closed(silence('no data', this.silenceAfter));
  }

  private onClose(err: Error | undefined): void {
    clearTimeout(this.connectTimer);
    const exchange = this.exchange;
    if (exchange) return exchange.closed(err);
    // Idle (closed by the server, or by its idle timeout): out of the pool.
    this.gone = true;
    this.socket.destroy();
    this.home.forget(this);
  }
}

/** The connections to one origin: at most `max`, idle ones reused most recent first. */
class Pool implements Home {
  private readonly idle: Connection[] = [];
  /** Connections carrying a request. */
  private busy = 0;
  private readonly waiting: Array<(connection: Connection | undefined) => void> = [];
  /** The last TLS session the origin gave (https). */
  private session?: Buffer;

  constructor(
    private readonly url: URL,
    private readonly max: number,
    private readonly connectTimeoutMs: number,
    private readonly secureContext: () => SecureContext | undefined,
  ) {}

  /** A connection for one request: an idle one, a new one, or the next one released. */
  async acquire(signal?: AbortSignal): Promise<Connection> {
    for (;;) {
      const idle = this.idle.pop();
      if (!idle) break;
      if (idle.alive) {
        this.busy++;
        return idle;
      }
    }
    if (this.busy < this.max) {
      this.busy++;
      return this.openCounted();
    }
    const connection = await new Promise<Connection | undefined>((resolve, reject) => {
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(wake), 1);
        reject(new AbortError('the request was aborted', { cause: signal?.reason }));
      };
      const wake = (c: Connection | undefined) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(c);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(wake);
    });
    // Handed over by the request before (busy stays counted), or its slot to open a new one.
    return connection ?? this.openCounted();
  }

  private openCounted(): Connection {
    const tls: TlsOptions =
      this.url.protocol === 'https:'
        ? { secureContext: this.secureContext(), session: this.session, onSession: (s) => (this.session = s) }
        : { onSession: () => undefined };
    return new Connection(this.url, this, this.connectTimeoutMs, tls);
  }

  release(connection: Connection, reusable: boolean): void {
    const next = this.waiting.shift();
    if (next) return next(reusable ? connection : undefined);
    this.busy--;
    if (reusable) this.idle.push(connection);
  }

  forget(connection: Connection): void {
    const at = this.idle.indexOf(connection);
    if (at >= 0) this.idle.splice(at, 1);
  }

  destroy(): void {
    for (const connection of this.idle.splice(0)) connection.close();
  }
}

/**
 * HTTP/1.1 over Node's sockets, for downloads without a proxy: keep-alive connections, at most
 * `connections` per origin, each reading into its own reused buffer (see READ_BUFFER_BYTES) and
 * handing the bytes straight to the reader, who writes and hashes them before the next read. A
 * request fails when its connection takes longer than the connect timeout to be made, or stays
 * silent longer than the read timeout (for the headers, then between reads); a kept connection the
 * server closed meanwhile is replaced once, transparently (requests are GET or HEAD).
 */
export class SocketHttpClient implements HttpClient {
  private readonly pools = new Map<string, Pool>();
  private readonly all = new Set<Connection>();
  private secureContext?: SecureContext;

  /** `secureContext`: the trust context to use instead of Node's default one, made when first needed. */
  constructor(private readonly settings: ConnectionOptions & { secureContext?: () => SecureContext }) {}

  async request(req: HttpRequest): Promise<HttpResponse> {
    const pool = this.poolOf(req.url);
    const head = requestHead(req);
    // Until a connection answers: a kept one found closed is dropped, and the next one tried (a new one never fails so).
    for (;;) {
      if (req.signal?.aborted) throw new AbortError('the request was aborted', { cause: req.signal.reason });
      const connection = await pool.acquire(req.signal);
      this.track(connection);
      try {
        return await connection.send(req, head);
      } catch (err) {
        if (!(err instanceof StaleConnection)) throw err;
      }
    }
  }

  async destroy(): Promise<void> {
    for (const pool of this.pools.values()) pool.destroy();
    for (const connection of this.all) connection.close();
    this.all.clear();
  }

  private track(connection: Connection): void {
    if (this.all.has(connection)) return;
    this.all.add(connection);
    connection.socket.once('close', () => this.all.delete(connection));
  }

  private poolOf(url: URL): Pool {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`unsupported URL scheme ${url.protocol}`);
    const key = `${url.protocol}//${url.host}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new Pool(new URL(key), this.settings.connections, this.settings.connectTimeoutMs, () => (this.secureContext ??= this.settings.secureContext?.()));
      this.pools.set(key, pool);
    }
    return pool;
  }
}
