import { ExecutorContext } from './devkit';
import { HermeticError } from '@hermetic/core';
import { isAbsolute, relative, resolve } from 'node:path';

/** Replaces the placeholders Nx leaves in defaults it did not interpolate. */
function interpolate(value: string, context: ExecutorContext, projectRoot: string): string {
  return value
    .replace(/\{workspaceRoot\}\/?/g, '')
    .replace(/\{projectRoot\}/g, projectRoot)
    .replace(/\{projectName\}/g, context.projectName ?? '');
}

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
  const lockfile = resolve(context.root, interpolate(options.lockfile ?? `${projectRoot}/artifacts.lock.yaml`, context, projectRoot));
  const outputDir = resolve(context.root, interpolate(options.outputDir ?? `dist/hermetic/${projectRoot}`, context, projectRoot));
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
