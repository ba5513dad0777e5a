import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { serveBytes, startTestServer, TestServer, freePort } from '@hermetic/core/testing/test-server';
import { parseServiceAuth } from '../auth';
import { embeddedAuthPath } from '../client/embedded-auth';
import { ensureEmbeddedService } from '../client/ensure-service';
import { run, startService } from '../testing';

/** Secrets given to a session, or sent by a build through it, never reach its report, spool or log. */
describe('secrets in sessions', () => {
  let fs: Awaited<ReturnType<typeof startService>>;
  let origin: TestServer;
  const body = randomBytes(1_000);

  beforeAll(async () => {
    fs = await startService({ spoolData: true });
    origin = await startTestServer();
    origin.route('/private/model.bin', serveBytes(body));
  });
  afterAll(async () => {
    await fs.service.stop();
    await origin.close();
  });

  it('redacts credential headers by name, query values by name and given secrets by value; spool files are 0600', async () => {
    const lockfileToken = `glpat-${randomBytes(8).toString('hex')}`;
    const basic = `deploy:${randomBytes(8).toString('hex')}`;
    const r = await fs.control('POST', '/session', {
      policy: 'permissive',
      secrets: [{ type: 'basic-auth', url: `${origin.origin}/private/*`, 'basic-credentials': basic }],
      'redact-values': [lockfileToken],
    });
    const s = { id: r.json.id, token: r.json.token, proxy: `http://${r.json.id}:${r.json.token}@${fs.service.proxyAddress}` };
    const headers = [
      'X-Deploy-Token: dt-1234567',
      'X-JFrog-Art-Api: art-1234567',
      'Job-Token: job-1234567',
      'X-Goog-Api-Key: goog-1234567',
      `X-Echo: ${lockfileToken}`,
    ];
    const got = await run('curl', [
      '-sS',
      '-x',
      s.proxy,
      ...headers.flatMap((h) => ['-H', h]),
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      `${origin.origin}/private/model.bin?access_token=at-1234567&sig=sig-1234567&v=1`,
    ]);
    expect(got.stdout).toBe('200');
    const report = await fs.teardown(s);
    const written = [
      JSON.stringify(report),
      ...readdirSync(join(fs.dir, 'spool', s.id))
        .filter((f) => f.endsWith('.json'))
        .map((f) => readFileSync(join(fs.dir, 'spool', s.id, f), 'utf8')),
      fs.logs.join('\n'),
    ].join('\n');
    for (const secret of [
      'dt-1234567',
      'art-1234567',
      'job-1234567',
      'goog-1234567',
      'at-1234567',
      'sig-1234567',
      lockfileToken,
      basic,
      basic.split(':')[1],
      Buffer.from(basic).toString('base64'),
      s.token,
    ]) {
      expect({ secret, leaked: written.includes(secret) }).toEqual({ secret, leaked: false });
    }
    expect(report.artifacts[0].downloads[0].url).toBe(`${origin.origin}/private/model.bin?access_token=REDACTED&sig=REDACTED&v=1`);
    expect(report.artifacts[0].downloads[0]['request-header']['x-deploy-token']).toEqual(['REDACTED']);
    for (const f of readdirSync(join(fs.dir, 'spool', s.id)))
      expect({ f, mode: statSync(join(fs.dir, 'spool', s.id, f)).mode & 0o777 }).toEqual({ f, mode: 0o600 });
  });

  it('keeps a refused URL’s query token out of the log', async () => {
    const s = await fs.session({ policy: 'strict' });
    await run('curl', ['-sS', '-x', s.proxy, '-o', '/dev/null', `${origin.origin}/private/model.bin?token=refused-1234567`]);
    await fs.teardown(s);
    expect(fs.logs.join('\n')).toContain('token=REDACTED');
    expect(fs.logs.join('\n')).not.toContain('refused-1234567');
  });
});

describe('control API credentials', () => {
  it('refuses FETCH_SERVICE_AUTH without a user or a password', () => {
    for (const bad of [undefined, '', 'nocolon', ':password', 'user:'])
      expect(() => parseServiceAuth(bad)).toThrow(/FETCH_SERVICE_AUTH must be 'user:password'/);
    expect(parseServiceAuth('u:p:q')).toEqual({ user: 'u', password: 'p:q' });
  });

  it('a malformed FETCH_SERVICE_AUTH stops the CLI before it listens (exit 4, said in the log)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-fsauth-'));
    const bin = join(__dirname, '..', '..', 'bin', 'hermetic-fetch-service.js');
    const r = await run(process.execPath, [bin, '--config', dir, '--proxy-port', '0', '--control-port', '0', '--log-file', join(dir, 'log.txt')], {
      ...process.env,
      FETCH_SERVICE_AUTH: 'nocolon',
    });
    expect(r.code).toBe(4);
    expect(readFileSync(join(dir, 'log.txt'), 'utf8')).toMatch(/FETCH_SERVICE_AUTH must be 'user:password'/);
  }, 30_000);

  it('without FETCH_SERVICE_AUTH the embedded service gets a random credential (0600 file) and refuses empty ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-fsauth-'));
    const [controlPort, proxyPort] = [await freePort(), await freePort()];
    const env = { ...process.env };
    delete env.FETCH_SERVICE_AUTH;
    const { client } = await ensureEmbeddedService({ controlPort, proxyPort, configDir: dir, idleShutdownS: 30, env });
    try {
      const auth = readFileSync(embeddedAuthPath(dir), 'utf8').trim();
      expect(auth).toMatch(/^hermetic:[A-Za-z0-9_-]{32}$/);
      expect(statSync(embeddedAuthPath(dir)).mode & 0o777).toBe(0o600);
      expect((await client.createSession({ policy: 'permissive' })).id).toMatch(/^[0-9a-f]+$/);
      for (const bad of [':', 'hermetic:', 'hermetic:hermetic', '']) {
        const res = await request(`http://127.0.0.1:${controlPort}/session`, {
          method: 'POST',
          headers: { authorization: `Basic ${Buffer.from(bad).toString('base64')}` },
          body: '{"policy":"permissive"}',
        });
        await res.body.dump();
        expect({ bad, status: res.statusCode }).toEqual({ bad, status: 401 });
      }
    } finally {
      await run('pkill', ['-f', '--', `--config=${dir}`]);
    }
  }, 60_000);
});
