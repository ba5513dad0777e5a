import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { debianArch, fileHashes, findArtifacts } from './artifacts';

describe('pack artifacts', () => {
  const root = mkdtempSync(join(tmpdir(), 'hermetic-pack-artifacts-'));
  const files = ['dist/app.tgz', 'dist/app.tgz.json', 'dist/b.zip', 'dist/nested/deep/c.tgz', 'dist/nested/c.txt', 'node_modules/x/dist/z.tgz', 'other/d.tgz'];
  beforeAll(() => {
    for (const f of files) {
      mkdirSync(join(root, f, '..'), { recursive: true });
      writeFileSync(join(root, f), f);
    }
  });
  const found = async (patterns: string[]) => (await findArtifacts(root, patterns)).map((f) => f.slice(root.length + 1));

  it('matches * within a name, ** across folders and braces, never the manifests', async () => {
    expect(await found(['dist/*.tgz'])).toEqual(['dist/app.tgz']);
    expect(await found(['dist/**/*.tgz'])).toEqual(['dist/app.tgz', 'dist/nested/deep/c.tgz']);
    expect(await found(['dist/*.{tgz,zip}'])).toEqual(['dist/app.tgz', 'dist/b.zip']);
    expect(await found(['**/*.tgz'])).toEqual(['dist/app.tgz', 'dist/nested/deep/c.tgz', 'other/d.tgz']);
  });

  it('takes plain paths as they are, in pattern order, once each, and ignores what does not exist', async () => {
    expect(await found(['other/d.tgz', 'dist/*.tgz', 'dist/app.tgz', 'missing/x.tgz', 'nowhere/*.tgz'])).toEqual(['other/d.tgz', 'dist/app.tgz']);
  });

  it('hashes a file in one streaming read', async () => {
    const text = 'dist/b.zip';
    expect(await fileHashes(join(root, 'dist/b.zip'))).toEqual({
      sha1: createHash('sha1').update(text).digest('hex'),
      sha256: createHash('sha256').update(text).digest('hex'),
    });
  });

  it('names architectures as Debian does', () => {
    expect([debianArch('x64'), debianArch('arm64'), debianArch('arm'), debianArch('mips')]).toEqual(['amd64', 'arm64', 'armhf', 'mips']);
  });
});
