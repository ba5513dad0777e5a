import type { IncomingHttpHeaders } from 'node:http';

/** The most bytes a response's head (status line and headers), or a chunked body's trailers, may take: Node's default. */
export const MAX_HEAD_BYTES = 16 << 10;

/** A response that breaks HTTP/1.1's framing: the connection cannot be trusted any more. */
export class ResponseParseError extends Error {
  readonly code = 'HPE_INVALID_RESPONSE';
}

/** A final (not 1xx) response's status and headers. */
export interface ResponseHead {
  statusCode: number;
  statusMessage: string;
  /** Lower-case names; a repeated header joined with ", " (set-cookie: an array; singletons: the first), as Node does. */
  headers: IncomingHttpHeaders;
}

/** What a parser reports, in order: one head, body pieces, one end. */
export interface ResponseEvents {
  head(head: ResponseHead): void;
  /** A piece of the body: a view of the bytes fed, valid only during the call. */
  body(piece: Buffer): void;
  /** The response is complete; `reusable` when the connection may carry another request. */
  end(reusable: boolean): void;
}

/** Headers of which Node keeps the first when a response repeats them (the rest are joined). */
const SINGLETONS = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);

/** A header name (RFC 9110 token): the same rule for the headers read and those sent. */
export const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Field values: visible bytes, spaces and tabs (obs-text allowed), no other control character. */
export const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: ([\t\x20-\x7e\x80-\xff]*))?$/;
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,12})[\t ]*(?:;.*)?$/;

/** How the body of the current response ends. */
type Framing =
  | { kind: 'none' }
  | { kind: 'length'; left: number }
  | { kind: 'chunked' }
  /** Until the connection closes (no length, not chunked): the connection is not reused. */
  | { kind: 'close' };

type State =
  /** Gathering a head's bytes (status line and headers). */
  | 'head'
  | 'body'
  /** Gathering a chunk-size line. */
  | 'chunk-size'
  | 'chunk-data'
  /** Expecting the CRLF after a chunk's data. */
  | 'chunk-end'
  /** Gathering trailer lines up to the empty one. */
  | 'trailers'
  | 'done';

/**
 * An incremental HTTP/1.1 response parser for one request: fed the connection's bytes in any
 * pieces, it reports the final response's head, its body (by Content-Length, chunked, or up to the
 * close) and its end, skipping interim 1xx responses. Strict where laxness lets a response be read
 * two ways (request smuggling's tools): conflicting lengths, folded or malformed header lines, a
 * space before a colon, bare control characters; a chunked body with a length as well is read as
 * chunked, and its connection is not reused. Bytes after the end mean the server does not speak
 * one response per request: the connection is not reused either.
 */
export class ResponseParser {
  private state: State = 'head';
  /** Bytes of a head, chunk-size line or trailers gathered across pieces. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private framing: Framing = { kind: 'none' };
  private chunkLeft = 0;
  /** Whether the CR after a chunk's data was seen (its LF may come in the next piece). */
  private sawChunkCR = false;
  /** The line being gathered in a block: its bytes so far, and whether they are a lone CR. */
  private lineBytes = 0;
  private lineOnlyCR = false;
  private keepAlive = false;

  /** `method`: the request's (a HEAD's response has no body, whatever it announces). */
  constructor(
    private readonly method: string,
    private readonly events: ResponseEvents,
  ) {}

  /** Whether the response is complete. */
  get done(): boolean {
    return this.state === 'done';
  }

  /** Feeds the next bytes the connection received. Throws a ResponseParseError on a malformed response. */
  feed(data: Buffer): void {
    if (this.state === 'done') {
      // More than the response: whatever it is, the next request cannot trust this connection.
      this.keepAlive = false;
      return;
    }
    let at = 0;
    while (at < data.length && !this.done) {
      switch (this.state) {
        case 'head':
        case 'trailers':
          at = this.gatherLines(data, at, true);
          break;
        case 'chunk-size':
          at = this.gatherLines(data, at, false);
          break;
        case 'body':
          at = this.bodyBytes(data, at);
          break;
        case 'chunk-data':
          at = this.chunkBytes(data, at);
          break;
        case 'chunk-end':
          at = this.chunkEnd(data, at);
          break;
      }
    }
    // The end is told once every byte of this piece is accounted for: one past it spoils the connection.
    if (this.done) this.events.end(this.keepAlive && at === data.length);
  }

