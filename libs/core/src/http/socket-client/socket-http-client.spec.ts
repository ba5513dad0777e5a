import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { AddressInfo, createServer as createNetServer, Socket } from 'node:net';
import { once } from 'node:events';
import { redirect, serveBytes, startTestServer, TEST_CERT_PATH, TestServer } from '../../testing/test-server';
import { lazyTrustContext } from '../environment';
import { HttpRequest, HttpResponse } from '../http-client';
import { SocketHttpClient } from './socket-http-client';

const client = (connections = 2) => new SocketHttpClient({ connections, connectTimeoutMs: 2000 });
const get = (url: string, extra: Partial<HttpRequest> = {}): HttpRequest => ({ url: new URL(url), method: 'GET', headers: {}, readTimeoutMs: 2000, ...extra });

/** Runs `body` against a fresh test server (https or not) with a client of `connections` trusting it; closes both after. */
async function withServer(https: boolean, connections: number, body: (server: TestServer, c: SocketHttpClient) => Promise<void>): Promise<void> {
  const server = await startTestServer({ https });
  const c = new SocketHttpClient({ connections, connectTimeoutMs: 2000, secureContext: lazyTrustContext({ NODE_EXTRA_CA_CERTS: TEST_CERT_PATH }) });
  try {
    await body(server, c);
  } finally {
    await c.destroy();
    await server.close();
  }
}

/** The whole body (each piece copied: the client reuses its memory). */
async function readAll(res: HttpResponse): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await res.receive((chunk) => chunks.push(Buffer.from(chunk)));
  return Buffer.concat(chunks);
}

describe('SocketHttpClient', () => {
  let server: TestServer;
  const body = Buffer.alloc(300_000, 7);
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());

  it('keeps one connection for sequential requests, a dumped redirect body included', async () => {
    server.route('/x', serveBytes(body));
    server.route('/moved', redirect('/x', 302));
    const c = client();
    try {
      for (let i = 0; i < 10; i++) {
        const moved = await c.request(get(`${server.origin}/moved`));
        expect(moved.statusCode).toBe(302);
        await moved.dump();
        expect((await readAll(await c.request(get(`${server.origin}/x`)))).equals(body)).toBe(true);
      }
      expect(server.connections).toBe(1);
    } finally {
      await c.destroy();
    }
  });

  it('cuts a long body it is told to dump instead of reading it, and serves the next request', async () => {
    server.route('/big', serveBytes(Buffer.alloc(8 << 20)));
    server.route('/x', serveBytes(body));
    const c = client(1);
    try {
      const big = await c.request(get(`${server.origin}/big`));
      await big.dump();
      expect((await readAll(await c.request(get(`${server.origin}/x`)))).length).toBe(body.length);
      expect(server.connections).toBe(2);
    } finally {
      await c.destroy();
    }
  });

  it('fails a request whose headers do not come within the read timeout, naming the silence', async () => {
    server.route('/silent', () => undefined);
    const c = client();
    try {
      await expect(c.request(get(`${server.origin}/silent`, { readTimeoutMs: 150 }))).rejects.toThrow('no data for 0.2 s');
    } finally {
      await c.destroy();
    }
  });

  it('fails a body that stalls with the reason, not "aborted", and never crashes when nobody reads yet', async () => {
    server.route('/stall', (_req, res) => {
      res.writeHead(200, { 'content-length': String(body.length) });
      res.write(body.subarray(0, 1000));
    });
    const c = client();
    try {
      const res = await c.request(get(`${server.origin}/stall`, { readTimeoutMs: 150 }));
      // The body fails while no reader is attached: it must wait for one, not throw into the process.
      await new Promise((r) => setTimeout(r, 400));
      await expect(readAll(res)).rejects.toThrow('no data for 0.2 s');
    } finally {
      await c.destroy();
    }
  });

  it('fails a connection that is not accepted within the connect timeout, naming it', async () => {
    // A listener whose accept queue is full (backlog 0, filled by its own connections, never
    // accepted): the kernel drops further SYNs, so a connect hangs as to a host that is down.
    const full = spawn('python3', [
      '-c',
      [
        'import socket, sys',
        "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)",
        'port = s.getsockname()[1]; fills = []',
        'for _ in range(4):',
        '    c = socket.socket(); c.setblocking(False); fills.append(c)',
        "    c.connect_ex(('127.0.0.1', port))",
        'print(port, flush=True); sys.stdin.read()',
      ].join('\n'),
    ]);
    try {
      const [line] = (await once(full.stdout, 'data')) as [Buffer];
      await new Promise((r) => setTimeout(r, 200));
      const c = new SocketHttpClient({ connections: 1, connectTimeoutMs: 300 });
      const started = Date.now();
      try {
        await expect(c.request(get(`http://127.0.0.1:${String(line).trim()}/`, { readTimeoutMs: 10_000 }))).rejects.toThrow('no connection for 0.3 s');
        expect(Date.now() - started).toBeLessThan(3000);
      } finally {
        await c.destroy();
      }
    } finally {
      full.kill();
    }
  });

  it('stops at once when its signal aborts', async () => {
    server.route('/silent', () => undefined);
    const c = client();
    const controller = new AbortController();
    try {
      const pending = c.request(get(`${server.origin}/silent`, { signal: controller.signal }));
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      await c.destroy();
    }
  });

  it('resumes the TLS session of an origin on its new connections', () =>
    withServer(true, 1, async (tls, c) => {
      tls.route('/close', (_req, res) => void res.writeHead(200, { connection: 'close', 'content-length': '2' }).end('ok'));
      for (let i = 0; i < 3; i++) expect((await readAll(await c.request(get(`${tls.origin}/close`)))).toString()).toBe('ok');
      expect(tls.connections).toBe(3);
      expect(tls.resumed).toBe(2);
    }));

  it('trusts the certificates it is given, for every request on one pool', () =>
    withServer(true, 1, async (tls, c) => {
      tls.route('/x', serveBytes(body));
      for (let i = 0; i < 3; i++) expect((await readAll(await c.request(get(`${tls.origin}/x`)))).equals(body)).toBe(true);
      expect(tls.connections).toBe(1);
    }));
});

