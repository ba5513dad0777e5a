import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { publishMaven, requireHeader, startTestServer, TestServer } from '@hermetic/core/testing/test-server';
import { NxWorkspace } from './nx-workspace';

jest.setTimeout(180_000);

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const SECRET = `s3cret-${randomBytes(6).toString('hex')}`;
const hasMaven = (() => {
  try {
    execFileSync('mvn', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function pom(group: string, artifact: string, version: string, packaging = 'jar'): Buffer {
  return Buffer.from(
    `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion><groupId>${group}</groupId><artifactId>${artifact}</artifactId><version>${version}</version><packaging>${packaging}</packaging></project>\n`,
  );
}

/** Every file below `dir` (node_modules and the copied sources left out). */
function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'libs') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** `nx run <project>:fetch-maven` end to end, with a loopback Maven repository. */
describe('fetch-maven', () => {
  let server: TestServer;
  let ws: NxWorkspace;
  const jar = randomBytes(30_000);
  const parent = pom('org.acme', 'acme-parent', '2.0', 'pom');
  const privateJar = randomBytes(4_000);
  const layout = 'dist/hermetic/apps/svc/deps/maven';
  const outputs: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    publishMaven(server, '/m2', { group: 'org.acme', artifact: 'core', version: '2.0' }, jar);
    publishMaven(server, '/m2', { group: 'org.acme', artifact: 'acme-parent', version: '2.0', ext: 'pom' }, parent);
    const auth = `Basic ${Buffer.from(`ci:${SECRET}`).toString('base64')}`;
    publishMaven(server, '/private', { group: 'org.acme', artifact: 'secret', version: '1.0' }, privateJar, {
      guard: (h) => requireHeader('authorization', auth, h),
    });
    ws = new NxWorkspace({ mavenLayout: true, verifySidecars: true });
    ws.write('apps/svc/project.json', { name: 'svc', targets: {} });
    ws.write(
      'apps/svc/artifacts.lock.yaml',
      `metadata:
  version: "2.0"
artifacts:
  - type: maven
    checksum: sha256:${sha256(jar)}
    attributes: { repository_url: "${server.origin}/m2", group_id: org.acme, artifact_id: core, version: "2.0" }
  - type: maven
    checksum: sha256:${sha256(parent)}
    attributes: { repository_url: "${server.origin}/m2", group_id: org.acme, artifact_id: acme-parent, version: "2.0", type: pom }
  - type: maven
    checksum: sha256:${sha256(privateJar)}
    attributes: { repository_url: "${server.origin}/private", group_id: org.acme, artifact_id: secret, version: "1.0" }
    auth: { basic: { username: ci, password: "$REPO_PASSWORD" } }
`,
    );
  });
  afterAll(async () => {
    await server.close();
    ws.dispose();
  });

  it('is inferred with the Maven layout as outputs', async () => {
    const r = await ws.nx(['show', 'project', 'svc', '--json']);
    const project = JSON.parse(r.output.slice(r.output.indexOf('{')));
    expect(project.targets['fetch-maven']).toMatchObject({
      executor: '@hermetic/nx:fetch-maven',
      options: { mavenLayout: true, verifySidecars: true },
      outputs: expect.arrayContaining([`{workspaceRoot}/${layout}/org/acme/core/2.0/core-2.0.jar`, `{workspaceRoot}/${layout}/settings.xml`]),
    });
  });

  it('fails clearly without the credentials and never prints what it has', async () => {
    const r = await ws.nx(['run', 'svc:fetch-maven'], { REPO_PASSWORD: 'wrong-password' });
    outputs.push(r.output);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/AuthenticationFailed: artifacts\[2\] \(secret-1\.0\.jar\): cannot download .*HTTP 401 .*the credentials were refused/);
    expect(r.output).not.toContain('wrong-password');
  });

  it('fetches with the credentials, into deps/generic and a Maven repository', async () => {
    const r = await ws.nx(['run', 'svc:fetch-deps'], { REPO_PASSWORD: SECRET });
    outputs.push(r.output);
    expect(r.code).toBe(0);
    expect(ws.read('dist/hermetic/apps/svc/deps/generic/core-2.0.jar').equals(jar)).toBe(true);
    expect(ws.read(`${layout}/org/acme/acme-parent/2.0/acme-parent-2.0.pom`).equals(parent)).toBe(true);
    expect(ws.read(`${layout}/org/acme/secret/1.0/secret-1.0.jar`).equals(privateJar)).toBe(true);
    expect(ws.read(`${layout}/settings.xml`).toString()).toContain('<mirrorOf>*</mirrorOf>');
    expect(server.hits('/m2/org/acme/core/2.0/core-2.0.jar.sha256')).toBeGreaterThan(0);

    const again = await ws.nx(['run', 'svc:fetch-deps'], { REPO_PASSWORD: SECRET });
    outputs.push(again.output);
    expect(again.output).toMatch(/svc:fetch-maven.*\[(local cache|existing outputs match)/);
  });

  (hasMaven ? it : it.skip)('is usable by mvn -o -Dmaven.repo.local and by its settings.xml (Maven resolves a parent POM from it)', async () => {
    const consumer = (parentVersion: string) =>
      ws.write(
        'consumer/pom.xml',
        `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion><parent><groupId>org.acme</groupId><artifactId>acme-parent</artifactId><version>${parentVersion}</version></parent><artifactId>consumer</artifactId></project>\n`,
      );
    const mvn = (args: string[]) =>
      new Promise<number>((resolve) =>
        execFile('mvn', ['-B', '-q', '-f', join(ws.root, 'consumer/pom.xml'), ...args, 'validate'], (err) => resolve(err ? 1 : 0)),
      );
    consumer('2.0');
    expect(await mvn(['-o', `-Dmaven.repo.local=${join(ws.root, layout)}`])).toBe(0);
    expect(await mvn(['-s', join(ws.root, layout, 'settings.xml'), `-Dmaven.repo.local=${join(ws.root, 'tmp-m2')}`])).toBe(0);
    // Strict checksums: Maven finds the .sha1 the layout writes beside each file, and trusts it.
    expect(await mvn(['-C', '-s', join(ws.root, layout, 'settings.xml'), `-Dmaven.repo.local=${join(ws.root, 'tmp-m2-strict')}`])).toBe(0);
    // A parent the lockfile does not declare cannot be resolved: the check can fail.
    consumer('9.9');
    expect(await mvn(['-o', `-Dmaven.repo.local=${join(ws.root, layout)}`])).not.toBe(0);
  });

  it('leaves the secret in no file it wrote and no output it printed', () => {
    const leaks = walk(ws.root).filter((f) => {
      const text = readFileSync(f).toString('latin1');
      return text.includes(SECRET) || text.includes(Buffer.from(`ci:${SECRET}`).toString('base64'));
    });
    expect(leaks).toEqual([]);
    expect(outputs.join('\n')).not.toContain(SECRET);
    expect(existsSync(join(ws.root, '.nx', 'cache'))).toBe(true);
    expect(statSync(join(ws.root, layout, 'settings.xml')).size).toBeGreaterThan(0);
  });
});
