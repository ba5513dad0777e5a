import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { TEST_CERT_PATH } from '../testing/test-server';

const REPO = join(__dirname, '..', '..', '..', '..');

/** The client `createHttpClient` makes for `env` in a fresh process, and whether undici (and Node's TLS) were loaded for it. */
function clientFor(env: Record<string, string>): { client: string; undici: boolean; tls: boolean } {
  const script = `
    const { createHttpClient } = require(${JSON.stringify(join(__dirname, 'http-client.ts'))});
    const client = createHttpClient({ connections: 1, connectTimeoutMs: 1000, env: ${JSON.stringify(env)} });
    const undici = Object.keys(require.cache).some((f) => /node_modules[\\\\/]undici[\\\\/]/.test(f));
    const tls = process.moduleLoadList.includes('NativeModule tls');
    process.stdout.write(JSON.stringify({ client: client.constructor.name, undici, tls }));
    client.destroy();`;
  const r = spawnSync(process.execPath, ['-r', require.resolve('@swc-node/register'), '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, SWC_NODE_PROJECT: join(REPO, 'tsconfig.base.json') },
  });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

describe('createHttpClient', () => {
  it('uses its own HTTP/1.1 over sockets without a proxy, and does not load undici', () => {
    expect(clientFor({})).toMatchObject({ client: 'SocketHttpClient', undici: false });
  });

  it("loads Node's TLS with the first https connection, not before, even with extra certificates to trust", () => {
    expect(clientFor({ NODE_EXTRA_CA_CERTS: TEST_CERT_PATH })).toEqual({ client: 'SocketHttpClient', undici: false, tls: false });
  });

  it("goes through undici's proxy agent when HTTP(S)_PROXY is set, in either case", () => {
    expect(clientFor({ HTTPS_PROXY: 'http://127.0.0.1:9' })).toMatchObject({ client: 'DispatcherHttpClient', undici: true });
    expect(clientFor({ http_proxy: 'http://127.0.0.1:9' })).toMatchObject({ client: 'DispatcherHttpClient', undici: true });
  });
});
