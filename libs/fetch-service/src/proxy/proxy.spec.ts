import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxyAgent, request } from 'undici';
import { gatedBody, requireHeader, serveBytes, startTestServer, TestServer } from '@hermetic/core/testing/test-server';
import { run, startService } from '../testing';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('proxy', () => {
  let fs: Awaited<ReturnType<typeof startService>>;
  let http: TestServer;
  let https: TestServer;
  const jar = randomBytes(50_000);
  const other = randomBytes(20_000);
  const tarball = randomBytes(10_000);

  beforeAll(async () => {
    fs = await startService();
    http = await startTestServer();
    https = await startTestServer({ https: true });
    for (const s of [http, https]) {
      s.route('/m2/org/acme/core/1.0/core-1.0.jar', serveBytes(jar));
      s.route('/other.bin', serveBytes(other));
      s.route('/registry/left-pad/-/left-pad-1.3.0.tgz', serveBytes(tarball));
    }
  });
  afterAll(async () => {
    await fs.service.stop();
    await http.close();
    await https.close();
  });

  const curl = (proxy: string, url: string, extra: string[] = []) =>
    run('curl', ['-s', '-S', '-x', proxy, '--cacert', fs.caPath, '-o', '-', '-w', '\n%{http_code}', ...extra, url]);
  const codeOf = (r: { stdout: string }) => r.stdout.split('\n').pop();

  it('intercepts HTTPS (CONNECT + a leaf certificate for the host) and records URLs with explicit :443-style ports', async () => {
    const s = await fs.session({ policy: 'permissive' });
    const r = await curl(s.proxy, `${https.origin}/other.bin`);
    expect(codeOf(r)).toBe('200');
    const h = await curl(s.proxy, `${http.origin}/other.bin`);
    expect(codeOf(h)).toBe('200');
    const report = await fs.teardown(s);
    // The same bytes twice: one artifact (keyed by sha256) with two downloads.
    expect(report.artifacts).toHaveLength(1);
    const a = report.artifacts[0];
    expect(a.metadata).toMatchObject({ sha256: sha256(other), sha1: createHash('sha1').update(other).digest('hex'), size: other.length });
    expect(a.downloads.map((d: { url: string }) => d.url)).toEqual([`${https.origin}/other.bin`, `${http.origin}/other.bin`]);
    expect(a.result).toBe('Rejected');
    expect(a['request-inspection']).toEqual({ default: { opinion: 'Unknown', reason: 'the request was not recognized by any format inspector' } });
  });

  it('refuses missing or wrong proxy credentials with 407', async () => {
    expect(
      codeOf(await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-x', `http://${fs.service.proxyAddress}`, `${http.origin}/other.bin`])),
    ).toBe('407');
    const s = await fs.session({ policy: 'permissive' });
    expect(
      codeOf(
        await run('curl', [
          '-s',
          '-o',
          '/dev/null',
          '-w',
          '%{http_code}',
          '-x',
          `http://${s.id}:WRONGTOKENWRONGTOKEN@${fs.service.proxyAddress}`,
          `${http.origin}/other.bin`,
        ]),
      ),
    ).toBe('407');
    // For CONNECT curl reports the proxy's refusal as a failed tunnel.
    const tunnel = await run('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_connect}',
      '-x',
      `http://x:y@${fs.service.proxyAddress}`,
      '--cacert',
      fs.caPath,
      `${https.origin}/other.bin`,
    ]);
    expect(tunnel.stdout).toBe('407');
    await fs.teardown(s);
  });

  it('strict: passes declared artifacts whose bytes match, refuses the rest with the fix, before anything goes upstream', async () => {
    const s = await fs.session({
      policy: 'strict',
      'declared-artifacts': [{ url: `${https.origin}/m2/org/acme/core/1.0/core-1.0.jar`, checksum: `sha256:${sha256(jar)}` }],
    });
    const ok = await curl(s.proxy, `${https.origin}/m2/org/acme/core/1.0/core-1.0.jar`);
    expect(codeOf(ok)).toBe('200');
    const hits = https.hits('/other.bin');
    const blocked = await curl(s.proxy, `${https.origin}/other.bin`);
    expect(codeOf(blocked)).toBe('403');
    expect(blocked.stdout).toContain(`Blocked by the Hermetic fetch service (strict session ${s.id}): GET ${https.origin}/other.bin`);
    expect(blocked.stdout).toContain(`declare it in the project's artifacts.lock.yaml: download_url: "${https.origin}/other.bin"`);
    expect(blocked.stdout).toContain(`or add an allow rule to the session, e.g. "${https.origin}/**"`);
    expect(https.hits('/other.bin')).toBe(hits);
    const report = await fs.teardown(s);
    const approved = report.artifacts.find((a) => a.metadata.sha256 === sha256(jar))!;
    expect(approved).toMatchObject({
      result: 'Approved',
      'request-inspection': { lockfile: { opinion: 'Pending' }, maven: { opinion: 'Unknown' } },
      'response-inspection': { lockfile: { opinion: 'Approved' } },
      metadata: { name: 'core', version: '1.0', purl: expect.stringMatching(/^pkg:maven\/.*org\.acme\/core@1\.0\?type=jar$/) },
    });
    const refused = report.artifacts.find((a) => a.downloads[0].url.endsWith('/other.bin'))!;
    expect(refused).toMatchObject({ result: 'Rejected', downloads: [expect.objectContaining({ 'status-code': 403 })] });
  });

  it('strict: cuts off a declared artifact whose bytes do not match, and refuses it again', async () => {
    const url = `${https.origin}/m2/org/acme/core/1.0/core-1.0.jar`;
    const s = await fs.session({ policy: 'strict', 'declared-artifacts': [{ url, checksum: `sha256:${'0'.repeat(64)}` }] });
    const out = join(mkdtempSync(join(tmpdir(), 'hermetic-cut-')), 'core.jar');
    const cut = await run('curl', ['-s', '-S', '-f', '-x', s.proxy, '--cacert', fs.caPath, '-o', out, url]);
    expect(cut.code).not.toBe(0);
    expect(existsSync(out) ? readFileSync(out).length : 0).toBeLessThan(jar.length);
    expect(codeOf(await curl(s.proxy, url))).toBe('403');
    const report = await fs.teardown(s);
    const a = report.artifacts.find((x) => x.metadata.sha256 === sha256(jar))!;
    expect(a).toMatchObject({
      result: 'Rejected',
      'response-inspection': { lockfile: { opinion: 'Rejected', reason: `sha256 mismatch: declared ${'0'.repeat(64)}, got ${sha256(jar)}` } },
    });
  });

  it('strict: allow rules (host or URL globs) pass traffic', async () => {
    const s = await fs.session({ policy: 'strict', 'allow-rules': [`${https.origin}/registry/**`, '127.0.0.1'] });
    expect(codeOf(await curl(s.proxy, `${https.origin}/registry/left-pad/-/left-pad-1.3.0.tgz`))).toBe('200');
    expect(codeOf(await curl(s.proxy, `${http.origin}/other.bin`))).toBe('200');
    const report = await fs.teardown(s);
    const npm = report.artifacts.find((a) => a.metadata.sha256 === sha256(tarball))!;
    expect(npm).toMatchObject({ result: 'Approved', metadata: { name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0' } });
  });

  it('works with undici ProxyAgent, and adds session secrets upstream without ever reporting them', async () => {
    const secret = 'deployer:s3cr3t-value';
    https.route('/private/core.jar', requireHeader('authorization', `Basic ${Buffer.from(secret).toString('base64')}`, serveBytes(jar)));
    const s = await fs.session({ policy: 'permissive', secrets: [{ type: 'basic-auth', url: `${https.origin}/private/**`, 'basic-credentials': secret }] });
    const agent = new ProxyAgent({ uri: s.proxy, requestTls: { ca: readFileSync(fs.caPath, 'utf8') } });
    try {
      const res = await request(`${https.origin}/private/core.jar`, { dispatcher: agent });
      expect(res.statusCode).toBe(200);
      expect(Buffer.from(await res.body.arrayBuffer()).equals(jar)).toBe(true);
    } finally {
      await agent.close();
    }
    const report = await fs.teardown(s);
    const text = JSON.stringify(report);
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain(Buffer.from(secret).toString('base64'));
  });

  it('keeps concurrent sessions apart: each report has only its own traffic', async () => {
    const a = await fs.session({ policy: 'permissive' });
    const b = await fs.session({ policy: 'permissive' });
    await Promise.all([curl(a.proxy, `${https.origin}/other.bin`), curl(b.proxy, `${http.origin}/registry/left-pad/-/left-pad-1.3.0.tgz`)]);
    const [ra, rb] = [await fs.teardown(a), await fs.teardown(b)];
    expect(ra.artifacts.map((x) => x.metadata.sha256)).toEqual([sha256(other)]);
    expect(rb.artifacts.map((x) => x.metadata.sha256)).toEqual([sha256(tarball)]);
  });

  it('npm install of a tarball URL goes through the proxy (HTTP and HTTPS origins)', async () => {
    const pkg = await makeNpmPackage();
    http.route('/pkgs/hello-hermetic-1.0.0.tgz', serveBytes(pkg));
    https.route('/pkgs/hello-hermetic-1.0.0.tgz', serveBytes(pkg));
    const s = await fs.session({
      policy: 'strict',
      'declared-artifacts': [`${http.origin}`, `${https.origin}`].map((o) => ({
        url: `${o}/pkgs/hello-hermetic-1.0.0.tgz`,
        checksum: `sha256:${sha256(pkg)}`,
      })),
    });
    for (const origin of [http.origin, https.origin]) {
      const dir = mkdtempSync(join(tmpdir(), 'hermetic-npm-'));
      writeFileSync(join(dir, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}');
      const r = await run(
        'npm',
        [
          'install',
          `${origin}/pkgs/hello-hermetic-1.0.0.tgz`,
          '--no-audit',
          '--no-fund',
          '--no-package-lock',
          '--prefix',
          dir,
          '--cache',
          join(dir, '.npm-cache'),
          '--registry',
          'http://127.0.0.1:9/',
          '--fetch-retries',
          '0',
          '--fetch-timeout',
          '20000',
          '--loglevel',
          'http',
          '--proxy',
          s.proxy,
          '--https-proxy',
          s.proxy,
          '--cafile',
          fs.caPath,
          '--noproxy',
          '',
        ],
        {
          ...process.env,
          npm_config_noproxy: '',
          NO_PROXY: '',
          no_proxy: '',
        },
      );
      expect([origin, r.code, r.stderr.includes('ERR!') ? r.stderr : '']).toEqual([origin, 0, '']);
      expect(JSON.parse(readFileSync(join(dir, 'node_modules/hello-hermetic/package.json'), 'utf8')).version).toBe('1.0.0');
    }
    const report = await fs.teardown(s);
    const a = report.artifacts.find((x) => x.metadata.sha256 === sha256(pkg))!;
    // npm (pacote) fetches a remote tarball twice: for its manifest, then to extract it.
    expect(new Set(a.downloads.map((d: { url: string }) => d.url))).toEqual(
      new Set([`${http.origin}/pkgs/hello-hermetic-1.0.0.tgz`, `${https.origin}/pkgs/hello-hermetic-1.0.0.tgz`]),
    );
    expect(a.result).toBe('Approved');
  }, 60_000);

  it('streams a download through to the client as it arrives, hashed on the hashing thread (memory figures: npm run bench)', async () => {
    const big = randomBytes(4 * 1024 * 1024);
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    // The origin sends the second half only once the client has the first: a proxy that held the
    // body back would never let that happen.
    http.route('/gated.bin', gatedBody(big, gate));
    const s = await fs.session({ policy: 'permissive' });
    const agent = new ProxyAgent({ uri: s.proxy });
    let received = 0;
    try {
      const res = await request(`${http.origin}/gated.bin`, { dispatcher: agent });
      for await (const c of res.body) {
        received += (c as Buffer).length;
        if (received >= big.length / 2) open();
      }
    } finally {
      await agent.close();
    }
    expect(received).toBe(big.length);
    const report = await fs.teardown(s);
    // 4 MiB with a Content-Length: hashed off the relaying thread (BACKGROUND_HASH_BYTES).
    expect(report.artifacts[0].metadata).toMatchObject({ size: big.length, sha256: sha256(big), sha1: createHash('sha1').update(big).digest('hex') });
  }, 60_000);

  it('reports upstream failures as rejected requests', async () => {
    const s = await fs.session({ policy: 'permissive' });
    const r = await curl(s.proxy, 'http://127.0.0.1:9/nothing');
    expect(codeOf(r)).toBe('502');
    const report = await fs.teardown(s);
    expect(report.artifacts[0]).toMatchObject({ result: 'Rejected', downloads: [expect.objectContaining({ 'status-code': 502 })] });
  });

  /** A minimal npm package tarball (package/package.json) made with npm pack. */
  async function makeNpmPackage(): Promise<Buffer> {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-pkg-'));
    writeFileSync(join(dir, 'package.json'), '{"name":"hello-hermetic","version":"1.0.0","main":"index.js"}');
    writeFileSync(join(dir, 'index.js'), 'module.exports = "hello";\n');
    const r = await run('npm', ['pack', '--pack-destination', dir, dir]);
    if (r.code !== 0) throw new Error(r.stderr);
    return readFileSync(join(dir, 'hello-hermetic-1.0.0.tgz'));
  }
});
