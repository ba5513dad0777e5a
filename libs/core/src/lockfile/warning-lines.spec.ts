import { Diagnostic } from '../errors';
import { warningLines } from './warning-lines';

const weak = (i: number, algorithm = 'md5'): Diagnostic => ({
  severity: 'warning',
  file: 'a.lock.yaml',
  line: 5 + 3 * i,
  column: 15,
  pointer: `artifacts[${i}].checksum`,
  message: `${algorithm} is a weak algorithm; add or switch to a sha256 checksum`,
});

describe('warningLines', () => {
  it('prints three warnings of a kind in full and counts the rest, kind by kind', () => {
    const warnings = [...Array.from({ length: 1000 }, (_, i) => weak(i)), weak(1000, 'sha1')];
    expect(warningLines(warnings)).toEqual([
      'a.lock.yaml:5:15: warning: artifacts[0].checksum: md5 is a weak algorithm; add or switch to a sha256 checksum',
      'a.lock.yaml:8:15: warning: artifacts[1].checksum: md5 is a weak algorithm; add or switch to a sha256 checksum',
      'a.lock.yaml:11:15: warning: artifacts[2].checksum: md5 is a weak algorithm; add or switch to a sha256 checksum',
      'a.lock.yaml: warning: 997 more like that (lines 14 to 3002): md5 is a weak algorithm; add or switch to a sha256 checksum',
      'a.lock.yaml:3005:15: warning: artifacts[1000].checksum: sha1 is a weak algorithm; add or switch to a sha256 checksum',
    ]);
  });

  it('prints a few warnings as they are, and names pointers where lines are unknown', () => {
    const few = [weak(0), weak(1)];
    expect(warningLines(few)).toHaveLength(2);
    const unplaced = Array.from({ length: 5 }, (_, i) => ({ ...weak(i), line: undefined, column: undefined }));
    expect(warningLines(unplaced)[3]).toBe(
      'a.lock.yaml: warning: 2 more like that (artifacts[3].checksum to artifacts[4].checksum): md5 is a weak algorithm; add or switch to a sha256 checksum',
    );
  });
});
