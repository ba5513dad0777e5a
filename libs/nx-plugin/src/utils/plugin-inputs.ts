import { realpathSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

type Input = string | { externalDependencies: string[] };

/** The workspace-relative folder of `dir`, or undefined when it lies outside or in node_modules. */
function workspaceRelative(workspaceRoot: string, dir: string): string | undefined {
  const rel = relative(workspaceRoot, dir);
  if (!rel || rel.startsWith('..') || rel.split(sep).includes('node_modules')) return undefined;
  return rel.split(sep).join('/');
}

/**
 * Inputs that make a change of Hermetic itself a cache miss. Installed from the registry, its
 * version is an external dependency; used from source in the workspace (as here), Nx does not hash
 * a local executor's code, so the sources of the plugin and of core are listed as files.
 */
export function pluginInputs(workspaceRoot: string): Input[] {
  const here = realpathSync(dirname(__dirname));
  const pluginSrc = workspaceRelative(workspaceRoot, here);
  if (!pluginSrc) {
    // Installed from a registry: its version is in the package lock. Linked in from outside the
    // workspace (npm link): there is nothing Nx can hash but its dependencies.
    const installed = here.split(sep).includes('node_modules');
    return [{ externalDependencies: [...(installed ? ['@hermetic/nx', '@hermetic/core'] : []), 'undici', 'yaml', 'zod'] }];
  }
  let coreSrc: string | undefined;
  try {
    // Its manifest, not its entry point: from source the entry points name files not built here.
    coreSrc = workspaceRelative(workspaceRoot, join(dirname(require.resolve('@hermetic/core/package.json')), 'src'));
  } catch {
    coreSrc = undefined;
  }
  const sources = [pluginSrc, ...(coreSrc ? [coreSrc] : [])];
  return [
    ...sources.flatMap((src) => [`{workspaceRoot}/${src}/**/*.ts`, `!{workspaceRoot}/${src}/**/*.spec.ts`]),
    { externalDependencies: ['undici', 'yaml', 'zod'] },
  ];
}
