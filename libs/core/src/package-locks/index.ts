export { isPackageLockName, readPackageLocks } from './read-package-locks';
export { readNpmLock } from './npm-lock';
export { readPnpmLock } from './pnpm-lock';
export { readYarnLock } from './yarn-lock';
export { readPipRequirements } from './pip-requirements';
export { checksumsFromSri } from './sri';
export { npmPurl, normalizePypiName, pypiPurl } from './purl';
export { Ecosystem, PackageLockRead, PinnedPackage } from './types';
