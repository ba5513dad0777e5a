import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveBytes, startTestServer, TestServer } from '@hermetic/core/testing/test-server';
import { run, startService } from '../testing';

const EXAMPLES = join(__dirname, '..', 'testing', 'fixtures', 'upstream', 'fetch-service', 'secrets-validation');

describe('control API', () => {
  let fs: Awaited<ReturnType<typeof startService>>;
  // The service's clock: moved forward instead of waiting for a session to expire.
  let clockOffsetMs = 0;
  let origin: TestServer;

  beforeAll(async () => {
    fs = await startService({ spoolData: true, now: () => Date.now() + clockOffsetMs });
    origin = await startTestServer();
    origin.route('/hello.txt', serveBytes(Buffer.from('hello\n')));
  });
  afterAll(async () => {
    await fs.service.stop();
    await origin.close();
  });

  it('serves /status without auth, with uptime, start time and the live sessions', async () => {
    const s = await fs.session({ policy: 'strict', timeout: 60 });
    const r = await fs.control('GET', '/status', undefined, null);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ uptime: expect.any(Number), 'start-time': expect.any(String), 'session-count': expect.any(Number) });
    expect(r.json['active-sessions']).toContainEqual({
      'session-id': s.id,
      'start-time': expect.any(String),
      policy: 'strict',
      age: expect.any(Number),
      timeout: 60,
    });
    await fs.teardown(s);
  });

  it('issues ids of 32 hex characters and tokens of 20 alphanumerics', async () => {
    const s = await fs.session({ policy: 'permissive' });
    expect(s.id).toMatch(/^[0-9a-f]{32}$/);
    expect(s.token).toMatch(/^[A-Za-z0-9]{20}$/);
    await fs.teardown(s);
  });

  it('answers 401 without valid Basic auth, except for /status and token revocation', async () => {
    expect(await fs.control('POST', '/session', { policy: 'strict' }, null)).toMatchObject({ status: 401, text: '401 Unauthorized\n' });
    expect((await fs.control('POST', '/session', { policy: 'strict' }, 'craft:wrong')).status).toBe(401);
    const s = await fs.session({ policy: 'strict' });
    expect((await fs.control('GET', `/session/${s.id}`, undefined, null)).status).toBe(401);
    expect((await fs.control('DELETE', `/session/${s.id}/token`, { token: s.token }, null)).status).toBe(200);
    await fs.control('DELETE', `/session/${s.id}`);
  });

  it('runs the whole lifecycle: create, use, revoke, report, delete, delete resources', async () => {
    const s = await fs.session({ policy: 'permissive' });
    expect((await run('curl', ['-sf', '-x', s.proxy, `${origin.origin}/hello.txt`])).stdout).toBe('hello\n');
    expect(await fs.control('GET', `/session/${s.id}`, {})).toMatchObject({ status: 400, text: 'session token is active\n' });
    expect(await fs.control('DELETE', `/session/${s.id}/token`, { token: 'wrong' })).toMatchObject({ status: 400, text: 'invalid session token\n' });
    const revoked = await fs.control('DELETE', `/session/${s.id}/token`, { token: s.token });
    expect(revoked.json).toEqual({
      'session-id': s.id,
      'start-time': expect.any(String),
      'end-time': expect.any(String),
      'spool-path': join(fs.dir, 'spool', s.id),
    });
    // After revocation the proxy refuses the session.
    expect((await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-x', s.proxy, `${origin.origin}/hello.txt`])).stdout).toBe('407');
    const report = await fs.control('GET', `/session/${s.id}`, {});
    expect(report.json).toMatchObject({
      'session-id': s.id,
      policy: 'permissive',
      comment: 'Metadata format is unstable and may change without prior notice.',
    });
    expect(await fs.control('DELETE', `/resources/${s.id}`)).toMatchObject({ status: 400, text: 'session is not finished\n' });
    expect((await fs.control('DELETE', `/session/${s.id}`)).status).toBe(200);
    const spool = join(fs.dir, 'spool', s.id);
    expect(readdirSync(spool).sort()).toEqual(
      expect.arrayContaining(['session.json', expect.stringMatching(/^[0-9a-f]{64}\.data$/), expect.stringMatching(/^[0-9a-f]{64}\.json$/)]),
    );
    expect((await fs.control('GET', `/session/${s.id}`, {})).status).toBe(404);
    expect((await fs.control('DELETE', `/resources/${s.id}`)).status).toBe(200);
    expect(existsSync(spool)).toBe(false);
  });

  it('expires a session after its timeout: the proxy refuses it and /status no longer lists it', async () => {
    const s = await fs.session({ policy: 'permissive', timeout: 1 });
    expect((await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-x', s.proxy, `${origin.origin}/hello.txt`])).stdout).toBe('200');
    clockOffsetMs += 1_500;
    expect((await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-x', s.proxy, `${origin.origin}/hello.txt`])).stdout).toBe('407');
    const status = await fs.control('GET', '/status', undefined, null);
    expect((status.json['active-sessions'] as Array<{ 'session-id': string }>).map((a) => a['session-id'])).not.toContain(s.id);
  });

  it('rejects malformed requests with 400 and unknown ones with 404', async () => {
    expect(await fs.control('POST', '/session', '{not json')).toMatchObject({ status: 400, text: 'invalid JSON body\n' });
    expect(await fs.control('POST', '/session', { policy: 'relaxed' })).toMatchObject({ status: 400, text: 'Invalid session policy\n' });
    expect(await fs.control('POST', '/session', [1, 2])).toMatchObject({ status: 400 });
    expect(await fs.control('POST', '/session', { policy: 'strict', timeout: -3 })).toMatchObject({ status: 400 });
    expect(await fs.control('POST', '/session', { policy: 'strict', 'declared-artifacts': [{ url: 'https://x/y', checksum: 'nope' }] })).toMatchObject({
      status: 400,
      text: expect.stringMatching(/invalid checksum/),
    });
    expect((await fs.control('GET', '/session/unknown', {})).status).toBe(404);
    expect((await fs.control('DELETE', '/session/unknown/token', { token: 'x' })).status).toBe(404);
    expect((await fs.control('GET', '/nowhere')).status).toBe(404);
  });

  it('refuses permissive sessions unless started with --permissive-mode', async () => {
    const strictOnly = await startService({ permissiveMode: false });
    try {
      expect(await strictOnly.control('POST', '/session', { policy: 'permissive' })).toMatchObject({ status: 400, text: 'Invalid session policy\n' });
      expect((await strictOnly.control('POST', '/session', { policy: 'strict' })).status).toBe(200);
    } finally {
      await strictOnly.service.stop();
    }
  });

  it("validates secrets exactly as the Go server (upstream's secrets-validation cases)", async () => {
    const cases = readdirSync(EXAMPLES).filter((f) => f.endsWith('_secrets.txt'));
    expect(cases.length).toBeGreaterThanOrEqual(6);
    for (const file of cases) {
      const secrets = JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));
      const expectedFile = join(EXAMPLES, file.replace('_secrets.txt', '_expected.txt'));
      const r = await fs.control('POST', '/session', { policy: 'permissive', secrets });
      if (existsSync(expectedFile)) {
        expect([file, r.status, r.text.trim()]).toEqual([file, 400, readFileSync(expectedFile, 'utf8').trim()]);
      } else {
        expect([file, r.status]).toEqual([file, 200]);
        expect(r.text).toMatch(new RegExp(readFileSync(join(EXAMPLES, 'success_expected.txt'), 'utf8').trim()));
      }
    }
  });
});
