import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  Handler,
  cutAfter,
  endlessBody,
  gatedBody,
  redirect,
  sequence,
  serveBytes,
  slowBody,
  startTestServer,
  status,
  TEST_CERT_PATH,
  TestServer,
} from '../testing/test-server';
import { createHttpClient, HttpClient } from './http-client';
import { AttemptError, downloadFile, DownloadAborted, DownloadRequest } from './download-file';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from './retry-policy';

const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, attempts: 4, baseDelayMs: 5, maxDelayMs: 20, readTimeoutMs: 400 };
const body = randomBytes(256 * 1024);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * What one attempt of the property below gets from the server: the body (or the rest a Range asks
 * for) in the given pieces, each flushed on its own so the client sees them as separate chunks.
 */
type Attempt =
  { kind: 'good' | 'ignores-range' } | { kind: 'cut'; at: number; ranges: boolean } | { kind: 'slow'; at: number } | { kind: 'status'; code: 500 | 503 };

function attemptHandler(body: Buffer, pieces: number[], attempt: Attempt): Handler {
  return async (req, res) => {
    if (attempt.kind === 'status') return void res.writeHead(attempt.code).end();
    const ranges = attempt.kind === 'good' || (attempt.kind === 'cut' && attempt.ranges);
    const range = ranges ? /^bytes=(\d+)-$/.exec(req.headers.range ?? '') : null;
    const start = range && req.headers['if-range'] === '"v1"' ? Number(range[1]) : 0;
    const headers: Record<string, string | number> = { 'content-length': body.length - start };
    if (ranges) Object.assign(headers, { 'accept-ranges': 'bytes', etag: '"v1"' });
    if (start) headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    res.writeHead(start ? 206 : 200, headers).flushHeaders();
    const stopAt = attempt.kind === 'cut' || attempt.kind === 'slow' ? Math.min(start + attempt.at, body.length - 1) : body.length;
    for (let offset = start, i = 0; offset < stopAt && !res.destroyed; i++) {
      const end = Math.min(offset + pieces[i % pieces.length], stopAt);
      await new Promise<void>((resolve) => res.write(body.subarray(offset, end), () => setImmediate(resolve)));
      offset = end;
    }
    if (attempt.kind === 'cut') return void setTimeout(() => res.socket?.destroy(), 5);
    if (attempt.kind === 'slow') {
      // One byte after the rate window: the average over it is far too low.
      await new Promise((r) => setTimeout(r, 130));
      if (!res.destroyed) res.write(body.subarray(stopAt, stopAt + 1));
      await new Promise((r) => setTimeout(r, 130));
      if (!res.destroyed) res.end(body.subarray(stopAt + 1));
      return;
    }
    if (!res.destroyed) res.end(body.subarray(stopAt));
  };
}

