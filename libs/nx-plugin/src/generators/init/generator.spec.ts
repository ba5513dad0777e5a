import { readNxJson, Tree, updateNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { initGenerator } from './generator';

describe('init generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
  });

  it('registers the plugin and ignores the store and outputs', async () => {
    tree.write('.gitignore', 'node_modules\n');
    await initGenerator(tree, { skipFormat: true });
    expect(readNxJson(tree)!.plugins).toContainEqual({ plugin: '@hermetic/nx', options: { outputDir: 'dist/hermetic/{projectRoot}' } });
    expect(tree.read('.gitignore', 'utf8')).toBe('node_modules\n\n# Hermetic: verified-download store and fetched dependencies\n.nx/hermetic\ndist/hermetic\n');
  });

  it('is idempotent and respects an existing registration and ignores', async () => {
    tree.write('.gitignore', '/dist\n.nx\n');
    const nxJson = readNxJson(tree)!;
    nxJson.plugins = ['@hermetic/nx'];
    updateNxJson(tree, nxJson);
    await initGenerator(tree, { skipFormat: true });
    await initGenerator(tree, { skipFormat: true });
    expect(readNxJson(tree)!.plugins).toEqual(['@hermetic/nx']);
    expect(tree.read('.gitignore', 'utf8')).toBe('/dist\n.nx\n');
  });
});
