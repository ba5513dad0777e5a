import { connect as connectTcp, isIP, OnReadOpts, Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { HttpRequest, HttpResponse } from '../http-client';
import { AbortError, silence, StaleConnection } from './errors';
import { Exchange } from './exchange';

/**
 * Bytes one read of a connection takes at most, into the connection's own buffer. Node's sockets
 * read 64 KiB into a fresh buffer each time: garbage that only a collection frees, and four times
 * the reads (and callbacks) for a large body. A bare client reading into one reused 256 KiB buffer
 * took 0.63 s where Node's http client took 1.0-1.2 s for 4 x 128 MiB (64 KiB reused: 0.85 s; fresh
 * 64 KiB buffers without Node's parser: 1.0 s), and 0.31-0.37 s against 0.40-0.52 s for 200 x 1 MiB.
 */
const READ_BUFFER_BYTES = 256 << 10;
/** An idle connection is closed after this long (servers close theirs after 5 s or more). */
const IDLE_TIMEOUT_MS = 4_000;

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
export interface TlsOptions {
  secureContext?: SecureContext;
  session?: Buffer;
  onSession: (session: Buffer) => void;
}

/** Where connections go: the pool of their origin. */
export interface Home {
  release(connection: Connection, reusable: boolean): void;
  forget(connection: Connection): void;
}

/**
 * One keep-alive connection: its socket reads into the connection's own buffer and hands each read
 * to the exchange on it, which must use the bytes before the next read.
 */
export class Connection {
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
