import { addProjectConfiguration, logger, Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { sbomGenerator } from './generator';

describe('sbom generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    addProjectConfiguration(tree, 'web', { root: 'apps/web' });
    tree.write(
      'apps/web/artifacts.lock.yaml',
      `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: https://example.com/a.tgz\n    checksum: sha256:${'a'.repeat(64)}\n`,
    );
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('writes a reproducible CycloneDX SBOM into the project, or SPDX on request', async () => {
    await sbomGenerator(tree, { project: 'web' });
    const first = tree.read('apps/web/sbom.cdx.json', 'utf8')!;
    expect(JSON.parse(first)).toMatchObject({ bomFormat: 'CycloneDX', components: [{ name: 'a.tgz' }], metadata: { component: { name: 'web' } } });
    await sbomGenerator(tree, { project: 'web' });
    expect(tree.read('apps/web/sbom.cdx.json', 'utf8')).toBe(first);
    await sbomGenerator(tree, { project: 'web', format: 'spdx' });
    expect(JSON.parse(tree.read('apps/web/sbom.spdx.json', 'utf8')!)).toMatchObject({ spdxVersion: 'SPDX-2.3', name: 'web' });
  });

  it('writes --path below the project root, and refuses one that is absolute or leaves the project', async () => {
    await sbomGenerator(tree, { project: 'web', path: 'sbom/./web.cdx.json' });
    expect(tree.exists('apps/web/sbom/web.cdx.json')).toBe(true);
    for (const path of ['/tmp/web.cdx.json', '../../web.cdx.json', 'sub/../../x.json', 'C:\\x.json']) {
      await expect(sbomGenerator(tree, { project: 'web', path })).rejects.toThrow(`--path ${path} is not a path inside the project apps/web`);
    }
    expect(tree.exists('web.cdx.json')).toBe(false);
  });

  it('says how to create a missing lockfile', async () => {
    tree.delete('apps/web/artifacts.lock.yaml');
    await expect(sbomGenerator(tree, { project: 'web' })).rejects.toThrow(/does not exist/);
  });
});
