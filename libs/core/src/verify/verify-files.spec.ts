import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Checksum, parseChecksum } from '../checksum/parse-checksum';
import { hashFileSync } from '../checksum/multi-hash';
import { verifyFiles } from './verify-files';

const digest = (algorithm: string, data: Buffer) => createHash(algorithm).update(data).digest('hex');
const checksum = (text: string): Checksum => {
  const parsed = parseChecksum(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.checksum;
};

describe('verifyFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hermetic-verify-'));
  // Sizes around the workers' 4 MiB read buffer, and an empty file.
  const bodies = [Buffer.alloc(0), randomBytes(1000), randomBytes((4 << 20) + 17)];
  const paths = bodies.map((b, i) => {
    const p = join(dir, `f${i}`);
    writeFileSync(p, b);
    return p;
  });
  const good = (i: number) => ({
    path: paths[i],
    checksums: [checksum(`sha256:${digest('sha256', bodies[i])}`), checksum(`sha1:${digest('sha1', bodies[i])}`)],
  });

  // Both ways of hashing: on worker threads (files above the threshold) and on this thread.
  describe.each([
    ['on a pool of worker threads', 0],
    ['on the calling thread (small files)', 1 << 30],
  ])('%s', (_how, inlineBelowBytes) => {
    it('passes files whose every checksum matches', async () => {
      expect(await verifyFiles([good(0), good(1), good(2)], { threads: 2, inlineBelowBytes })).toEqual([]);
    });

    it('names every missing file and every mismatch, in input order', async () => {
      const wrong = { path: paths[1], checksums: [checksum(`sha256:${'0'.repeat(64)}`)] };
      const problems = await verifyFiles([good(2), { path: join(dir, 'gone'), checksums: good(0).checksums }, wrong, good(0)], {
        threads: 3,
        inlineBelowBytes,
      });
      expect(problems).toEqual([
        { path: join(dir, 'gone'), problem: 'missing', detail: 'ENOENT' },
        { path: paths[1], problem: 'mismatch', detail: `sha256 expected ${'0'.repeat(64)}, got ${digest('sha256', bodies[1])}` },
      ]);
    });
  });

  it('hashes synchronously exactly as the streaming hasher does', () => {
    const { digests, size } = hashFileSync(paths[2], ['sha256', 'sha512'], Buffer.allocUnsafe(4096));
    expect(size).toBe(bodies[2].length);
    expect(digests).toEqual(
      new Map([
        ['sha256', digest('sha256', bodies[2])],
        ['sha512', digest('sha512', bodies[2])],
      ]),
    );
  });
});
