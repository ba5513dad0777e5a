/**
 * @hermetic/core: the Nx-free engine of Hermetic. Lockfile model, checksums, verified downloader,
 * content-addressed store and the fetch pipeline; the Nx plugin and the `hermetic` CLI call these.
 */
export * from './errors';
export { parseJsonFile } from './fs/parse-json';
export { writeAtomically } from './fs/write-atomically';
export * from './lockfile';
export { ALGORITHMS, Algorithm, isAvailable, resolveAlgorithm } from './checksum/algorithms';
export { Checksum, parseChecksum, checksumKey } from './checksum/parse-checksum';
export { hashFile, MultiHash } from './checksum/multi-hash';
export { BACKGROUND_HASH_BYTES, BackgroundHash, StreamDigests, StreamHash, streamHash } from './checksum/background-hash';
export { ContentStore, defaultStoreDir, STORE_DIR_ENV } from './store/content-store';
export { fetchArtifacts, FetchOptions, FetchResult } from './fetch/fetch-artifacts';
export { FetchRecord, RecordedFile, recordPath, readRecord } from './fetch/fetch-record';
export { LinkMode } from './fetch/materialize';
export { probeUrl, ProbeOptions, ProbeResult } from './fetch/probe';
export { mapLimit } from './fetch/map-limit';
export { hostMatches, HostRules, MirrorRule, NetworkRuleConfig, parseMirrors, resolveNetworkRules, rewriteUrl } from './fetch/url-rules';
export { loadNetrc, Netrc, parseNetrc } from './http/netrc';
export { authHeaders } from './http/auth-headers';
export { DEFAULT_CONCURRENCY, DEFAULT_MAX_ARTIFACT_BYTES, DEFAULT_RETRY_POLICY, MAX_ARTIFACT_SIZE_ENV, parseByteSize, RetryPolicy } from './http/retry-policy';
export { createDispatcher } from './http/dispatcher';
export { createHttpClient } from './http/http-client';
export type { ConnectionOptions, HttpClient, HttpRequest, HttpResponse } from './http/http-client';
export {
  FETCH_SETTINGS,
  FetchSettingName,
  FetchSettingsInput,
  GenericFetchSettings,
  LINK_MODES,
  PluginFetchSettings,
  SettingSpec,
} from './settings/fetch-settings';
export { FetchSettings, resolveFetchSettings, resolveStoreDir, SettingsContext, SettingsLayer } from './settings/resolve-fetch-settings';
export * from './sbom';
export { verifyFiles, FileToVerify, VerifyProblem } from './verify/verify-files';
export { verifyOutputs } from './verify/verify-outputs';
export { tuneV8ForDownloads } from './http/v8-tuning';
export * from './progress';
export * from './package-locks';
