import { createHash, randomBytes } from 'node:crypto';
import { serveBytes, startTestServer, TestServer } from '@hermetic/core/testing/test-server';
import { cycloneDx16Validator } from '@hermetic/core/testing/cyclonedx-schema';
import { NxWorkspace } from './nx-workspace';

jest.setTimeout(180_000);

/** A new user's path: init, configuration, add-artifact, then the SBOM, with real `nx`. */
describe('generators from a clean workspace', () => {
  let server: TestServer;
  let ws: NxWorkspace;
  const tool = randomBytes(25_000);

  beforeAll(async () => {
    server = await startTestServer();
    server.route('/downloads/tool-3.1.tgz', serveBytes(tool));
    ws = new NxWorkspace(false);
    ws.write('.gitignore', 'node_modules\n');
    ws.write('libs/p/project.json', { name: 'p', targets: {} });
  });
  afterAll(async () => {
    await server.close();
    ws.dispose();
  });

  it('init registers the plugin (as `nx add` would) and is idempotent', async () => {
    expect((await ws.nx(['g', '@hermetic/nx:init', '--no-interactive'])).code).toBe(0);
    expect((await ws.nx(['g', '@hermetic/nx:init', '--no-interactive'])).code).toBe(0);
    const nxJson = JSON.parse(ws.read('nx.json').toString());
    expect(nxJson.plugins.filter((p: { plugin?: string }) => p.plugin === '@hermetic/nx')).toHaveLength(1);
    expect(ws.read('.gitignore').toString()).toContain('.nx/hermetic\ndist/hermetic\n');
  });

  it('configuration and add-artifact author a lockfile without hand-computed digests', async () => {
    expect((await ws.nx(['g', '@hermetic/nx:configuration', 'p', '--no-interactive'])).code).toBe(0);
    const add = await ws.nx(['g', '@hermetic/nx:add-artifact', '--project', 'p', '--url', `${server.origin}/downloads/tool-3.1.tgz`, '--no-interactive']);
    expect(add.code).toBe(0);
    const lock = ws.read('libs/p/artifacts.lock.yaml').toString();
    expect(lock).toContain(`checksum: "sha256:${createHash('sha256').update(tool).digest('hex')}"`);
    const again = await ws.nx(['g', '@hermetic/nx:add-artifact', '--project', 'p', '--url', `${server.origin}/downloads/tool-3.1.tgz`, '--no-interactive']);
    expect(again.code).not.toBe(0);
    expect(again.output).toMatch(/already has .*tool-3\.1\.tgz as artifacts\[0\]/);
  });

  it('nx run p:sbom fetches from the store (no second download) and writes a schema-valid CycloneDX 1.6 SBOM', async () => {
    const r = await ws.nx(['run', 'p:sbom']);
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/1 file, .* 0 downloaded .* 1 from store/);
    expect(server.hits('/downloads/tool-3.1.tgz')).toBe(1);
    const bom = JSON.parse(ws.read('dist/hermetic/libs/p/bom.json').toString());
    const validate = cycloneDx16Validator();
    expect(validate(bom)).toBe(true);
    expect(bom.components[0].purl).toBe(
      `pkg:generic/tool-3.1.tgz?checksum=sha256:${createHash('sha256').update(tool).digest('hex')}&download_url=${server.origin}/downloads/tool-3.1.tgz`,
    );
  });

  it('update-checksums confirms the lockfile matches upstream', async () => {
    const r = await ws.nx(['g', '@hermetic/nx:update-checksums', 'p', '--no-interactive']);
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/all 1 checksum\(s\) of libs\/p\/artifacts\.lock\.yaml match upstream/);
  });
});
