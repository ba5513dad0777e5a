/**
 * `@hermetic/core/lockfile`: the lockfile model alone (reading, validating and editing
 * artifacts.lock.yaml, and the layout it maps to), without the downloader, the store or the SBOM,
 * so code that only reads lockfiles (the Nx plugin's project graph) loads little.
 */
export * from './types';
export * from './parse-lockfile';
export { mavenFileName, mavenRepositoryPath, mavenUrl, mavenExtension } from './maven';
export { GENERIC_DEPS_DIR, checkTargetFilename } from './target-path';
export { expandEnvTemplate, parseEnvTemplate, EnvTemplate } from './env-template';
export { checkHttpUrl, wireUrl } from './url';
export { addArtifactToLockfile, checkCanAdd, setChecksums, NewArtifact } from './edit-lockfile';
export { LOCKFILE_NAME, MAVEN_DEPS_DIR, RECORD_DIR } from '../layout';
