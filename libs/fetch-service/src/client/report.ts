/** A report artifact as clients need it (every key optional: reports in the wild are stripped down). */
export interface ReportArtifact {
  'artifact-metadata-version'?: string;
  'request-inspection'?: Record<string, { opinion?: string; reason?: string }>;
  'response-inspection'?: Record<string, { opinion?: string; reason?: string }>;
  result?: string;
  metadata?: Record<string, unknown>;
  downloads?: Array<{ url?: string }>;
}

export interface SessionReport {
  policy?: string;
  artifacts: ReportArtifact[];
  /** Problems worth a warning (an unknown metadata major version). */
  warnings: string[];
  /** Package metadata pinned packages' installs read (Hermetic's `package-metadata`). */
  packageMetadata: Array<Record<string, unknown>>;
  /** The report as the service sent it, every key kept (what pack writes to disk). */
  raw: Record<string, unknown>;
}

/**
 * Reads a session report tolerantly: the `artifacts` spelling or the legacy `artefacts` (before
 * fetch-service 0.6.0), unknown keys ignored, missing ones tolerated; warns on a metadata major
 * version other than 0.
 */
export function parseReport(raw: unknown): SessionReport {
  const r = (raw ?? {}) as Record<string, unknown>;
  const list = (Array.isArray(r.artifacts) ? r.artifacts : Array.isArray(r.artefacts) ? r.artefacts : []) as Array<Record<string, unknown>>;
  const warnings = new Set<string>();
  const artifacts = list.map((a) => {
    const version = (a['artifact-metadata-version'] ?? a['artefact-metadata-version']) as string | undefined;
    if (version && !/^0\./.test(version)) warnings.add(`unknown artifact metadata version ${version}: the report may be misread`);
    return { ...a, 'artifact-metadata-version': version } as ReportArtifact;
  });
  const packageMetadata = (Array.isArray(r['package-metadata']) ? r['package-metadata'] : []) as Array<Record<string, unknown>>;
  return { policy: typeof r.policy === 'string' ? r.policy : undefined, artifacts, warnings: [...warnings], packageMetadata, raw: r };
}

/** Sorted, de-duplicated reasons of the inspections that did not approve (craft's rule). */
export function rejectionReasons(a: ReportArtifact): string[] {
  const reasons = [...Object.values(a['request-inspection'] ?? {}), ...Object.values(a['response-inspection'] ?? {})]
    .filter((i) => i.opinion === 'Rejected' || i.opinion === 'Unknown')
    .map((i) => i.reason ?? '')
    .filter(Boolean);
  return [...new Set(reasons)].sort();
}

export function isRejected(a: ReportArtifact): boolean {
  return a.result === 'Rejected';
}

/** A report URL as a user writes it: the explicit default ports the service records (`:443`, `:80`) dropped. */
export function userUrl(url: string): string {
  return url.replace(/^(https:\/\/[^/]+):443(?=\/|$)/, '$1').replace(/^(http:\/\/[^/]+):80(?=\/|$)/, '$1');
}
