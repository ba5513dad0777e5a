/**
 * `@hermetic/core/layout`: the names of Hermetic's files and folders (the lockfile, and where fetched
 * files, the Maven layout and the fetch records go below an output directory) and where a Maven
 * artifact sits in a repository. Nothing here loads a parser or the network code, so the Nx
 * plugin's graph code and the CLI's argument handling use it at no start-up cost.
 */

/** The lockfile of a project (Hermeto's generic fetcher reads the same name). */
export const LOCKFILE_NAME = 'artifacts.lock.yaml';

/** Where fetched files go below an output directory (Hermeto's layout). */
export const GENERIC_DEPS_DIR = 'deps/generic';

/** Where the opt-in Maven repository layout goes below an output directory. */
export const MAVEN_DEPS_DIR = 'deps/maven';

/** Folder below an output directory where each fetch target records what it wrote. */
export const RECORD_DIR = '.hermetic';

/** The checksum files Maven expects beside each file of a repository (written from the verified bytes). */
export const MAVEN_CHECKSUM_FILES = ['sha1', 'md5'] as const;

/** A file of the Maven layout and its checksum files. */
export function mavenLayoutFiles(mavenPath: string): string[] {
  return [mavenPath, ...MAVEN_CHECKSUM_FILES.map((a) => `${mavenPath}.${a}`)];
}

/** The package managers' lockfiles Hermetic reads (`*` within a name), by ecosystem reader. */
export const PACKAGE_LOCK_FILES = {
  npm: ['package-lock.json', 'npm-shrinkwrap.json'],
  pnpm: ['pnpm-lock.yaml'],
  yarn: ['yarn.lock'],
  pip: ['requirements*.txt'],
} as const;

export { mavenRepositoryPath } from './lockfile/maven';
export { DEFAULT_CONCURRENCY } from './http/retry-policy';
