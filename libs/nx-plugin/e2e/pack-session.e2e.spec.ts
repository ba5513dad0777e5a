import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveBytes, slowBody, startTestServer, status, TestServer } from '@hermetic/core/testing/test-server';
import { FetchServiceClient } from '@hermetic/fetch-service/client';
import { E2eFetchService, startE2eFetchService } from './e2e-fetch-service';
import { NxWorkspace } from './nx-workspace';

jest.setTimeout(180_000);

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A pack script: downloads $PACK_URLS through the environment's proxy, then writes the artifact. */
const PACK_SCRIPT = `
const { EnvHttpProxyAgent, request } = require('undici');
const { mkdirSync, writeFileSync } = require('node:fs');
(async () => {
  const agent = new EnvHttpProxyAgent();
  const got = [];
  for (const url of (process.env.PACK_URLS || '').split(',').filter(Boolean)) {
    const res = await request(url, { dispatcher: agent });
    const body = Buffer.from(await res.body.arrayBuffer());
    if (res.statusCode !== 200 && !process.env.PACK_TOLERATE) { console.error('download failed: ' + url + ' HTTP ' + res.statusCode); process.exit(2); }
    got.push(body);
  }
  await agent.close();
  if (process.env.PACK_SLEEP) await new Promise((r) => setTimeout(r, Number(process.env.PACK_SLEEP)));
  if (process.env.PACK_FAIL) { console.error('pack failed on purpose'); process.exit(1); }
  const out = process.argv[2];
  mkdirSync(out, { recursive: true });
  writeFileSync(out + '/app.tgz', Buffer.concat(got));
})();
`;

