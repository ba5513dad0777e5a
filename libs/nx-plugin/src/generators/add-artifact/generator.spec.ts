import { addProjectConfiguration, logger, readNxJson, Tree, updateNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLockfile } from '@hermetic/core';
import { publishMaven, serveBytes, startTestServer, TestServer } from '@hermetic/core/testing/test-server';
import { addArtifactGenerator, parseMavenCoordinates } from './generator';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('add-artifact generator', () => {
  let server: TestServer;
  let tree: Tree;
  const tool = randomBytes(12_000);
  const jar = randomBytes(3_000);
  const store = mkdtempSync(join(tmpdir(), 'hermetic-gen-store-'));

  beforeAll(async () => {
    server = await startTestServer();
    server.route('/releases/tool-2.0.tgz', serveBytes(tool));
    publishMaven(server, '/m2', { group: 'org.example', artifact: 'lib', version: '1.2', classifier: 'sources' }, jar);
    process.env.HERMETIC_STORE_DIR = store;
  });
  afterAll(async () => {
    delete process.env.HERMETIC_STORE_DIR;
    await server.close();
  });
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    addProjectConfiguration(tree, 'web', { root: 'apps/web' });
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  const lock = () => parseLockfile(tree.read('apps/web/artifacts.lock.yaml', 'utf8')!, 'x', { env: {} });

  it('downloads once, computes the checksum and writes a quoted, commented entry (creating the lockfile)', async () => {
    await addArtifactGenerator(tree, { project: 'web', url: `${server.origin}/releases/tool-2.0.tgz`, skipFormat: true });
    const text = tree.read('apps/web/artifacts.lock.yaml', 'utf8')!;
    expect(text).toContain(`  # tool-2.0.tgz: 11.7 KiB, added `);
    expect(text).toContain(`  - download_url: "${server.origin}/releases/tool-2.0.tgz"\n    checksum: "sha256:${sha256(tool)}"\n`);
    expect(lock().artifacts).toHaveLength(1);
    // The bytes are in the store now, so the fetch that follows downloads nothing.
    expect(existsSync(join(store, 'objects/sha256', sha256(tool).slice(0, 2), sha256(tool)))).toBe(true);
    expect(server.hits('/releases/tool-2.0.tgz')).toBe(1);
  });

  it('adds Maven coordinates with type and classifier, and another algorithm', async () => {
    await addArtifactGenerator(tree, {
      project: 'web',
      maven: 'org.example:lib:1.2:jar:sources',
      repository: `${server.origin}/m2`,
      algorithm: 'sha512',
      skipFormat: true,
    });
    const [a] = lock().artifacts;
    expect(a).toMatchObject({ kind: 'maven', filename: 'lib-1.2-sources.jar', maven: { groupId: 'org.example', classifier: 'sources', version: '1.2' } });
    expect(a.checksums[0]).toMatchObject({ algorithm: 'sha512', digest: createHash('sha512').update(jar).digest('hex') });
  });

  it('refuses duplicates before downloading anything', async () => {
    await addArtifactGenerator(tree, { project: 'web', url: `${server.origin}/releases/tool-2.0.tgz`, skipFormat: true });
    const hits = server.hits('/releases/tool-2.0.tgz');
    await expect(addArtifactGenerator(tree, { project: 'web', url: `${server.origin}/releases/tool-2.0.tgz`, skipFormat: true })).rejects.toThrow(
      /already has .*tool-2\.0\.tgz as artifacts\[0\]/,
    );
    await expect(addArtifactGenerator(tree, { project: 'web', url: `${server.origin}/other/tool-2.0.tgz`, skipFormat: true })).rejects.toMatchObject({
      message: expect.stringMatching(/already writes tool-2\.0\.tgz \(artifacts\[0\]/),
      hints: ['pass --filename to choose another target'],
    });
    expect(server.hits('/releases/tool-2.0.tgz')).toBe(hits);
  });

  it('uses the mirrors of nx.json', async () => {
    server.route('/mirror/tool-2.0.tgz', serveBytes(tool));
    const nxJson = readNxJson(tree)!;
    nxJson.plugins = [{ plugin: '@hermetic/nx', options: { mirrors: [{ from: 'https://downloads.example/', to: `${server.origin}/mirror/` }] } }];
    updateNxJson(tree, nxJson);
    await addArtifactGenerator(tree, { project: 'web', url: 'https://downloads.example/tool-2.0.tgz', skipFormat: true });
    expect(lock().artifacts[0]).toMatchObject({
      url: 'https://downloads.example/tool-2.0.tgz',
      checksums: [expect.objectContaining({ digest: sha256(tool) })],
    });
    expect(tree.read('apps/web/artifacts.lock.yaml', 'utf8')).toContain(`(fetched through ${server.origin}/mirror/tool-2.0.tgz)`);
  });

  it('rejects bad input clearly', async () => {
    await expect(addArtifactGenerator(tree, { project: 'web', skipFormat: true })).rejects.toThrow(/exactly one of --url and --maven/);
    expect(() => parseMavenCoordinates('org.example:lib', 'https://r/')).toThrow(/is not groupId:artifactId:version/);
    await expect(addArtifactGenerator(tree, { project: 'web', url: `${server.origin}/missing.bin`, skipFormat: true })).rejects.toThrow(/HTTP 404/);
    // URLs by the lockfile's rules, before any download (an ftp URL was tried five times).
    await expect(addArtifactGenerator(tree, { project: 'web', url: 'ftp://files.example/tool.tgz', skipFormat: true })).rejects.toThrow(
      "--url: URL scheme 'ftp' is not supported",
    );
    await expect(addArtifactGenerator(tree, { project: 'web', url: `http://me:pw@127.0.0.1:1/x.bin`, skipFormat: true })).rejects.toThrow(
      '--url: credentials in the URL would leak into logs and the SBOM',
    );
    expect(() => parseMavenCoordinates('org.example:lib:1.0', 'repo.example/maven2')).toThrow(
      "--repository: 'repo.example/maven2' is not a valid absolute URL",
    );
    expect(tree.exists('apps/web/artifacts.lock.yaml')).toBe(false);
  });
});
