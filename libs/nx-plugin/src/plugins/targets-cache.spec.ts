import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKey, TargetsCache, targetsCacheFile } from './targets-cache';

describe('TargetsCache', () => {
  const file = () => join(mkdtempSync(join(tmpdir(), 'hermetic-targets-cache-')), 'nested', 'cache.json');

  it('computes a missing entry once, and serves it from the file on the next run', () => {
    const path = file();
    let computed = 0;
    const first = new TargetsCache<number>(path);
    expect(first.getOrCompute('a', () => ++computed)).toBe(1);
    first.save();
    const second = new TargetsCache<number>(path);
    expect(second.getOrCompute('a', () => ++computed)).toBe(1);
    expect(computed).toBe(1);
  });

  it('keeps only the entries the last run used', () => {
    const path = file();
    const first = new TargetsCache<string>(path);
    first.getOrCompute('old', () => 'x');
    first.getOrCompute('kept', () => 'y');
    first.save();
    const second = new TargetsCache<string>(path);
    second.getOrCompute('kept', () => 'unused');
    second.save();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ kept: 'y' });
  });

  it('treats an unreadable or corrupt file as empty', () => {
    const path = file();
    const first = new TargetsCache<string>(path);
    first.getOrCompute('a', () => 'x');
    first.save();
    writeFileSync(path, '{ not json');
    expect(new TargetsCache<string>(path).getOrCompute('a', () => 'fresh')).toBe('fresh');
    writeFileSync(path, '[1, 2]');
    expect(new TargetsCache<string>(path).getOrCompute('a', () => 'fresh')).toBe('fresh');
  });

  it('without a file, always computes and writes nothing', () => {
    let computed = 0;
    const cache = new TargetsCache<number>(undefined);
    cache.getOrCompute('a', () => ++computed);
    cache.getOrCompute('a', () => ++computed);
    cache.save();
    expect(computed).toBe(2);
  });

  it('keys differ for any difference in any part', () => {
    expect(cacheKey('a', 'b')).not.toBe(cacheKey('ab', ''));
    expect(cacheKey('apps/web', 'dist', 'text')).toBe(cacheKey('apps/web', 'dist', 'text'));
  });

  it('is off when the plugin runs from its sources (code changes without a version change)', () => {
    expect(targetsCacheFile(tmpdir(), '/ws', {})).toBeUndefined();
  });
});
