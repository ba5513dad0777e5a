import { createHash, randomBytes } from 'node:crypto';
import { getMaxListeners } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HermeticError } from '../errors';
import { parseLockfile } from '../lockfile/parse-lockfile';
import { silentReporter } from '../progress/reporter';
import { ContentStore } from '../store/content-store';
import { cutAfter, freePort, serveBytes, slowBody, startTestServer, status, TestServer } from '../testing/test-server';
import { resolveFetchSettings } from '../settings/resolve-fetch-settings';
import { verifyOutputs } from '../verify/verify-outputs';
import { fetchArtifacts, FetchOptions } from './fetch-artifacts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');
const fast = { attempts: 2, baseDelayMs: 5, maxDelayMs: 10, readTimeoutMs: 500 };

/** Files under a directory, recursively, relative to it. */
function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('fetchArtifacts', () => {
  let server: TestServer;
  let root: string;
  const a = randomBytes(100_000);
  const b = randomBytes(50_000);
  const c = randomBytes(10_000);

  beforeAll(async () => {
    server = await startTestServer();
    server.route('/a.bin', serveBytes(a));
    server.route('/b.bin', serveBytes(b));
    server.route('/c.bin', serveBytes(c));
  });
  afterAll(() => server.close());
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hermetic-fetch-'));
  });

  function lockfile(entries: Array<{ path: string; checksum: string | string[]; filename?: string }>) {
    const body = entries
      .map(
        (e) => `  - download_url: ${server.origin}${e.path}\n    checksum: ${JSON.stringify(e.checksum)}\n${e.filename ? `    filename: ${e.filename}\n` : ''}`,
      )
      .join('');
    return parseLockfile(`metadata:\n  version: "1.0"\nartifacts:\n${body || ' []\n'}`, 'p/artifacts.lock.yaml', { env: {} });
  }

  /** A project's lockfile of one artifact, written to `<root>/<dir>/artifacts.lock.yaml` (where checks look for it) and parsed. */
  function lockfileOnDisk(dir: string, path: string, body: Buffer) {
    const file = join(root, dir, 'artifacts.lock.yaml');
    const text = `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: ${server.origin}${path}\n    checksum: sha256:${sha256(body)}\n`;
    mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(file, text);
    return parseLockfile(text, file, { env: {} });
  }

  function run(l: ReturnType<typeof lockfile>, extra: Partial<FetchOptions> = {}) {
    return fetchArtifacts(l, {
      outputDir: join(root, 'out'),
      store: new ContentStore(join(root, 'store')),
      recordName: 'fetch-generic',
      policy: fast,
      env: {},
      ...extra,
    });
  }

  it('verifies every checksum, lays files out like Hermeto and records them', async () => {
    const l = lockfile([
      { path: '/a.bin', checksum: `sha256:${sha256(a)}`, filename: 'sub/dir/a.bin' },
      { path: '/b.bin', checksum: [`sha256:${sha256(b)}`, `sha512:${sha512(b)}`] },
    ]);
    const r = await run(l);
    expect(files(join(root, 'out'))).toEqual(['.hermetic/fetch-generic.json', '.hermetic/verified.cache', 'deps/generic/b.bin', 'deps/generic/sub/dir/a.bin']);
    expect(readFileSync(join(root, 'out/deps/generic/sub/dir/a.bin')).equals(a)).toBe(true);
    expect(r.summary).toMatchObject({ files: 2, downloaded: 2, fromStore: 0, failed: 0, bytes: a.length + b.length });
    expect([...r.record.files].map((f) => [f.filename, f.size])).toEqual([
      ['sub/dir/a.bin', a.length],
      ['b.bin', b.length],
    ]);
  });

  it('serves an artifact already in the store without downloading it, for any project', async () => {
    const l = lockfile([{ path: '/c.bin', checksum: `sha256:${sha256(c)}` }]);
    const before = server.hits('/c.bin');
    await run(l);
    const again = await run(l, { outputDir: join(root, 'other-project') });
    expect(server.hits('/c.bin')).toBe(before + 1);
    expect(again.summary).toMatchObject({ downloaded: 0, fromStore: 1 });
    const s1 = statSync(join(root, 'out/deps/generic/c.bin'));
    const s2 = statSync(join(root, 'other-project/deps/generic/c.bin'));
    expect(s1.ino).toBe(s2.ino); // hard-linked from the store: stored once on disk
  });

  it('copies instead of linking when asked', async () => {
    const l = lockfile([{ path: '/c.bin', checksum: `sha256:${sha256(c)}` }]);
    await run(l);
    await run(l, { outputDir: join(root, 'copy'), linkMode: 'copy' });
    expect(statSync(join(root, 'copy/deps/generic/c.bin')).ino).not.toBe(statSync(join(root, 'out/deps/generic/c.bin')).ino);
  });

  it('downloads once when parallel runs want the same artifact', async () => {
    const big = randomBytes(300_000);
    server.route('/shared.bin', slowBody(big, 3, 30));
    const l = lockfile([{ path: '/shared.bin', checksum: `sha256:${sha256(big)}` }]);
    const results = await Promise.all([1, 2, 3, 4].map((i) => run(l, { outputDir: join(root, `p${i}`) })));
    expect(server.hits('/shared.bin')).toBe(1);
    expect(results.map((r) => r.summary.downloaded).sort()).toEqual([0, 0, 0, 1]);
  });

  it('drops a tampered store entry and downloads again', async () => {
    const l = lockfile([{ path: '/b.bin', checksum: `sha256:${sha256(b)}` }]);
    const store = new ContentStore(join(root, 'store'));
    await run(l, { store });
    const object = store.objectPath({ algorithm: 'sha256', digest: sha256(b) });
    chmodSync(object, 0o644);
    writeFileSync(object, 'tampered');
    const hits = server.hits('/b.bin');
    const r = await run(l, { store, outputDir: join(root, 'again') });
    expect(r.summary.downloaded).toBe(1);
    expect(server.hits('/b.bin')).toBe(hits + 1);
    expect(readFileSync(join(root, 'again/deps/generic/b.bin')).equals(b)).toBe(true);
  });

  it('on a checksum mismatch names expected and actual digests and leaves nothing behind', async () => {
    const wrong = 'f'.repeat(64);
    const l = lockfile([
      { path: '/a.bin', checksum: `sha256:${wrong}` },
      { path: '/b.bin', checksum: `sha256:${sha256(b)}` },
    ]);
    const err: HermeticError = await run(l).catch((e) => e);
    expect(err.code).toBe('ChecksumVerificationFailed');
    expect(err.message).toContain(`artifacts[0] (a.bin): checksum mismatch: sha256 expected ${wrong}, got ${sha256(a)}`);
    expect(err.hints.join('\n')).toMatch(/update the checksum of artifacts\[0\] \(a\.bin\) in p\/artifacts\.lock\.yaml line 5/);
    expect(existsSync(join(root, 'out/deps/generic/a.bin'))).toBe(false);
    expect(files(join(root, 'store/tmp'))).toEqual([]);
    expect(files(join(root, 'store/objects'))).toEqual([`sha256/${sha256(b).slice(0, 2)}/${sha256(b)}`]);
  });

  it('reports every failing artifact together, each with its fix', async () => {
    server.route('/missing.bin', status(404));
    server.route('/down.bin', status(503));
    server.route('/login.bin', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>');
    });
    server.route('/private.bin', status(401));
    const l = lockfile([
      { path: '/missing.bin', checksum: `sha256:${'1'.repeat(64)}` },
      { path: '/down.bin', checksum: `sha256:${'2'.repeat(64)}` },
      { path: '/login.bin', checksum: `sha256:${'3'.repeat(64)}` },
      { path: '/private.bin', checksum: `sha256:${'4'.repeat(64)}` },
      { path: '/c.bin', checksum: `sha256:${sha256(c)}` },
    ]);
    const err: HermeticError = await run(l).catch((e) => e);
    expect(err.message).toMatch(/^4 artifacts of p\/artifacts\.lock\.yaml failed:/);
    expect(err.message).toMatch(/FetchError: artifacts\[0\] \(missing\.bin\): cannot download .*HTTP 404/);
    expect(err.message).toMatch(/FetchError: artifacts\[1\] \(down\.bin\): .*HTTP 503 .*after 2 attempts/);
    expect(err.message).toMatch(/ChecksumVerificationFailed: artifacts\[2\] \(login\.bin\)/);
    expect(err.message).toMatch(/AuthenticationFailed: artifacts\[3\] \(private\.bin\)/);
    expect(err.hints.join('\n')).toMatch(/HTML page/);
    expect(err.hints.join('\n')).toMatch(/add an 'auth' section/);
    expect(files(join(root, 'out/deps/generic'))).toEqual(['c.bin']);
  });

  it('names an untrusted server certificate and how to trust a private authority, without retrying', async () => {
    const tls = await startTestServer({ https: true });
    try {
      tls.route('/a.bin', serveBytes(a));
      const l = parseLockfile(
        `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: ${tls.origin}/a.bin\n    checksum: sha256:${sha256(a)}\n`,
        'p/artifacts.lock.yaml',
        { env: {} },
      );
      const err: HermeticError = await run(l, { policy: { ...fast, attempts: 3 } }).catch((e) => e);
      expect(err.message).toMatch(/^artifacts\[0\] \(a\.bin\): cannot download https:.*certificate/);
      expect(err.message).not.toMatch(/attempts/);
      expect(err.hints.join('\n')).toMatch(/not trusted for 127\.0\.0\.1: .*NODE_EXTRA_CA_CERTS/);
    } finally {
      await tls.close();
    }
  });

  it("names an https proxy's certificate, not the server's, when the proxy's is the one refused", async () => {
    const tlsProxy = await startTestServer({ https: true });
    try {
      const err: HermeticError = await run(hostsLockfile(['http://origin.test/a.bin']), { env: { HTTP_PROXY: tlsProxy.origin } }).catch((e) => e);
      expect(err.message).toMatch(/certificate/);
      expect(err.hints[0]).toBe(
        `the certificate of the proxy ${tlsProxy.origin} (HTTP_PROXY) is not trusted: if it comes from a private certificate authority, point NODE_EXTRA_CA_CERTS at that authority's certificate (PEM)`,
      );
    } finally {
      await tlsProxy.close();
    }
  });

  it("fails the rest of a host's artifacts at once when it took no connection, instead of retrying each", async () => {
    const port = await freePort();
    const body = Array.from({ length: 12 }, (_, i) => `  - download_url: http://127.0.0.1:${port}/a${i}.bin\n    checksum: sha256:${'1'.repeat(64)}\n`).join(
      '',
    );
    const l = parseLockfile(`metadata:\n  version: "1.0"\nartifacts:\n${body}`, 'p/artifacts.lock.yaml', { env: {} });
    const retried = new Set<string>();
    const shown: string[] = [];
    const err: HermeticError = await run(l, {
      concurrency: 2,
      policy: { ...fast, attempts: 3 },
      reporter: { ...silentReporter, retry: (file) => void retried.add(file), failed: (file) => void shown.push(file) },
    }).catch((e) => e);
    expect(err.message).toMatch(/^12 artifacts of p\/artifacts\.lock\.yaml failed:/);
    // Only the downloads under way when the host was found down spent their attempts.
    expect(retried.size).toBeLessThanOrEqual(3);
    // One cause, said a few times, not twelve: three of each kind in full, as they happen and at the end,
    // then one line naming the rest.
    const lines = err.message.split('\n').slice(1);
    expect(lines.filter((line) => /^ {2}FetchError: artifacts\[\d+\]/.test(line)).length).toBeLessThanOrEqual(6);
    expect(shown.length).toBeLessThanOrEqual(6);
    const counted = lines.find((line) =>
      / more failed the same way \(not tried: http:\/\/127\.0\.0\.1:\d+ took no connection for an earlier artifact/.test(line),
    );
    expect(counted).toMatch(/: artifacts\[[\d, -]+\]$/);
    // Every artifact is still named, in full or in that line's ranges.
    const named = lines.flatMap((line) => {
      const ranges = /artifacts\[([\d, -]+)\]$/.exec(line)?.[1] ?? /artifacts\[(\d+)\] /.exec(line)?.[1] ?? '';
      return ranges
        .split(', ')
        .filter(Boolean)
        .flatMap((r) => {
          const [from, to = from] = r.split('-').map(Number);
          return Array.from({ length: to - from + 1 }, (_, i) => from + i);
        });
    });
    expect(named.sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    // No proxy in the environment: no word of one.
    expect(err.hints.join('\n')).not.toMatch(/through the proxy/);
  });

  it('names the proxy a download went through when it took no connection, without its credentials', async () => {
    const port = await freePort();
    const l = lockfile([{ path: '/a.bin', checksum: `sha256:${sha256(a)}` }]);
    const err: HermeticError = await run(l, { env: { HTTP_PROXY: `http://user:s3cret@127.0.0.1:${port}` }, policy: { ...fast, attempts: 1 } }).catch((e) => e);
    expect(err.message).toMatch(new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${port}`));
    expect(err.hints[0]).toBe(
      `this download went through the proxy http://127.0.0.1:${port} (HTTP_PROXY), as NO_PROXY does not name 127.0.0.1: check that the proxy is up`,
    );
    expect(JSON.stringify({ message: err.message, hints: err.hints })).not.toMatch(/s3cret/);
  });

  /** A lockfile of URLs on hosts of their own (`http://<host>/<file>`), each served through a proxy or not at all. */
  function hostsLockfile(urls: string[]) {
    const body = urls.map((url) => `  - download_url: ${url}\n    checksum: sha256:${sha256(a)}\n    filename: ${new URL(url).host}-${url.split('/').pop()}\n`);
    return parseLockfile(`metadata:\n  version: "1.0"\nartifacts:\n${body.join('')}`, 'p/artifacts.lock.yaml', { env: {} });
  }

  it('fails every origin behind a proxy that took no connection at once, not one round of retries per origin', async () => {
    const port = await freePort();
    const urls = ['a', 'b', 'c'].flatMap((h) => [`http://${h}.test/1.bin`, `http://${h}.test/2.bin`]);
    const retried = new Set<string>();
    const err: HermeticError = await run(hostsLockfile(urls), {
      env: { http_proxy: `http://127.0.0.1:${port}` },
      concurrency: 1,
      policy: { ...fast, attempts: 3 },
      reporter: { ...silentReporter, retry: (file) => void retried.add(file) },
    }).catch((e) => e);
    expect(err.message).toMatch(/^6 artifacts of p\/artifacts\.lock\.yaml failed:/);
    expect([...retried]).toEqual(['a.test-1.bin']);
    expect(err.message).toMatch(new RegExp(`not tried: the proxy http://127\\.0\\.0\\.1:${port} \\(HTTP_PROXY\\) took no connection for an earlier artifact`));
  });

  it('connects directly to a host that NO_PROXY names, whatever the proxy', async () => {
    const port = await freePort();
    server.route('/direct.bin', serveBytes(a));
    const l = lockfile([{ path: '/direct.bin', checksum: `sha256:${sha256(a)}` }]);
    const r = await run(l, { env: { HTTP_PROXY: `http://127.0.0.1:${port}`, NO_PROXY: 'localhost,127.0.0.1' } });
    expect(r.summary.downloaded).toBe(1);
  });

  it('takes a proxy variable without a scheme (host:port, as curl and pip do) as an http proxy', async () => {
    server.route('/through-proxy.bin', serveBytes(a));
    const tunnels = server.tunnels;
    const r = await run(hostsLockfile(['http://origin.test/through-proxy.bin']), { env: { HTTP_PROXY: server.origin.replace('http://', '') } });
    expect(r.summary.downloaded).toBe(1);
    expect(server.tunnels).toBe(tunnels + 1);
  });

  describe('a proxy that refuses the tunnel', () => {
    afterEach(() => server.refuseTunnels(undefined));

    async function refused(status: number) {
      server.refuseTunnels(status);
      const retried: string[] = [];
      const err: HermeticError = await run(hostsLockfile(['http://origin.test/a.bin']), {
        env: { HTTP_PROXY: server.origin },
        policy: { ...fast, attempts: 3 },
        reporter: { ...silentReporter, retry: (file) => void retried.push(file) },
      }).catch((e) => e);
      return { err, retried };
    }

    it('wanting credentials (407) is said as such, once: not an interruption, not retried', async () => {
      const { err, retried } = await refused(407);
      expect(err.code).toBe('FetchError');
      expect(err.message).toMatch(new RegExp(`the proxy ${server.origin.replace(/\./g, '\\.')} \\(HTTP_PROXY\\) wants credentials \\(HTTP 407\\)`));
      expect(err.hints[0]).toMatch(/put the credentials the proxy takes in its variable/);
      expect(retried).toEqual([]);
    });

    it('refusing a host (403) names the host and NO_PROXY; a 502 is retried', async () => {
      const forbidden = await refused(403);
      expect(forbidden.err.message).toMatch(/refused to connect to origin\.test \(HTTP 403\)/);
      expect(forbidden.err.hints[0]).toMatch(/may not allow origin\.test: .*NO_PROXY/);
      expect(forbidden.retried).toEqual([]);
      const bad = await refused(502);
      expect(bad.err.message).toMatch(/refused to connect to origin\.test \(HTTP 502\) \(after 3 attempts\)/);
      expect(bad.retried).toHaveLength(2);
    });
  });

  it('names a proxy variable that is no proxy URL, and what to write, without its credentials', async () => {
    const err: HermeticError = await run(hostsLockfile(['http://origin.test/a.bin']), { env: { HTTP_PROXY: 'ftp://me:s3cret@proxy.corp' } }).catch((e) => e);
    expect(err.message).toMatch(/HTTP_PROXY is not a proxy URL: ftp:\/\/\*\*\*@proxy\.corp/);
    expect(err.hints.join('\n')).toMatch(/write it as http:\/\/host:port/);
    expect(JSON.stringify({ message: err.message, hints: err.hints })).not.toMatch(/s3cret/);
  });

  it('retries a body cut short and still verifies the result', async () => {
    const big = randomBytes(200_000);
    let n = 0;
    server.route('/cut.bin', (req, res) => (++n === 1 ? cutAfter(big, 80_000)(req, res, n) : serveBytes(big)(req, res, n)));
    const r = await run(lockfile([{ path: '/cut.bin', checksum: `sha256:${sha256(big)}` }]));
    expect(r.summary.downloaded).toBe(1);
  });

  it('leaves no partial or temporary file when interrupted (Ctrl-C)', async () => {
    const big = randomBytes(400_000);
    server.route('/slow.bin', slowBody(big, 20, 50));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('SIGINT')), 200);
    const err: HermeticError = await run(lockfile([{ path: '/slow.bin', checksum: `sha256:${sha256(big)}` }]), { signal: controller.signal }).catch((e) => e);
    expect(err.code).toBe('Interrupted');
    expect(files(join(root, 'out'))).toEqual([]);
    expect(files(join(root, 'store/tmp'))).toEqual([]);
    expect(files(join(root, 'store/locks'))).toEqual([]);
  });

  it('refuses to write through a symlink that leads out of the output directory', async () => {
    const outside = join(root, 'outside');
    mkdirSync(outside);
    mkdirSync(join(root, 'out/deps/generic'), { recursive: true });
    symlinkSync(outside, join(root, 'out/deps/generic/evil'));
    // Nor does the failure's clean-up of the target remove anything through it.
    writeFileSync(join(outside, 'c.bin'), 'not ours');
    const err: HermeticError = await run(lockfile([{ path: '/c.bin', checksum: `sha256:${sha256(c)}`, filename: 'evil/c.bin' }])).catch((e) => e);
    expect(err.code).toBe('PathOutsideRoot');
    expect(err.message).toMatch(/is a symlink to .*outside/);
    expect(readdirSync(outside)).toEqual(['c.bin']);
  });

  it('reports a disk problem (a file where a directory must be) clearly, leaving nothing half-written', async () => {
    mkdirSync(join(root, 'out/deps/generic'), { recursive: true });
    writeFileSync(join(root, 'out/deps/generic/tools'), 'not a directory');
    const err: HermeticError = await run(lockfile([{ path: '/c.bin', checksum: `sha256:${sha256(c)}`, filename: 'tools/c.bin' }])).catch((e) => e);
    expect(err).toMatchObject({
      code: 'InvalidInput',
      message: expect.stringMatching(/artifacts\[0\] \(tools\/c\.bin\): .*deps\/generic\/tools exists and is not a directory/),
    });
    expect(err.hints).toEqual(['remove it or choose another filename']);
    expect(files(join(root, 'store/tmp'))).toEqual([]);
  });

  it('refuses a store and an output that overlap, before anything is written', async () => {
    const l = lockfile([{ path: '/c.bin', checksum: `sha256:${sha256(c)}` }]);
    for (const [store, output] of [
      ['out/store', 'out'],
      ['store', 'store/out'],
      ['same', 'same/'],
    ]) {
      const err: HermeticError = await run(l, { store: new ContentStore(join(root, store)), outputDir: join(root, output) }).catch((e) => e);
      expect(err).toMatchObject({ code: 'InvalidInput', message: expect.stringMatching(/^the store .* and the output directory .* overlap$/) });
    }
    expect(files(root)).toEqual([]);
  });

  it('removes files of an earlier run that the lockfile no longer lists', async () => {
    await run(
      lockfile([
        { path: '/b.bin', checksum: `sha256:${sha256(b)}` },
        { path: '/c.bin', checksum: `sha256:${sha256(c)}` },
      ]),
    );
    const r = await run(lockfile([{ path: '/c.bin', checksum: `sha256:${sha256(c)}` }]));
    expect(r.removed).toEqual(['generic/b.bin']);
    expect(files(join(root, 'out/deps/generic'))).toEqual(['c.bin']);
  });

  it('lists what it placed, so a verify after a cache restore of an earlier lockfile state removes the files dropped since', async () => {
    await run(
      lockfile([
        { path: '/b.bin', checksum: `sha256:${sha256(b)}` },
        { path: '/c.bin', checksum: `sha256:${sha256(c)}` },
      ]),
    );
    // Nx restoring the fetch of a lockfile with c.bin alone puts back c.bin and its record, and
    // leaves b.bin: the fetch does not run, only fetch-deps' verify does.
    const earlier = lockfile([{ path: '/c.bin', checksum: `sha256:${sha256(c)}` }]);
    expect(await verifyOutputs(earlier, join(root, 'out'))).toMatchObject({ files: 1, removed: ['deps/generic/b.bin'] });
    expect(files(join(root, 'out/deps/generic'))).toEqual(['c.bin']);
  });

  it("leaves nothing at a failed artifact's target, not even the file an earlier run placed there", async () => {
    await run(
      lockfile([
        { path: '/a.bin', checksum: `sha256:${sha256(a)}` },
        { path: '/b.bin', checksum: `sha256:${sha256(b)}` },
        { path: '/c.bin', checksum: `sha256:${sha256(c)}` },
      ]),
    );
    // a.bin's checksum edited (the server's bytes no longer match), b.bin now from a URL that fails.
    const err: HermeticError = await run(
      lockfile([
        { path: '/a.bin', checksum: `sha256:${'f'.repeat(64)}` },
        { path: '/gone.bin', checksum: `sha256:${sha256(randomBytes(8))}`, filename: 'b.bin' },
        { path: '/c.bin', checksum: `sha256:${sha256(c)}` },
      ]),
    ).catch((e) => e);
    expect(err.message).toMatch(/2 artifacts of p\/artifacts\.lock\.yaml failed/);
    expect(files(join(root, 'out/deps/generic'))).toEqual(['c.bin']);
  });

  it('refuses an output the same target fetched another lockfile into (two projects given one outputDir), unless that lockfile is gone', async () => {
    const first = lockfileOnDisk('web', '/b.bin', b);
    const second = lockfileOnDisk('api', '/c.bin', c);
    await run(first);
    const err: HermeticError = await run(second).catch((e) => e);
    expect(err.code).toBe('InvalidInput');
    expect(err.message).toMatch(/holds what 'fetch-generic' fetched for .*web\/artifacts\.lock\.yaml: .*api\/artifacts\.lock\.yaml cannot share it/);
    expect(err.hints.join('\n')).toMatch(/its own output directory/);
    expect(files(join(root, 'out/deps/generic'))).toEqual(['b.bin']);
    // The project moved (its old lockfile is gone): the record is this lockfile's earlier run.
    rmSync(join(root, 'web'), { recursive: true });
    expect((await run(second)).removed).toEqual(['generic/b.bin']);
  });

  it("refuses, before removing anything, when the other lockfile's fetch recorded while this one downloaded (parallel tasks)", async () => {
    server.route('/slow-c.bin', slowBody(c, 4, 100));
    const slow = lockfileOnDisk('api', '/slow-c.bin', c);
    const fast = lockfileOnDisk('web', '/b.bin', b);
    const late = run(slow).catch((e) => e);
    await run(fast);
    const err: HermeticError = await late;
    expect(err.message).toMatch(/holds what 'fetch-generic' fetched for .*web\/artifacts\.lock\.yaml: .*api\/artifacts\.lock\.yaml cannot share it/);
    expect(files(join(root, 'out/deps/generic'))).toContain('b.bin');
  });

  it('refuses a target another fetch target already wrote into the same output (cross-lockfile check)', async () => {
    await run(lockfile([{ path: '/c.bin', checksum: `sha256:${sha256(c)}` }]), { recordName: 'fetch-other' });
    const err: HermeticError = await run(lockfile([{ path: '/b.bin', checksum: `sha256:${sha256(b)}`, filename: 'c.bin' }])).catch((e) => e);
    expect(err.message).toMatch(/would overwrite c\.bin written by 'fetch-other'/);
    expect(readFileSync(join(root, 'out/deps/generic/c.bin')).equals(c)).toBe(true);
  });

  it('in offline mode serves from the store and names what is missing', async () => {
    const l = lockfile([{ path: '/c.bin', checksum: `sha256:${sha256(c)}` }]);
    await run(l);
    const hits = server.hits('/c.bin');
    await run(l, { offline: true, outputDir: join(root, 'off') });
    expect(server.hits('/c.bin')).toBe(hits);
    const err: HermeticError = await run(lockfile([{ path: '/a.bin', checksum: `sha256:${sha256(a)}` }]), { offline: true }).catch((e) => e);
    expect(err).toMatchObject({ code: 'OfflineMiss', message: expect.stringMatching(/not in the store and offline mode forbids downloading/) });
  });

  it('fetches only the requested kinds', async () => {
    const text = `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: ${server.origin}/c.bin\n    checksum: sha256:${sha256(c)}\n  - type: maven\n    checksum: sha256:${'9'.repeat(64)}\n    attributes: { repository_url: "${server.origin}/m2", group_id: g, artifact_id: a, version: "1" }\n`;
    const r = await run(parseLockfile(text, 'x', { env: {} }), { kinds: ['url'] });
    expect([...r.record.files].map((f) => f.filename)).toEqual(['c.bin']);
  });

  it.each([['deps'], ['deps/generic'], ['.hermetic']])('refuses a symlink at <output>/%s that leads out (exit 3), writing nothing there', async (link) => {
    const outside = join(root, 'outside');
    mkdirSync(outside);
    mkdirSync(join(root, 'out', link, '..'), { recursive: true });
    symlinkSync(outside, join(root, 'out', link));
    const err: HermeticError = await run(lockfile([{ path: '/c.bin', checksum: `sha256:${sha256(c)}` }])).catch((e) => e);
    expect(err).toMatchObject({ code: 'PathOutsideRoot', exitCode: 3 });
    expect(err.message).toContain(join(root, 'out', link));
    expect(files(outside)).toEqual([]);
  });

  it('follows a symlink that stays inside the output directory', async () => {
    mkdirSync(join(root, 'out/real-deps'), { recursive: true });
    symlinkSync(join(root, 'out/real-deps'), join(root, 'out/deps'));
    await run(lockfile([{ path: '/c.bin', checksum: `sha256:${sha256(c)}` }]));
    expect(readFileSync(join(root, 'out/real-deps/generic/c.bin')).equals(c)).toBe(true);
  });

  it('never deletes through a symlinked folder named in an edited record', async () => {
    await run(lockfile([{ path: '/c.bin', checksum: `sha256:${sha256(c)}`, filename: 'sub/c.bin' }]));
    // The folder the record names is swapped for a link to a folder outside, holding a victim file.
    const outside = join(root, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'c.bin'), 'precious');
    rmSync(join(root, 'out/deps/generic/sub'), { recursive: true });
    symlinkSync(outside, join(root, 'out/deps/generic/sub'));
    const err: HermeticError = await run(lockfile([{ path: '/a.bin', checksum: `sha256:${sha256(a)}` }])).catch((e) => e);
    expect(err).toMatchObject({ code: 'PathOutsideRoot', exitCode: 3 });
    expect(readFileSync(join(outside, 'c.bin'), 'utf8')).toBe('precious');
  });

  it('says whose download it waits for when another process holds the file’s lock', async () => {
    const l = lockfile([{ path: '/a.bin', checksum: `sha256:${sha256(a)}` }]);
    const release = await new ContentStore(join(root, 'store')).lock(l.artifacts[0].checksums);
    const warnings: string[] = [];
    const reporter = { ...silentReporter, warn: (m: string) => warnings.push(m) };
    const fetching = run(l, { reporter, waitNoticeMs: 0 });
    // The other holder finishes once the notice is out (no sleeps: the notice is what it waits for).
    while (!warnings.length) await new Promise((r) => setImmediate(r));
    await release();
    await fetching;
    expect(warnings).toEqual([`waiting for a.bin, being downloaded by pid ${process.pid}`]);
  });

  it('says which artifact of the run it waits for when two have the same content, and downloads it once', async () => {
    const body = randomBytes(60_000);
    server.route('/same-1.bin', slowBody(body, 6, 30));
    server.route('/same-2.bin', serveBytes(body));
    const checksum = `sha256:${sha256(body)}`;
    const l = lockfile([
      { path: '/same-1.bin', checksum },
      { path: '/same-2.bin', checksum },
    ]);
    const warnings: string[] = [];
    const r = await run(l, { concurrency: 2, reporter: { ...silentReporter, warn: (m: string) => warnings.push(m) }, waitNoticeMs: 0 });
    expect(warnings).toEqual(['waiting for same-2.bin: the same content (its checksum) is being downloaded for same-1.bin']);
    // The second is served from the store the first filled.
    expect(r.summary).toMatchObject({ downloaded: 1, fromStore: 1 });
    expect(server.hits('/same-2.bin')).toBe(0);
  });

  it('lets one abort signal carry 16 downloads at once without passing its listener limit (no leak warning)', async () => {
    const bodies = Array.from({ length: 16 }, (_, i) => randomBytes(20_000 + i));
    bodies.forEach((body, i) => server.route(`/many-${i}.bin`, slowBody(body, 4, 5)));
    // Node warns ("possible EventTarget memory leak") when more listeners are attached at once than
    // the signal's limit: count them as the downloads attach and detach them.
    const signal = new AbortController().signal;
    let attached = 0;
    let peak = 0;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = (...args: Parameters<AbortSignal['addEventListener']>) => {
      peak = Math.max(peak, ++attached);
      add(...args);
    };
    signal.removeEventListener = (...args: Parameters<AbortSignal['removeEventListener']>) => {
      attached--;
      remove(...args);
    };
    const l = lockfile(bodies.map((body, i) => ({ path: `/many-${i}.bin`, checksum: `sha256:${sha256(body)}` })));
    const result = await run(l, { concurrency: 16, signal });
    expect(result.summary.downloaded).toBe(16);
    expect(peak).toBeGreaterThan(10);
    expect(getMaxListeners(signal)).toBeGreaterThanOrEqual(peak);
  });

  it('serves a store hit without the lock (held here by another holder), downloading nothing', async () => {
    const l = lockfile([{ path: '/a.bin', checksum: `sha256:${sha256(a)}` }]);
    await run(l);
    rmSync(join(root, 'out'), { recursive: true });
    const hits = server.hits('/a.bin');
    const release = await new ContentStore(join(root, 'store')).lock(l.artifacts[0].checksums);
    try {
      const result = await run(l, { waitNoticeMs: 0 });
      expect(result.summary).toMatchObject({ fromStore: 1, downloaded: 0 });
      expect(server.hits('/a.bin')).toBe(hits);
      expect(readFileSync(join(root, 'out/deps/generic/a.bin')).equals(a)).toBe(true);
    } finally {
      await release();
    }
  });

  it('caps an artifact at HERMETIC_MAX_ARTIFACT_SIZE: a clear error, nothing left behind', async () => {
    const settings = (env: NodeJS.ProcessEnv) => resolveFetchSettings([], { env, baseDir: root, defaultStoreDir: join(root, 'store') });
    const err: HermeticError = await run(lockfile([{ path: '/a.bin', checksum: `sha256:${sha256(a)}` }]), {
      policy: { ...fast, maxArtifactBytes: settings({ HERMETIC_MAX_ARTIFACT_SIZE: '64K' }).policy.maxArtifactBytes },
    }).catch((e) => e);
    expect(err).toMatchObject({ code: 'FetchError', exitCode: 15 });
    expect(err.message).toMatch(/100000 bytes \(Content-Length\), over the 65536-byte limit/);
    expect(files(join(root, 'out'))).toEqual([]);
    expect(files(join(root, 'store/tmp'))).toEqual([]);
    const bad: HermeticError = (() => {
      try {
        settings({ HERMETIC_MAX_ARTIFACT_SIZE: 'lots' });
      } catch (e) {
        return e as HermeticError;
      }
      throw new Error('expected an error');
    })();
    expect(bad).toMatchObject({ code: 'InvalidInput', message: expect.stringMatching(/HERMETIC_MAX_ARTIFACT_SIZE must be a positive number of bytes/) });
  });
});
