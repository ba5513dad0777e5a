import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VerifiedCache } from './verified-cache';
import { readVerifyPlan, VerifyPlan } from './verify-plan';

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
  /** Replaces the entry and vouches for it as readVerifyPlan does for its own (white box: the entry's parser is under test). */
  async function rewriteTrusted(text: string): Promise<void> {
    const key = (JSON.parse(readFileSync(cacheFile(), 'utf8')) as { key: string }).key;
    writeFileSync(cacheFile(), text);
    const verified = await VerifiedCache.open(join(out(), '.hermetic', 'verified.cache'));
    verified.remember(cacheFile(), VerifiedCache.stamp(statSync(cacheFile(), { bigint: true }), `plan:${key}`));
    await verified.save();
  }
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hermetic-verify-plan-'));
    lockfile = join(dir, 'artifacts.lock.yaml');
    writeFileSync(lockfile, lockText());
  });

  it('parses the lockfile once, answers from the cache while its bytes are the same, and parses again when they change', async () => {
    expect(shape(await read())).toEqual(expected);
    const written = statSync(cacheFile(), { bigint: true });
    // A hit reads the entry and leaves it as it is (a miss writes a new one, by rename).
    expect(shape(await read())).toEqual(expected);
    expect(statSync(cacheFile(), { bigint: true })).toMatchObject({ ino: written.ino, mtimeNs: written.mtimeNs });
    // A comment changes the bytes: parsed again, and the cache follows.
    writeFileSync(lockfile, lockText('# reviewed\n'));
    expect(shape(await read())).toEqual(expected);
    expect(statSync(cacheFile(), { bigint: true }).ino).not.toBe(written.ino);
  });

  it('answers from a trusted entry (what makes the damaged-entry cases below mean something)', async () => {
    await read();
    await rewriteTrusted(readFileSync(cacheFile(), 'utf8').replace('"tools/b.bin"', '"from-the-entry.bin"'));
    expect(shape(await read()).artifacts[1].filename).toBe('from-the-entry.bin');
  });

  it('never trusts an entry it did not write itself: a forged or restored one is read as a miss', async () => {
    await read();
    // The right key, other checksums: what a tampered (remote) cache entry restored here could hold.
    const forged = readFileSync(cacheFile(), 'utf8').replace(sha256('b'), sha256('evil'));
    writeFileSync(cacheFile(), forged);
    expect(shape(await read())).toEqual(expected);
    // The same through a copy (a new inode, as a restore makes).
    copyFileSync(cacheFile(), `${cacheFile()}.copy`);
    writeFileSync(`${cacheFile()}.copy`, forged);
    renameSync(`${cacheFile()}.copy`, cacheFile());
    expect(shape(await read())).toEqual(expected);
  });

  it.each([
    ['not JSON', () => '{ not json'],
    ['another key', (t: string) => t.replace(/"key":"[^"]+"/, '"key":"1:0.0.0:00"')],
    ['artifacts not a list', (t: string) => t.replace(/"artifacts":\[.*\]\}$/, '"artifacts":{}}')],
    ['a checksum that does not parse', (t: string) => t.replace(/"sha256:[0-9a-f]{64}"/, '"sha256:xyz"')],
    ['no checksums', (t: string) => t.replace(/"checksums":\["sha256:[0-9a-f]{64}"\]/, '"checksums":[]')],
    ['a missing filename', (t: string) => t.replace('"filename":"a.bin",', '')],
    ['a null artifact', (t: string) => t.replace(/"artifacts":\[/, '"artifacts":[null,')],
  ])('reads a damaged entry (%s) as a miss even where it is trusted, and parses the lockfile', async (_name, damage) => {
    await read();
    const damaged = damage(readFileSync(cacheFile(), 'utf8'));
    expect(damaged).not.toBe(readFileSync(cacheFile(), 'utf8'));
    await rewriteTrusted(damaged);
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
