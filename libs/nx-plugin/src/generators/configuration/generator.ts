import { formatFiles, joinPathFragments, readProjectConfiguration, Tree, updateProjectConfiguration } from '../../utils/devkit';
import { LOCKFILE_NAME } from '@hermetic/core';
import { buildExplicitTargets } from './explicit-targets';
import { ConfigurationGeneratorSchema } from './schema';

const STARTER = `# Dependencies of this project, in Hermeto's generic lockfile format.
# Every file a build downloads is declared here with its checksum; Hermetic fetches and verifies it.
# Add entries without computing digests by hand:
#   nx g @hermetic/nx:add-artifact --project <project> --url https://example.com/tool.tar.gz
#   nx g @hermetic/nx:add-artifact --project <project> --maven org.example:lib:1.2.3
metadata:
  version: "1.0"
artifacts: []
`;

/**
 * `nx g @hermetic/nx:configuration --project <p>`: a starter lockfile (never overwritten),
 * explicit targets with `--inferred=false` (the plugin's own builders; existing ones kept;
 * add-artifact keeps their outputs in line with the lockfile), and `pack` made to depend on
 * `fetch-deps` so a pack always runs on verified dependencies.
 */
export async function configurationGenerator(tree: Tree, options: ConfigurationGeneratorSchema): Promise<void> {
  const project = readProjectConfiguration(tree, options.project);
  const lockfile = joinPathFragments(project.root, LOCKFILE_NAME);
  if (!tree.exists(lockfile)) tree.write(lockfile, STARTER);
  const targets = (project.targets ??= {});
  if (options.inferred === false) {
    for (const [name, target] of Object.entries(buildExplicitTargets(tree, options.project))) targets[name] ??= target;
  }
  const pack = targets.pack;
  if (pack) {
    const deps = pack.dependsOn ?? [];
    const has = deps.some((d) => (typeof d === 'string' ? d === 'fetch-deps' : d.target === 'fetch-deps' && !d.projects && !d.dependencies));
    if (!has) pack.dependsOn = [...deps, 'fetch-deps'];
  }
  updateProjectConfiguration(tree, options.project, project);
  if (!options.skipFormat) await formatFiles(tree);
}

export default configurationGenerator;
