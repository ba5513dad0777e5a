#!/usr/bin/env node
/**
 * Packs the demo: its sources plus its verified dependencies (from fetch-deps) into
 * dist/packages/demo/demo-1.0.0.tgz, reproducibly. On the way it downloads one more file, as real
 * packaging steps do, through whatever proxy the environment names: inside a Fetch Service session
 * that is the session's proxy, so the download is inspected and reported.
 */
const { execFileSync } = require('node:child_process');
const { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { gzipSync } = require('node:zlib');
const { EnvHttpProxyAgent, request } = require('undici');

const root = join(__dirname, '..', '..', '..');
const url = process.env.DEMO_PACK_DOWNLOAD ?? 'http://127.0.0.1:38765/docs/NOTICE.txt';

async function main() {
  const dispatcher = new EnvHttpProxyAgent();
  const res = await request(url, { dispatcher });
  const body = Buffer.from(await res.body.arrayBuffer());
  await dispatcher.close();
  if (res.statusCode !== 200) throw new Error(`GET ${url}: HTTP ${res.statusCode}\n${body.toString('utf8')}`);

  const stage = mkdtempSync(join(tmpdir(), 'demo-pack-'));
  const top = join(stage, 'demo-1.0.0');
  cpSync(join(root, 'apps/demo/src'), join(top, 'src'), { recursive: true });
  cpSync(join(root, 'dist/hermetic/apps/demo/deps'), join(top, 'deps'), { recursive: true, dereference: true });
  writeFileSync(join(top, 'NOTICE.txt'), body);
  const tar = execFileSync(
    'tar',
    ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '--mode=u+rw,go+r', '-C', stage, '-cf', '-', 'demo-1.0.0'],
    { maxBuffer: 1 << 30 },
  );
  const out = join(root, 'dist/packages/demo');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'demo-1.0.0.tgz'), gzipSync(tar, { level: 9 }));
  rmSync(stage, { recursive: true, force: true });
  console.log(`packed dist/packages/demo/demo-1.0.0.tgz (downloaded ${url} during pack)`);
}

main().catch((err) => {
  console.error(`pack failed: ${err.message}`);
  process.exit(1);
});
