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

/** What a purl is made of, before normalisation and encoding. */
interface PurlParts {
  type: 'generic' | 'maven';
  namespace?: string;
  name: string;
  version?: string;
  qualifiers: Readonly<Record<string, string>>;
}

/**
 * A purl as packageurl-js normalises it and packageurl-python (Hermeto) encodes it: name, version
 * and qualifier values trimmed, namespace segments and outer `/` of the name dropped when empty,
 * qualifiers with empty values dropped, keys lower-cased and sorted, every part encoded by
 * `encodePurlPart`. The spec checks it against packageurl-js for any parts. Written here rather
 * than through packageurl-js: loading that library makes an `Intl.Collator` (ICU's collation data:
 * +8 MiB of peak memory and ~15 ms for every run that writes an SBOM) for type rules that generic
 * and Maven purls with these fixed qualifier keys do not need.
 */
function formatPurl(p: PurlParts): string {
  const name = p.name.trim();
  if (!name) throw new Error(`a ${p.type} purl needs a name`);
  // Empty segments dropped (packageurl-js), then the whole trimmed and its outer slashes dropped.
  const segments = stripped(p.namespace?.split('/').filter(Boolean).join('/') ?? '')
    .split('/')
    .filter(Boolean);
  if (p.type === 'maven' && !segments.length) throw new Error('a maven purl needs a namespace (the group id)');
  const namespace = segments.length ? `${segments.map(encodePurlPart).join('/')}/` : '';
  const version = p.version?.trim() ? `@${encodePurlPart(p.version.trim())}` : '';
  const qualifiers = Object.entries(p.qualifiers)
    .map(([k, v]) => [k.toLowerCase(), v.trim()] as const)
    .filter(([, v]) => v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${encodePurlPart(v)}`)
    .join('&');
  return `pkg:${p.type}/${namespace}${stripped(encodePurlPart(name))}${version}${qualifiers ? `?${qualifiers}` : ''}`;
}

/** Without outer whitespace, then without outer `/`. */
function stripped(text: string): string {
  return text.trim().replace(/^\/+|\/+$/g, '');
}

/** `pkg:generic/<name>?checksum=…&download_url=…` for a URL artifact. */
export function genericPurl(name: string, checksum: string, downloadUrl: string): string {
  return formatPurl({ type: 'generic', name, qualifiers: { checksum, download_url: downloadUrl } });
}

/** `pkg:maven/<group>/<artifact>@<version>?checksum=…[&classifier=…]&repository_url=…&type=…`. */
export function mavenPurl(
  c: { groupId: string; artifactId: string; version: string; classifier: string; type: string; repositoryUrl: string },
  checksum: string,
): string {
  const qualifiers: Record<string, string> = { checksum, repository_url: c.repositoryUrl, type: c.type };
  if (c.classifier) qualifiers.classifier = c.classifier;
  return formatPurl({ type: 'maven', namespace: c.groupId, name: c.artifactId, version: c.version, qualifiers });
}
