/**
 * `@hermetic/core/fetch`: what a fetch task needs (the downloader, the content store, the lockfile
 * reader, the settings and V8's tuning for downloads) without what the package's main entry loads
 * besides: the SBOM writers, the package-lock readers and the `yaml` library they use. The fetch
 * executors load this, once per task process.
 */
export { fetchArtifacts, FetchOptions, FetchResult } from './fetch-artifacts';
export { ContentStore, defaultStoreDir } from '../store/content-store';
export { readLockfile } from '../lockfile/parse-lockfile';
export type { Artifact } from '../lockfile/types';
export { resolveFetchSettings } from '../settings/resolve-fetch-settings';
export { tuneV8ForDownloads } from '../http/v8-tuning';
