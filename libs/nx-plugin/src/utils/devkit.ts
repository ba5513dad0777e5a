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