describe('downloadFile against a loopback server with faults', () => {
  let server: TestServer;
  let client: HttpClient;
  const dir = mkdtempSync(join(tmpdir(), 'hermetic-dl-'));
  let n = 0;

  beforeAll(async () => {
    server = await startTestServer();
    client = createHttpClient({ connections: 4, connectTimeoutMs: 2000, env: {} });
  });
  afterAll(async () => {
    await client.destroy();
    await server.close();
  });

  function get(path: string, extra: Partial<DownloadRequest> = {}, p: RetryPolicy = policy) {
    const destination = join(dir, `f${++n}`);
    return downloadFile({ url: `${server.origin}${path}`, destination, algorithms: ['sha256'], ...extra }, client, p).then((r) => ({
      ...r,
      bytes: readFileSync(destination),
    }));
  }

  describe('limits', () => {
    it('refuses an artifact whose Content-Length is over the cap, at once and without retrying', async () => {
      server.route('/limit/big.bin', serveBytes(randomBytes(10_000)));
      const err: AttemptError = await get('/limit/big.bin', {}, { ...policy, maxArtifactBytes: 4096 }).catch((e) => e);
      expect(err).toMatchObject({ kind: 'limit', retryable: false });
      expect(err.message).toMatch(
        /10000 bytes \(Content-Length\), over the 4096-byte limit \(raise it with the maxArtifactSize option, --max-artifact-size or HERMETIC_MAX_ARTIFACT_SIZE\)/,
      );
      expect(server.hits('/limit/big.bin')).toBe(1);
    });

    it('stops an endless body at the cap: the disk gets no more than the cap', async () => {
      const sent = { bytes: 0 };
      server.route('/limit/endless', endlessBody(sent));
      const destination = join(dir, 'endless');
      const err: AttemptError = await downloadFile({ url: `${server.origin}/limit/endless`, destination, algorithms: ['sha256'] }, client, {
        ...policy,
        maxArtifactBytes: 1 << 20,
      }).catch((e) => e);
      expect(err).toMatchObject({ kind: 'limit', retryable: false });
      expect(err.message).toMatch(/over 1048576 bytes and still sending/);
      expect(statSync(destination).size).toBeLessThanOrEqual(1 << 20);
    });

    it('fails a transfer slower than the minimum rate over the window', async () => {
      server.route('/limit/trickle.bin', slowBody(randomBytes(4_000), 40, 25));
      const err: AttemptError = await get('/limit/trickle.bin', {}, { ...policy, attempts: 1, minBytesPerSecond: 100_000, rateWindowMs: 200 }).catch((e) => e);
      expect(err.message).toMatch(/too slow: \d+ bytes\/s over 0 s, below the 100000 bytes\/s minimum/);
    });
  });

  describe('disk errors (not retried: the disk will not heal)', () => {
    it('names the file it cannot create, before any request', async () => {
      server.route('/disk/create.bin', serveBytes(body));
      const destination = join(dir, 'missing-folder', 'create.bin');
      const err: AttemptError = await downloadFile({ url: `${server.origin}/disk/create.bin`, destination, algorithms: ['sha256'] }, client, policy).catch(
        (e) => e,
      );
      expect(err).toMatchObject({ kind: 'disk', retryable: false });
      expect(err.message).toBe(`cannot create ${destination}: ENOENT: no such file or directory, open '${destination}'`);
      expect(server.hits('/disk/create.bin')).toBe(0);
    });

    it('fails on a write that fails (a full disk) after one request, naming the file and the reason', async () => {
      // /dev/full accepts an open and fails every write with ENOSPC.
      server.route('/disk/full.bin', serveBytes(randomBytes(1 << 20)));
      const err: AttemptError = await downloadFile(
        { url: `${server.origin}/disk/full.bin`, destination: '/dev/full', algorithms: ['sha256'] },
        client,
        policy,
      ).catch((e) => e);
      expect(err).toBeInstanceOf(AttemptError);
      expect(err).toMatchObject({ kind: 'disk', retryable: false });
      expect(err.message).toMatch(/^cannot write \/dev\/full: ENOSPC: no space left on device/);
      expect(server.hits('/disk/full.bin')).toBe(1);
    });

    it('fails when a restart cannot empty the file, naming it, without another attempt', async () => {
      // /dev/null takes every write and refuses to be truncated (EINVAL): the second attempt must start over.
      const big = randomBytes(300_000);
      server.route('/disk/restart.bin', sequence(cutAfter(big, 100_000, { ranges: false }), serveBytes(big, { ranges: false })));
      const err: AttemptError = await downloadFile(
        { url: `${server.origin}/disk/restart.bin`, destination: '/dev/null', algorithms: ['sha256'] },
        client,
        policy,
      ).catch((e) => e);
      expect(err).toMatchObject({ kind: 'disk', retryable: false });
      expect(err.message).toMatch(/^cannot write \/dev\/null: EINVAL/);
      expect(server.hits('/disk/restart.bin')).toBe(1);
    });
  });

  it('downloads and hashes while writing', async () => {
    server.route('/ok', serveBytes(body));
    const r = await get('/ok');
    expect(r.size).toBe(body.length);
    expect(r.digests.get('sha256')).toBe(sha256(body));
    expect(r.bytes.equals(body)).toBe(true);
    expect(r.attempts).toBe(1);
  });

  it('retries 5xx and then succeeds', async () => {
    server.route('/flaky', sequence(status(503), status(500), serveBytes(body)));
    const retries: string[] = [];
    const r = await get('/flaky', { onRetry: (_a, reason) => retries.push(reason) });
    expect(r.attempts).toBe(3);
    expect(retries).toEqual([expect.stringMatching(/HTTP 503/), expect.stringMatching(/HTTP 500/)]);
    expect(r.digests.get('sha256')).toBe(sha256(body));
  });

  it('honours Retry-After on 429 and 408', async () => {
    server.route('/busy', sequence(status(429, { 'retry-after': '1' }), status(408), serveBytes(body)));
    const delays: number[] = [];
    const r = await get('/busy', { onRetry: (_a, _r, d) => delays.push(d) });
    expect(r.attempts).toBe(3);
    expect(delays[0]).toBeGreaterThanOrEqual(1000);
  });

  it('fails at once when Retry-After exceeds the limit', async () => {
    server.route('/later', status(503, { 'retry-after': '3600' }));
    await expect(get('/later')).rejects.toThrow(/retry after 3600 s, more than the 120 s limit/);
    expect(server.hits('/later')).toBe(1);
  });

  it('never retries 404 and other 4xx', async () => {
    server.route('/gone', status(404));
    const err = await get('/gone').catch((e) => e);
    expect(err).toBeInstanceOf(AttemptError);
    expect(err).toMatchObject({ kind: 'http', retryable: false, message: expect.stringMatching(/HTTP 404 .*not found/) });
    expect(server.hits('/gone')).toBe(1);
  });

  it('reports 401 and 403 as authentication failures, not as fetch or checksum errors', async () => {
    server.route('/private', status(401));
    await expect(get('/private')).rejects.toMatchObject({ kind: 'auth', message: expect.stringMatching(/wants credentials/) });
    server.route('/forbidden', status(403));
    await expect(get('/forbidden', { originHeaders: { authorization: 'Bearer x' } })).rejects.toMatchObject({
      kind: 'auth',
      message: expect.stringMatching(/credentials were refused/),
    });
  });

  it('gives up after the configured attempts', async () => {
    server.route('/down', status(502));
    await expect(get('/down')).rejects.toThrow(/HTTP 502 .*after 4 attempts/);
    expect(server.hits('/down')).toBe(4);
  });

  it('resumes a body reset mid-way with Range and ends with the right bytes', async () => {
    server.route('/reset', sequence(cutAfter(body, 100_000), serveBytes(body)));
    const r = await get('/reset');
    expect(r.attempts).toBe(2);
    expect(r.bytes.equals(body)).toBe(true);
    expect(r.digests.get('sha256')).toBe(sha256(body));
    const second = server.requests.filter((q) => q.path === '/reset')[1];
    expect(second.headers.range).toMatch(/^bytes=\d+-$/);
    expect(second.headers['if-range']).toBe('"v1"');
  });

  it('starts over when a body is cut short and the server cannot resume', async () => {
    server.route('/cut', sequence(cutAfter(body, 50_000, { ranges: false }), serveBytes(body, { ranges: false })));
    const r = await get('/cut');
    expect(r.bytes.equals(body)).toBe(true);
    expect(server.requests.filter((q) => q.path === '/cut')[1].headers.range).toBeUndefined();
  });

  it('starts over when the server ignores Range and sends the whole file', async () => {
    let hit = 0;
    server.route('/norange', (req, res) => {
      hit++;
      if (hit === 1) return cutAfter(body, 70_000)(req, res, hit);
      res.writeHead(200, { 'content-length': body.length, 'accept-ranges': 'bytes', etag: '"v1"' });
      res.end(body);
    });
    const r = await get('/norange');
    expect(r.bytes.equals(body)).toBe(true);
    expect(r.digests.get('sha256')).toBe(sha256(body));
  });

  it('treats a truncated body (connection closed early) as retryable and fails when it persists', async () => {
    server.route('/short', cutAfter(body, 1000, { ranges: false }));
    await expect(get('/short')).rejects.toMatchObject({ kind: 'truncated', message: expect.stringMatching(/cut short.*after 4 attempts/) });
  });

  it('times out a stalled body and retries it', async () => {
    server.route('/slow', sequence(slowBody(body, 4, 1000), serveBytes(body)));
    const r = await get('/slow');
    expect(r.attempts).toBe(2);
    expect(r.bytes.equals(body)).toBe(true);
  });

  it('accepts a slow body whose chunks come within the read timeout', async () => {
    server.route('/trickle', slowBody(body, 5, 50));
    expect((await get('/trickle')).bytes.equals(body)).toBe(true);
  });

  it('follows redirects, and refuses loops and too many hops', async () => {
    server.route('/ok', serveBytes(body));
    server.route('/r1', redirect('/r2', 301));
    server.route('/r2', redirect(`${server.origin}/ok`, 307));
    expect((await get('/r1')).finalUrl).toBe(`${server.origin}/ok`);
    server.route('/loop-a', redirect('/loop-b'));
    server.route('/loop-b', redirect('/loop-a'));
    await expect(get('/loop-a')).rejects.toMatchObject({ kind: 'redirect', message: expect.stringMatching(/redirect loop/) });
    for (let i = 0; i < 12; i++) server.route(`/hop${i}`, redirect(`/hop${i + 1}`));
    await expect(get('/hop0')).rejects.toThrow(/more than 10 redirects/);
    server.route('/to-ftp', redirect('ftp://127.0.0.1/x'));
    await expect(get('/to-ftp')).rejects.toThrow(/unsupported URL scheme/);
  });

  it('keeps credentials on their origin and drops them on a redirect elsewhere', async () => {
    const other = await startTestServer();
    try {
      other.route('/file', serveBytes(body));
      server.route('/auth-redirect', redirect(`${other.origin}/file`));
      await get('/auth-redirect', { originHeaders: { authorization: 'Bearer s3cret' } });
      expect(server.requests.find((q) => q.path === '/auth-redirect')?.headers.authorization).toBe('Bearer s3cret');
      expect(other.requests[0].headers.authorization).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('stores the bytes the URL serves: no Content-Encoding decoding', async () => {
    const gz = gzipSync(body);
    server.route('/encoded', (_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': gz.length });
      res.end(gz);
    });
    const r = await get('/encoded');
    expect(r.digests.get('sha256')).toBe(sha256(gz));
    expect(server.requests.find((q) => q.path === '/encoded')?.headers['accept-encoding']).toBe('identity');
  });

  it('retries a refused connection, then reports it', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await downloadFile({ url: `http://127.0.0.1:${port}/x`, destination: join(dir, 'refused'), algorithms: ['sha256'] }, client, policy).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ kind: 'network', message: expect.stringMatching(/ECONNREFUSED.*after 4 attempts/) });
  });

  it('does not retry a request no client can make (a URL scheme it does not speak)', async () => {
    const err = await downloadFile({ url: 'ftp://127.0.0.1/x', destination: join(dir, 'ftp'), algorithms: ['sha256'] }, client, policy).catch((e) => e);
    expect(err).toMatchObject({ kind: 'network', retryable: false, message: 'unsupported URL scheme ftp:' });
  });

  it('stops on abort and says so', async () => {
    server.route('/abort', slowBody(body, 10, 100));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    await expect(get('/abort', { signal: controller.signal })).rejects.toBeInstanceOf(DownloadAborted);
  });

  it('property: whatever the faults before a good attempt, the file and its digests are the body; for bodies across write buffers (256 KiB) in any chunking, after cuts, resumes, restarts, slow attempts and 5xx', async () => {
    const fault: fc.Arbitrary<Attempt> = fc.oneof(
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat({ max: 400_000 }), ranges: fc.boolean() }),
      fc.record({ kind: fc.constant('slow' as const), at: fc.nat({ max: 2_000 }) }),
      fc.record({ kind: fc.constant('status' as const), code: fc.constantFrom(500 as const, 503 as const) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 600_000 }),
        fc.array(fc.integer({ min: 512, max: 70_000 }), { minLength: 1, maxLength: 5 }),
        fc.array(fault, { maxLength: 3 }),
        fc.constantFrom<Attempt>({ kind: 'good' }, { kind: 'ignores-range' }),
        async (size, pieces, faults, last) => {
          const body = randomBytes(size);
          const path = `/prop/${++n}`;
          server.route(path, sequence(...[...faults, last].map((a) => attemptHandler(body, pieces, a))));
          const destination = join(dir, `p${n}`);
          const r = await downloadFile({ url: `${server.origin}${path}`, destination, algorithms: ['sha256', 'sha512'] }, client, {
            ...policy,
            attempts: faults.length + 1,
            rateWindowMs: 100,
            minBytesPerSecond: 200_000,
          });
          expect(r.size).toBe(size);
          expect(r.digests.get('sha256')).toBe(sha256(body));
          expect(r.digests.get('sha512')).toBe(createHash('sha512').update(body).digest('hex'));
          expect(readFileSync(destination).equals(body)).toBe(true);
          expect(r.attempts).toBe(faults.length + 1);
        },
      ),
      { numRuns: 30, interruptAfterTimeLimit: 20_000 },
    );
  }, 40_000);

  it('streams the body to disk as it arrives, never holding it whole (memory figures: npm run bench)', async () => {
    const big = randomBytes(4 * 1024 * 1024);
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    server.route('/gated', gatedBody(big, gate));
    const destination = join(dir, 'gated');
    // The rest is sent only once the first half is on disk, but for what waits in the download's
    // write buffer (under 256 KiB) for more bytes.
    const watch = setInterval(() => {
      if (existsSync(destination) && statSync(destination).size > big.length / 2 - (256 << 10)) open();
    }, 10);
    const r = await downloadFile({ url: `${server.origin}/gated`, destination, algorithms: ['sha256'] }, client, policy).finally(() => clearInterval(watch));
    expect(r.digests.get('sha256')).toBe(sha256(big));
  });
});