/** A raw loopback server: `answer` gets each request's socket and its number on that connection (1, 2, ...). */
async function rawServer(answer: (socket: Socket, nth: number) => void): Promise<{ url: string; connections: () => number; close: () => void }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createNetServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let nth = 0;
    let head = '';
    socket.on('data', (data) => {
      head += data.toString('latin1');
      while (head.includes('\r\n\r\n')) {
        head = head.slice(head.indexOf('\r\n\r\n') + 4);
        answer(socket, ++nth);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    connections: () => connections,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

describe('SocketHttpClient, connections', () => {
  const ok = (body: string) => `HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n${body}`;

  it('sends a request again on a new connection when a kept one turns out closed, and only then', async () => {
    // The server answers one request per connection and closes it without a word at the next: a keep-alive race.
    const raw = await rawServer((socket, nth) => (nth === 1 ? socket.write(ok('hello')) : socket.destroy()));
    const c = client(1);
    try {
      for (let i = 0; i < 3; i++) expect((await readAll(await c.request(get(raw.url)))).toString()).toBe('hello');
      expect(raw.connections()).toBe(3);
    } finally {
      await c.destroy();
      raw.close();
    }
    // A new connection that closes without answering is an error, not a loop.
    const mute = await rawServer((socket) => socket.destroy());
    const m = client(1);
    try {
      await expect(m.request(get(mute.url))).rejects.toThrow('the server closed the connection without answering');
      expect(mute.connections()).toBe(1);
    } finally {
      await m.destroy();
      mute.close();
    }
  });

  it('drops a kept connection the server closes while it is idle, and serves the next request on a new one', async () => {
    // The server answers as if the connection stayed open, then closes it: the client sees it while idle.
    const raw = await rawServer((socket) => socket.end(ok('bye')));
    const c = client(1);
    try {
      for (let i = 0; i < 3; i++) {
        expect((await readAll(await c.request(get(raw.url)))).toString()).toBe('bye');
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(raw.connections()).toBe(3);
    } finally {
      await c.destroy();
      raw.close();
    }
  });

  it('does not reuse a connection that sent more than was asked', async () => {
    const raw = await rawServer((socket) => socket.write(ok('one') + ok('two')));
    const c = client(1);
    try {
      expect((await readAll(await c.request(get(raw.url)))).toString()).toBe('one');
      expect((await readAll(await c.request(get(raw.url)))).toString()).toBe('one');
      expect(raw.connections()).toBe(2);
    } finally {
      await c.destroy();
      raw.close();
    }
  });

  it.each([false, true])('holds a body nobody reads yet without losing a byte, however long it waits (https: %s)', (https) =>
    // Over TLS a few records can arrive after the pause: the held bytes must survive the reads after them.
    withServer(https, 1, async (server, c) => {
      // Random bytes: a periodic pattern would hide bytes read over others of the same period.
      const big = randomBytes(3 << 20);
      const small = Buffer.from('a small body, whole in the first read');
      server.route('/big', serveBytes(big));
      server.route('/small', serveBytes(small));
      for (let i = 0; i < 3; i++) {
        const res = await c.request(get(`${server.origin}/big`));
        await new Promise((r) => setTimeout(r, 100));
        expect((await readAll(res)).equals(big)).toBe(true);
        // A whole response held unread keeps its connection until it is read.
        const whole = await c.request(get(`${server.origin}/small`));
        await new Promise((r) => setTimeout(r, 20));
        expect((await readAll(whole)).equals(small)).toBe(true);
      }
      expect(server.connections).toBe(1);
    }),
  );

  it('stops a body when its reader throws, rejecting with what it threw; the next request gets a new connection', () =>
    withServer(false, 1, async (server, c) => {
      server.route('/big', serveBytes(Buffer.alloc(4 << 20, 1)));
      const res = await c.request(get(`${server.origin}/big`));
      let seen = 0;
      await expect(
        res.receive((chunk) => {
          seen += chunk.length;
          if (seen > 1 << 20) throw new Error('enough');
        }),
      ).rejects.toThrow('enough');
      expect((await readAll(await c.request(get(`${server.origin}/big`)))).length).toBe(4 << 20);
      expect(server.connections).toBe(2);
    }));

  it('keeps to its connections per origin, queueing the rest, and a queued request can be aborted', () =>
    withServer(false, 2, async (server, c) => {
      let open = 0;
      let most = 0;
      server.route('/slow', async (_req, res) => {
        most = Math.max(most, ++open);
        await new Promise((r) => setTimeout(r, 30));
        open--;
        res.end('done');
      });
      const bodies = await Promise.all(Array.from({ length: 7 }, async () => (await readAll(await c.request(get(`${server.origin}/slow`)))).toString()));
      expect(bodies).toEqual(Array(7).fill('done'));
      expect(most).toBe(2);
      expect(server.connections).toBe(2);
      const controller = new AbortController();
      const first = [c.request(get(`${server.origin}/slow`)), c.request(get(`${server.origin}/slow`))];
      const queued = c.request(get(`${server.origin}/slow`, { signal: controller.signal }));
      controller.abort();
      await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
      for (const res of await Promise.all(first)) expect((await readAll(res)).toString()).toBe('done');
    }));

  it('refuses a header that would break the request, without naming its value', async () => {
    const c = client(1);
    await expect(c.request(get('http://127.0.0.1:9/', { headers: { authorization: 'Bearer secret\r\nx-injected: 1' } }))).rejects.toThrow(
      /invalid HTTP header "authorization"/,
    );
    await expect(c.request(get('http://127.0.0.1:9/', { headers: { authorization: 'Bearer secret\r\nx: 1' } }))).rejects.not.toThrow(/secret/);
    await c.destroy();
  });

  it('names a malformed answer', async () => {
    const raw = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nxx'));
    const c = client(1);
    try {
      await expect(c.request(get(raw.url))).rejects.toMatchObject({
        code: 'HPE_INVALID_RESPONSE',
        message: expect.stringContaining('conflicting content-length'),
      });
    } finally {
      await c.destroy();
      raw.close();
    }
  });
});

describe('SocketHttpClient against any framing, chunking and cut (property)', () => {
  type Framing = 'length' | 'chunked' | 'close';
  /** The next response: its body, framing, where its bytes are split (separate writes), and where the server cuts the connection. */
  let next: { body: Buffer; framing: Framing; splits: number[]; cutAt?: number };
  let port: number;
  const sockets = new Set<Socket>();

  /** `length` bytes from a seed (a linear congruential generator: the same case gives the same bytes). */
  function seededBytes(length: number, seed: number): Buffer {
    const bytes = Buffer.alloc(length);
    let x = seed >>> 0;
    for (let i = 0; i < length; i++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      bytes[i] = x >>> 24;
    }
    return bytes;
  }

  /** The response's bytes on the wire. */
  function wire(body: Buffer, framing: Framing, splits: number[]): Buffer {
    const head =
      framing === 'length' ? `content-length: ${body.length}\r\n` : framing === 'chunked' ? 'transfer-encoding: chunked\r\n' : 'connection: close\r\n';
    const parts: Buffer[] = [Buffer.from(`HTTP/1.1 200 OK\r\n${head}\r\n`)];
    let at = 0;
    for (const cut of [...splits.filter((s) => s < body.length).sort((a, b) => a - b), body.length]) {
      if (cut <= at) continue;
      const part = body.subarray(at, cut);
      parts.push(framing === 'chunked' ? Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')]) : part);
      at = cut;
    }
    if (framing === 'chunked') parts.push(Buffer.from('0\r\n\r\n'));
    return Buffer.concat(parts);
  }

  const raw = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', async () => {
      const { body, framing, splits, cutAt } = next;
      const bytes = wire(body, framing, splits);
      const end = cutAt === undefined ? bytes.length : Math.min(cutAt, bytes.length);
      // Each piece in its own turn, so that the client sees separate reads.
      let at = 0;
      for (const split of [...splits.map((s) => s % (end + 1)).sort((a, b) => a - b), end]) {
        if (split <= at) continue;
        socket.write(bytes.subarray(at, split));
        at = split;
        await new Promise((r) => setImmediate(r));
      }
      if (cutAt !== undefined && cutAt < bytes.length) socket.destroy();
      else if (framing === 'close') socket.end();
    });
  });
  beforeAll(async () => {
    raw.listen(0, '127.0.0.1');
    await once(raw, 'listening');
    port = (raw.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    raw.close();
  });

  it('delivers exactly the bytes sent, read at once or later, and fails a response cut short; the next request is served', async () => {
    const c = client(1);
    try {
      await fc.assert(
        fc.asyncProperty(
          // Lengths drawn evenly (fast-check's arrays favour a few bytes), filled from a seed.
          fc.nat({ max: 200_000 }),
          fc.integer(),
          fc.constantFrom<Framing>('length', 'chunked', 'close'),
          fc.array(fc.nat({ max: 200_000 }), { maxLength: 6 }),
          fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
          fc.boolean(),
          async (length, seed, framing, splits, cutAt, readLate) => {
            const body = seededBytes(length, seed);
            const total = wire(body, framing, splits).length;
            // A body read to the close cannot tell a cut from its end: cuts are for framed bodies.
            const cut = framing === 'close' || cutAt === undefined ? undefined : Math.floor(cutAt * (total - 1));
            next = { body, framing, splits, cutAt: cut };
            const got = c.request(get(`http://127.0.0.1:${port}/`)).then(async (res) => {
              if (readLate) await new Promise((r) => setTimeout(r, 5));
              return readAll(res);
            });
            if (cut === undefined) expect((await got).equals(body)).toBe(true);
            else await expect(got).rejects.toThrow();
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      await c.destroy();
    }
  });
});
