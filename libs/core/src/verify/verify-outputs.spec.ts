import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLockfile } from '../lockfile/parse-lockfile';
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
    expect(await verifyOutputs(lockfile, out)).toEqual({ files: 1, hashed: 1 });
    expect(await verifyOutputs(lockfile, out)).toEqual({ files: 1, hashed: 0 });
  });

  it('re-hashes a file written again (a cache restore, an edit), and catches an altered one', async () => {
    await verifyOutputs(lockfile, out);
    // Same bytes written again: a new ctime, so hashed again (and still fine).
    writeFileSync(join(out, 'deps/generic/a.bin'), body);
    expect(await verifyOutputs(lockfile, out)).toEqual({ files: 1, hashed: 1 });
    writeFileSync(join(out, 'deps/generic/a.bin'), 'tampered');
    await expect(verifyOutputs(lockfile, out)).rejects.toMatchObject({ code: 'ChecksumVerificationFailed' });
    // Nor is an altered file trusted later because it once failed.
    await expect(verifyOutputs(lockfile, out)).rejects.toMatchObject({ code: 'ChecksumVerificationFailed' });
  });

  it('does without its cache when the cache file is unreadable', async () => {
    await verifyOutputs(lockfile, out);
    writeFileSync(join(out, '.hermetic/verified.cache'), '{ not json');
    expect(await verifyOutputs(lockfile, out)).toEqual({ files: 1, hashed: 1 });
    rmSync(join(out, '.hermetic'), { recursive: true });
    expect(await verifyOutputs(lockfile, out)).toEqual({ files: 1, hashed: 1 });
    expect(JSON.parse(readFileSync(join(out, '.hermetic/verified.cache'), 'utf8')).version).toBe(1);
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