describe('downloadFile over TLS and proxies', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hermetic-tls-'));

  it('fails an attempt whose proxy drops the CONNECT tunnel instead of hanging', async () => {
    // A proxy without CONNECT support closes the tunnel request (undici 7 would loop forever).
    const proxy = createServer((_req, res) => res.writeHead(405).end());
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const via = createHttpClient({ connections: 1, connectTimeoutMs: 100, env: { http_proxy: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` } });
    try {
      const err = await downloadFile({ url: 'http://127.0.0.1:9/x', destination: join(dir, 'stuck'), algorithms: ['sha256'] }, via, {
        ...policy,
        attempts: 2,
        connectTimeoutMs: 100,
        readTimeoutMs: 200,
      }).catch((e) => e);
      expect(err).toMatchObject({ kind: 'network', message: expect.stringMatching(/no response within .*after 2 attempts/) });
    } finally {
      await via.destroy();
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
    }
  });

  it('trusts NODE_EXTRA_CA_CERTS and refuses an https→http downgrade', async () => {
    const tls = await startTestServer({ https: true });
    const plain = await startTestServer();
    const client = createHttpClient({ connections: 2, connectTimeoutMs: 2000, env: { NODE_EXTRA_CA_CERTS: TEST_CERT_PATH } });
    try {
      tls.route('/x', serveBytes(body));
      tls.route('/down', redirect(`${plain.origin}/x`));
      plain.route('/x', serveBytes(body));
      const r = await downloadFile({ url: `${tls.origin}/x`, destination: join(dir, 'a'), algorithms: ['sha256'] }, client, policy);
      expect(r.digests.get('sha256')).toBe(sha256(body));
      await expect(downloadFile({ url: `${tls.origin}/down`, destination: join(dir, 'b'), algorithms: ['sha256'] }, client, policy)).rejects.toThrow(
        /refused redirect from https to plain http/,
      );
      expect(plain.hits('/x')).toBe(0);
    } finally {
      await client.destroy();
      await tls.close();
      await plain.close();
    }
  });

  it('rejects an untrusted certificate without NODE_EXTRA_CA_CERTS, at once (a retry gets the same certificate)', async () => {
    const tls = await startTestServer({ https: true });
    const client = createHttpClient({ connections: 1, connectTimeoutMs: 2000, env: {} });
    try {
      tls.route('/x', serveBytes(body));
      await expect(
        downloadFile({ url: `${tls.origin}/x`, destination: join(dir, 'c'), algorithms: ['sha256'] }, client, { ...policy, attempts: 3 }),
      ).rejects.toMatchObject({ kind: 'certificate', retryable: false, message: expect.stringMatching(/certificate/i) });
    } finally {
      await client.destroy();
      await tls.close();
    }
  });

  it('goes through HTTP_PROXY / HTTPS_PROXY, and around it for NO_PROXY hosts', async () => {
    const origin = await startTestServer();
    origin.route('/x', serveBytes(body));
    const seen: string[] = [];
    // A minimal forward proxy that tunnels CONNECT requests (undici tunnels http targets too).
    const proxy: Server = createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req, client, head) => {
      seen.push(`${req.method} ${req.url}`);
      const [host, port] = String(req.url).split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const via = createHttpClient({ connections: 1, connectTimeoutMs: 2000, env: { http_proxy: proxyUrl } });
    const around = createHttpClient({ connections: 1, connectTimeoutMs: 2000, env: { HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' } });
    try {
      const r = await downloadFile({ url: `${origin.origin}/x`, destination: join(dir, 'p1'), algorithms: ['sha256'] }, via, { ...policy, attempts: 1 });
      expect(r.digests.get('sha256')).toBe(sha256(body));
      expect(seen).toEqual([`CONNECT ${origin.origin.replace('http://', '')}`]);
      await downloadFile({ url: `${origin.origin}/x`, destination: join(dir, 'p2'), algorithms: ['sha256'] }, around, { ...policy, attempts: 1 });
      expect(seen).toHaveLength(1);
    } finally {
      await via.destroy();
      await around.destroy();
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
      await origin.close();
    }
  });
});
