import { joinPathFragments, readNxJson, readProjectConfiguration, TargetConfiguration, Tree, updateProjectConfiguration } from '../../utils/devkit';
import { LOCKFILE_NAME } from '@hermetic/core/layout';
import { pluginOptionsFromNxJson } from '../../utils/fetch-options';
import { nxHasExternalNodes, pluginInputs } from '../../utils/plugin-inputs';
import { normalizeOptions } from '../../plugins/options';
import { tryParseLockfile } from '../../plugins/plugin';
import { buildTargets, isVerifyTarget, projectOutputDir } from '../../plugins/targets';
import { PLUGIN_NAME } from '../../utils/constants';

/**
 * The targets `createNodes` would infer for a project, built by the same builders from the
 * lockfile in the tree, for project.json: keyed on the lockfile file rather than a digest (an
 * explicit target is not rebuilt when the lockfile changes; its inputs must see every edit).
 * Target names, output directory and SBOM format follow the plugin options in nx.json, if any.
 */
export function buildExplicitTargets(tree: Tree, projectName: string): Record<string, TargetConfiguration> {
  const project = readProjectConfiguration(tree, projectName);
  const nxJson = readNxJson(tree) ?? undefined;
  const options = normalizeOptions(pluginOptionsFromNxJson(nxJson));
  const lockfilePath = joinPathFragments(project.root, LOCKFILE_NAME);
  const text = tree.read(lockfilePath, 'utf8');
  return buildTargets({
    projectRoot: project.root,
    outputDir: projectOutputDir(options.outputDir, project.root, projectName),
    options,
    lockfile: text === null ? undefined : tryParseLockfile(text, lockfilePath),
    inputs: pluginInputs(
      tree.root,
      nxHasExternalNodes((file) => tree.exists(file), nxJson),
    ),
    keyBy: 'file',
  });
}

/**
 * A target that one of our builders made (same executor; for fetch-deps, our re-verification in
 * either of its forms), so a refresh may replace its generated fields.
 */
function ours(existing: TargetConfiguration | undefined, built: TargetConfiguration): existing is TargetConfiguration {
  if (!existing) return false;
  if (isVerifyTarget(built)) return isVerifyTarget(existing);
  return !!existing.executor && existing.executor === built.executor && existing.executor.startsWith(`${PLUGIN_NAME}:`);
}

/**
 * After a generator edited a project's lockfile: brings the project's explicit Hermetic targets (if
 * it has any) in line with it. Outputs list the lockfile's files, so they change with it; a fetch
 * target the lockfile now needs (its first Maven artifact) is added and wired into `sbom` and
 * `fetch-deps`. Options and targets the user wrote are kept. Returns whether project.json changed.
 */
export function refreshExplicitTargets(tree: Tree, projectName: string): boolean {
  const project = readProjectConfiguration(tree, projectName);
  const targets = project.targets ?? {};
  const built = buildExplicitTargets(tree, projectName);
  if (!Object.entries(built).some(([name, t]) => ours(targets[name], t))) return false; // inferred targets: nothing to do
  let changed = false;
  for (const [name, target] of Object.entries(built)) {
    const existing = targets[name];
    if (!existing) {
      targets[name] = target;
      changed = true;
    } else if (ours(existing, target)) {
      const dependsOn = [...new Set([...(existing.dependsOn ?? []), ...(target.dependsOn ?? [])])];
      const next = { ...existing, outputs: target.outputs, ...(target.dependsOn ? { dependsOn } : {}) };
      if (JSON.stringify(next) !== JSON.stringify(existing)) {
        targets[name] = next;
        changed = true;
      }
    }
  }
  if (changed) updateProjectConfiguration(tree, projectName, { ...project, targets });
  return changed;
}
