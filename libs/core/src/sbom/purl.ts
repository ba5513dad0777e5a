import { PackageURL } from 'packageurl-js';

/** Text that purl parts keep as written (see encodePurlPart). */
const KEPT = /^[A-Za-z0-9\-._~/:]*$/;
/** What `encodeURIComponent` writes differently: `/` and `:` kept here, `! ' ( ) *` encoded here. */
const DIFFERENT = /%2F|%3A|[!'()*]/g;
/** A UTF-16 surrogate without its pair (UTF-8 has no form for it: Buffer and Python write U+FFFD). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Percent-encoding of purl parts exactly as packageurl-python (and so Hermeto) writes them: keep
 * `A–Z a–z 0–9 - . _ ~ /` and `:`, encode every other UTF-8 byte as upper-case `%XX`. This is not
 * `encodeURIComponent` (which keeps `! ' ( ) *` and encodes `/` and `:`), nor packageurl-js's
 * `toString()` (which encodes `:` and `/` in qualifier values), so purls stay byte-identical to Hermeto's.
 * Built from `encodeURIComponent` with those differences put right, not character by character: a
 * string grown one character at a time is a chain of hundreds of pieces, and the purls of 10,000
 * artifacts, held for sorting, were ~12 MB of such chains promoted to the old generation.
 */
export function encodePurlPart(text: string): string {
  if (KEPT.test(text)) return text;
  return encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD')).replace(DIFFERENT, (m) =>
    m === '%2F' ? '/' : m === '%3A' ? ':' : `%${m.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Strips outer `/` and whitespace, as the purl spec's normalisation does for names and namespaces. */
function strip(text: string): string {
  return text.trim().replace(/^\/+|\/+$/g, '');
}

/**
 * Formats a purl built (and so validated) by packageurl-js, with Hermeto's encoding: namespace
 * segments and name encoded, qualifiers with empty values dropped, keys lower-cased and sorted.
 */
export function formatPurl(p: PackageURL): string {
  const namespace = p.namespace ? `${strip(p.namespace).split('/').filter(Boolean).map(encodePurlPart).join('/')}/` : '';
  const name = strip(encodePurlPart(p.name));
  const version = p.version ? `@${encodePurlPart(p.version.trim())}` : '';
  const qualifiers = Object.entries(p.qualifiers ?? {})
    .filter(([, v]) => typeof v === 'string' && v.trim() !== '')
    .map(([k, v]) => [k.toLowerCase(), v as string] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${encodePurlPart(v)}`)
    .join('&');
  return `pkg:${p.type}/${namespace}${name}${version}${qualifiers ? `?${qualifiers}` : ''}`;
}

/** `pkg:generic/<name>?checksum=…&download_url=…` for a URL artifact. */
export function genericPurl(name: string, checksum: string, downloadUrl: string): string {
  return formatPurl(new PackageURL('generic', undefined, name, undefined, { checksum, download_url: downloadUrl }, undefined));
}

/** `pkg:maven/<group>/<artifact>@<version>?checksum=…[&classifier=…]&repository_url=…&type=…`. */
export function mavenPurl(
  c: { groupId: string; artifactId: string; version: string; classifier: string; type: string; repositoryUrl: string },
  checksum: string,
): string {
  const qualifiers: Record<string, string> = { checksum, repository_url: c.repositoryUrl, type: c.type };
  if (c.classifier) qualifiers.classifier = c.classifier;
  return formatPurl(new PackageURL('maven', c.groupId, c.artifactId, c.version, qualifiers, undefined));
}