/** `pack` inside Fetch Service sessions, with real nx, a real embedded service and a loopback origin. */
describe('pack with the Fetch Service', () => {
  let origin: TestServer;
  let ws: NxWorkspace;
  let env: NodeJS.ProcessEnv;
  let client: FetchServiceClient;
  const declared = randomBytes(3_000);
  const undeclared = randomBytes(2_000);
  let service: E2eFetchService;

  beforeAll(async () => {
    origin = await startTestServer();
    origin.route('/declared.bin', serveBytes(declared));
    origin.route('/undeclared.bin', serveBytes(undeclared));
    origin.route('/slow.bin', slowBody(undeclared, 200, 100));
    service = await startE2eFetchService();
    ({ env, client } = service);
    ws = new NxWorkspace();
    ws.write('pack.js', PACK_SCRIPT);
    for (const name of ['app', 'other']) {
      ws.write(`apps/${name}/project.json`, {
        name,
        targets: {
          pack: {
            executor: '@hermetic/nx:pack',
            options: { command: `node pack.js dist/${name}`, artifacts: [`dist/${name}/app.tgz`] },
            outputs: [`{workspaceRoot}/dist/${name}`],
          },
        },
      });
      ws.write(
        `apps/${name}/artifacts.lock.yaml`,
        `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: ${origin.origin}/declared.bin\n    checksum: sha256:${sha256(declared)}\n`,
      );
    }
  });
  afterAll(async () => {
    await origin.close();
    // The embedded service outlives builds by design (idle shutdown); stop this test's one now.
    service.stop();
    ws.dispose();
  });

  const pack = (project: string, extra: NodeJS.ProcessEnv, args: string[] = []) =>
    ws.nx(['run', `${project}:pack`, '--skip-nx-cache', ...args], { ...env, ...extra });
  const manifest = (project: string) => JSON.parse(readFileSync(join(ws.root, `dist/${project}/app.tgz.json`), 'utf8'));
  const live = async () => ((await client.status())?.['active-sessions'] ?? []).length;

  it('strict: a pack that downloads only declared things passes and writes <artifact>.json', async () => {
    const r = await pack('app', { PACK_URLS: `${origin.origin}/declared.bin` }, ['--enable-fetch-service=strict']);
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/fetch service: strict session [0-9a-f]{32} opened/);
    const m = manifest('app');
    expect(m).toMatchObject({ 'component-name': 'app', 'metadata-generator': 'Hermetic', 'component-id': { hashes: { sha256: sha256(declared) } } });
    expect(m.dependencies).toEqual([
      expect.objectContaining({
        url: [`${origin.origin}/declared.bin`],
        result: 'Approved',
        'component-id': { hashes: expect.objectContaining({ sha256: sha256(declared) }) },
      }),
    ]);
    expect(await live()).toBe(0);
  });

  it('strict: an undeclared download fails pack with the list of rejections and their fixes', async () => {
    const r = await pack('app', { PACK_URLS: `${origin.origin}/declared.bin,${origin.origin}/undeclared.bin` }, ['--enable-fetch-service=strict']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('The following artifacts were marked as rejected by the fetch-service:');
    expect(r.output).toContain(`- url: ${origin.origin}/undeclared.bin`);
    expect(r.output).toMatch(/declare it in apps\/app\/artifacts\.lock\.yaml \(nx g @hermetic\/nx:add-artifact --project app --url/);
    expect(r.output).toContain('The strict fetch-service session rejected downloads: pack fails.');
  });

  it('strict: an artifact packed with refused downloads is moved aside as .rejected, never left looking good', async () => {
    const r = await pack('app', { PACK_URLS: `${origin.origin}/declared.bin,${origin.origin}/undeclared.bin`, PACK_TOLERATE: '1' }, [
      '--enable-fetch-service=strict',
    ]);
    expect(r.code).not.toBe(0);
    expect(existsSync(join(ws.root, 'dist/app/app.tgz'))).toBe(false);
    expect(existsSync(join(ws.root, 'dist/app/app.tgz.json'))).toBe(false);
    expect(existsSync(join(ws.root, 'dist/app/app.tgz.rejected'))).toBe(true);
    expect(
      JSON.parse(readFileSync(join(ws.root, 'dist/app/app.tgz.rejected.json'), 'utf8')).dependencies.some((d: { result: string }) => d.result === 'Rejected'),
    ).toBe(true);
    expect(r.output).toContain('moved dist/app/app.tgz to dist/app/app.tgz.rejected');
  });

  it('permissive: the same build passes, warns with the list, and the manifest records the verdicts', async () => {
    const r = await pack('app', { PACK_URLS: `${origin.origin}/declared.bin,${origin.origin}/undeclared.bin` }, ['--enable-fetch-service=permissive']);
    expect(r.code).toBe(0);
    expect(r.output).toContain("This build will fail on 'strict' fetch-service sessions.");
    const deps = manifest('app').dependencies;
    expect(deps.find((d: { url: string[] }) => d.url[0].endsWith('/undeclared.bin'))).toMatchObject({
      result: 'Rejected',
      'rejection-reasons': ['the artifact format is unknown', 'the request was not recognized by any format inspector'],
    });
  });

  it('a pack that fails mid-way still closes its session', async () => {
    const r = await pack('app', { PACK_URLS: `${origin.origin}/declared.bin`, PACK_FAIL: '1' }, ['--enable-fetch-service=strict']);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/session [0-9a-f]{32} closed/);
    expect(await live()).toBe(0);
  });

  it('Ctrl-C closes the session', async () => {
    const child = spawn(
      process.execPath,
      [join(ws.root, 'node_modules/nx/dist/bin/nx.js'), 'run', 'app:pack', '--skip-nx-cache', '--enable-fetch-service=permissive'],
      {
        cwd: ws.root,
        env: ws.env({
          ...env,
          PACK_URLS: `${origin.origin}/declared.bin`,
          PACK_SLEEP: '30000',
        }),
        detached: true,
        stdio: 'ignore',
      },
    );
    const until = Date.now() + 60_000;
    while ((await live()) === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect(await live()).toBe(1);
    process.kill(-child.pid!, 'SIGINT');
    await new Promise((r) => child.on('exit', r));
    const closedBy = Date.now() + 15_000;
    while ((await live()) > 0 && Date.now() < closedBy) await new Promise((r) => setTimeout(r, 200));
    expect(await live()).toBe(0);
  });

  it('two projects packing in parallel each get only their own traffic', async () => {
    ws.write('apps/other/project.json', {
      name: 'other',
      targets: {
        pack: {
          executor: '@hermetic/nx:pack',
          options: { command: `PACK_URLS=${origin.origin}/undeclared.bin node pack.js dist/other`, artifacts: ['dist/other/app.tgz'] },
          outputs: ['{workspaceRoot}/dist/other'],
        },
      },
    });
    const r = await ws.nx(['run-many', '-t', 'pack', '--parallel=2', '--skip-nx-cache', '--enable-fetch-service=permissive'], {
      ...env,
      PACK_URLS: `${origin.origin}/declared.bin`,
    });
    expect(r.code).toBe(0);
    expect(manifest('app').dependencies.map((d: { url: string[] }) => d.url)).toEqual([[`${origin.origin}/declared.bin`]]);
    expect(manifest('other').dependencies.map((d: { url: string[] }) => d.url)).toEqual([[`${origin.origin}/undeclared.bin`]]);
  });

  it('caches the report with the artifact, keyed by the session policy', async () => {
    ws.write('apps/cached/project.json', {
      name: 'cached',
      targets: {
        pack: {
          executor: '@hermetic/nx:pack',
          cache: true,
          inputs: [],
          options: { command: 'node pack.js dist/cached', artifacts: ['dist/cached/app.tgz'] },
          outputs: ['{workspaceRoot}/dist/cached'],
        },
      },
    });
    ws.write(
      'apps/cached/artifacts.lock.yaml',
      `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: ${origin.origin}/declared.bin\n    checksum: sha256:${sha256(declared)}\n`,
    );
    const run = (policy: string) => ws.nx(['run', 'cached:pack', `--enable-fetch-service=${policy}`], { ...env, PACK_URLS: `${origin.origin}/declared.bin` });
    const first = await run('strict');
    expect(first.code).toBe(0);
    ws.remove('dist/cached');
    const hit = await run('strict');
    expect(hit.output).toMatch(/cached:pack.*\[local cache\]/);
    expect(existsSync(join(ws.root, 'dist/cached/app.tgz.json'))).toBe(true);
    const other = await run('permissive');
    expect(other.output).not.toMatch(/cached:pack.*\[local cache\]/);
    expect(other.output).toMatch(/permissive session [0-9a-f]{32} opened/);
  });

  it('external mode: uses a session opened by hand, opens and closes nothing, writes no report', async () => {
    ws.remove('dist/other');
    const s = await client.createSession({ policy: 'permissive' });
    const proxy = `http://${s.id}:${s.token}@127.0.0.1:${env.HERMETIC_FETCH_SERVICE_PROXY_PORT}/`;
    const ca = join(env.HERMETIC_FETCH_SERVICE_DIR!, 'ca.pem');
    const r = await pack('other', {
      CRAFT_USE_EXTERNAL_FETCH_SERVICE: '1',
      http_proxy: proxy,
      https_proxy: proxy,
      CRAFT_PROXY_CERT: ca,
      PACK_URLS: `${origin.origin}/undeclared.bin`,
    });
    expect(r.code).toBe(0);
    expect(r.output).toContain('Using the external fetch-service session');
    expect(existsSync(join(ws.root, 'dist/other/app.tgz.json'))).toBe(false);
    expect(await live()).toBe(1);
    await client.revoke(s.id, s.token);
    const report = (await client.report(s.id)) as { artifacts: Array<{ downloads: Array<{ url: string }> }> };
    await client.finish(s.id);
    expect(report.artifacts.map((a) => a.downloads[0].url)).toEqual([`${origin.origin}/undeclared.bin`]);

    const noCert = await pack('other', { CRAFT_USE_EXTERNAL_FETCH_SERVICE: '1', http_proxy: proxy });
    expect(noCert.output).toContain("Environment variable 'CRAFT_PROXY_CERT' is not set");
    const noProxy = await pack('other', { CRAFT_USE_EXTERNAL_FETCH_SERVICE: '1', CRAFT_PROXY_CERT: ca, http_proxy: '' });
    expect(noProxy.output).toContain("External fetch-service session requested but 'http_proxy' is not set.");
    const both = await pack('other', { CRAFT_USE_EXTERNAL_FETCH_SERVICE: '1', CRAFT_PROXY_CERT: ca, http_proxy: proxy }, ['--enable-fetch-service=strict']);
    expect(both.output).toContain('Conflicting request for both external and managed fetch-service use.');
  });

  it('replay: after fetch-deps, a strict pack passes with the origin down, the declared file served from the store', async () => {
    const fetched = await ws.nx(['run', 'app:fetch-deps'], env);
    expect(fetched.code).toBe(0);
    origin.route('/declared.bin', status(503));
    try {
      const r = await pack('app', { PACK_URLS: `${origin.origin}/declared.bin` }, ['--enable-fetch-service=strict']);
      expect({ code: r.code, output: r.code ? r.output : '' }).toEqual({ code: 0, output: '' });
      const report = JSON.parse(readFileSync(join(ws.root, 'dist/app/app.session-report.json'), 'utf8'));
      expect(report.artifacts).toEqual([
        expect.objectContaining({ result: 'Approved', downloads: [expect.objectContaining({ 'served-from': 'store', 'status-code': 200 })] }),
      ]);
      // Turned off, the same pack goes upstream (down) and fails.
      const upstream = await pack('app', { PACK_URLS: `${origin.origin}/declared.bin` }, ['--enable-fetch-service=strict', '--replayFromStore=false']);
      expect(upstream.code).not.toBe(0);
    } finally {
      origin.route('/declared.bin', serveBytes(declared));
    }
  });

  it('learn mode: a permissive pack, lock-from-report, and the strict pack passes', async () => {
    ws.write('apps/learn/project.json', {
      name: 'learn',
      targets: { pack: { executor: '@hermetic/nx:pack', options: { command: 'node pack.js dist/learn', artifacts: ['dist/learn/app.tgz'] } } },
    });
    ws.write('apps/learn/artifacts.lock.yaml', '# learned below\nmetadata:\n  version: "1.0"\nartifacts: []\n');
    const urls = { PACK_URLS: `${origin.origin}/undeclared.bin` };
    expect((await pack('learn', urls, ['--enable-fetch-service=strict'])).code).not.toBe(0);
    expect((await pack('learn', urls, ['--enable-fetch-service=permissive'])).code).toBe(0);
    const learned = await ws.nx(['g', '@hermetic/nx:lock-from-report', 'learn'], env);
    expect(learned.output).toContain('apps/learn/artifacts.lock.yaml: 1 entry added from dist/learn/learn.session-report.json');
    expect(ws.read('apps/learn/artifacts.lock.yaml').toString()).toContain(`sha256:${sha256(undeclared)}`);
    const strict = await pack('learn', urls, ['--enable-fetch-service=strict']);
    expect({ code: strict.code, output: strict.code ? strict.output : '' }).toEqual({ code: 0, output: '' });
  });

  it('explains a control credential mismatch in one line, naming what to set', async () => {
    const r = await pack('app', { PACK_URLS: '', FETCH_SERVICE_AUTH: 'someone:else' }, ['--enable-fetch-service=strict']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('refused the control credentials (401): give the service and pack the same FETCH_SERVICE_AUTH');
    // No stack frame, whether or not the line carries the task's prefix.
    expect(r.output).not.toMatch(/^(app:pack )?\s+at .*\.(js|ts):\d+/m);
  });
});
