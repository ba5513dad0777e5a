import { isRejected, ReportArtifact, rejectionReasons, SessionReport } from './report';

/** The project part of a craft manifest (what craft's inner pack writes as the project manifest). */
export interface ProjectManifest {
  'component-name': string;
  'component-version': string;
  'component-description'?: string;
  'component-id': { hashes: { sha1: string; sha256: string } };
  architecture: string;
  license?: string;
  comment?: string;
  'metadata-generator': string;
  'creation-timestamp': string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * One dependency as craft-application maps a report artifact. With `extras`, also what craft leaves
 * out: the verdict, the rejection reasons, and the purl.
 */
export function dependencyOf(a: ReportArtifact, extras: boolean): Record<string, unknown> {
  const m = a.metadata ?? {};
  const base: Record<string, unknown> = {
    'component-name': str(m.name),
    'component-version': str(m.version),
    'component-description': str(m.description),
    'component-id': { hashes: { sha1: str(m.sha1), sha256: str(m.sha256) } },
    architecture: str(m.architecture),
    type: str(m.type),
    'component-author': str(m.author),
    'component-vendor': str(m.vendor),
    size: typeof m.size === 'number' ? m.size : Number(m.size ?? 0),
    url: (a.downloads ?? []).map((d) => d.url ?? ''),
  };
  if (!extras) return base;
  return {
    ...base,
    ...(a.result ? { result: a.result } : {}),
    ...(isRejected(a) ? { 'rejection-reasons': rejectionReasons(a) } : {}),
    ...(m.purl ? { purl: m.purl } : {}),
  };
}

/**
 * The craft manifest: the project manifest plus `dependencies` in report order. With
 * `extras: false` it is exactly craft-application's (JSON, 2-space indent, non-ASCII kept).
 */
export function craftManifest(project: ProjectManifest, report: SessionReport, extras: boolean): Record<string, unknown> {
  return { ...project, dependencies: report.artifacts.map((a) => dependencyOf(a, extras)) };
}

function yamlString(s: string): string {
  return /^[A-Za-z0-9./_:@-][^#]*$/.test(s) && !/: /.test(s) ? s : JSON.stringify(s);
}

/** The list craft prints when artifacts were rejected, or '' when none were. */
export function rejectionsText(report: SessionReport, footer = "This build will fail on 'strict' fetch-service sessions."): string {
  const rejected = report.artifacts.filter(isRejected);
  if (!rejected.length) return '';
  const lines = ['The following artifacts were marked as rejected by the fetch-service:'];
  for (const a of rejected) {
    const urls = (a.downloads ?? []).map((d) => d.url ?? '');
    if (urls.length === 1) lines.push(`- url: ${yamlString(urls[0])}`);
    else lines.push('- url:', ...urls.map((u) => `  - ${yamlString(u)}`));
    lines.push('  reasons:', ...rejectionReasons(a).map((r) => `  - ${yamlString(r)}`));
  }
  if (footer) lines.push(footer);
  return lines.join('\n');
}
