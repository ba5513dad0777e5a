export { FetchServiceClient, FetchServiceError } from './control-client';
export { defaultServiceDir, ensureEmbeddedService, EmbeddedServiceOptions } from './ensure-service';
export { parseReport, rejectionReasons, isRejected, ReportArtifact, SessionReport, userUrl } from './report';
export { craftManifest, dependencyOf, rejectionsText, ProjectManifest } from './manifest';
export { runUnderSession, SessionOutcome, SessionPlan } from './run-under-session';
export { sessionEnv, writeCombinedBundle } from './session-env';
export { embeddedAuth, embeddedAuthPath } from './embedded-auth';
export { DEFAULT_CONTROL_PORT, DEFAULT_PROXY_PORT } from './ports';
