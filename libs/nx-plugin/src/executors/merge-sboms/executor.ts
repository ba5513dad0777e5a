import { ExecutorContext, PromiseExecutor } from '../../utils/devkit';
import { log } from '../../utils/task-log';
import { describeError, HermeticError, sbomPath, writeMergedSbom } from '@hermetic/core';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { MergeSbomsExecutorSchema } from './schema';

/** The bom.json of each project that has the SBOM target, from the project graph. */
function projectSboms(options: MergeSbomsExecutorSchema, context: ExecutorContext): string[] {
  const target = options.sbomTargetName ?? 'sbom';
  const nodes = context.projectGraph.nodes;
  const names =
    options.projects ??
    Object.keys(nodes)
      .filter((n) => nodes[n].data.targets?.[target])
      .sort();
  if (!names.length)
    throw new HermeticError('InvalidInput', `no project has a '${target}' target to merge`, {
      hints: ['add an artifacts.lock.yaml to a project, or set the projects option'],
    });
  return names.map((name) => {
    const node = nodes[name];
    if (!node?.data.targets?.[target]) throw new HermeticError('InvalidInput', `project '${name}' has no '${target}' target`);
    const root = node.data.root;
    const outputDir = String(node.data.targets[target].options?.outputDir ?? `dist/hermetic/${root}`)
      .replace(/\{workspaceRoot\}\/?/g, '')
      .replace(/\{projectRoot\}/g, root)
      .replace(/\{projectName\}/g, name);
    return sbomPath(resolve(context.root, outputDir));
  });
}

function workspaceName(root: string): string {
  try {
    return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).name ?? 'workspace';
  } catch {
    return 'workspace';
  }
}

/** `@hermetic/nx:merge-sboms`: one SBOM for the workspace from its projects' SBOMs (CycloneDX or SPDX, as they are). */
const runExecutor: PromiseExecutor<MergeSbomsExecutorSchema> = async (options, context) => {
  try {
    const files = projectSboms(options, context);
    const output = resolve(context.root, options.output ?? 'dist/hermetic/workspace.bom.json');
    const count = await writeMergedSbom(files, output, {
      subject: { name: options.name ?? workspaceName(context.root) },
      reproducible: options.reproducible ?? true,
    });
    log.info(`merged ${files.length} SBOM(s), ${count} unique component(s): ${relative(context.root, output)}`);
    return { success: true };
  } catch (err) {
    log.error(describeError(err));
    return { success: false };
  }
};

export default runExecutor;
