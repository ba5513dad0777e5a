import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLockfile } from '../lockfile/parse-lockfile';
import { VerifiedCache, verifiedCachePath } from './verified-cache';
import { verifyOutputs } from './verify-outputs';

describe('verifyOutputs', () => {
  const body = Buffer.from('the artifact');
  const lockfile = parseLockfile(
    `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: https://h/a.bin\n    checksum: sha256:${createHash('sha256').update(body).digest('hex')}\n`,
    'artifacts.lock.yaml',
    { env: {} },
  );
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'hermetic-verify-outputs-'));
    mkdirSync(join(out, 'deps/generic'), { recursive: true });
    writeFileSync(join(out, 'deps/generic/a.bin'), body);
  });

  it('hashes a file once, then trusts it while its identity and times are unchanged', async () => {
    expect(await verifyOutputs(lockfile, out)).toEqual({ files: 1, hashed: 1, removed: [] });
    expect(await verifyOutputs(lockfile, out)).toEqual({ files: 1, hashed: 0, removed: [] });
  });

  it('re-hashes a file written again (a cache restore, an edit), and catches an altered one', async () => {
    await verifyOutputs(lockfile, out);
    // Same bytes written again: a new ctime, so hashed again (and still fine).
    writeFileSync(join(out, 'deps/generic/a.bin'), body);
    expect(await verifyOutputs(lockfile, out)).toEqual({ files: 1, hashed: 1, removed: [] });
    writeFileSync(join(out, 'deps/generic/a.bin'), 'tampered');
    await expect(verifyOutputs(lockfile, out)).rejects.toMatchObject({ code: 'ChecksumVerificationFailed' });
    // Nor is an altered file trusted later because it once failed.
    await expect(verifyOutputs(lockfile, out)).rejects.toMatchObject({ code: 'ChecksumVerificationFailed' });
  });

  it('does without its cache when the cache file is unreadable', async () => {
    await verifyOutputs(lockfile, out);
    writeFileSync(join(out, '.hermetic/verified.cache'), '{ not json');
    expect(await verifyOutputs(lockfile, out)).toEqual({ files: 1, hashed: 1, removed: [] });
    rmSync(join(out, '.hermetic'), { recursive: true });
    expect(await verifyOutputs(lockfile, out)).toEqual({ files: 1, hashed: 1, removed: [] });
    expect(JSON.parse(readFileSync(join(out, '.hermetic/verified.cache'), 'utf8')).version).toBe(1);
  });

  describe('files the lockfile no longer lists', () => {
    const other = Buffer.from('another artifact');
    const both = parseLockfile(
      `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: https://h/a.bin\n    checksum: sha256:${createHash('sha256').update(body).digest('hex')}\n  - download_url: https://h/b.bin\n    checksum: sha256:${createHash('sha256').update(other).digest('hex')}\n`,
      'artifacts.lock.yaml',
      { env: {} },
    );

    // The record of the fetch that wrote the output (Nx restores it with the files).
    beforeEach(() => {
      mkdirSync(join(out, '.hermetic'), { recursive: true });
      writeFileSync(join(out, '.hermetic/fetch-generic.json'), JSON.stringify({ version: 1, lockfile: 'artifacts.lock.yaml', files: [] }));
    });

    async function listAsPlaced(...rel: string[]) {
      const cache = await VerifiedCache.open(verifiedCachePath(out));
      for (const r of rel) cache.claim(join(out, r));
      await cache.save();
    }

    it('removes those Hermetic verified or placed there before (what a cache restore of an earlier state leaves), and nothing else', async () => {
      writeFileSync(join(out, 'deps/generic/b.bin'), other);
      expect(await verifyOutputs(both, out)).toEqual({ files: 2, hashed: 2, removed: [] });
      // Placed by a fetch of the Maven layout, never verified since; and a file of the user's own.
      mkdirSync(join(out, 'deps/maven/g/x/1'), { recursive: true });
      for (const f of ['x-1.jar', 'x-1.jar.sha1', 'x-1.jar.md5', '_remote.repositories']) writeFileSync(join(out, 'deps/maven/g/x/1', f), f);
      await listAsPlaced('deps/maven/g/x/1/x-1.jar');
      writeFileSync(join(out, 'deps/generic/mine.txt'), 'mine');

      expect(await verifyOutputs(lockfile, out)).toEqual({ files: 1, hashed: 0, removed: ['deps/generic/b.bin', 'deps/maven/g/x/1/x-1.jar'] });
      expect(existsSync(join(out, 'deps/generic/b.bin'))).toBe(false);
      expect(existsSync(join(out, 'deps/maven/g/x/1/x-1.jar.sha1')) || existsSync(join(out, 'deps/maven/g/x/1/x-1.jar.md5'))).toBe(false);
      expect(readFileSync(join(out, 'deps/maven/g/x/1/_remote.repositories'), 'utf8')).toBe('_remote.repositories');
      expect(readFileSync(join(out, 'deps/generic/mine.txt'), 'utf8')).toBe('mine');
      // Forgotten once removed: a file of that name put there later by someone else stays.
      writeFileSync(join(out, 'deps/generic/b.bin'), other);
      expect(await verifyOutputs(lockfile, out)).toMatchObject({ removed: [] });
      expect(existsSync(join(out, 'deps/generic/b.bin'))).toBe(true);
    });

    it('removes nothing when verifying against another lockfile than the output was fetched for', async () => {
      writeFileSync(join(out, 'deps/generic/b.bin'), other);
      await verifyOutputs(both, out);
      const another = parseLockfile(`metadata:\n  version: "1.0"\nartifacts: []\n`, 'other/artifacts.lock.yaml', { env: {} });
      expect(await verifyOutputs(another, out)).toEqual({ files: 0, hashed: 0, removed: [] });
      expect(existsSync(join(out, 'deps/generic/b.bin'))).toBe(true);
    });

    it('never follows an edited cache out of deps/, nor through a symlinked folder', async () => {
      const outside = mkdtempSync(join(tmpdir(), 'hermetic-verify-outside-'));
      writeFileSync(join(outside, 'precious'), 'keep');
      writeFileSync(join(out, 'precious'), 'keep');
      // Written by hand: the cache's own keys are always normalised.
      writeFileSync(
        verifiedCachePath(out),
        JSON.stringify({ version: 1, entries: { [`${out}/deps/../precious`]: '', [`${out}/deps/generic/../../precious`]: '' } }),
      );
      expect(await verifyOutputs(lockfile, out)).toMatchObject({ removed: [] });
      expect(existsSync(join(out, 'precious'))).toBe(true);

      symlinkSync(outside, join(out, 'deps/generic/link'));
      await listAsPlaced('deps/generic/link/precious');
      await expect(verifyOutputs(lockfile, out)).rejects.toMatchObject({ code: 'PathOutsideRoot', message: expect.stringContaining('deps/generic/link') });
      expect(readFileSync(join(outside, 'precious'), 'utf8')).toBe('keep');
    });
  });

  it('reports a file under a path that is not a folder as missing, naming it, rather than failing on the stat', async () => {
    rmSync(join(out, 'deps'), { recursive: true });
    writeFileSync(join(out, 'deps'), 'a file where a folder was');
    await expect(verifyOutputs(lockfile, out)).rejects.toMatchObject({
      code: 'ChecksumVerificationFailed',
      message: expect.stringContaining('deps/generic/a.bin: missing (ENOTDIR)'),
    });
  });
});
