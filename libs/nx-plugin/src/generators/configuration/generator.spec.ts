import { addProjectConfiguration, readProjectConfiguration, Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parseLockfile } from '@hermetic/core';
import { configurationGenerator } from './generator';

describe('configuration generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    addProjectConfiguration(tree, 'web', { root: 'apps/web', targets: { pack: { command: 'tar czf dist/web.tgz apps/web', dependsOn: ['build'] } } });
  });

  it('adds a valid starter lockfile and makes pack depend on fetch-deps', async () => {
    await configurationGenerator(tree, { project: 'web', skipFormat: true });
    const text = tree.read('apps/web/artifacts.lock.yaml', 'utf8')!;
    expect(parseLockfile(text, 'x', { env: {} }).artifacts).toEqual([]);
    expect(readProjectConfiguration(tree, 'web').targets!.pack.dependsOn).toEqual(['build', 'fetch-deps']);
    expect(readProjectConfiguration(tree, 'web').targets!['fetch-generic']).toBeUndefined();
  });

  it('never overwrites a lockfile, and is idempotent', async () => {
    tree.write('apps/web/artifacts.lock.yaml', 'metadata:\n  version: "2.0"\nartifacts: []\n');
    await configurationGenerator(tree, { project: 'web', skipFormat: true });
    await configurationGenerator(tree, { project: 'web', skipFormat: true });
    expect(tree.read('apps/web/artifacts.lock.yaml', 'utf8')).toBe('metadata:\n  version: "2.0"\nartifacts: []\n');
    expect(readProjectConfiguration(tree, 'web').targets!.pack.dependsOn).toEqual(['build', 'fetch-deps']);
  });

  it('writes explicit targets for workspaces without inferred targets, keeping existing ones', async () => {
    const project = readProjectConfiguration(tree, 'web');
    project.targets!.sbom = { command: 'echo custom' };
    const { updateProjectConfiguration } = await import('@nx/devkit');
    updateProjectConfiguration(tree, 'web', project);
    await configurationGenerator(tree, { project: 'web', inferred: false, skipFormat: true });
    const targets = readProjectConfiguration(tree, 'web').targets!;
    expect(targets['fetch-generic']).toMatchObject({
      executor: '@hermetic/nx:fetch-generic',
      cache: true,
      options: { lockfile: 'apps/web/artifacts.lock.yaml' },
    });
    expect(targets['fetch-maven'].executor).toBe('@hermetic/nx:fetch-maven');
    expect(targets.sbom).toEqual({ command: 'echo custom' });
    expect(targets['fetch-deps'].dependsOn).toEqual(['fetch-generic', 'fetch-maven', 'sbom']);
  });
});
