import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sessionEnv, writeCombinedBundle } from './session-env';

describe('session environment', () => {
  it('writes a bundle of the system CAs plus the session CA', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-bundle-'));
    const ca = '-----BEGIN CERTIFICATE-----\nSESSIONCA\n-----END CERTIFICATE-----\n';
    const bundle = readFileSync(writeCombinedBundle(dir, ca), 'utf8');
    expect(bundle.trimEnd().endsWith(ca.trim())).toBe(true);
    // More than the session CA: the system's (or Node's) roots come first.
    expect((bundle.match(/BEGIN CERTIFICATE/g) ?? []).length).toBeGreaterThan(10);
  });

  it('routes every usual client through the session and makes them trust its CA', () => {
    const env = sessionEnv('http://id:tok@127.0.0.1:13444/', '/ca.pem', '/bundle.pem', 'localhost');
    expect(env).toMatchObject({
      http_proxy: 'http://id:tok@127.0.0.1:13444/',
      HTTPS_PROXY: 'http://id:tok@127.0.0.1:13444/',
      no_proxy: 'localhost',
      NO_PROXY: 'localhost',
      NODE_EXTRA_CA_CERTS: '/ca.pem',
      npm_config_cafile: '/bundle.pem',
      GIT_SSL_CAINFO: '/bundle.pem',
      REQUESTS_CA_BUNDLE: '/bundle.pem',
      CARGO_HTTP_CAINFO: '/bundle.pem',
      CURL_CA_BUNDLE: '/bundle.pem',
      SSL_CERT_FILE: '/bundle.pem',
    });
  });
});
