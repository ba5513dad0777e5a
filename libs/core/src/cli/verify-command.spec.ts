import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..', '..', '..');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('hermetic verify on an unchanged lockfile', () => {
  /** The modules of one CLI run (from the sources, as the bin runs them) that match `pattern`. */
  function loaded(cwd: string, args: string[], pattern: RegExp): string[] {
    const probe = join(cwd, 'probe.js');
    writeFileSync(
      probe,
      `process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache).filter((f) => ${pattern}.test(f)))));`,
    );
    const main = join(__dirname, 'main.ts');
    const r = spawnSync(process.execPath, ['-r', require.resolve('@swc-node/register'), '-r', probe, main, ...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, SWC_NODE_PROJECT: join(REPO, 'tsconfig.base.json') },
    });
    expect(r.stdout).toMatch(/^verified 1 file\(s\)/);
    return JSON.parse(r.stderr.slice(r.stderr.lastIndexOf('LOADED ') + 7));
  }

  // Every warm fetch-deps runs it: the YAML parser and the validators are paid only when the lockfile changed.
  it('loads no YAML parser, validator or worker thread; the first run (a miss) does load the parser', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-verify-footprint-'));
    writeFileSync(
      join(dir, 'artifacts.lock.yaml'),
      `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: https://h/a.bin\n    checksum: sha256:${sha256('a')}\n`,
    );
    writeFileSync(join(dir, 'a.bin'), 'a');
    const args = ['verify', '--output', 'out'];
    const heavy = /node_modules[\\/](js-yaml|yaml|zod)[\\/]|lockfile[\\/](parse-lockfile|validate-artifacts)|hash-pool|worker_threads/;
    // The output as a fetch leaves it.
    spawnSync('mkdir', ['-p', join(dir, 'out/deps/generic')]);
    writeFileSync(join(dir, 'out/deps/generic/a.bin'), 'a');
    expect(loaded(dir, args, heavy).some((f) => /js-yaml/.test(f))).toBe(true);
    expect(loaded(dir, args, heavy)).toEqual([]);
  }, 60_000);
});
