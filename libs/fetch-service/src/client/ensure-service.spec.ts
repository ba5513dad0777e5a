import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEmbeddedService } from './ensure-service';
import { freePort } from '@hermetic/core/testing/test-server';

async function listen(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.on('error', () => undefined));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A service that cannot start fails the caller within seconds, with the cause in the message. */
describe('ensureEmbeddedService when the service cannot start', () => {
  it('names a control port taken by something that is not a Fetch Service', async () => {
    const taken = await listen();
    const started = Date.now();
    try {
      const err: Error = await ensureEmbeddedService({
        controlPort: taken.port,
        proxyPort: await freePort(),
        configDir: mkdtempSync(join(tmpdir(), 'hermetic-ensure-')),
        auth: 'u:p',
      }).catch((e) => e);
      expect(err.message).toMatch(new RegExp(`port ${taken.port} is taken by something that is not a Fetch Service .*HERMETIC_FETCH_SERVICE_CONTROL_PORT`));
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      taken.server.close();
    }
  }, 30_000);

  it('says why the service exited, from this start’s own output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-ensure-'));
    writeFileSync(join(dir, 'ca.pem'), 'not a certificate');
    writeFileSync(join(dir, 'ca.key.pem'), 'not a key');
    const err: Error = await ensureEmbeddedService({ controlPort: await freePort(), proxyPort: await freePort(), configDir: dir, auth: 'u:p' }).catch((e) => e);
    expect(err.message).toMatch(/did not start: it exited with code 4: ERROR: /);
  }, 30_000);
});
