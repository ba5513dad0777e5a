import { posix } from 'node:path';
import fc from 'fast-check';
import { checkTargetFilename, MAX_PATH_BYTES, targetNameWarnings } from './target-path';

describe('checkTargetFilename', () => {
  it.each([
    ['x.txt', 'x.txt'],
    ['tools/tool.tar.gz', 'tools/tool.tar.gz'],
    ['a/../b.txt', 'b.txt'],
    ['../generic/x.txt', 'x.txt'],
    ['./a//b', 'a/b'],
  ])('accepts %s as %s', (input, out) => {
    expect(checkTargetFilename(input)).toEqual({ ok: true, filename: out });
  });

  it.each([
    ['../../escape.txt', /escapes/],
    ['../x.txt', /escapes/],
    ['/etc/passwd', /absolute/],
    ['.', /directory itself/],
    ['a/..', /directory itself/],
    ['a\0b', /NUL/],
    ['./', /directory itself/],
    ['a/b/..//', /directory itself|names a folder/],
    ['tools/', /names a folder/],
  ])('rejects %s', (input, message) => {
    const r = checkTargetFilename(input);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(message);
  });
});

describe('target name limits', () => {
  it('rejects a name or path component over 255 bytes (counted in UTF-8), and accepts 255', () => {
    expect(checkTargetFilename('a'.repeat(255)).ok).toBe(true);
    const long = checkTargetFilename(`dir/${'é'.repeat(128)}.bin`);
    expect(long.ok).toBe(false);
    expect(!long.ok && long.message).toMatch(/path component of 260 bytes; file systems allow 255/);
    expect(checkTargetFilename(`${'d'.repeat(200)}/`.repeat(20) + 'x').ok).toBe(false);
  });

  it('warns about line breaks, backslashes and names that are not NFC', () => {
    expect(targetNameWarnings('plain/name.tgz')).toEqual([]);
    expect(targetNameWarnings('a\nb')).toEqual([expect.stringMatching(/line break/)]);
    expect(targetNameWarnings('a\\b')).toEqual([expect.stringMatching(/backslash/)]);
    expect(targetNameWarnings('cafe\u0301.txt')).toEqual([expect.stringMatching(/NFC/)]);
  });

  it('never accepts a name that escapes deps/generic/, whatever it is made of (property)', () => {
    const segment = fc.constantFrom('..', '.', 'a', 'b', '', 'generic', 'deps', '...', 'x y');
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), fc.boolean(), (parts, absolute) => {
        const r = checkTargetFilename(`${absolute ? '/' : ''}${parts.join('/')}`);
        if (!r.ok) return true;
        const resolved = posix.join('/deps/generic', r.filename);
        return resolved.startsWith('/deps/generic/') && !r.filename.split('/').includes('..') && Buffer.byteLength(r.filename) <= MAX_PATH_BYTES;
      }),
      { numRuns: 500, seed: 20261202 },
    );
  });
});
