import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { materialize } from './materialize';

describe('materialize', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hermetic-materialize-'));
  const object = join(dir, 'object');
  writeFileSync(object, 'verified bytes', { mode: 0o444 });
  const sameFile = (a: string, b: string) => statSync(a).ino === statSync(b).ino;

  it.each([1, 2, 3])('places the object where nothing is yet (call %i: the clone probe is remembered), the same bytes, no temporary left', async (n) => {
    const target = join(dir, `fresh-${n}`);
    const how = await materialize(object, target, 'hardlink');
    expect(['cloned', 'linked']).toContain(how);
    expect(readFileSync(target, 'utf8')).toBe('verified bytes');
    if (how === 'linked') expect(sameFile(object, target)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('replaces a different file at the target, and leaves one that already is the object alone', async () => {
    const target = join(dir, 'stale');
    writeFileSync(target, 'old bytes');
    expect(await materialize(object, target, 'hardlink')).not.toBe('present');
    expect(readFileSync(target, 'utf8')).toBe('verified bytes');
    const again = await materialize(object, target, 'hardlink');
    expect(again === 'present' || again === 'cloned').toBe(true);
  });

  it('copies in copy mode: the output is not the store object', async () => {
    const target = join(dir, 'copied');
    expect(await materialize(object, target, 'copy')).toBe('copied');
    expect(sameFile(object, target)).toBe(false);
    expect(readFileSync(target, 'utf8')).toBe('verified bytes');
  });
});
