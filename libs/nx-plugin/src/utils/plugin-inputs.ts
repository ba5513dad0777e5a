import { realpathSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { NxJsonConfiguration } from './devkit';

type Input = string | { externalDependencies: string[] } | { runtime: string };

/** The package managers' lockfiles Nx reads its npm packages from, at the workspace root. */
const NX_LOCKFILES = ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock'];

/**
 * Whether Nx's graph holds the workspace's npm packages (its external nodes), which
 * `externalDependencies` inputs name: only when it reads a package manager's lockfile at the root,
 * and `pluginsConfig['@nx/js'].analyzeLockfile` is not off. Without them, a task whose inputs name
 * one cannot even be hashed ("The externalDependency '@hermetic/nx' … could not be found").
 */
export function nxHasExternalNodes(rootHas: (file: string) => boolean, nxJson: NxJsonConfiguration | undefined): boolean {
  const jsConfig = nxJson?.pluginsConfig?.['@nx/js'] as { analyzeLockfile?: boolean } | undefined;
  return jsConfig?.analyzeLockfile !== false && NX_LOCKFILES.some(rootHas);
}

/**
 * Hermetic's version, for workspaces whose graph has no npm packages: Nx runs the command once per
 * run and hashes what it prints. The plugin's version decides every other: it pins `@hermetic/core`
 * and `@hermetic/fetch-service` exactly, and they pin their own dependencies.
 */
const VERSION_INPUT: Input = { runtime: `node -p "require('@hermetic/nx/package.json').version"` };

/** The workspace-relative folder of `dir`, or undefined when it lies outside or in node_modules. */
function workspaceRelative(workspaceRoot: string, dir: string): string | undefined {
  const rel = relative(workspaceRoot, dir);
  if (!rel || rel.startsWith('..') || rel.split(sep).includes('node_modules')) return undefined;
  return rel.split(sep).join('/');
}

/**
 * Inputs that make a change of Hermetic itself a cache miss. Installed from the registry, its
 * version is an external dependency (or, where Nx's graph has none, see `nxHasExternalNodes`, the
 * version a command prints); used from source in the workspace (as here), Nx does not hash a
 * local executor's code, so the sources of the plugin and of core are listed as files.
 */
export function pluginInputs(workspaceRoot: string, externalNodes: boolean): Input[] {
  const here = realpathSync(dirname(__dirname));
  const pluginSrc = workspaceRelative(workspaceRoot, here);
  if (!pluginSrc) {
    if (!externalNodes) return [VERSION_INPUT];
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
    ...(externalNodes ? [{ externalDependencies: ['undici', 'yaml', 'zod'] }] : []),
  ];
}
