import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishMaven, redirect, sequence, serveBytes, startTestServer, status, TestServer } from '@hermetic/core/testing/test-server';
import { run, startService } from '../testing';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Strict sessions admit what a real build of declared artifacts does, and refuse the rest. */
describe('strict sessions', () => {
  let fs: Awaited<ReturnType<typeof startService>>;
  let origin: TestServer;
  const tool = randomBytes(30_000);
  const other = randomBytes(30_000);

  beforeAll(async () => {
    fs = await startService();
    origin = await startTestServer({ https: true });
    origin.route('/releases/tool-1.0.tgz', redirect('/cdn/objects/abc123?sig=xyz'));
    origin.route('/cdn/objects/abc123', serveBytes(tool));
    origin.route('/releases/evil-1.0.tgz', redirect('/cdn/objects/evil'));
    origin.route('/cdn/objects/evil', serveBytes(other));
    origin.route('/flaky/tool.tgz', sequence(status(503), serveBytes(tool)));
    origin.route('/plain/tool.tgz', serveBytes(tool));
    origin.route('/upload', serveBytes(Buffer.from('stored')));
  });
  afterAll(async () => {
    await fs.service.stop();
    await origin.close();
  });

  const curl = (proxy: string, args: string[]) => run('curl', ['-sS', '-x', proxy, '--cacert', fs.caPath, '-o', '-', '-w', '\n%{http_code}', ...args]);
  const declare = (path: string, body: Buffer) => ({ url: `${origin.origin}${path}`, checksum: `sha256:${sha256(body)}` });

  it('follows the redirect of a declared URL and judges the final bytes', async () => {
    const s = await fs.session({ policy: 'strict', 'declared-artifacts': [declare('/releases/tool-1.0.tgz', tool)] });
    const r = await curl(s.proxy, ['-L', `${origin.origin}/releases/tool-1.0.tgz`]);
    expect(r.stdout.split('\n').pop()).toBe('200');
    const report = await fs.teardown(s);
    expect(report.artifacts.map((a) => a.result)).toEqual(['Approved']);
    expect(report.artifacts[0]['request-inspection'].lockfile.reason).toMatch(/where the declared .*releases\/tool-1\.0\.tgz redirects/);
  });

  it('refuses the final bytes of a declared URL that redirects to something else', async () => {
    const s = await fs.session({ policy: 'strict', 'declared-artifacts': [declare('/releases/evil-1.0.tgz', tool)] });
    const r = await curl(s.proxy, ['-L', `${origin.origin}/releases/evil-1.0.tgz`]);
    expect(r.code).not.toBe(0);
    const report = await fs.teardown(s);
    expect(report.artifacts.map((a) => a.result)).toEqual(['Rejected']);
    expect(report.artifacts[0]['response-inspection'].lockfile.reason).toMatch(/sha256 mismatch/);
  });

  it('lets a HEAD and a failed first attempt pass without refusing the URL for the rest of the session', async () => {
    const s = await fs.session({ policy: 'strict', 'declared-artifacts': [declare('/flaky/tool.tgz', tool), declare('/plain/tool.tgz', tool)] });
    expect((await curl(s.proxy, ['-I', `${origin.origin}/plain/tool.tgz`])).stdout.split('\n').pop()).toBe('200');
    expect((await curl(s.proxy, [`${origin.origin}/plain/tool.tgz`])).stdout.split('\n').pop()).toBe('200');
    expect((await curl(s.proxy, [`${origin.origin}/flaky/tool.tgz`])).stdout.split('\n').pop()).toBe('503');
    expect((await curl(s.proxy, [`${origin.origin}/flaky/tool.tgz`])).stdout.split('\n').pop()).toBe('200');
    const report = await fs.teardown(s);
    const results = report.artifacts.map((a) => `${a.result} ${a.downloads.map((d: { 'status-code': number }) => d['status-code']).join(',')}`);
    // One artifact (both URLs served the same bytes, approved), and the 503 reported, not held against the URL.
    expect(results.sort()).toEqual(['Approved 200,200', 'Rejected 503']);
  });

  it('refuses a request with a body to a declared URL before anything goes upstream', async () => {
    const s = await fs.session({ policy: 'strict', 'declared-artifacts': [declare('/upload', Buffer.from('stored'))] });
    const before = origin.hits('/upload');
    const r = await curl(s.proxy, ['-X', 'POST', '--data-binary', 'secret build data', `${origin.origin}/upload`]);
    expect(r.stdout.split('\n').pop()).toBe('403');
    expect(r.stdout).toMatch(/a declared artifact is fetched with GET or HEAD, not POST/);
    expect(origin.hits('/upload')).toBe(before);
    await fs.teardown(s);
  });

  it('forwards a body sent with Expect: 100-continue (curl does over 1 MiB)', async () => {
    const s = await fs.session({ policy: 'permissive' });
    const file = join(mkdtempSync(join(tmpdir(), 'hermetic-expect-')), 'big.bin');
    writeFileSync(file, randomBytes(2 * 1024 * 1024));
    const r = await curl(s.proxy, ['-X', 'PUT', '-H', 'Expect: 100-continue', '--data-binary', `@${file}`, `${origin.origin}/upload`]);
    expect(r.stdout.split('\n').pop()).toBe('200');
    await fs.teardown(s);
  });

  it('approves the checksum files Maven fetches beside a declared artifact, and reports them as checksum files', async () => {
    const jar = randomBytes(20_000);
    const path = publishMaven(origin, '/m2', { group: 'org.acme', artifact: 'core', version: '1.0' }, jar);
    origin.route(`${path}.md5`, serveBytes(Buffer.from(`${createHash('md5').update(jar).digest('hex')}  core-1.0.jar\n`)));
    origin.route(`${path}.sha512`, serveBytes(Buffer.from('0'.repeat(128))));
    const s = await fs.session({ policy: 'strict', 'declared-artifacts': [declare(path, jar)] });
    for (const suffix of ['', '.sha1', '.md5', '.sha256']) {
      expect({ suffix, code: (await curl(s.proxy, [`${origin.origin}${path}${suffix}`])).stdout.split('\n').pop() }).toEqual({ suffix, code: '200' });
    }
    // A checksum file that does not hold the artifact's digest is cut off.
    expect((await curl(s.proxy, [`${origin.origin}${path}.sha512`])).code).not.toBe(0);
    const report = await fs.teardown(s);
    const byUrl = Object.fromEntries(report.artifacts.map((a) => [a.downloads[0].url.split('/').pop(), a]));
    expect(byUrl['core-1.0.jar'].result).toBe('Approved');
    expect(byUrl['core-1.0.jar'].metadata.purl).toBe('pkg:maven/org.acme/core@1.0?type=jar');
    for (const file of ['core-1.0.jar.sha1', 'core-1.0.jar.md5', 'core-1.0.jar.sha256']) {
      expect({ file, result: byUrl[file].result, type: byUrl[file].metadata.type, purl: byUrl[file].metadata.purl }).toEqual({
        file,
        result: 'Approved',
        type: 'text/x.checksum',
        purl: undefined,
      });
    }
    expect(byUrl['core-1.0.jar.sha512'].result).toBe('Rejected');
    expect(byUrl['core-1.0.jar.sha512']['response-inspection']['checksum-file'].reason).toMatch(
      /holds 0+, but the sha512 of the declared artifact is [0-9a-f]{128}/,
    );
  });
});
