export { FetchServiceClient, FetchServiceError } from './control-client';
export { defaultServiceDir, ensureEmbeddedService, EmbeddedServiceOptions } from './ensure-service';
export { parseReport, rejectionReasons, isRejected, ReportArtifact, SessionReport } from './report';
export { craftManifest, dependencyOf, rejectionsText, ProjectManifest } from './manifest';
