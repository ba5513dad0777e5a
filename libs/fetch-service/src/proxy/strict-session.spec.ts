import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redirect, sequence, serveBytes, startTestServer, status, TestServer } from '@hermetic/core/testing/test-server';
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
});
