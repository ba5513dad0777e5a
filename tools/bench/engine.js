/**
 * In-process figures of the engine: re-verifying 1 GiB of deps (the tamper check fetch-deps runs),
 * and the SBOM of a 10,000-artifact lockfile (parse + components + CycloneDX + serialisation).
 */
const { createHash } = require('node:crypto');
const { mkdirSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { dirname, join } = require('node:path');

process.env.SWC_NODE_PROJECT ??= join(__dirname, '..', '..', 'tsconfig.base.json');
require('@swc-node/register');
const core = require('../../libs/core/src/index.ts');

async function tamperCheck() {
  const dir = mkdtempSync(join(tmpdir(), 'hermetic-verify-bench-'));
  const files = [];
  for (let i = 0; i < 8; i++) {
    const data = Buffer.alloc(128 << 20, i + 1);
    const path = join(dir, `f${i}.bin`);
    writeFileSync(path, data);
    files.push({ path, checksums: [{ algorithm: 'sha256', digest: createHash('sha256').update(data).digest('hex'), text: '' }] });
  }
  const runs = [];
  for (let r = 0; r < 3; r++) {
    const t = process.hrtime.bigint();
    const problems = await core.verifyFiles(files);
    if (problems.length) throw new Error('verify failed');
    runs.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  rmSync(dir, { recursive: true, force: true });
  const s = runs.sort((a, b) => a - b)[1];
  return ['tamper check 1 GiB (8 x 128 MiB)', `${s.toFixed(2)} s = ${(1 / s).toFixed(2)} GiB/s`, 'goal >= 1 GiB/s', 1 / s >= 1 ? 'met' : 'NOT met', '', ''];
}

function sbom10k() {
  const hex = (i) => createHash('sha256').update(String(i)).digest('hex');
  const lines = ['metadata:', '  version: "1.0"', 'artifacts:'];
  for (let i = 0; i < 10_000; i++) {
    if (i % 4 === 0) {
      lines.push(
        '  - type: maven',
        `    checksum: "sha256:${hex(i)}"`,
        '    attributes:',
        '      repository_url: "https://repo1.maven.org/maven2"',
        `      group_id: "org.example.g${i % 97}"`,
        `      artifact_id: "lib${i}"`,
        `      version: "1.${i}.0"`,
      );
    } else {
      lines.push(`  - download_url: "https://example.com/releases/${i}/tool-${i}.tar.gz"`, `    checksum: "sha256:${hex(i)}"`);
    }
  }
  const text = `${lines.join('\n')}\n`;
  const runs = [];
  for (let r = 0; r < 3; r++) {
    const t = process.hrtime.bigint();
    const lockfile = core.parseLockfile(text, 'bench.lock.yaml', { env: false });
    const out = core.serializeSbom(core.toCycloneDx(core.lockfileComponents(lockfile), { subject: { name: 'bench' }, reproducible: true }));
    if (out.length < 1000) throw new Error('empty SBOM');
    runs.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  const s = runs.sort((a, b) => a - b)[1];
  return ['SBOM of a 10,000-artifact lockfile', `${s.toFixed(2)} s`, 'goal <= 1 s', s <= 1 ? 'met' : 'NOT met', '', ''];
}

/**
 * A 10,000-artifact lockfile whose every artifact is already in the store (a warm CI cache volume,
 * a second project sharing them): parse + plan + lock + re-verify each store copy + place it in
 * the output (offline, so nothing may be downloaded); then `verify` of the output as fetch-deps
 * runs it (first, so every file is hashed).
 */
async function storeHits10k() {
  const dir = mkdtempSync(join(tmpdir(), 'hermetic-store-bench-'));
  const store = new core.ContentStore(join(dir, 'store'));
  const lines = ['metadata:', '  version: "1.0"', 'artifacts:'];
  for (let i = 0; i < 10_000; i++) {
    const body = Buffer.from(`artifact ${i}\n`.repeat(64));
    const digest = createHash('sha256').update(body).digest('hex');
    const object = store.objectPath({ algorithm: 'sha256', digest });
    mkdirSync(dirname(object), { recursive: true });
    writeFileSync(object, body, { mode: 0o444 });
    lines.push(`  - download_url: "http://127.0.0.1:9/files/${i}/lib-${i}.jar"`, `    checksum: "sha256:${digest}"`, `    filename: "libs/lib-${i}.jar"`);
  }
  const text = `${lines.join('\n')}\n`;
  const outputDir = join(dir, 'out');
  const t0 = process.hrtime.bigint();
  const lockfile = core.parseLockfile(text, 'bench.lock.yaml', { env: false });
  await core.fetchArtifacts(lockfile, { outputDir, store, offline: true, concurrency: 8 });
  const t1 = process.hrtime.bigint();
  const { files } = await core.verifyOutputs(lockfile, outputDir);
  const t2 = process.hrtime.bigint();
  rmSync(dir, { recursive: true, force: true });
  if (files !== 10_000) throw new Error(`verified ${files} files`);
  const materialise = Number(t1 - t0) / 1e9;
  const verify = Number(t2 - t1) / 1e9;
  return [
    ['10,000 artifacts all in the store: materialise', `${materialise.toFixed(2)} s`, 'goal <= 2 s', materialise <= 2 ? 'met' : 'NOT met', '', ''],
    ['  then verify of those 10,000 files', `${verify.toFixed(2)} s`, 'goal <= 1 s', verify <= 1 ? 'met' : 'NOT met', '', ''],
  ];
}

async function engineBench() {
  return [await tamperCheck(), sbom10k(), ...(await storeHits10k())];
}

module.exports = { engineBench };
