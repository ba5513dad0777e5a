import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..', '..', '..');

/** The client `createHttpClient` makes for `env` in a fresh process, and whether undici was loaded for it. */
function clientFor(env: Record<string, string>): { client: string; undici: boolean } {
  const script = `
    const { createHttpClient } = require(${JSON.stringify(join(__dirname, 'http-client.ts'))});
    const client = createHttpClient({ connections: 1, connectTimeoutMs: 1000, env: ${JSON.stringify(env)} });
    const undici = Object.keys(require.cache).some((f) => /node_modules[\\\\/]undici[\\\\/]/.test(f));
    process.stdout.write(JSON.stringify({ client: client.constructor.name, undici }));
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
    expect(clientFor({})).toEqual({ client: 'SocketHttpClient', undici: false });
  });

  it("goes through undici's proxy agent when HTTP(S)_PROXY is set, in either case", () => {
    expect(clientFor({ HTTPS_PROXY: 'http://127.0.0.1:9' })).toEqual({ client: 'DispatcherHttpClient', undici: true });
    expect(clientFor({ http_proxy: 'http://127.0.0.1:9' })).toEqual({ client: 'DispatcherHttpClient', undici: true });
  });
});
