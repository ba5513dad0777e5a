import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { readVerifyPlan, VerifyPlan } from './verify-plan';

const REPO = join(__dirname, '..', '..', '..', '..');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const lockText = (comment = '') =>
  `${comment}metadata:\n  version: "1.0"\nartifacts:\n  - download_url: https://h/a.bin\n    checksum: sha256:${sha256('a')}\n  - download_url: https://h/b.bin\n    filename: tools/b.bin\n    checksum: sha256:${sha256('b')}\n`;
/** What a plan says, in plain values. */
const shape = (p: VerifyPlan) => ({
  path: p.path,
  artifacts: p.artifacts.map((a) => ({ url: a.url, filename: a.filename, checksums: a.checksums.map((c) => c.text) })),
});

describe('readVerifyPlan', () => {
  let dir: string;
  let lockfile: string;
  const out = () => join(dir, 'out');
  const cacheFile = () => join(out(), '.hermetic', 'lockfile.cache');
  const read = () => readVerifyPlan(lockfile, out(), { displayPath: 'apps/a/artifacts.lock.yaml', setting: '--lockfile' });
  const expected = {
    path: 'apps/a/artifacts.lock.yaml',
    artifacts: [
      { url: 'https://h/a.bin', filename: 'a.bin', checksums: [`sha256:${sha256('a')}`] },
      { url: 'https://h/b.bin', filename: 'tools/b.bin', checksums: [`sha256:${sha256('b')}`] },
    ],
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hermetic-verify-plan-'));
    lockfile = join(dir, 'artifacts.lock.yaml');
    writeFileSync(lockfile, lockText());
  });

  it('parses the lockfile once, answers from the cache while its bytes are the same, and parses again when they change', async () => {
    expect(shape(await read())).toEqual(expected);
    expect(existsSync(cacheFile())).toBe(true);
    // The entry is what the next read answers from (seen by editing it in place).
    writeFileSync(cacheFile(), readFileSync(cacheFile(), 'utf8').replace('"tools/b.bin"', '"from-cache.bin"'));
    expect(shape(await read()).artifacts[1].filename).toBe('from-cache.bin');
    // A comment changes the bytes: parsed again, and the cache follows.
    writeFileSync(lockfile, lockText('# reviewed\n'));
    expect(shape(await read())).toEqual(expected);
    expect(readFileSync(cacheFile(), 'utf8')).toContain('"tools/b.bin"');
  });

  it.each([
    ['not JSON', () => '{ not json'],
    ['another key', (t: string) => t.replace(/"key":"[^"]+"/, '"key":"1:0.0.0:00"')],
    ['artifacts not a list', (t: string) => t.replace(/"artifacts":\[.*\]\}$/, '"artifacts":{}}')],
    ['a checksum that does not parse', (t: string) => t.replace(/"sha256:[0-9a-f]{64}"/, '"sha256:xyz"')],
    ['no checksums', (t: string) => t.replace(/"checksums":\["sha256:[0-9a-f]{64}"\]/, '"checksums":[]')],
    ['a missing filename', (t: string) => t.replace('"filename":"a.bin",', '')],
    ['a null artifact', (t: string) => t.replace(/"artifacts":\[/, '"artifacts":[null,')],
  ])('reads a damaged cache (%s) as a miss and parses the lockfile', async (_name, damage) => {
    await read();
    const damaged = damage(readFileSync(cacheFile(), 'utf8'));
    expect(damaged).not.toBe(readFileSync(cacheFile(), 'utf8'));
    writeFileSync(cacheFile(), damaged);
    expect(shape(await read())).toEqual(expected);
  });

  it('throws what readLockfile throws for a lockfile that is invalid or missing, and caches nothing', async () => {
    writeFileSync(lockfile, 'metadata:\n  version: 1.0\nartifacts: []\n');
    await expect(read()).rejects.toMatchObject({ code: 'InvalidLockfileFormat', message: expect.stringContaining('apps/a/artifacts.lock.yaml') });
    expect(existsSync(cacheFile())).toBe(false);
    lockfile = join(dir, 'nothing-here.yaml');
    await expect(read()).rejects.toMatchObject({ code: 'LockfileNotFound', message: 'lockfile not found: apps/a/artifacts.lock.yaml' });
    lockfile = dir;
    await expect(read()).rejects.toMatchObject({ code: 'InvalidInput', message: expect.stringContaining('is not a file') });
  });

  it('works without a cache where the output directory cannot be written', async () => {
    writeFileSync(out(), 'a file where the output directory would be');
    expect(shape(await read())).toEqual(expected);
    expect(shape(await read())).toEqual(expected);
  });
});

describe('hermetic verify on an unchanged lockfile', () => {
  /** The modules of one CLI run (from the sources, as the bin runs them) that match `pattern`. */
  function loaded(cwd: string, args: string[], pattern: RegExp): string[] {
    const probe = join(cwd, 'probe.js');
    writeFileSync(
      probe,
      `process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache).filter((f) => ${pattern}.test(f)))));`,
    );
    const main = join(__dirname, '..', 'cli', 'main.ts');
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
