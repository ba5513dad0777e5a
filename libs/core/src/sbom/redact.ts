/** Query parameters that carry credentials in signed or tokenised download URLs. */
const SECRET_PARAMS =
  /^(token|access[_-]?token|auth|authorization|password|passwd|pwd|secret|signature|sig|key|api[_-]?key|private[_-]?token|x-amz-(signature|credential|security-token)|x-goog-(signature|credential)|x-ms-signature|jwt|session)$/i;

/** The placeholder written instead of a secret query value. */
export const REDACTED = 'REDACTED';

/**
 * A URL fit for an SBOM: values of credential-looking query parameters (`token`, `sig`,
 * `X-Amz-Signature`, …) are replaced by `REDACTED`. Userinfo never gets here (the lockfile rejects
 * it). Other URLs are returned unchanged, byte for byte, so their purls stay Hermeto's.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  let changed = false;
  const parts = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const name = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
    if (eq < 0 || !SECRET_PARAMS.test(name)) return pair;
    changed = true;
    return `${pair.slice(0, eq)}=${REDACTED}`;
  });
  return changed ? `${url.slice(0, q + 1)}${parts.join('&')}${hash < 0 ? '' : url.slice(hash)}` : url;
}
