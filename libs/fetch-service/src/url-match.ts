import { posix } from 'node:path';
import { globToRegExp } from './glob';

/**
 * The form in which URLs are matched against allow rules and secrets: `scheme://host:port/path?query`
 * with the host lower-case, the port explicit, and the path as an origin that decodes `%2F`, `%5C`
 * and `%2E` would read it (those decoded, backslashes as slashes, dot segments resolved), so
 * `/pub/..%2fsecret.txt` is matched as the `/secret.txt` such an origin serves, never as `/pub/…`.
 */
export function matchForm(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const decoded = url.pathname
    .replace(/%2f|%5c/gi, '/')
    .replace(/%2e/gi, '.')
    .replace(/\\/g, '/');
  const resolved = posix.normalize(decoded.startsWith('/') ? decoded : `/${decoded}`).replace(/^(\/\.\.)+(?=\/|$)/, '') || '/';
  // normalize keeps a trailing slash, and resolves '..' above the root to the root.
  return `${url.protocol}//${url.hostname.toLowerCase()}:${port}${resolved}${url.search}`;
}

/**
 * A URL glob (`https://host[:port]/path-glob`, `**` across slashes, `*` within a segment) as a
 * matcher of URLs in `matchForm`: a missing port means the scheme's default, the host is matched
 * case-insensitively, and the path glob is applied to the decoded, resolved path.
 */
export function compileUrlGlob(glob: string): ((url: URL) => boolean) | undefined {
  const m = /^(https?):\/\/([^/]+)(\/.*)?$/i.exec(glob);
  if (!m) return undefined;
  const [, scheme, authority, path = '/**'] = m;
  const withPort = /:(\d+|\*)$/.test(authority) ? authority : `${authority}:${scheme.toLowerCase() === 'https' ? 443 : 80}`;
  const re = globToRegExp(`${scheme.toLowerCase()}://${withPort.toLowerCase()}${path}`);
  return (url) => re.test(matchForm(url));
}
