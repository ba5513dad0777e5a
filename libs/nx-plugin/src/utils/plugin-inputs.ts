import { realpathSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { NxJsonConfiguration } from './devkit';

type Input = string | { externalDependencies: string[] } | { runtime: string };

/** The lockfiles Nx reads a package manager's packages from, at the workspace root, in the order it looks for them. */
const LOCKFILES_BY_MANAGER: ReadonlyArray<[manager: string, lockfiles: string[]]> = [
  ['bun', ['bun.lockb', 'bun.lock']],
  ['yarn', ['yarn.lock']],
  ['pnpm', ['pnpm-lock.yaml']],
  ['npm', ['package-lock.json']],
];

/**
 * Whether Nx's graph holds the workspace's npm packages (its external nodes), which
 * `externalDependencies` inputs name: only when `pluginsConfig['@nx/js'].analyzeLockfile` is not off
 * and the lockfile of the package manager Nx takes (`cli.packageManager`, else the first whose
 * lockfile is at the root) is there. Without them, a task whose inputs name one cannot even be
 * hashed ("The externalDependency '@hermetic/nx' … could not be found").
 */
export function nxHasExternalNodes(rootHas: (file: string) => boolean, nxJson: NxJsonConfiguration | undefined): boolean {
  const jsConfig = nxJson?.pluginsConfig?.['@nx/js'] as { analyzeLockfile?: boolean } | undefined;
  if (jsConfig?.analyzeLockfile === false) return false;
  const chosen = nxJson?.cli?.packageManager;
  const candidates = chosen ? LOCKFILES_BY_MANAGER.filter(([manager]) => manager === chosen) : LOCKFILES_BY_MANAGER;
  return candidates.some(([, lockfiles]) => lockfiles.some(rootHas));
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
