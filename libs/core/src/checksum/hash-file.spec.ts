import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashFile, SMALL_FILE_BYTES } from './multi-hash';

describe('hashFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hermetic-hash-'));

  it.each([0, 1, 1000, SMALL_FILE_BYTES, SMALL_FILE_BYTES + 1, (3 << 20) + 7])(
    'hashes %i bytes as node:crypto does, read at once or streamed',
    async (size) => {
      const body = randomBytes(size);
      const path = join(dir, `f${size}`);
      writeFileSync(path, body);
      const { digests, size: hashed } = await hashFile(path, ['sha256', 'sha1']);
      expect(hashed).toBe(size);
      expect(digests.get('sha256')).toBe(createHash('sha256').update(body).digest('hex'));
      expect(digests.get('sha1')).toBe(createHash('sha1').update(body).digest('hex'));
    },
  );

  it('rejects with ENOENT for a missing file (callers tell a miss from a failure by it)', async () => {
    await expect(hashFile(join(dir, 'missing'), ['sha256'])).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
