import { addProjectConfiguration, logger, Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveBytes, startTestServer, TestServer } from '@hermetic/core/testing/test-server';
import { updateChecksumsGenerator } from './generator';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('update-checksums generator', () => {
  let server: TestServer;
  let tree: Tree;
  const stable = randomBytes(5_000);
  const changed = randomBytes(6_000);
  let warnings: string[];
  const text = () => `metadata:
  version: "1.0"
artifacts:
  # keep this comment
  - download_url: "${server.origin}/stable.bin"
    checksum: "sha256:${sha256(stable)}"
  - download_url: "${server.origin}/changed.bin"
    checksum: "sha256:${'0'.repeat(64)}"
`;

  beforeAll(async () => {
    server = await startTestServer();
    server.route('/stable.bin', serveBytes(stable));
    server.route('/changed.bin', serveBytes(changed));
    process.env.HERMETIC_STORE_DIR = mkdtempSync(join(tmpdir(), 'hermetic-upd-'));
  });
  afterAll(async () => {
    delete process.env.HERMETIC_STORE_DIR;
    await server.close();
  });
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    addProjectConfiguration(tree, 'web', { root: 'apps/web' });
    tree.write('apps/web/artifacts.lock.yaml', text());
    warnings = [];
    jest.spyOn(logger, 'warn').mockImplementation((m) => void warnings.push(String(m)));
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('shows what changed upstream and writes nothing without --write', async () => {
    const changes = await updateChecksumsGenerator(tree, { project: 'web' });
    expect(changes).toEqual([
      { index: 1, filename: 'changed.bin', url: `${server.origin}/changed.bin`, old: [`sha256:${'0'.repeat(64)}`], new: [`sha256:${sha256(changed)}`] },
    ]);
    expect(warnings.join('\n')).toMatch(/nothing written \(run again with --write/);
    expect(tree.read('apps/web/artifacts.lock.yaml', 'utf8')).toBe(text());
  });

  it('fails with --check, and updates only the changed entry with --write', async () => {
    await expect(updateChecksumsGenerator(tree, { project: 'web', check: true })).rejects.toThrow(
      /1 checksum\(s\) of apps\/web\/artifacts\.lock\.yaml changed upstream/,
    );
    await updateChecksumsGenerator(tree, { project: 'web', write: true });
    expect(tree.read('apps/web/artifacts.lock.yaml', 'utf8')).toBe(text().replace('0'.repeat(64), sha256(changed)));
    expect(await updateChecksumsGenerator(tree, { project: 'web', check: true })).toEqual([]);
  });
});
