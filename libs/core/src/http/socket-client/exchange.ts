import type { IncomingHttpHeaders } from 'node:http';
import type { HttpRequest, HttpResponse } from '../http-client';
import { ResponseHead, ResponseParser } from '../response-parser';
import type { Connection } from './connection';
import { AbortError, SilenceError, StaleConnection } from './errors';

/** A body up to this size is read out by `dump` so its connection is kept; a longer one is cut. */
const DUMP_READ_LIMIT = 128 << 10;

/** One request and its response on a connection: what `HttpResponse` is, as the bytes arrive. */
export class Exchange implements HttpResponse {
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
