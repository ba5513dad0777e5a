import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { readNpmLock } from './npm-lock';
import { readPipRequirements } from './pip-requirements';
import { pnpmKey, readPnpmLock } from './pnpm-lock';
import { readPackageLocks } from './read-package-locks';
import { checksumsFromSri } from './sri';
import { readYarnLock } from './yarn-lock';

const bytes = Buffer.from('a tarball');
const sha512 = createHash('sha512').update(bytes).digest();
const sha1 = createHash('sha1').update(bytes).digest();
const sri512 = `sha512-${sha512.toString('base64')}`;

describe('package lockfiles', () => {
  it('turns SRI strings into hex checksums, keeping only what Hermetic computes', () => {
    expect(checksumsFromSri(`${sri512} sha1-${sha1.toString('base64')} sha384-${Buffer.alloc(48).toString('base64')}`)).toEqual([
      { algorithm: 'sha512', digest: sha512.toString('hex'), text: `sha512:${sha512.toString('hex')}` },
      { algorithm: 'sha1', digest: sha1.toString('hex'), text: `sha1:${sha1.toString('hex')}` },
    ]);
    expect(checksumsFromSri('sha512-tooshort md5-abc garbage')).toEqual([]);
  });

  it('SRI: any digest survives base64 and back (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (d) => {
        const [c] = checksumsFromSri(`sha512-${Buffer.from(d).toString('base64')}`);
        return c.digest === Buffer.from(d).toString('hex');
      }),
      { numRuns: 200 },
    );
  });

  it('reads package-lock.json v3 and v1, skipping links and naming entries without integrity', () => {
    const v3 = readNpmLock(
      'package-lock.json',
      JSON.stringify({
        lockfileVersion: 3,
        packages: {
          '': { name: 'app' },
          'node_modules/left-pad': { version: '1.3.0', resolved: 'https://registry.example/left-pad/-/left-pad-1.3.0.tgz', integrity: sri512 },
          'node_modules/a/node_modules/@scope/b': { version: '2.0.0', resolved: 'https://registry.example/@scope/b/-/b-2.0.0.tgz', integrity: sri512 },
          'node_modules/local': { resolved: 'packages/local', link: true },
          'node_modules/no-url': { version: '3.0.0', integrity: sri512 },
          'node_modules/from-git': { version: '1.0.0', resolved: 'git+ssh://git@example/x.git#abc', integrity: sri512 },
          'node_modules/old': { version: '0.1.0', resolved: 'https://registry.example/old/-/old-0.1.0.tgz' },
          // Optional packages for other systems, as npm writes them (no resolved, no integrity): not
          // downloaded on this machine, not warned about; one for this machine is.
          'node_modules/@nx/nx-darwin-arm64': { version: '24.0.6', cpu: ['arm64'], os: ['darwin'], optional: true },
          'node_modules/@nx/nx-win32-x64-msvc': { version: '24.0.6', cpu: ['x64'], os: ['win32'], optional: true },
          'node_modules/not-on-linux': { version: '1.0.0', os: ['!linux'], optional: true },
          'node_modules/@nx/nx-linux-x64-musl': { version: '24.0.6', cpu: ['x64'], os: ['linux'], libc: ['musl'], optional: true },
          'node_modules/@nx/nx-linux-x64-gnu': { version: '24.0.6', cpu: ['x64'], os: ['linux'], libc: ['glibc'], optional: true },
        },
      }),
      { os: 'linux', cpu: 'x64', libc: 'glibc' },
    );
    expect(v3.packages.map((p) => [p.name, p.version, p.purl, p.pinnedBy])).toEqual([
      ['left-pad', '1.3.0', 'pkg:npm/left-pad@1.3.0', 'package-lock.json: node_modules/left-pad'],
      ['@scope/b', '2.0.0', 'pkg:npm/%40scope/b@2.0.0', 'package-lock.json: node_modules/a/node_modules/@scope/b'],
      ['no-url', '3.0.0', 'pkg:npm/no-url@3.0.0', 'package-lock.json: node_modules/no-url'],
    ]);
    expect(v3.warnings).toEqual([
      'package-lock.json: 2 entries have no integrity (node_modules/old, node_modules/@nx/nx-linux-x64-gnu), so a download of them cannot be verified (npm install adds it)',
    ]);
    const v1 = readNpmLock(
      'npm-shrinkwrap.json',
      JSON.stringify({
        lockfileVersion: 1,
        dependencies: {
          x: {
            version: '1.0.0',
            resolved: 'https://r/x/-/x-1.0.0.tgz',
            integrity: sri512,
            dependencies: { y: { version: '2.0.0', resolved: 'https://r/y/-/y-2.0.0.tgz', integrity: sri512 } },
          },
        },
      }),
    );
    expect(v1.packages.map((p) => p.pinnedBy)).toEqual(['npm-shrinkwrap.json: node_modules/x', 'npm-shrinkwrap.json: node_modules/x/node_modules/y']);
  });

  it('reads pnpm-lock.yaml v5, v6 and v9 keys, deriving tarball URLs from the registry', () => {
    expect(
      ['/left-pad/1.3.0', '/left-pad@1.3.0', 'left-pad@1.3.0', '/@s/b/2.0.0', '@s/b@2.0.0(react@18.2.0)', '/@s/b@2.0.0_react@18.2.0'].map(pnpmKey),
    ).toEqual([
      { name: 'left-pad', version: '1.3.0' },
      { name: 'left-pad', version: '1.3.0' },
      { name: 'left-pad', version: '1.3.0' },
      { name: '@s/b', version: '2.0.0' },
      { name: '@s/b', version: '2.0.0' },
      { name: '@s/b', version: '2.0.0' },
    ]);
    const lock = readPnpmLock(
      'pnpm-lock.yaml',
      `lockfileVersion: '9.0'\npackages:\n  '@s/b@2.0.0':\n    resolution: {integrity: ${sri512}}\n  left-pad@1.3.0:\n    resolution: {integrity: ${sri512}, tarball: https://cdn.example/lp.tgz}\n  git-dep@1.0.0:\n    resolution: {type: git, repo: x, commit: y}\n`,
      'http://127.0.0.1:4873',
    );
    expect(lock.packages.map((p) => p.url)).toEqual(['http://127.0.0.1:4873/@s/b/-/b-2.0.0.tgz', 'https://cdn.example/lp.tgz']);
    expect(lock.warnings).toEqual([expect.stringMatching(/git-dep@1.0.0 pins no integrity/)]);
  });

  it('reads yarn.lock v1 with Yarn’s parser, and says a Berry lockfile cannot approve downloads', () => {
    const v1 = readYarnLock(
      'yarn.lock',
      `# yarn lockfile v1\n\n"left-pad@^1.0.0", left-pad@^1.3.0:\n  version "1.3.0"\n  resolved "https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz#${sha1.toString('hex')}"\n  integrity ${sri512}\n\n"@s/b@^2":\n  version "2.0.0"\n  resolved "https://registry.yarnpkg.com/@s/b/-/b-2.0.0.tgz#${sha1.toString('hex')}"\n`,
    );
    expect(v1.packages.map((p) => [p.name, p.url, p.checksums.map((c) => c.algorithm)])).toEqual([
      ['left-pad', 'https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz', ['sha512', 'sha1']],
      ['@s/b', 'https://registry.yarnpkg.com/@s/b/-/b-2.0.0.tgz', ['sha1']],
    ]);
    const berry = readYarnLock('yarn.lock', '__metadata:\n  version: 6\n\n"left-pad@npm:^1.3.0":\n  version: 1.3.0\n  checksum: abc\n');
    expect(berry).toMatchObject({ packages: [], warnings: [expect.stringMatching(/Yarn Berry/)] });
  });

  it('reads pip requirements in hash-checking mode; hashes are alternatives', () => {
    const sha256 = 'ab'.repeat(32);
    const r = readPipRequirements(
      'requirements.txt',
      `# pinned\nRequests[socks]==2.31.0 \\\n    --hash=sha256:${sha256} \\\n    --hash=sha256:${'cd'.repeat(32)}\n--index-url https://pypi.example/simple\nflask>=2\nsix==1.16.0  # no hash\n`,
    );
    expect(r.packages).toEqual([
      expect.objectContaining({ ecosystem: 'pypi', name: 'requests', version: '2.31.0', anyOf: true, purl: 'pkg:pypi/requests@2.31.0' }),
    ]);
    expect(r.packages[0].checksums.map((c) => c.digest)).toEqual([sha256, 'cd'.repeat(32)]);
    expect(r.warnings).toHaveLength(2);
  });

  it('never throws on arbitrary text, only reads what is there (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.constantFrom('"a', '"left-pad@^1":\n  version "1')), (text) => {
        readPipRequirements('r.txt', text);
        // Inputs Yarn's 2018 parser looped on (an unterminated quote): every reader must end at once.
        for (const read of [() => readNpmLock('p.json', text), () => readPnpmLock('p.yaml', text), () => readYarnLock('y.lock', text)]) {
          try {
            read();
          } catch (err) {
            // A syntax error of the format is thrown as such (readPackageLocks turns it into a warning).
            expect(typeof (err as Error).message).toBe('string');
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('finds the lockfiles of a project and of the workspace root, and turns unreadable ones into warnings', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hermetic-package-locks-'));
    mkdirSync(join(root, 'apps/web'), { recursive: true });
    writeFileSync(
      join(root, 'package-lock.json'),
      JSON.stringify({ packages: { 'node_modules/x': { version: '1.0.0', resolved: 'https://r/x.tgz', integrity: sri512 } } }),
    );
    writeFileSync(join(root, 'apps/web/requirements-dev.txt'), `six==1.16.0 --hash=sha256:${'ab'.repeat(32)}\n`);
    writeFileSync(join(root, 'apps/web/yarn.lock'), '{{{ not a lockfile');
    const reads = await readPackageLocks(root, [join(root, 'apps/web'), root]);
    expect(reads.map((r) => [r.file, r.packages.length, r.warnings.length])).toEqual([
      ['apps/web/requirements-dev.txt', 1, 0],
      ['apps/web/yarn.lock', 0, 1],
      ['package-lock.json', 1, 0],
    ]);
  });
});
