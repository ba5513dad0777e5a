import { parseChecksum } from './parse-checksum';

const hex = (n: number, c = 'a') => c.repeat(n);

describe('parseChecksum', () => {
  it.each([
    ['md5', 32],
    ['sha1', 40],
    ['sha224', 56],
    ['sha256', 64],
    ['sha384', 96],
    ['sha512', 128],
    ['sha3-256', 64],
    ['sha3-384', 96],
    ['sha3-512', 128],
    ['blake2b', 128],
    ['blake2s', 64],
  ])('accepts %s with %i hex characters', (algorithm, length) => {
    const r = parseChecksum(`${algorithm}:${hex(length)}`);
    expect(r).toMatchObject({ ok: true, checksum: { algorithm, digest: hex(length) } });
  });

  it('accepts the sha3_256 spelling and normalises it', () => {
    expect(parseChecksum(`sha3_256:${hex(64)}`)).toMatchObject({ ok: true, checksum: { algorithm: 'sha3-256', text: `sha3_256:${hex(64)}` } });
  });

  it.each(['md5', 'sha1'])('warns that %s is weak', (a) => {
    const r = parseChecksum(`${a}:${hex(a === 'md5' ? 32 : 40)}`);
    expect(r.ok && r.warning).toMatch(/weak/);
  });

  it('rejects a bare digest and suggests the algorithm from its length', () => {
    const r = parseChecksum(hex(64, 'b'));
    expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/no algorithm/), fix: `prefix the algorithm, e.g. 'sha256:${hex(64, 'b')}'` });
  });

  it('rejects upper-case algorithm names before any download, with the fix', () => {
    expect(parseChecksum(`SHA256:${hex(64)}`)).toMatchObject({ ok: false, fix: `algorithm names are lower-case: write 'sha256:${hex(64)}'` });
  });

  it('rejects upper-case hex (a mismatch upstream) with the lower-cased fix', () => {
    expect(parseChecksum(`sha256:${hex(64, 'A')}`)).toMatchObject({ ok: false, fix: `write 'sha256:${hex(64)}'` });
  });

  it.each([
    [`sha256:${hex(63)}`, /64 hex characters, got 63/],
    ['sha256:', /empty digest/],
    [`sha256:${hex(62)}==`, /not hex/],
    [`shake_128:${hex(32)}`, /not supported/],
    [`crc32:${hex(8)}`, /not supported/],
    [`sha256:${hex(32)}:${hex(31)}`, /not hex/],
  ])('rejects %s', (text, message) => {
    const r = parseChecksum(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(message);
  });

  it('gives the whole diagnosis and one fix when several things are wrong', () => {
    expect(parseChecksum('SHA256:ABCDEF')).toEqual({
      ok: false,
      message:
        "checksum 'SHA256:ABCDEF' has 3 problems: checksum algorithm 'SHA256' must be written lower-case; checksum digest must be lower-case hex (got 'ABCDEF'); sha256 digest must have 64 hex characters, got 6",
      fix: "write 'sha256:' followed by the whole digest in 64 lower-case hex characters (e.g. from `sha256sum FILE`)",
    });
    expect(parseChecksum(`SHA256:${hex(64, 'A')}`)).toMatchObject({ ok: false, fix: `write 'sha256:${hex(64)}'` });
  });

  it('points at the algorithm a wrong-length digest would fit', () => {
    const r = parseChecksum(`sha256:${hex(128)}`);
    expect(!r.ok && r.fix).toMatch(/sha512/);
  });
});
