import fc from 'fast-check';
import { MAX_HEAD_BYTES, ResponseHead, ResponseParseError, ResponseParser } from './response-parser';

/** What a parser reported for a byte stream fed in the given pieces. */
interface Parsed {
  heads: ResponseHead[];
  body: Buffer;
  ends: boolean[];
}

/** Feeds `stream` cut at `cuts` (each piece from a reused buffer, as a socket's reads are), then the close if asked. */
function parse(stream: Buffer, cuts: number[], options: { method?: string; close?: boolean } = {}): Parsed {
  const parsed: Parsed = { heads: [], body: Buffer.alloc(0), ends: [] };
  const pieces: Buffer[] = [];
  const parser = new ResponseParser(options.method ?? 'GET', {
    head: (head) => parsed.heads.push(head),
    body: (piece) => pieces.push(Buffer.from(piece)),
    end: (reusable) => parsed.ends.push(reusable),
  });
  const scratch = Buffer.alloc(stream.length);
  let at = 0;
  for (const cut of [...new Set(cuts.filter((c) => c > 0 && c < stream.length))].sort((a, b) => a - b).concat(stream.length)) {
    // The same memory for every piece: what the parser keeps across pieces must be its own copy.
    stream.copy(scratch, 0, at, cut);
    parser.feed(scratch.subarray(0, cut - at));
    scratch.fill(0xee);
    at = cut;
  }
  if (options.close) parser.finish();
  parsed.body = Buffer.concat(pieces);
  return parsed;
}

const crlf = (lines: string[]) => Buffer.from(lines.map((l) => `${l}\r\n`).join('') + '\r\n', 'latin1');

/** A body framed as chunked, cut into chunks at `cuts`, with optional chunk extensions and trailers. */
function chunked(body: Buffer, cuts: number[], extension: boolean, trailers: string[]): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (const cut of [...new Set(cuts.filter((c) => c > 0 && c < body.length))].sort((a, b) => a - b).concat(body.length)) {
    if (cut === at) continue;
    parts.push(Buffer.from(`${(cut - at).toString(16)}${extension ? ';name=value' : ''}\r\n`), body.subarray(at, cut), Buffer.from('\r\n'));
    at = cut;
  }
  parts.push(Buffer.from(`0\r\n${trailers.map((t) => `${t}\r\n`).join('')}\r\n`));
  return Buffer.concat(parts);
}

type Framing = 'length' | 'chunked' | 'close';

const headerName = fc.stringMatching(/^x-[a-z0-9-]{1,12}$/);
const headerValue = fc.stringMatching(/^[!-~]([ !-~]{0,30}[!-~])?$/);

