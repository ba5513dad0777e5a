import { ExecutorContext } from './devkit';
import { HermeticError } from '@hermetic/core/errors';
import { LOCKFILE_NAME } from '@hermetic/core/layout';
import { DEFAULT_OUTPUT_DIR } from './constants';
import { interpolatePath } from './interpolate-path';
import { isAbsolute, relative, resolve } from 'node:path';

function insideWorkspace(root: string, path: string): boolean {
  const rel = relative(root, path);
  return !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * The absolute lockfile and output directory of a project target, both required to be inside the
 * workspace (Nx can only hash and cache what is inside it).
 */
export function resolveProjectPaths(
  options: { lockfile?: string; outputDir?: string },
  context: ExecutorContext,
): { projectRoot: string; lockfile: string; outputDir: string } {
  const projectName = context.projectName;
  if (!projectName) throw new HermeticError('InvalidInput', 'Hermetic executors must run as a project target');
  const projectRoot = context.projectsConfigurations.projects[projectName]?.root ?? '.';
  const tokens = { projectRoot, projectName };
  const lockfile = resolve(context.root, interpolatePath(options.lockfile ?? `{projectRoot}/${LOCKFILE_NAME}`, tokens));
  const outputDir = resolve(context.root, interpolatePath(options.outputDir ?? DEFAULT_OUTPUT_DIR, tokens));
  if (!insideWorkspace(context.root, lockfile)) {
    throw new HermeticError('PathOutsideRoot', `lockfile ${lockfile} is outside the workspace`, {
      hints: ['keep lockfiles in the workspace so Nx can hash them'],
    });
  }
  if (!insideWorkspace(context.root, outputDir)) {
    throw new HermeticError('PathOutsideRoot', `outputDir ${outputDir} is outside the workspace`, {
      hints: ['Nx can only cache outputs inside the workspace'],
    });
  }
  return { projectRoot, lockfile, outputDir };
}
