import { randomBytes } from 'node:crypto';
import { ProxyAgent, request } from 'undici';
import { startTestServer, TestServer } from '@hermetic/core/testing/test-server';
import { startService } from './testing';

/**
 * Load: 8 concurrent sessions x 500 requests each, bounded in count and time. Every request must be
 * in exactly one report: its own session's, never another's, none lost.
 */
describe('load', () => {
  let fs: Awaited<ReturnType<typeof startService>>;
  let origin: TestServer;

  beforeAll(async () => {
    fs = await startService();
    origin = await startTestServer();
    // Each path serves distinct bytes, so every request is its own artifact in the report.
    origin.route('/item', (req, res) => {
      const body = Buffer.from(`${new URL(req.url!, 'http://x').search}:${randomBytes(8).toString('hex')}`);
      res.writeHead(200, { 'content-length': body.length }).end(body);
    });
  });
  afterAll(async () => {
    await fs.service.stop();
    await origin.close();
  });

  it('8 sessions x 500 requests: each request in exactly its own report', async () => {
    const SESSIONS = 8;
    const REQUESTS = 500;
    const sessions = await Promise.all(Array.from({ length: SESSIONS }, () => fs.session({ policy: 'permissive' })));
    await Promise.all(
      sessions.map(async (s, si) => {
        const agent = new ProxyAgent({ uri: s.proxy, connections: 4 });
        try {
          for (let batch = 0; batch < REQUESTS; batch += 25) {
            await Promise.all(
              Array.from({ length: 25 }, async (_, k) => {
                const res = await request(`${origin.origin}/item?s=${si}&r=${batch + k}`, { dispatcher: agent });
                await res.body.dump();
                if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
              }),
            );
          }
        } finally {
          await agent.close();
        }
      }),
    );
    const reports = [];
    for (const s of sessions) reports.push(await fs.teardown(s));
    reports.forEach((report, si) => {
      const urls = report.artifacts.flatMap((a) => a.downloads.map((d: { url: string }) => d.url));
      expect(urls).toHaveLength(REQUESTS);
      expect(new Set(urls).size).toBe(REQUESTS);
      expect(urls.every((u) => u.includes(`?s=${si}&`))).toBe(true);
    });
  }, 90_000);
});
