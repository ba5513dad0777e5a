import { parseByteSize } from './retry-policy';

describe('parseByteSize', () => {
  it.each([
    ['1', 1],
    ['4096', 4096],
    ['64K', 65536],
    ['512M', 512 * 1024 ** 2],
    ['2G', 2 * 1024 ** 3],
    ['2GiB', 2 * 1024 ** 3],
    [' 16g ', 16 * 1024 ** 3],
    [8, 8],
  ])('reads %s as %i bytes', (text, bytes) => {
    expect(parseByteSize(text, 'x')).toBe(bytes);
  });

  it.each(['0', '-1', '1.5G', 'lots', '10X', '99999999999999999999'])('refuses %s', (text) => {
    expect(() => parseByteSize(text, '--max-artifact-size')).toThrow(/--max-artifact-size must be a positive number of bytes/);
  });

  it('leaves an unset value unset', () => {
    expect(parseByteSize(undefined, 'x')).toBeUndefined();
    expect(parseByteSize('', 'x')).toBeUndefined();
  });
});
