import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';

/** System trust stores, as Debian/Ubuntu, Fedora/RHEL, Alpine and macOS (Homebrew) keep them. */
const SYSTEM_BUNDLES = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/cert.pem', '/usr/local/etc/openssl/cert.pem'];

/**
 * Writes `<dir>/ca-bundle.pem`: the system's CAs plus the session CA, for tools whose variable
 * replaces the trust store instead of extending it (curl, git, pip/requests, cargo, OpenSSL).
 */
export function writeCombinedBundle(dir: string, sessionCaPem: string): string {
  const system = SYSTEM_BUNDLES.find((p) => existsSync(p));
  const base = system ? readFileSync(system, 'utf8') : rootCertificates.join('\n');
  const path = join(dir, 'ca-bundle.pem');
  writeFileSync(path, `${base.trimEnd()}\n${sessionCaPem.trim()}\n`);
  return path;
}

/**
 * The environment that routes a build's traffic through a session and makes the usual clients trust
 * its CA: Node (`NODE_EXTRA_CA_CERTS` extends), npm/yarn/pnpm, git, pip/requests, cargo, curl and
 * OpenSSL-based tools (which take the combined bundle), both spellings of the proxy variables, and
 * `no_proxy` for what must not go through the proxy.
 */
export function sessionEnv(proxyUrl: string, caPath: string, bundlePath: string, noProxy: string): Record<string, string> {
  return {
    http_proxy: proxyUrl,
    https_proxy: proxyUrl,
    HTTP_PROXY: proxyUrl,
    HTTPS_PROXY: proxyUrl,
    no_proxy: noProxy,
    NO_PROXY: noProxy,
    // Node's own fetch/https ignore the proxy variables unless opted in (Node ≥ 22.21 / 24).
    NODE_USE_ENV_PROXY: '1',
    NODE_EXTRA_CA_CERTS: caPath,
    npm_config_proxy: proxyUrl,
    npm_config_https_proxy: proxyUrl,
    npm_config_cafile: bundlePath,
    npm_config_noproxy: noProxy,
    YARN_HTTP_PROXY: proxyUrl,
    YARN_HTTPS_PROXY: proxyUrl,
    YARN_CA_FILE_PATH: bundlePath,
    GIT_SSL_CAINFO: bundlePath,
    REQUESTS_CA_BUNDLE: bundlePath,
    PIP_CERT: bundlePath,
    CARGO_HTTP_CAINFO: bundlePath,
    CURL_CA_BUNDLE: bundlePath,
    SSL_CERT_FILE: bundlePath,
    // Go modules straight from their VCS, as craft-application sets it.
    GOPROXY: 'direct',
  };
}