  /** The connection closed: ends a body that runs to the close; throws when the response was not complete. */
  finish(): void {
    if (this.state === 'done') return;
    if (this.state === 'body' && this.framing.kind === 'close') {
      this.state = 'done';
      this.events.end(false);
      return;
    }
    throw new ResponseParseError(
      this.state === 'head' && !this.pendingBytes ? 'the server closed the connection without answering' : 'the server closed the connection mid-response',
    );
  }

  /** Whether the connection may carry another request once this response is done. */
  get reusable(): boolean {
    return this.state === 'done' && this.keepAlive;
  }

  /** The response is whole (told by `feed` once the piece is accounted for). */
  private complete(): void {
    this.state = 'done';
  }

  /**
   * Gathers bytes up to the end of a line (`block` false) or of a block of lines closed by an empty
   * one (true), within MAX_HEAD_BYTES; then hands the text to the current state's reader.
   */
  private gatherLines(data: Buffer, at: number, block: boolean): number {
    const end = block ? this.blockEnd(data, at) : data.indexOf(0x0a, at);
    const stop = end < 0 ? data.length : end + 1;
    if (this.pendingBytes + (stop - at) > MAX_HEAD_BYTES) {
      const what = this.state === 'chunk-size' ? 'chunk size line' : this.state === 'trailers' ? 'trailers' : 'head';
      throw new ResponseParseError(`the response's ${what} is over ${MAX_HEAD_BYTES} bytes`);
    }
    // A copy: the caller may reuse the memory of `data` for its next read.
    this.pending.push(Buffer.from(data.subarray(at, stop)));
    this.pendingBytes += stop - at;
    if (end < 0) return stop;
    const text = Buffer.concat(this.pending, this.pendingBytes).toString('latin1');
    this.pending = [];
    this.pendingBytes = 0;
    if (this.state === 'head') this.readHead(text);
    else if (this.state === 'chunk-size') this.readChunkSize(text);
    else this.readTrailers(text);
    return stop;
  }

  /**
   * The index of the LF that ends an empty line ("\n" or "\r\n"), searching `data` from `at`
   * and remembering the current line across pieces; -1 when no empty line ends in `data`.
   */
  private blockEnd(data: Buffer, at: number): number {
    for (let i = at; ;) {
      const lf = data.indexOf(0x0a, i);
      const n = (lf < 0 ? data.length : lf) - i;
      const lineBytes = this.lineBytes + n;
      const onlyCR = lineBytes === 1 && (n === 1 ? data[i] === 0x0d : this.lineOnlyCR);
      if (lf < 0) {
        this.lineBytes = lineBytes;
        this.lineOnlyCR = onlyCR;
        return -1;
      }
      this.lineBytes = 0;
      this.lineOnlyCR = false;
      if (lineBytes === 0 || onlyCR) return lf;
      i = lf + 1;
    }
  }

