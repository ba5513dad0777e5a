/** A URL scheme and its `//` at the start of a text (`https://`, `ftp://`, `socks5://`). */
export const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Result of checking a URL written in a lockfile. */
export type UrlCheck = { ok: true; url: URL } | { ok: false; message: string; fix: string };

/**
 * Parses and normalises a URL the way Hermeto does (WHATWG: lower-case host, default port dropped,
 * dot segments collapsed, spaces escaped, IDNA), then applies Hermetic's stricter rules: only
 * http(s), and no credentials in the URL (they would leak into the SBOM; use v2 `auth`).
 */
export function checkHttpUrl(text: string): UrlCheck {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `'${text}' is not a valid absolute URL`, fix: "write a full URL such as 'https://example.com/file.tar.gz'" };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: `URL scheme '${url.protocol.slice(0, -1)}' is not supported`, fix: 'only http and https URLs can be fetched' };
  }
  if (url.username || url.password) {
    return {
      ok: false,
      message: 'credentials in the URL would leak into logs and the SBOM',
      fix: "remove 'user:password@' and use lockfile version \"2.0\" with an 'auth' section (or ~/.netrc)",
    };
  }
  return { ok: true, url };
}

/** The URL as sent on the wire: the fragment is recorded but never sent. */
export function wireUrl(normalised: string): string {
  const hash = normalised.indexOf('#');
  return hash < 0 ? normalised : normalised.slice(0, hash);
}

/** Last non-empty path segment, not percent-decoded (upstream parity); "" when the path is empty. */
export function lastPathSegment(url: URL): string {
  const segments = url.pathname.split('/').filter((s) => s.length > 0);
  return segments.length ? segments[segments.length - 1] : '';
}
