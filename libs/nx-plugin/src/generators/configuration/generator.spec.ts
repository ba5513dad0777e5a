import { addProjectConfiguration, readProjectConfiguration, Tree, updateProjectConfiguration } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parseLockfile } from '@hermetic/core';
import { createNodes } from '../../plugins/plugin';
import { TempWorkspace } from '../../testing/temp-workspace';
import { refreshExplicitTargets } from './explicit-targets';
import { configurationGenerator } from './generator';

const SHA = `sha256:${'a'.repeat(64)}`;
const LOCK = `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: https://h/tool.tgz\n    checksum: ${SHA}\n    filename: tools/tool.tgz\n  - type: maven\n    checksum: ${SHA}\n    attributes: { repository_url: "https://r/m2", group_id: g, artifact_id: a, version: "1" }\n`;

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
    // The starter lockfile has no Maven artifacts, so no fetch-maven (as the plugin infers).
    expect(targets['fetch-maven']).toBeUndefined();
    expect(targets.sbom).toEqual({ command: 'echo custom' });
    expect(targets['fetch-deps'].dependsOn).toEqual(['fetch-generic', 'sbom']);
  });

  it.each(['with', 'without'])('writes the targets createNodes infers, keyed on the lockfile file instead of a digest (%s a package lock)', async (lock) => {
    const ws = new TempWorkspace();
    if (lock === 'with') {
      // Nx's graph then holds the npm packages that inputs may name (see nxHasExternalNodes).
      ws.write('package-lock.json', '{}');
      tree.write('package-lock.json', '{}');
    }
    ws.write('apps/web/project.json', { name: 'web' });
    ws.write('apps/web/artifacts.lock.yaml', LOCK);
    const nxJson = { plugins: [{ plugin: '@hermetic/nx', options: { outputDir: 'out/{projectName}', mavenLayout: true, fetchDepsTargetName: 'deps' } }] };
    const [[, inferred]] = await createNodes[1](['apps/web/artifacts.lock.yaml'], nxJson.plugins[0].options, {
      nxJsonConfiguration: nxJson,
      workspaceRoot: ws.root,
    });
    const inferredTargets = inferred.projects!['apps/web'].targets!;

    tree.write('nx.json', JSON.stringify(nxJson));
    tree.write('apps/web/artifacts.lock.yaml', LOCK);
    await configurationGenerator(tree, { project: 'web', inferred: false, skipFormat: true });
    const explicit = readProjectConfiguration(tree, 'web').targets!;

    expect(Object.keys(explicit)).toEqual(['pack', ...Object.keys(inferredTargets)]);
    for (const [name, target] of Object.entries(inferredTargets)) {
      // The one intended difference: the lockfile itself is an input instead of the digest option.
      const { lockfileDigest, ...options } = target.options as Record<string, unknown>;
      const withFileInput = lockfileDigest ? { ...target, options, inputs: ['{projectRoot}/artifacts.lock.yaml', ...target.inputs!] } : target;
      expect({ name, target: explicit[name] }).toEqual({ name, target: withFileInput });
    }
    const named = (t: (typeof explicit)[string]) => (t.inputs ?? []).some((i) => typeof i === 'object' && 'externalDependencies' in i);
    expect(named(explicit['fetch-generic'])).toBe(lock === 'with');
  });

  it('keeps explicit targets in line when add-artifact edits the lockfile', async () => {
    await configurationGenerator(tree, { project: 'web', inferred: false, skipFormat: true });
    tree.write('apps/web/artifacts.lock.yaml', LOCK);
    expect(refreshExplicitTargets(tree, 'web')).toBe(true);
    const targets = readProjectConfiguration(tree, 'web').targets!;
    expect(targets['fetch-generic'].outputs).toContain('{workspaceRoot}/dist/hermetic/apps/web/deps/generic/tools/tool.tgz');
    expect(targets['fetch-maven'].outputs).toContain('{workspaceRoot}/dist/hermetic/apps/web/deps/generic/a-1.jar');
    expect(targets['fetch-deps'].dependsOn).toEqual(['fetch-generic', 'sbom', 'fetch-maven']);
    expect(refreshExplicitTargets(tree, 'web')).toBe(false);
  });

  it('keeps a fetch-deps that an earlier version wrote (the verify-deps executor) in line too', async () => {
    await configurationGenerator(tree, { project: 'web', inferred: false, skipFormat: true });
    const project = readProjectConfiguration(tree, 'web');
    const earlier = { executor: '@hermetic/nx:verify-deps', options: { lockfile: 'apps/web/artifacts.lock.yaml', outputDir: 'dist/hermetic/apps/web' } };
    updateProjectConfiguration(tree, 'web', { ...project, targets: { ...project.targets, 'fetch-deps': { ...project.targets!['fetch-deps'], ...earlier } } });
    tree.write('apps/web/artifacts.lock.yaml', LOCK);
    expect(refreshExplicitTargets(tree, 'web')).toBe(true);
    expect(readProjectConfiguration(tree, 'web').targets!['fetch-deps']).toMatchObject({ ...earlier, dependsOn: ['fetch-generic', 'sbom', 'fetch-maven'] });
  });

  it('leaves a project with inferred targets alone', async () => {
    await configurationGenerator(tree, { project: 'web', skipFormat: true });
    tree.write('apps/web/artifacts.lock.yaml', LOCK);
    expect(refreshExplicitTargets(tree, 'web')).toBe(false);
    expect(readProjectConfiguration(tree, 'web').targets!['fetch-generic']).toBeUndefined();
  });
});
