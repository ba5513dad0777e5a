/**
 * Warm runs in a real Nx workspace of 100 artifacts, against Nx's own fixed cost (a cached no-op
 * target in the same workspace): nothing changed (cache hit), and one artifact of 100 changed (the
 * other 99 come from the store).
 */
const { execFileSync, spawn } = require('node:child_process');
const { createHash, randomBytes } = require('node:crypto');
const { mkdirSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

process.env.SWC_NODE_PROJECT ??= join(__dirname, '..', '..', 'tsconfig.base.json');
require('@swc-node/register');
const { NxWorkspace } = require('../../libs/nx-plugin/e2e/nx-workspace.ts');

function nx(ws, args) {
  const t = process.hrtime.bigint();
  execFileSync(process.execPath, [join(ws.root, 'node_modules/nx/dist/bin/nx.js'), ...args], {
    cwd: ws.root,
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', NX_CACHE_DIRECTORY: join(ws.root, '.nx', 'cache') },
    stdio: 'ignore',
  });
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function warmBench() {
  const mirror = mkdtempSync(join(tmpdir(), 'hermetic-warm-mirror-'));
  const bodies = Array.from({ length: 101 }, () => randomBytes(16 * 1024));
  bodies.forEach((b, i) => writeFileSync(join(mirror, `a${i}.bin`), b));
  const serve = spawn(process.execPath, [join(__dirname, 'serve.js'), mirror], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((r) => serve.stdout.once('data', (d) => r(String(d).trim())));
  const ws = new NxWorkspace();
  const lock = (last) =>
    `metadata:\n  version: "1.0"\nartifacts:\n${Array.from({ length: 100 }, (_, i) => (i === 99 ? last : i))
      .map(
        (i) =>
          `  - download_url: http://127.0.0.1:${port}/a${i}.bin\n    checksum: sha256:${createHash('sha256').update(bodies[i]).digest('hex')}\n    filename: a${i === 100 ? 99 : i}.bin\n`,
      )
      .join('')}`;
  try {
    mkdirSync(join(ws.root, 'apps/w'), { recursive: true });
    ws.write('apps/w/project.json', {
      name: 'w',
      targets: { baseline: { executor: 'nx:run-commands', options: { command: 'true' }, cache: true, inputs: [] } },
    });
    ws.write('apps/w/artifacts.lock.yaml', lock(99));
    nx(ws, ['run', 'w:fetch-deps']);
    nx(ws, ['run', 'w:baseline']);
    const base = [];
    const hit = [];
    const deps = [];
    // Seven rounds: the three figures differ by tenths of a second, about what one run varies.
    for (let i = 0; i < 7; i++) {
      base.push(nx(ws, ['run', 'w:baseline']));
      hit.push(nx(ws, ['run', 'w:fetch-generic']));
      deps.push(nx(ws, ['run', 'w:fetch-deps']));
    }
    const changed = [];
    for (let i = 0; i < 3; i++) {
      // Alternate the 100th artifact between two files: a miss each time, 99 store hits, 1 download
      // (a store hit too after the first round).
      ws.write('apps/w/artifacts.lock.yaml', lock(i % 2 === 0 ? 100 : 99));
      changed.push(nx(ws, ['run', 'w:fetch-generic']));
    }
    const b = median(base);
    const row = (name, t) => [
      name,
      `${t.toFixed(2)} s`,
      `${b.toFixed(2)} s (Nx, cached no-op)`,
      `${t >= b ? '+' : ''}${(((t - b) / b) * 100).toFixed(0)} % (goal <= +10 %)`,
      '',
      '',
    ];
    return [
      row('warm fetch-generic, 100 artifacts, nothing changed', median(hit)),
      row('warm fetch-deps (hits + re-verify 100 files + SBOM hit)', median(deps)),
      row('one artifact of 100 changed (99 from store)', median(changed)),
    ];
  } finally {
    serve.kill();
    ws.dispose();
    rmSync(mirror, { recursive: true, force: true });
  }
}

module.exports = { warmBench };
