/**
 * @hermetic/fetch-service: an embedded, API-compatible Fetch Service (control API + recording,
 * filtering MITM proxy). `FetchService` runs it in-process; `bin/hermetic-fetch-service.js` is its CLI.
 */
export { FetchService, FetchServiceOptions, PortInUseError } from './service';
export { parseServiceAuth } from './control/control-server';
export { ArtifactRecord, Download, Policy } from './sessions/session';
export { canonicalUrl } from './url';
export * from './client';
