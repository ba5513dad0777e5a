import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { publishMaven, startTestServer, TestServer } from '@hermetic/core/testing/test-server';
import { captureErrors } from '../../testing/capture-logs';
import { fakeContext } from '../../testing/fake-context';
import { TempWorkspace } from '../../testing/temp-workspace';
import executor from './executor';

const context = (root: string, pluginOptions: object) =>
  fakeContext(root, { name: 'svc', root: 'svc', target: 'fetch-maven' }, { plugins: ['@nx/js', { plugin: '@hermetic/nx', options: pluginOptions }] });

describe('fetch-maven executor', () => {
  let server: TestServer;
  const jar = randomBytes(8_000);
  let errors: string[];
  let ws: TempWorkspace;

  beforeAll(async () => {
    server = await startTestServer();
    publishMaven(server, '/nexus/central', { group: 'com.example', artifact: 'lib', version: '3.1' }, jar);
  });
  afterAll(() => server.close());
  beforeEach(() => {
    errors = captureErrors();
    ws = new TempWorkspace();
    ws.write('svc/project.json', { name: 'svc' });
    ws.write(
      'svc/artifacts.lock.yaml',
      `metadata:\n  version: "1.0"\nartifacts:\n  - type: maven\n    checksum: sha256:${createHash('sha256').update(jar).digest('hex')}\n    attributes: { repository_url: "https://repo1.maven.org/maven2", group_id: com.example, artifact_id: lib, version: "3.1" }\n`,
    );
  });
  afterEach(() => jest.restoreAllMocks());

  it('applies the mirrors and host rules written once in nx.json', async () => {
    const options = { mirrors: [{ from: 'https://repo1.maven.org/maven2/', to: `${server.origin}/nexus/central/` }], blockHosts: ['repo1.maven.org'] };
    const result = await executor({ storeDir: '.store', mavenLayout: true, verifySidecars: true }, context(ws.root, options));
    expect(errors).toEqual([]);
    expect(result).toEqual({ success: true });
    expect(existsSync(join(ws.root, 'dist/hermetic/svc/deps/generic/lib-3.1.jar'))).toBe(true);
    expect(existsSync(join(ws.root, 'dist/hermetic/svc/deps/maven/com/example/lib/3.1/lib-3.1.jar'))).toBe(true);
  });

  it('fails fast on a blocked host, naming the artifact and the rule', async () => {
    const result = await executor({ storeDir: '.store' }, context(ws.root, { blockHosts: ['repo1.maven.org'] }));
    expect(result).toEqual({ success: false });
    expect(errors.join('\n')).toMatch(/artifacts\[0\] \(lib-3\.1\.jar\) https:\/\/repo1\.maven\.org\/.*: host repo1\.maven\.org is blocked/);
  });
});
