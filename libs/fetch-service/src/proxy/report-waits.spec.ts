import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProxyAgent, request } from 'undici';
import { ContentStore } from '@hermetic/core';
import { serveBytes, startTestServer, TestServer } from '@hermetic/core/testing/test-server';
import { startService } from '../testing';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * A build's tool can have a whole response before the proxy has recorded it (a body with a length
 * is complete at its last byte; the proxy records after its own end of the transfer, e.g. once the
 * store's file is closed), and the build's teardown asks for the report at once. So the report
 * waits for every exchange under way, whichever way it is answered.
 */
describe('the session report waits for every exchange under way', () => {
  let fs: Awaited<ReturnType<typeof startService>>;
  let origin: TestServer;
  let store: string;
  // Larger than what the sockets between proxy and client buffer: a client that stops reading
  // holds the proxy in the middle of the transfer.
  const stored = randomBytes(32 << 20);
  const fetched = randomBytes(32 << 20);

  beforeAll(async () => {
    fs = await startService();
    origin = await startTestServer();
    origin.route('/fetched.bin', serveBytes(fetched));
    origin.route('/missing.bin', (_req, res) => void res.writeHead(404, { 'content-length': fetched.length }).end(fetched));
    store = mkdtempSync(join(tmpdir(), 'hermetic-report-waits-'));
    const file = join(store, 'incoming');
    writeFileSync(file, stored);
    await new ContentStore(store).admit(file, [{ algorithm: 'sha256', digest: sha256(stored), text: `sha256:${sha256(stored)}` }]);
  });
  afterAll(async () => {
    await fs.service.stop();
    await origin.close();
  });

  /** GET through the proxy, stopping after the first chunk until `resume` settles. */
  const getPausing = async (proxy: string, path: string, paused: () => void, resume: Promise<void>) => {
    const dispatcher = new ProxyAgent(proxy);
    try {
      const res = await request(`${origin.origin}${path}`, { dispatcher });
      let size = 0;
      for await (const chunk of res.body) {
        if (size === 0) {
          paused();
          await resume;
        }
        size += (chunk as Buffer).length;
      }
      return { status: res.statusCode, size };
    } finally {
      await dispatcher.close();
    }
  };

  it.each([
    ['relayed from upstream', '/fetched.bin', 200, fetched.length],
    ['replayed from the content store', '/stored.bin', 200, stored.length],
    ['a declared URL that answers 404', '/missing.bin', 404, fetched.length],
  ])('a report asked for in the middle of a response %s comes once it is recorded, and lists it', async (_kind, path, status, size) => {
    const s = await fs.session({
      policy: 'permissive',
      'store-dir': store,
      'declared-artifacts': [
        { url: `${origin.origin}/stored.bin`, checksum: `sha256:${sha256(stored)}` },
        { url: `${origin.origin}/missing.bin`, checksum: `sha256:${sha256(fetched)}` },
      ],
    });
    let paused!: () => void;
    let resume!: () => void;
    const midway = new Promise<void>((resolve) => (paused = resolve));
    const download = getPausing(s.proxy, path, paused, new Promise<void>((resolve) => (resume = resolve)));
    await midway;
    await fs.control('DELETE', `/session/${s.id}/token`, { token: s.token });
    let answered = false;
    const report = fs.control('GET', `/session/${s.id}`, {}).then((r) => ((answered = true), r));
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    resume();
    expect(await download).toEqual({ status, size });
    const json = (await report).json as unknown as { artifacts: Array<{ downloads: Array<{ url: string; 'status-code': number }> }> };
    expect(json.artifacts.flatMap((a) => a.downloads.map((d) => [d['status-code'], d.url]))).toEqual([[status, `${origin.origin}${path}`]]);
    await fs.control('DELETE', `/session/${s.id}`);
  });
});
