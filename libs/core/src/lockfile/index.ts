export * from './types';
export * from './parse-lockfile';
export { mavenFileName, mavenRepositoryPath, mavenUrl, mavenExtension } from './maven';
export { GENERIC_DEPS_DIR, checkTargetFilename } from './target-path';
export { expandEnvTemplate, parseEnvTemplate, EnvTemplate } from './env-template';
export { wireUrl } from './url';
export { addArtifactToLockfile, checkCanAdd, setChecksums, NewArtifact } from './edit-lockfile';