  private readHead(text: string): void {
    const lines = splitLines(text);
    const status = STATUS_LINE.exec(lines[0]);
    if (!status) throw new ResponseParseError(`not an HTTP/1.x status line: ${JSON.stringify(lines[0].slice(0, 80))}`);
    const statusCode = Number(status[2]);
    if (statusCode < 100) throw new ResponseParseError(`invalid status code ${status[2]}`);
    const headers = parseHeaders(lines.slice(1));
    if (statusCode < 200) {
      // 101 switches to another protocol: nothing a download asked for.
      if (statusCode === 101) throw new ResponseParseError('the server switched protocols (101), which no download asks for');
      return; // An interim response (100 Continue, 103 Early Hints): the final one follows.
    }
    const connection = tokens(headers.connection);
    this.keepAlive = status[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
    this.framing = this.framingOf(statusCode, headers);
    this.events.head({ statusCode, statusMessage: status[3] ?? '', headers });
    if (this.framing.kind === 'none' || (this.framing.kind === 'length' && this.framing.left === 0)) return this.complete();
    if (this.framing.kind === 'close') this.keepAlive = false;
    this.state = this.framing.kind === 'chunked' ? 'chunk-size' : 'body';
  }

  private framingOf(statusCode: number, headers: IncomingHttpHeaders): Framing {
    if (this.method === 'HEAD' || statusCode === 204 || statusCode === 304) return { kind: 'none' };
    const te = headers['transfer-encoding'];
    if (te !== undefined) {
      const codings = tokens(te);
      if (codings.length !== 1 || codings[0] !== 'chunked') {
        throw new ResponseParseError(`unsupported transfer-encoding ${JSON.stringify(te)}: only chunked is read (any other coding would change the bytes)`);
      }
      // A length beside chunked is not to be trusted (RFC 9112, 6.3): read chunked, then close.
      if (headers['content-length'] !== undefined) this.keepAlive = false;
      return { kind: 'chunked' };
    }
    const length = headers['content-length'];
    if (length === undefined) return { kind: 'close' };
    if (!/^\d{1,15}$/.test(length)) throw new ResponseParseError(`invalid content-length ${JSON.stringify(length)}`);
    return { kind: 'length', left: Number(length) };
  }

  private bodyBytes(data: Buffer, at: number): number {
    if (this.framing.kind === 'close') {
      this.events.body(data.subarray(at));
      return data.length;
    }
    const framing = this.framing as { kind: 'length'; left: number };
    const n = Math.min(framing.left, data.length - at);
    framing.left -= n;
    this.events.body(data.subarray(at, at + n));
    if (framing.left === 0) this.complete();
    return at + n;
  }

  private readChunkSize(line: string): void {
    const m = CHUNK_SIZE.exec(line.replace(/\r?\n$/, ''));
    if (!m) throw new ResponseParseError(`invalid chunk size line ${JSON.stringify(line.slice(0, 40))}`);
    this.chunkLeft = parseInt(m[1], 16);
    this.state = this.chunkLeft === 0 ? 'trailers' : 'chunk-data';
  }

  private chunkBytes(data: Buffer, at: number): number {
    const n = Math.min(this.chunkLeft, data.length - at);
    this.chunkLeft -= n;
    this.events.body(data.subarray(at, at + n));
    if (this.chunkLeft === 0) this.state = 'chunk-end';
    return at + n;
  }

  /** The CRLF (or a bare LF) after a chunk's data, possibly split across pieces. */
  private chunkEnd(data: Buffer, at: number): number {
    const byte = data[at];
    if (byte === 0x0d && !this.sawChunkCR) {
      this.sawChunkCR = true;
      return at + 1;
    }
    if (byte !== 0x0a) throw new ResponseParseError('a chunk is longer than its size says');
    this.sawChunkCR = false;
    this.state = 'chunk-size';
    return at + 1;
  }

  /** The trailers after the last chunk: checked as header lines, then dropped (downloads use none). */
  private readTrailers(text: string): void {
    parseHeaders(splitLines(text));
    this.complete();
  }
}

/** The lines of a block, without their CRLF or LF, and without the empty line that ends it. */
function splitLines(text: string): string[] {
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) if (line.includes('\r')) throw new ResponseParseError('a bare CR in the response head');
  return lines.length ? lines : [''];
}

/** Header lines into Node's shape of headers; rejects what could be read two ways. */
function parseHeaders(lines: string[]): IncomingHttpHeaders {
  const headers: Record<string, string | string[]> = {};
  for (const line of lines) {
    if (line === '') continue;
    if (line[0] === ' ' || line[0] === '\t') throw new ResponseParseError('a folded header line (obsolete line folding)');
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name)) throw new ResponseParseError(`invalid header line ${JSON.stringify(line.slice(0, 80))}`);
    const value = line.slice(colon + 1).replace(/^[\t ]+|[\t ]+$/g, '');
    if (!FIELD_VALUE.test(value)) throw new ResponseParseError(`invalid characters in header ${name}`);
    addHeader(headers, name.toLowerCase(), value);
  }
  return headers;
}

function addHeader(headers: Record<string, string | string[]>, name: string, value: string): void {
  const seen = headers[name];
  if (name === 'content-length') {
    // Repeated (or listed) lengths must agree, or the body could be read two ways.
    const values = value.split(',').map((v) => v.trim());
    if (values.some((v) => v !== values[0]) || (seen !== undefined && seen !== values[0])) {
      throw new ResponseParseError(`conflicting content-length headers (${JSON.stringify(seen ?? values[0])} and ${JSON.stringify(value)})`);
    }
    headers[name] = values[0];
  } else if (name === 'set-cookie') headers[name] = [...((seen as string[] | undefined) ?? []), value];
  else if (seen === undefined) headers[name] = value;
  else if (!SINGLETONS.has(name)) headers[name] = `${seen}, ${value}`;
}

/** The comma-separated tokens of a header, in lower case. */
function tokens(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return String(value)
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
}
