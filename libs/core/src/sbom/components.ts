import { Algorithm } from '../checksum/algorithms';
import { JsonList } from '../fs/json-list';
import { Artifact, Lockfile } from '../lockfile/types';
import { genericPurl, mavenPurl } from './purl';
import { redactUrl } from './redact';
import type { PinnedPackage } from '../package-locks/types';

/** One dependency as SBOMs describe it, whatever the format. */
export interface SbomComponent {
  /** `file` for URL artifacts, `library` for Maven ones (as Hermeto). */
  type: 'file' | 'library';
  name: string;
  version?: string;
  purl: string;
  /** Where it is published (the lockfile's URL, secrets redacted), when known. */
  url?: string;
  /** The package-manager lockfile entry that pins it (components from package lockfiles). */
  pinnedBy?: string;
  /** Where the bytes were actually fetched from, when a mirror served them. */
  fetchedFrom?: string;
  hashes: Array<{ algorithm: Algorithm; digest: string }>;
}

/**
 * The packages a package-manager lockfile pins as components (what `npm ci`, `pnpm install` or
 * `pip install --require-hashes` installs), so one SBOM covers them and the generic artifacts.
 */
export function packageComponents(packages: readonly PinnedPackage[]): SbomComponent[] {
  return packages.map((p) => ({
    type: 'library',
    name: p.name,
    version: p.version,
    purl: p.purl,
    ...(p.url ? { url: redactUrl(p.url) } : {}),
    hashes: p.anyOf ? [] : p.checksums.map((c) => ({ algorithm: c.algorithm, digest: c.digest })),
    pinnedBy: p.pinnedBy,
  }));
}

/** What the SBOM writers take: components held, or made as they are read (see JsonList). */
export type ComponentList = JsonList<SbomComponent> | readonly SbomComponent[];

/**
 * The components of a lockfile's artifacts, one per artifact, made as they are read: an SBOM of
 * 10,000 artifacts holds the lockfile and its purls, never all its components. `fetchedFrom` maps
 * an artifact URL to the mirror URL used.
 */
export function lockfileComponents(lockfile: Lockfile, fetchedFrom: ReadonlyMap<string, string> = new Map()): JsonList<SbomComponent> {
  return new JsonList(lockfile.artifacts.length, (i) => lockfileComponent(lockfile.artifacts[i], fetchedFrom.get(lockfile.artifacts[i].url)));
}

/** The component of one artifact; `mirror` is the URL it was fetched from, when a mirror served it. */
function lockfileComponent(a: Artifact, mirror: string | undefined): SbomComponent {
  // Several checksums become the purl spec's comma-separated list; one stays exactly as written.
  const checksum = a.checksums.map((c) => c.text).join(',');
  const url = redactUrl(a.url);
  const hashes = a.checksums.map((c) => ({ algorithm: c.algorithm, digest: c.digest }));
  const via = mirror ? { fetchedFrom: redactUrl(mirror) } : {};
  if (a.kind === 'maven') {
    return { type: 'library', name: a.maven.artifactId, version: a.maven.version, purl: mavenPurl(a.maven, checksum), url, hashes, ...via };
  }
  const name = a.filename.split('/').pop()!;
  return { type: 'file', name, purl: genericPurl(name, checksum, url), url, hashes, ...via };
}
