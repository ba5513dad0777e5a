import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveBytes, startTestServer, TestServer } from '@hermetic/core/testing/test-server';
import { NxWorkspace } from './nx-workspace';

jest.setTimeout(300_000);

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const cached = (task: string) => new RegExp(`${task}.*\\[(local cache|remote cache|existing outputs match)`);

/** Files below `dir`, recursively (absolute paths). */
function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/**
 * Nx's self-hosted remote cache protocol (GET/PUT /v1/cache/{hash}, bearer token, 409 on an
 * existing record), in memory, on loopback.
 */
async function startRemoteCache(token: string): Promise<{ url: string; puts: number; gets: number; close: () => Promise<void> }> {
  const records = new Map<string, Buffer>();
  const state = { url: '', puts: 0, gets: 0, close: async () => undefined as void };
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  const server: Server = createServer(async (req, res) => {
    const m = /^\/v1\/cache\/([^/]+)$/.exec(req.url ?? '');
    if (!m) return void res.writeHead(404).end();
    if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401).end();
    if (req.method === 'GET') {
      state.gets++;
      const body = records.get(m[1]);
      if (!body) return void res.writeHead(404).end();
      return void res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
    }
    if (req.method === 'PUT') {
      if (req.headers['content-length'] === undefined) return void res.writeHead(411).end();
      const body = await read(req);
      if (records.has(m[1])) return void res.writeHead(409).end('Cannot override an existing record');
      records.set(m[1], body);
      state.puts++;
      return void res.writeHead(200).end();
    }
    res.writeHead(405).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((r) => server.close(() => r()));
  return state;
}

describe('verified deps across the monorepo', () => {
  let server: TestServer;
  const files = Array.from({ length: 50 }, (_, i) => randomBytes(2_000 + i));
  const lock = (indices: number[], comment = '', rename = '') =>
    `${comment}metadata:\n  version: "1.0"\nartifacts:\n${indices
      .map(
        (i) =>
          `  - download_url: ${server.origin}/f${i}.bin\n    checksum: sha256:${sha256(files[i])}\n${rename && i === indices[0] ? `    filename: ${rename}\n` : ''}`,
      )
      .join('')}`;
  const hits = () => files.map((_, i) => server.hits(`/f${i}.bin`));

  beforeAll(async () => {
    server = await startTestServer();
    files.forEach((f, i) => server.route(`/f${i}.bin`, serveBytes(f)));
  });
  afterAll(() => server.close());

  it('keys the cache on what decides the bytes: a comment hits, a rename misses and downloads nothing; a tampered cache entry is caught', async () => {
    const ws = new NxWorkspace();
    try {
      ws.write('apps/a/project.json', { name: 'a', targets: {} });
      ws.write('apps/a/artifacts.lock.yaml', lock([0, 1, 2]));
      expect((await ws.nx(['run', 'a:fetch-deps'])).code).toBe(0);
      const before = hits();

      ws.write('apps/a/artifacts.lock.yaml', lock([0, 1, 2], '# reviewed by the security team\n'));
      const comment = await ws.nx(['run', 'a:fetch-deps']);
      expect(comment.output).toMatch(cached('a:fetch-generic'));

      ws.write('apps/a/artifacts.lock.yaml', lock([0, 1, 2], '', 'renamed/f0.bin'));
      const rename = await ws.nx(['run', 'a:fetch-deps']);
      expect(rename.code).toBe(0);
      expect(rename.output).not.toMatch(cached('a:fetch-generic'));
      expect(rename.output).toMatch(/0 downloaded .* 3 from store/);
      expect(hits()).toEqual(before);

      // Tamper with the cached copies of an output (every cache entry that has one), then make Nx
      // restore it.
      const entries = walk(join(ws.root, '.nx', 'cache')).filter((p) => p.endsWith(join('deps', 'generic', 'f1.bin')));
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        chmodSync(entry, 0o644);
        writeFileSync(entry, 'tampered');
      }
      ws.remove('dist');
      const restored = await ws.nx(['run', 'a:fetch-deps']);
      expect(restored.output).toMatch(cached('a:fetch-generic'));
      expect(restored.code).not.toBe(0);
      expect(restored.output).toMatch(
        /ChecksumVerificationFailed: 1 fetched file\(s\) of apps\/a\/artifacts\.lock\.yaml do not match it:\n\s+dist\/hermetic\/apps\/a\/deps\/generic\/f1\.bin: sha256 expected [0-9a-f]{64}, got [0-9a-f]{64}/,
      );
    } finally {
      ws.dispose();
    }
  });

  it('a lockfile back at an earlier state: Nx restores that fetch, and fetch-deps removes the files the lockfile dropped since', async () => {
    const ws = new NxWorkspace();
    try {
      ws.write('apps/b/project.json', { name: 'b', targets: {} });
      ws.write('apps/b/artifacts.lock.yaml', lock([0]));
      expect((await ws.nx(['run', 'b:fetch-deps'])).code).toBe(0);
      ws.write('apps/b/artifacts.lock.yaml', lock([0, 1]));
      expect((await ws.nx(['run', 'b:fetch-deps'])).code).toBe(0);

      ws.write('apps/b/artifacts.lock.yaml', lock([0]));
      const back = await ws.nx(['run', 'b:fetch-deps']);
      expect(back.code).toBe(0);
      // Restored, so the fetch did not run to remove what its later run placed: the verify did.
      expect(back.output).toMatch(cached('b:fetch-generic'));
      expect(back.output).toMatch(/removed 1 file\(s\) no longer in the lockfile: deps\/generic\/f1\.bin/);
      const deps = join(ws.root, 'dist/hermetic/apps/b/deps/generic');
      expect(walk(deps).map((p) => p.slice(deps.length + 1))).toEqual(['f0.bin']);
    } finally {
      ws.dispose();
    }
  });

  it("the workspace SBOM merges the projects' SBOMs in their format: SPDX where the plugin writes SPDX", async () => {
    const ws = new NxWorkspace({ sbomFormat: 'spdx' });
    try {
      ws.write('apps/a/project.json', { name: 'a', targets: {} });
      ws.write('apps/a/artifacts.lock.yaml', lock([0, 1]));
      ws.write('apps/b/project.json', { name: 'b', targets: {} });
      ws.write('apps/b/artifacts.lock.yaml', lock([1, 2]));
      ws.write('tools/all/project.json', {
        name: 'all',
        targets: {
          merge: { executor: '@hermetic/nx:merge-sboms', dependsOn: [{ target: 'sbom', projects: ['a', 'b'] }], options: { output: 'dist/all.spdx.json' } },
        },
      });
      const r = await ws.nx(['run', 'all:merge']);
      expect(r.output).toMatch(/merged 2 SBOM\(s\), 3 unique component\(s\): dist\/all\.spdx\.json/);
      const merged = JSON.parse(ws.read('dist/all.spdx.json').toString()) as { spdxVersion: string; packages: Array<{ name: string }> };
      expect(merged.spdxVersion).toBe('SPDX-2.3');
      expect(merged.packages.map((p) => p.name)).toEqual(['', 'f0.bin', 'f1.bin', 'f2.bin']);
    } finally {
      ws.dispose();
    }
  });

  it('20 projects sharing 50 artifacts: exactly 50 downloads, each file stored once', async () => {
    const ws = new NxWorkspace();
    try {
      const all = files.map((_, i) => i);
      for (let p = 0; p < 20; p++) {
        ws.write(`libs/p${p}/project.json`, { name: `p${p}`, targets: {} });
        ws.write(`libs/p${p}/artifacts.lock.yaml`, lock(all));
      }
      const before = hits();
      const r = await ws.nx(['run-many', '-t', 'fetch-generic', '--parallel=4']);
      expect(r.code).toBe(0);
      expect(hits().map((h, i) => h - before[i])).toEqual(files.map(() => 1));
      const inodes = new Set(Array.from({ length: 20 }, (_, p) => statSync(join(ws.root, `dist/hermetic/libs/p${p}/deps/generic/f7.bin`)).ino));
      expect(inodes.size).toBe(1);
    } finally {
      ws.dispose();
    }
  });

  it("two clones share verified deps through Nx's self-hosted remote cache: the second fetches nothing", async () => {
    const token = 'remote-cache-token';
    const cache = await startRemoteCache(token);
    const clones = [new NxWorkspace(), new NxWorkspace()];
    try {
      const env = (i: number) => ({
        NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cache.url,
        NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token,
        HERMETIC_STORE_DIR: mkdtempSync(join(tmpdir(), `hermetic-clone-${i}-store-`)),
      });
      for (const ws of clones) {
        ws.write('apps/svc/project.json', { name: 'svc', targets: {} });
        ws.write('apps/svc/artifacts.lock.yaml', lock([10, 11, 12, 13]));
      }
      const first = await clones[0].nx(['run', 'svc:fetch-deps'], env(0));
      expect(first.code).toBe(0);
      expect(cache.puts).toBeGreaterThan(0);
      const before = hits();
      const second = await clones[1].nx(['run', 'svc:fetch-deps'], env(1));
      expect(second.code).toBe(0);
      expect(second.output).toMatch(/svc:fetch-generic.*\[remote cache\]/);
      expect(hits()).toEqual(before);
      expect(readFileSync(join(clones[1].root, 'dist/hermetic/apps/svc/deps/generic/f12.bin')).equals(files[12])).toBe(true);
    } finally {
      clones.forEach((c) => c.dispose());
      await cache.close();
    }
  });
});
