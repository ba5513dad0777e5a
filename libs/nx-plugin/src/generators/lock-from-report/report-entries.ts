import type { NewArtifact } from '@hermetic/core';
import { userUrl } from '@hermetic/fetch-service/client';

/** The parts of a session report this generator reads (the raw report pack keeps). */
export interface ReportArtifactView {
  result?: string;
  metadata?: { sha256?: string; purl?: string; type?: string; 'pinned-by'?: string };
  downloads?: Array<{ url?: string; method?: string; 'status-code'?: number }>;
}

/** What a report's downloads become: lockfile entries, and what was left out and why. */
export interface LearnedEntries {
  entries: Array<{ artifact: NewArtifact; url: string }>;
  /** Downloads a package-manager lockfile already pins (they need no entry). */
  pinned: string[];
  /** Downloads that cannot be an entry: failed, not GET, checksum files, no digest. */
  skipped: string[];
}

/** A Maven purl and its download URL as coordinates and the repository root, when they agree. */
export function mavenEntry(purl: string, url: string, checksum: string): NewArtifact | undefined {
  const m = /^pkg:maven\/([^/]+)\/([^@]+)@([^?]+)(?:\?(.*))?$/.exec(purl);
  if (!m) return undefined;
  const [, namespace, artifactId, version, query = ''] = m;
  const q = new URLSearchParams(query);
  const groupId = decodeURIComponent(namespace);
  const suffix = `/${groupId.replace(/\./g, '/')}/${artifactId}/${version}/`;
  const at = url.indexOf(suffix);
  if (at < 0) return undefined;
  return {
    kind: 'maven',
    repositoryUrl: url.slice(0, at),
    groupId,
    artifactId,
    version,
    type: q.get('type') ?? 'jar',
    classifier: q.get('classifier') ?? '',
    checksum,
  };
}

/**
 * Turns a (permissive) session report's downloads into lockfile entries: each successful GET with
 * the sha256 the proxy recorded, Maven artifacts as `type: maven` entries with their coordinates.
 * Downloads a package-manager lockfile pins, package metadata and checksum files are left out.
 */
export function learnEntries(artifacts: readonly ReportArtifactView[]): LearnedEntries {
  const out: LearnedEntries = { entries: [], pinned: [], skipped: [] };
  const seen = new Set<string>();
  for (const a of artifacts) {
    const download = (a.downloads ?? []).find((d) => (d.method ?? 'GET') === 'GET' && (d['status-code'] ?? 0) >= 200 && (d['status-code'] ?? 0) < 300);
    const url = download?.url ? userUrl(download.url) : undefined;
    if (!url) {
      out.skipped.push(`${a.downloads?.[0]?.url ?? '(no URL)'}: no successful GET`);
      continue;
    }
    if (a.metadata?.['pinned-by']) {
      out.pinned.push(`${url} (${a.metadata['pinned-by']})`);
      continue;
    }
    const sha256 = a.metadata?.sha256;
    if (!sha256 || a.metadata?.type === 'text/x.checksum' || seen.has(url)) {
      if (!seen.has(url)) out.skipped.push(`${url}: ${sha256 ? 'a checksum file' : 'no digest recorded'}`);
      continue;
    }
    seen.add(url);
    const checksum = `sha256:${sha256}`;
    const maven = a.metadata?.purl?.startsWith('pkg:maven/') ? mavenEntry(a.metadata.purl, url, checksum) : undefined;
    out.entries.push({ artifact: maven ?? { kind: 'url', url, checksum }, url });
  }
  return out;
}
