/**
 * The Nx devkit API this plugin uses, taken from the workspace's own `nx` package:
 * `nx/src/devkit-exports` is exactly what `@nx/devkit` re-exports.
 *
 * Why not depend on `@nx/devkit`: it is released in lock-step with nx and peer-depends on it
 * (24.x wants nx >= 23), so no single `@nx/devkit` range admits Nx 22 to 24, and npm refuses to
 * install the plugin in an Nx 22 workspace (ERESOLVE). The installed nx always matches the user's.
 */
export * from 'nx/src/devkit-exports';
export { formatFiles } from './format-files';

/**
 * Where Nx keeps this workspace's data (its project graph, and plugins' caches, as Nx's own plugins
 * do). Not part of the public devkit in every supported Nx, hence the guarded lookup; undefined
 * means "do without".
 */
export function workspaceDataDirectory(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const dir = (require('nx/src/utils/cache-directory') as { workspaceDataDirectory?: unknown }).workspaceDataDirectory;
    return typeof dir === 'string' ? dir : undefined;
  } catch {
    return undefined;
  }
}
