import { checkTargetFilename } from './target-path';

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
  ])('rejects %s', (input, message) => {
    const r = checkTargetFilename(input);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(message);
  });
});
