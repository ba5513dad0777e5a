import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain Node script of the build
const { SOURCE_DIGEST_FILE, isBuildCurrent, sourceDigest } = require('./source-digest') as {
  SOURCE_DIGEST_FILE: string;
  isBuildCurrent(srcDir: string, distDir: string, entry: string): boolean;
  sourceDigest(srcDir: string): string;
};

/** A lib's sources and its build, the build's files dated `builtAt` (seconds) and the sources an hour earlier. */
function workspace(builtAt = Date.now() / 1000) {
  const root = mkdtempSync(join(tmpdir(), 'hermetic-digest-'));
  const src = join(root, 'src');
  const dist = join(root, 'dist');
  mkdirSync(join(src, 'cli'), { recursive: true });
  mkdirSync(dist);
  const sources = { 'cli/main.ts': 'run();\n', 'errors.ts': 'export class E {}\n', 'errors.spec.ts': 'test();\n' };
  for (const [file, text] of Object.entries(sources)) {
    writeFileSync(join(src, file), text);
    utimesSync(join(src, file), builtAt - 3600, builtAt - 3600);
  }
  const entry = join(dist, 'main.js');
  writeFileSync(entry, 'run();\n');
  writeFileSync(join(dist, SOURCE_DIGEST_FILE), `${sourceDigest(src)}\n`);
  utimesSync(entry, builtAt, builtAt);
  return { src, dist, entry };
}

describe('sourceDigest', () => {
  it('follows the sources’ names and contents, not their times, and leaves specs out', () => {
    const { src } = workspace();
    const first = sourceDigest(src);
    utimesSync(join(src, 'errors.ts'), new Date(), new Date());
    expect(sourceDigest(src)).toBe(first);
    writeFileSync(join(src, 'errors.spec.ts'), 'test(2);\n');
    expect(sourceDigest(src)).toBe(first);
    writeFileSync(join(src, 'errors.ts'), 'export class F {}\n');
    expect(sourceDigest(src)).not.toBe(first);
    writeFileSync(join(src, 'errors.ts'), 'export class E {}\n');
    expect(sourceDigest(src)).toBe(first);
    writeFileSync(join(src, 'cli', 'extra.ts'), '');
    expect(sourceDigest(src)).not.toBe(first);
  });
});

describe('isBuildCurrent (the development launcher’s choice between the build and the sources)', () => {
  it('takes a build newer than every source', () => {
    const { src, dist, entry } = workspace();
    expect(isBuildCurrent(src, dist, entry)).toBe(true);
  });

  it('takes a build whose sources were only touched (a checkout, a build restored from the Nx cache)', () => {
    const { src, dist, entry } = workspace(Date.now() / 1000 - 7200);
    utimesSync(join(src, 'errors.ts'), new Date(), new Date());
    expect(isBuildCurrent(src, dist, entry)).toBe(true);
  });

  it('refuses a build whose sources changed since, or that recorded no digest, or that is missing', () => {
    // Built a minute ago: a file written now is newer even at the file system's coarse clock (a
    // build dated "now" could be later than a write a few milliseconds after it: flaky in CI).
    const changed = workspace(Date.now() / 1000 - 60);
    writeFileSync(join(changed.src, 'errors.ts'), 'export class F {}\n');
    expect(isBuildCurrent(changed.src, changed.dist, changed.entry)).toBe(false);

    const undated = workspace(Date.now() / 1000 - 7200);
    writeFileSync(join(undated.dist, SOURCE_DIGEST_FILE), 'not a digest\n');
    utimesSync(join(undated.src, 'errors.ts'), new Date(), new Date());
    expect(isBuildCurrent(undated.src, undated.dist, undated.entry)).toBe(false);

    const missing = workspace();
    expect(isBuildCurrent(missing.src, missing.dist, join(missing.dist, 'other.js'))).toBe(false);
  });

  it('does not let a changed spec make a build stale', () => {
    const { src, dist, entry } = workspace(Date.now() / 1000 - 7200);
    writeFileSync(join(src, 'errors.spec.ts'), 'test(2);\n');
    expect(isBuildCurrent(src, dist, entry)).toBe(true);
  });
});
