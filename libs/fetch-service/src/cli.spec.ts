import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(__dirname, '..', 'bin', 'hermetic-fetch-service.js');

/** Runs the CLI until it exits (or is stopped), collecting its output. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}, stopAfterMs?: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = stopAfterMs ? setTimeout(() => child.kill('SIGTERM'), stopAfterMs) : undefined;
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

async function occupied(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('hermetic-fetch-service CLI', () => {
  it('exits 1 when the proxy port is taken and 2 when the control port is, saying why', async () => {
    const busy = await occupied();
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-fscli-'));
    try {
      const p = await cli(['--config', dir, '--proxy-port', String(busy.port), '--control-port', '0']);
      expect(p.code).toBe(1);
      expect(p.out).toMatch(/ERROR: listen tcp 127\.0\.0\.1:\d+: bind: address already in use/);
      const c = await cli(['--config', dir, '--proxy-port', '0', '--control-port', String(busy.port)]);
      expect(c.code).toBe(2);
    } finally {
      busy.server.close();
    }
  }, 60_000);

  it('exits 4 when --config cannot hold its files, saying what failed where in words', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-fscli-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const r = await cli(['--config', join(file, 'cfg'), '--proxy-port', '0', '--control-port', '0'], { FETCH_SERVICE_AUTH: 'a:b' });
    expect(r.code).toBe(4);
    expect(r.out).toMatch(
      /^ERROR: cannot \S+ .*a-file\/cfg\S*: not a directory \(ENOTDIR\); --config \(and --spool\) must name folders the service's user can write\n$/,
    );
  }, 60_000);

  it('creates the CA on first start (key mode 0600), serves, and stops on idle shutdown with no live session', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-fscli-'));
    const r = await cli(['--config', dir, '--proxy-port', '0', '--control-port', '0', '--idle-shutdown=1', '--log-file', join(dir, 'log.txt')], {
      FETCH_SERVICE_AUTH: 'u:p',
    });
    expect(r.code).toBe(0);
    expect(statSync(join(dir, 'ca.key.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'ca.pem'), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const log = readFileSync(join(dir, 'log.txt'), 'utf8');
    expect(log).toMatch(/fetch service listening/);
    expect(log).toMatch(/no live session for 1 s: shutting down/);
  }, 60_000);

  it('rejects bad flags and bad values with usage (64), writing nothing', async () => {
    const config = join(mkdtempSync(join(tmpdir(), 'hermetic-fs-cli-')), 'config');
    for (const bad of [['--proxy-port', 'abc'], ['--control-port', '99999'], ['--max-connections=0'], ['--idle-shutdown=soon']]) {
      const r = await cli([...bad, '--config', config]);
      expect(r).toMatchObject({ code: 64, out: expect.stringMatching(/^ERROR: --[a-z-]+ must be .*, got '.*' \(see --help\)\n$/) });
    }
    expect(existsSync(config)).toBe(false);
    expect((await cli(['--bogus'])).code).toBe(64);
    expect((await cli(['--help'])).out).toMatch(/Usage: hermetic-fetch-service/);
  }, 60_000);
});
