import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveBytes, startTestServer, TestServer } from '@hermetic/core/testing/test-server';
import { captureErrors } from '../../testing/capture-logs';
import { fakeContext } from '../../testing/fake-context';
import { TempWorkspace } from '../../testing/temp-workspace';
import executor from './executor';

const fakeContextFor = (root: string, projectRoot: string) => fakeContext(root, { name: 'app', root: projectRoot, target: 'fetch-generic' });

describe('fetch-generic executor', () => {
  let server: TestServer;
  const body = randomBytes(30_000);
  const digest = createHash('sha256').update(body).digest('hex');
  let errors: string[];

  beforeAll(async () => {
    server = await startTestServer();
    server.route('/lib.tgz', serveBytes(body));
  });
  afterAll(() => server.close());
  beforeEach(() => {
    errors = captureErrors();
  });
  afterEach(() => jest.restoreAllMocks());

  function workspace(lock: string) {
    const ws = new TempWorkspace();
    ws.write('apps/app/project.json', { name: 'app' });
    ws.write('apps/app/artifacts.lock.yaml', lock);
    return ws;
  }

  it('fetches URL artifacts into <outputDir>/deps/generic with the default options', async () => {
    const ws = workspace(`metadata:\n  version: "1.0"\nartifacts:\n  - download_url: ${server.origin}/lib.tgz\n    checksum: sha256:${digest}\n`);
    const result = await executor({ storeDir: '.store' }, fakeContextFor(ws.root, 'apps/app'));
    expect(result).toEqual({ success: true });
    expect(readFileSync(join(ws.root, 'dist/hermetic/apps/app/deps/generic/lib.tgz')).equals(body)).toBe(true);
    expect(existsSync(join(ws.root, '.store/objects/sha256', digest.slice(0, 2), digest))).toBe(true);
  });

  it('interpolates {projectRoot} in options', async () => {
    const ws = workspace(`metadata:\n  version: "1.0"\nartifacts:\n  - download_url: ${server.origin}/lib.tgz\n    checksum: sha256:${digest}\n`);
    const result = await executor(
      { lockfile: '{projectRoot}/artifacts.lock.yaml', outputDir: '{workspaceRoot}/out/{projectRoot}', storeDir: '.store' },
      fakeContextFor(ws.root, 'apps/app'),
    );
    expect(result.success).toBe(true);
    expect(existsSync(join(ws.root, 'out/apps/app/deps/generic/lib.tgz'))).toBe(true);
  });

  it('fails with the lockfile path, position and fix on a bad lockfile, and writes nothing', async () => {
    const ws = workspace(`metadata:\n  version: "1.0"\nartifacts:\n  - download_url: ${server.origin}/lib.tgz\n    checksum: sha256:${digest.toUpperCase()}\n`);
    expect(await executor({ storeDir: '.store' }, fakeContextFor(ws.root, 'apps/app'))).toEqual({ success: false });
    expect(errors.join('\n')).toMatch(/apps\/app\/artifacts\.lock\.yaml:5:15: artifacts\[0\]\.checksum: checksum digest must be lower-case hex/);
    expect(existsSync(join(ws.root, 'dist'))).toBe(false);
  });

  it('refuses a lockfile or output directory outside the workspace', async () => {
    const ws = workspace('metadata:\n  version: "1.0"\nartifacts: []\n');
    expect(await executor({ lockfile: '../../etc/artifacts.lock.yaml' }, fakeContextFor(ws.root, 'apps/app'))).toEqual({ success: false });
    expect(errors.pop()).toMatch(/PathOutsideRoot: lockfile .* is outside the workspace/);
    expect(await executor({ outputDir: '/tmp/elsewhere' }, fakeContextFor(ws.root, 'apps/app'))).toEqual({ success: false });
    expect(errors.pop()).toMatch(/outputDir .* is outside the workspace/);
  });
});
