import { copyFileSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateCa } from './certificate-authority';

describe('loadOrCreateCa', () => {
  let first: string;
  let second: string;
  const cert = (dir: string) => join(dir, 'ca.pem');
  const key = (dir: string) => join(dir, 'ca.key.pem');
  const fresh = () => mkdtempSync(join(tmpdir(), 'hermetic-ca-'));

  beforeAll(async () => {
    // Two services starting at once on an empty folder: one CA, the same for both.
    first = fresh();
    const [a, b] = await Promise.all([loadOrCreateCa(cert(first), key(first)), loadOrCreateCa(cert(first), key(first))]);
    expect(a.certPem).toBe(b.certPem);
    second = fresh();
    await loadOrCreateCa(cert(second), key(second));
  }, 60_000);

  it('creates the CA once (key 0600) and loads the same one afterwards', async () => {
    expect(statSync(key(first)).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateCa(cert(first), key(first));
    expect(again.certPem).toBe(readFileSync(cert(first), 'utf8'));
    expect(again.keyPem).toBe(readFileSync(key(first), 'utf8'));
  });

  it('never replaces a certificate whose key is missing (a --cert without --key)', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'mine.pem'), 'not generated here');
    await expect(loadOrCreateCa(join(dir, 'mine.pem'), key(dir))).rejects.toThrow(
      `the CA certificate ${join(dir, 'mine.pem')} has no key at ${key(dir)}: pass --key with that certificate's private key`,
    );
    expect(readFileSync(join(dir, 'mine.pem'), 'utf8')).toBe('not generated here');
  });

  it('fails on a key without its certificate, at once when the key is old', async () => {
    const dir = fresh();
    copyFileSync(key(first), key(dir));
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(key(dir), old, old);
    await expect(loadOrCreateCa(cert(dir), key(dir))).rejects.toThrow(`the CA key ${key(dir)} has no certificate at ${cert(dir)}`);
  });

  it('waits for the certificate of a key another process is creating right now', async () => {
    const dir = fresh();
    copyFileSync(key(first), key(dir));
    setTimeout(() => copyFileSync(cert(first), cert(dir)), 200);
    expect((await loadOrCreateCa(cert(dir), key(dir))).certPem).toBe(readFileSync(cert(first), 'utf8'));
  });

  it('names a file that is not a PEM certificate or key, and a key of another certificate', async () => {
    const dir = fresh();
    writeFileSync(cert(dir), 'garbage');
    copyFileSync(key(first), key(dir));
    await expect(loadOrCreateCa(cert(dir), key(dir))).rejects.toThrow(`the CA certificate ${cert(dir)} is not a PEM certificate`);
    copyFileSync(cert(first), cert(dir));
    writeFileSync(key(dir), 'garbage');
    await expect(loadOrCreateCa(cert(dir), key(dir))).rejects.toThrow(`the CA key ${key(dir)} is not a PEM RSA private key`);
    copyFileSync(key(second), key(dir));
    await expect(loadOrCreateCa(cert(dir), key(dir))).rejects.toThrow(`the CA key ${key(dir)} is not the key of the certificate ${cert(dir)}`);
  });
});
