import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestServer, TestServer } from '@hermetic/core/testing/test-server';
import { E2eFetchService, startE2eFetchService } from './e2e-fetch-service';
import { NpmRegistry, Published } from './npm-registry';
import { PypiIndex, Wheel } from './pypi-index';
import { NxWorkspace } from './nx-workspace';

jest.setTimeout(240_000);

/**
 * Strict sessions that real package managers pass: `pack` runs a real `npm ci` from a loopback
 * registry through a strict session, and every tarball is approved by the project's own
 * package-lock.json; a tampered tarball is refused naming the package and the lockfile.
 */
describe('strict pack with package-manager lockfiles', () => {
  let origin: TestServer;
  let registry: NpmRegistry;
  let ws: NxWorkspace;
  let env: NodeJS.ProcessEnv;
  let depB: Published;
  let pypi: PypiIndex;
  let wheel: Wheel;
  let service: E2eFetchService;

  beforeAll(async () => {
    origin = await startTestServer();
    registry = new NpmRegistry(origin);
    depB = registry.publish('dep-b', '1.0.0');
    registry.publish('dep-a', '1.0.0', { 'dep-b': '^1.0.0' });
    registry.publish('@demo/c', '2.0.0');
    pypi = new PypiIndex(origin);
    wheel = await pypi.publish('demo-pkg', '1.0.0');
    service = await startE2eFetchService();
    env = service.env;
    ws = new NxWorkspace();
    // The project's own lockfile, written by a real npm from the registry (no proxy involved).
    ws.write('apps/web/package.json', { name: 'web', version: '1.0.0', private: true, dependencies: { 'dep-a': '^1.0.0', '@demo/c': '^2.0.0' } });
    // Asynchronously: the registry is served by this process.
    await promisify(execFile)('npm', ['install', '--package-lock-only', '--registry', registry.url, '--no-audit', '--no-fund'], {
      cwd: join(ws.root, 'apps/web'),
      env: { ...process.env, npm_config_cache: mkdtempSync(join(tmpdir(), 'hermetic-npm-cache-')) },
    });
    ws.write('apps/web/project.json', {
      name: 'web',
      targets: {
        pack: {
          executor: '@hermetic/nx:pack',
          options: {
            // A fresh npm cache each time, so every tarball really goes through the session.
            command: `cd apps/web && npm ci --registry ${registry.url} --no-audit --no-fund --fetch-retries=0 --cache "$(mktemp -d)" && mkdir -p ../../dist/web && tar czf ../../dist/web/web.tgz node_modules`,
            artifacts: ['dist/web/web.tgz'],
            enableFetchService: 'strict',
          },
        },
      },
    });
    // pnpm's own lockfile (v9: no tarball URLs; they are the registry's), from the registry.
    const pnpm = join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'pnpm');
    ws.write('apps/pn/package.json', { name: 'pn', version: '1.0.0', private: true, dependencies: { 'dep-a': '^1.0.0' } });
    await promisify(execFile)(pnpm, ['install', '--lockfile-only', '--registry', registry.url, '--ignore-workspace'], {
      cwd: join(ws.root, 'apps/pn'),
      env: { ...process.env, npm_config_store_dir: mkdtempSync(join(tmpdir(), 'hermetic-pnpm-store-')) },
    });
    ws.write('apps/pn/project.json', {
      name: 'pn',
      targets: {
        pack: {
          executor: '@hermetic/nx:pack',
          options: {
            command: `cd apps/pn && ${pnpm} install --frozen-lockfile --ignore-workspace --registry ${registry.url} --store-dir "$(mktemp -d)" && mkdir -p ../../dist/pn && tar czf ../../dist/pn/pn.tgz node_modules`,
            artifacts: ['dist/pn/pn.tgz'],
            enableFetchService: 'strict',
          },
        },
      },
    });
    // pip's hash-checking mode: the requirements file pins the wheel's sha256.
    ws.write('apps/py/requirements.txt', `demo-pkg==1.0.0 \\\n    --hash=sha256:${wheel.sha256}\n`);
    ws.write('apps/py/project.json', {
      name: 'py',
      targets: {
        pack: {
          executor: '@hermetic/nx:pack',
          options: {
            command: `python3 -m pip install --require-hashes --no-cache-dir --disable-pip-version-check --retries 0 --index-url ${pypi.url} --target dist/py/site -r apps/py/requirements.txt && tar czf dist/py/py.tgz -C dist/py site`,
            artifacts: ['dist/py/py.tgz'],
            enableFetchService: 'strict',
          },
        },
      },
    });
  });
  afterAll(async () => {
    await origin.close();
    service.stop();
    ws.dispose();
  });

  const pack = (project = 'web') => ws.nx(['run', `${project}:pack`, '--skip-nx-cache'], env);
  const report = (project = 'web') => JSON.parse(readFileSync(join(ws.root, `dist/${project}/${project}.session-report.json`), 'utf8'));

  it('npm ci passes a strict session: every tarball approved by its package-lock.json entry, packuments as metadata', async () => {
    const r = await pack();
    expect({ code: r.code, output: r.code ? r.output : '' }).toEqual({ code: 0, output: '' });
    expect(r.output).toMatch(/apps\/web\/package-lock\.json pins 3 package\(s\)/);
    const rep = report();
    const tarballs = rep.artifacts.map((a: any) => ({ result: a.result, purl: a.metadata.purl, pinnedBy: a.metadata['pinned-by'] }));
    expect(tarballs).toEqual(
      expect.arrayContaining([
        { result: 'Approved', purl: 'pkg:npm/dep-a@1.0.0', pinnedBy: 'apps/web/package-lock.json: node_modules/dep-a' },
        { result: 'Approved', purl: 'pkg:npm/dep-b@1.0.0', pinnedBy: 'apps/web/package-lock.json: node_modules/dep-b' },
        { result: 'Approved', purl: 'pkg:npm/%40demo/c@2.0.0', pinnedBy: 'apps/web/package-lock.json: node_modules/@demo/c' },
      ]),
    );
    expect(tarballs).toHaveLength(3);
    expect(rep['package-metadata'] ?? []).toEqual(
      (rep['package-metadata'] ?? []).map(() => expect.objectContaining({ 'pinned-by': expect.stringMatching(/^apps\/web\/package-lock\.json: /) })),
    );
    const manifest = JSON.parse(readFileSync(join(ws.root, 'dist/web/web.tgz.json'), 'utf8'));
    expect(manifest.dependencies).toHaveLength(3);
  });

  it('a tarball tampered on the registry is refused, naming the package and the lockfile', async () => {
    registry.tamper(depB);
    try {
      const r = await pack();
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(/dep-b@1\.0\.0: the bytes do not match apps\/web\/package-lock\.json: node_modules\/dep-b/);
      expect(r.output).toContain('The strict fetch-service session rejected downloads: pack fails.');
    } finally {
      registry.restore(depB);
    }
  });

  it('pip install --require-hashes passes a strict session: the wheel approved by requirements.txt, the index page as metadata', async () => {
    const r = await pack('py');
    expect({ code: r.code, output: r.code ? r.output : '' }).toEqual({ code: 0, output: '' });
    const rep = report('py');
    expect(rep.artifacts.map((a: any) => ({ result: a.result, purl: a.metadata.purl, pinnedBy: a.metadata['pinned-by'] }))).toEqual([
      { result: 'Approved', purl: 'pkg:pypi/demo-pkg@1.0.0', pinnedBy: 'apps/py/requirements.txt: demo-pkg==1.0.0' },
    ]);
    expect(rep['package-metadata']).toEqual([expect.objectContaining({ package: 'pypi:demo-pkg', url: expect.stringContaining('/simple/demo-pkg/') })]);
  });

  it('a wheel tampered on the index is refused, naming the requirements file', async () => {
    pypi.tamper(wheel);
    try {
      const r = await pack('py');
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(/demo-pkg@1\.0\.0: the bytes do not match apps\/py\/requirements\.txt: demo-pkg==1\.0\.0/);
    } finally {
      pypi.restore(wheel);
    }
  });

  it('pnpm install --frozen-lockfile passes a strict session: every tarball approved by pnpm-lock.yaml', async () => {
    const r = await pack('pn');
    expect({ code: r.code, output: r.code ? r.output : '' }).toEqual({ code: 0, output: '' });
    const rep = report('pn');
    expect(rep.artifacts.map((a: any) => ({ result: a.result, purl: a.metadata.purl, pinnedBy: a.metadata['pinned-by'] }))).toEqual(
      expect.arrayContaining([
        { result: 'Approved', purl: 'pkg:npm/dep-a@1.0.0', pinnedBy: 'apps/pn/pnpm-lock.yaml: dep-a@1.0.0' },
        { result: 'Approved', purl: 'pkg:npm/dep-b@1.0.0', pinnedBy: 'apps/pn/pnpm-lock.yaml: dep-b@1.0.0' },
      ]),
    );
    expect(rep.artifacts).toHaveLength(2);
  });
});
