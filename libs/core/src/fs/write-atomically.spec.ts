import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeAtomically } from './write-atomically';

describe('writeAtomically', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hermetic-tests-write-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes pieces as exactly the UTF-8 of their joined text, across buffer boundaries and for pieces larger than a buffer (property)', async () => {
    // Pieces of any Unicode text, some repeated into hundreds of KiB: the 256 KiB buffer fills
    // mid-character and single pieces outgrow it.
    const piece = fc
      .tuple(fc.string({ unit: 'binary', maxLength: 40 }), fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 30_000 })))
      .map(([s, n]) => s.repeat(n));
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 40 }), async (pieces) => {
        const path = join(dir, 'pieces.json');
        await writeAtomically(path, pieces);
        expect(readFileSync(path).equals(Buffer.from(pieces.join('')))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('leaves the file as it was, and no temporary file, when the pieces fail part way', async () => {
    const path = join(dir, 'kept.json');
    writeFileSync(path, 'before');
    function* failing(): Generator<string> {
      yield 'x'.repeat(300 << 10);
      throw new Error('made up');
    }
    await expect(writeAtomically(path, failing())).rejects.toThrow('made up');
    expect(readFileSync(path, 'utf8')).toBe('before');
    expect(readdirSync(dir).filter((f) => f.startsWith('kept.json.'))).toEqual([]);
  });

  it('applies the mode before the file appears', async () => {
    const path = join(dir, 'mode.txt');
    await writeAtomically(path, ['a', 'b'], 0o600);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe('ab');
  });
});
