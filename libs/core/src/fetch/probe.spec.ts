import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HermeticError } from '../errors';
import { ContentStore } from '../store/content-store';
import { serveBytes, startTestServer, TestServer } from '../testing/test-server';
import { probeUrl } from './probe';

const fast = { attempts: 3, baseDelayMs: 5, maxDelayMs: 10, readTimeoutMs: 500 };

describe('probeUrl (what add-artifact and update-checksums download to learn digests)', () => {
  let server: TestServer;
  let store: ContentStore;
  const body = randomBytes(70_000);

  beforeAll(async () => {
    server = await startTestServer();
    server.route('/tool.tgz', serveBytes(body));
    server.route('/login', serveBytes(Buffer.from('<html>sign in</html>'), { headers: { 'content-type': 'text/html' } }));
  });
  afterAll(() => server.close());
  beforeEach(() => {
    store = new ContentStore(mkdtempSync(join(tmpdir(), 'hermetic-probe-')));
  });

  it('learns the digests and admits the bytes, so the fetch that follows is a store hit', async () => {
    const sha256 = createHash('sha256').update(body).digest('hex');
    const r = await probeUrl(`${server.origin}/tool.tgz#frag`, { store, algorithms: ['sha256'], policy: fast, env: {} });
    expect(r).toMatchObject({ size: body.length, source: `${server.origin}/tool.tgz` });
    expect(r.digests.get('sha256')).toBe(sha256);
    expect(await store.lookup([{ algorithm: 'sha256', digest: sha256, text: `sha256:${sha256}` }])).toMatchObject({ status: 'hit' });
  });

  it('refuses an HTML page where a file was asked for', async () => {
    await expect(probeUrl(`${server.origin}/login`, { store, algorithms: ['sha256'], policy: fast, env: {} })).rejects.toThrow(/answered with an HTML page/);
  });

  it.each([
    ['ftp://127.0.0.1/tool.tgz', "URL scheme 'ftp' is not supported"],
    ['http://me:pw@127.0.0.1/tool.tgz', 'credentials in the URL'],
    ['tool.tgz', 'is not a valid absolute URL'],
  ])('refuses %s by the lockfile rules, before any request', async (url, why) => {
    const hits = server.requests.length;
    const err: HermeticError = await probeUrl(url, { store, algorithms: ['sha256'], policy: fast, env: {} }).catch((e) => e);
    expect(err).toMatchObject({ code: 'InvalidInput', message: expect.stringContaining(why) });
    expect(server.requests.length).toBe(hits);
    expect(existsSync(join(store.root, 'tmp')) ? readdirSync(join(store.root, 'tmp')) : []).toEqual([]);
  });
});