describe('ResponseParser (property)', () => {
  it('reads any framed body in any pieces, after any interim responses, and says whether the connection is reusable', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 5000 }),
        fc.constantFrom<Framing>('length', 'chunked', 'close'),
        fc.array(fc.nat({ max: 6000 }), { maxLength: 8 }),
        fc.array(fc.nat({ max: 5000 }), { maxLength: 5 }),
        fc.array(fc.tuple(headerName, headerValue), { maxLength: 5 }),
        fc.constantFrom(0, 1, 2),
        fc.boolean(),
        fc.constantFrom('HTTP/1.1', 'HTTP/1.0'),
        (bytes, framing, cuts, chunkCuts, extra, interim, closeHeader, version) => {
          const body = Buffer.from(bytes);
          const head = [`${version} 200 OK`, ...extra.map(([n, v]) => `${n}: ${v}`)];
          if (framing === 'length') head.push(`Content-Length: ${body.length}`);
          if (framing === 'chunked') head.push('Transfer-Encoding: chunked');
          if (closeHeader) head.push('Connection: close');
          else if (version === 'HTTP/1.0') head.push('Connection: keep-alive');
          const framed = framing === 'chunked' ? chunked(body, chunkCuts, chunkCuts.length % 2 === 1, extra.length ? ['x-trailer: 1'] : []) : body;
          const interims = Array.from({ length: interim }, (_, i) =>
            crlf([i ? 'HTTP/1.1 103 Early Hints' : 'HTTP/1.1 100 Continue', ...(i ? ['link: </a>; rel=preload'] : [])]),
          );
          const stream = Buffer.concat([...interims, crlf(head), framed]);
          const parsed = parse(stream, cuts, { close: framing === 'close' });
          expect(parsed.heads).toHaveLength(1);
          expect(parsed.heads[0].statusCode).toBe(200);
          for (const [name, value] of extra) expect(String(parsed.heads[0].headers[name])).toContain(value);
          expect(parsed.body.equals(body)).toBe(true);
          expect(parsed.ends).toEqual([framing !== 'close' && !closeHeader]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('throws nothing but a ResponseParseError, whatever bytes arrive, and never reports a second end', () => {
    const valid = crlf(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked']);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)),
          // A valid start, then anything: exercises every state past the head.
          fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.concat([valid, Buffer.from(b)])),
          fc
            .array(
              fc.constantFrom('HTTP/1.1 ', '200', ' OK', '\r', '\n', ':', ' ', 'a', '0', ';', 'content-length', 'transfer-encoding', 'chunked', '5', ','),
              {
                maxLength: 60,
              },
            )
            .map((parts) => Buffer.from(parts.join(''), 'latin1')),
        ),
        fc.array(fc.nat({ max: 800 }), { maxLength: 6 }),
        fc.boolean(),
        (stream, cuts, close) => {
          try {
            const parsed = parse(stream, cuts, { close });
            expect(parsed.ends.length).toBeLessThanOrEqual(1);
            expect(parsed.heads.length).toBeLessThanOrEqual(1);
          } catch (err) {
            expect(err).toBeInstanceOf(ResponseParseError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('ResponseParser', () => {
  const ok = (lines: string[], body = '') => Buffer.concat([crlf(['HTTP/1.1 200 OK', ...lines]), Buffer.from(body)]);

  it('reads no body for HEAD, 204 and 304, whatever length they announce', () => {
    expect(parse(ok(['content-length: 10']), [], { method: 'HEAD' })).toMatchObject({ body: Buffer.alloc(0), ends: [true] });
    for (const status of ['204 No Content', '304 Not Modified']) {
      expect(parse(crlf([`HTTP/1.1 ${status}`, 'content-length: 10']), []).ends).toEqual([true]);
    }
  });

  it('takes headers as Node does: lower-case names, repeats joined, singletons kept first, cookies listed', () => {
    const [head] = parse(
      ok(['Content-Length: 0', 'X-A: 1', 'x-a: 2', 'ETag: "a"', 'etag: "b"', 'Set-Cookie: a=1', 'set-cookie: b=2', 'Content-Length: 0']),
      [],
    ).heads;
    expect(head.headers).toEqual({ 'content-length': '0', 'x-a': '1, 2', etag: '"a"', 'set-cookie': ['a=1', 'b=2'] });
  });

  it('accepts bare LF line ends and a status line without a reason', () => {
    const parsed = parse(Buffer.from('HTTP/1.1 404\ncontent-length: 2\n\nno'), [13, 14]);
    expect(parsed.heads[0]).toMatchObject({ statusCode: 404, statusMessage: '' });
    expect(parsed.body.toString()).toBe('no');
  });

  it('does not reuse a connection that sent more than the response, or an HTTP/1.0 one without keep-alive', () => {
    expect(parse(ok(['content-length: 2'], 'okEXTRA'), []).ends).toEqual([false]);
    expect(parse(Buffer.from('HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\nok'), []).ends).toEqual([false]);
  });

  it('reads a chunked body that also announces a length as chunked, and does not reuse its connection', () => {
    const parsed = parse(ok(['transfer-encoding: chunked', 'content-length: 100'], '2\r\nok\r\n0\r\n\r\n'), []);
    expect(parsed.body.toString()).toBe('ok');
    expect(parsed.ends).toEqual([false]);
  });

  it.each([
    ['conflicting lengths', ok(['content-length: 2', 'content-length: 3'], 'ok'), 'conflicting content-length'],
    ['a listed conflicting length', ok(['content-length: 2, 3'], 'ok'), 'conflicting content-length'],
    ['a negative length', ok(['content-length: -1']), 'invalid content-length'],
    ['a folded header', ok(['x-a: 1', ' folded', 'content-length: 0']), 'folded header'],
    ['a space before the colon', ok(['content-length : 0']), 'invalid header line'],
    ['a header without a colon', ok(['content-length']), 'invalid header line'],
    ['a control character in a value', ok(['x-a: a\x01b', 'content-length: 0']), 'invalid characters in header x-a'],
    ['another transfer coding', ok(['transfer-encoding: gzip, chunked']), 'unsupported transfer-encoding'],
    ['a bad chunk size', ok(['transfer-encoding: chunked'], 'zz\r\n'), 'invalid chunk size line'],
    ['a chunk longer than its size', ok(['transfer-encoding: chunked'], '1\r\nok\r\n'), 'longer than its size'],
    ['a switch of protocols', crlf(['HTTP/1.1 101 Switching Protocols', 'upgrade: websocket']), 'switched protocols'],
    ['not HTTP', Buffer.from('SSH-2.0-OpenSSH_9.6\r\n\r\n'), 'not an HTTP/1.x status line'],
    ['HTTP/2 framing', Buffer.from('HTTP/2 200\r\n\r\n'), 'not an HTTP/1.x status line'],
  ])('rejects %s', (_what, stream, message) => {
    expect(() => parse(stream, [])).toThrow(message);
  });

  it('rejects a head or trailers over the limit, even in small pieces', () => {
    const long = ok([`x-a: ${'a'.repeat(MAX_HEAD_BYTES)}`]);
    expect(() =>
      parse(
        long,
        Array.from({ length: 50 }, (_, i) => i * 400),
      ),
    ).toThrow(`head is over ${MAX_HEAD_BYTES} bytes`);
    const trailers = ok(['transfer-encoding: chunked'], `0\r\nx-t: ${'t'.repeat(MAX_HEAD_BYTES)}\r\n\r\n`);
    expect(() => parse(trailers, [])).toThrow('trailers is over');
  });

  it('says how a response was cut: nothing at all, or mid-response; a body to the close ends there', () => {
    expect(() => parse(Buffer.alloc(0), [], { close: true })).toThrow('closed the connection without answering');
    expect(() => parse(ok(['content-length: 5'], 'ok'), [], { close: true })).toThrow('mid-response');
    expect(() => parse(ok(['transfer-encoding: chunked'], '2\r\nok\r\n'), [], { close: true })).toThrow('mid-response');
    expect(parse(ok([], 'until the end'), [3], { close: true })).toMatchObject({ body: Buffer.from('until the end'), ends: [false] });
  });
});
