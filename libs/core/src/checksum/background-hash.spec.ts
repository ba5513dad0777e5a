import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Algorithm, ALGORITHMS } from './algorithms';
import { BACKGROUND_HASH_BYTES, BackgroundHash, streamHash } from './background-hash';
import { MultiHash } from './multi-hash';

const expected = (body: Buffer, algorithms: Algorithm[]) => new Map(algorithms.map((a) => [a, createHash(ALGORITHMS[a].node).update(body).digest('hex')]));

/** Feeds `body` in the given chunk sizes, waiting whenever the hash asks to. */
async function feed(hash: BackgroundHash, body: Buffer, sizes: number[]): Promise<void> {
  let offset = 0;
  for (let i = 0; offset < body.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length]);
    await hash.update(body.subarray(offset, offset + n));
    offset += n;
  }
}

describe('BackgroundHash', () => {
  it('gives the digests node:crypto gives, whatever the chunking (property)', async () => {
    const all: Algorithm[] = ['sha256', 'sha1', 'sha512', 'md5'];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3 << 20 }),
        fc.array(fc.integer({ min: 1, max: 1 << 20 }), { minLength: 1, maxLength: 8 }),
        fc.subarray(all, { minLength: 1 }),
        async (size, sizes, algorithms) => {
          const body = randomBytes(size);
          const hash = new BackgroundHash(algorithms);
          await feed(hash, body, sizes);
          expect(hash.size).toBe(size);
          expect(await hash.digests()).toEqual(expected(body, algorithms));
        },
      ),
      { numRuns: 25, seed: 20261202 },
    );
  });

  it('keeps streams apart when several are open at once', async () => {
    const bodies = [randomBytes(5 << 20), randomBytes(123_457), randomBytes(2 << 20)];
    const hashes = bodies.map(() => new BackgroundHash(['sha256']));
    // Interleaved 64 KiB chunks, as a proxy relaying three downloads would send them.
    for (let offset = 0; bodies.some((b) => offset < b.length); offset += 1 << 16) {
      await Promise.all(hashes.map((h, i) => h.update(bodies[i].subarray(offset, offset + (1 << 16)))));
    }
    const digests = await Promise.all(hashes.map((h) => h.digests()));
    digests.forEach((d, i) => expect(d).toEqual(expected(bodies[i], ['sha256'])));
  });

  it('asks the caller to wait once more than 4 MiB are on their way, and never before', () => {
    const hash = new BackgroundHash(['sha256']);
    const chunk = Buffer.alloc(1 << 20, 1);
    // The thread cannot answer before this test returns to the event loop, so the count is exact.
    const waits = Array.from({ length: 6 }, () => hash.update(chunk));
    expect(waits.map((w) => w instanceof Promise)).toEqual([false, false, false, false, true, true]);
    hash.discard();
  });

  it('takes a chunk larger than its whole ring, waiting for slots within it', async () => {
    const body = randomBytes(13 << 20);
    const hash = new BackgroundHash(['sha256', 'md5']);
    // One update of 13 MiB: past 5 MiB (all slots sent) the rest waits for slots to be hashed.
    const wait = hash.update(body.subarray(0, (12 << 20) + 5));
    expect(wait).toBeInstanceOf(Promise);
    await wait;
    await hash.update(body.subarray((12 << 20) + 5));
    expect(await hash.digests()).toEqual(expected(body, ['sha256', 'md5']));
  });

  it('drops a discarded stream and goes on serving the others', async () => {
    const dropped = new BackgroundHash(['sha1']);
    await dropped.update(randomBytes(3 << 20));
    dropped.discard();
    const body = randomBytes(1 << 20);
    const kept = new BackgroundHash(['sha1']);
    await kept.update(body);
    expect(await kept.digests()).toEqual(expected(body, ['sha1']));
  });
});

describe('streamHash', () => {
  it('hashes on the calling thread below BACKGROUND_HASH_BYTES or without a length, on the hashing thread from it', () => {
    expect(streamHash(['sha256'])).toBeInstanceOf(MultiHash);
    expect(streamHash(['sha256'], BACKGROUND_HASH_BYTES - 1)).toBeInstanceOf(MultiHash);
    const big = streamHash(['sha256'], BACKGROUND_HASH_BYTES);
    expect(big).toBeInstanceOf(BackgroundHash);
    big.discard();
  });
});
