import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HermeticError } from '../errors';
import { parseNetrc } from '../http/netrc';
import { parseLockfile } from '../lockfile/parse-lockfile';
import { ContentStore } from '../store/content-store';
import { redirect, requireHeader, serveBytes, startTestServer, status, TestServer } from '../testing/test-server';
import { fetchArtifacts, FetchOptions } from './fetch-artifacts';

const hash = (alg: string, b: Buffer) => createHash(alg).update(b).digest('hex');
const fast = { attempts: 2, baseDelayMs: 5, maxDelayMs: 10, readTimeoutMs: 500 };
const ENV = { TOKEN: 's3cr3t-token', REPO_PW: 'pw-for-repo' };
const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;

/** A loopback Maven repository: the artifact under its layout path, with optional checksum files. */
function publish(server: TestServer, repo: string, path: string, body: Buffer, sidecars: Record<string, string> = {}) {
  server.route(`${repo}/${path}`, serveBytes(body));
  for (const [alg, text] of Object.entries(sidecars)) server.route(`${repo}/${path}.${alg}`, serveBytes(Buffer.from(text)));
}

describe('fetching Maven artifacts', () => {
  let repo: TestServer;
  let mirror: TestServer;
  let root: string;
  const jar = randomBytes(40_000);
  const pom = Buffer.from(
    '<project><modelVersion>4.0.0</modelVersion><groupId>org.example</groupId><artifactId>lib</artifactId><version>1.2</version></project>\n',
  );
  const sources = randomBytes(9_000);
  const zip = randomBytes(7_000);

  beforeAll(async () => {
    repo = await startTestServer();
    mirror = await startTestServer();
    publish(repo, '/m2', 'org/example/lib/1.2/lib-1.2.jar', jar, { sha1: `${hash('sha1', jar)}  lib-1.2.jar\n`, sha256: hash('sha256', jar) });
    publish(repo, '/m2', 'org/example/lib/1.2/lib-1.2.pom', pom);
    publish(repo, '/m2', 'org/example/lib/1.2/lib-1.2-sources.jar', sources, { sha1: 'f'.repeat(40) });
    publish(repo, '/m2', 'org/example/dist/1.2/dist-1.2-bin.zip', zip);
  });
  afterAll(async () => {
    await repo.close();
    await mirror.close();
  });
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hermetic-maven-'));
  });

  function maven(version: '1.0' | '2.0', entries: string[]) {
    return parseLockfile(`metadata:\n  version: "${version}"\nartifacts:\n${entries.join('')}`, 'app/artifacts.lock.yaml', { env: ENV });
  }
  function entry(g: string, a: string, v: string, body: Buffer, extra = '', base = repo.origin) {
    return `  - type: maven\n    checksum: sha256:${hash('sha256', body)}\n    attributes:\n      repository_url: ${base}/m2\n      group_id: ${g}\n      artifact_id: ${a}\n      version: "${v}"\n${extra}`;
  }
  const lib = (extra = '', base?: string) => entry('org.example', 'lib', '1.2', jar, extra, base);
  function run(l: ReturnType<typeof maven>, extra: Partial<FetchOptions> = {}) {
    return fetchArtifacts(l, {
      outputDir: join(root, 'out'),
      store: new ContentStore(join(root, 'store')),
      kinds: ['maven'],
      recordName: 'fetch-maven',
      policy: fast,
      env: ENV,
      ...extra,
    });
  }

  it('fetches jar, pom, classifier and non-jar types into deps/generic and, opt-in, a Maven repository layout', async () => {
    const l = maven('1.0', [
      lib(),
      entry('org.example', 'lib', '1.2', pom, '      type: pom\n'),
      entry('org.example', 'lib', '1.2', sources, '      classifier: sources\n'),
      entry('org.example', 'dist', '1.2', zip, '      classifier: bin\n      type: zip\n'),
    ]);
    const r = await run(l, { mavenLayout: true });
    expect(r.summary.downloaded).toBe(4);
    for (const f of ['lib-1.2.jar', 'lib-1.2.pom', 'lib-1.2-sources.jar', 'dist-1.2-bin.zip']) expect(existsSync(join(root, 'out/deps/generic', f))).toBe(true);
    const layout = join(root, 'out/deps/maven/org/example/lib/1.2');
    expect(readFileSync(join(layout, 'lib-1.2.jar')).equals(jar)).toBe(true);
    expect(readFileSync(join(layout, 'lib-1.2.pom')).equals(pom)).toBe(true);
    expect(statSync(join(layout, 'lib-1.2.jar')).ino).toBe(statSync(join(root, 'out/deps/generic/lib-1.2.jar')).ino);
    // The checksum files Maven expects (mvn -C), from the verified bytes.
    expect(readFileSync(join(layout, 'lib-1.2.jar.sha1'), 'utf8')).toBe(createHash('sha1').update(jar).digest('hex'));
    expect(readFileSync(join(layout, 'lib-1.2.pom.md5'), 'utf8')).toBe(createHash('md5').update(pom).digest('hex'));
    expect(existsSync(join(root, 'out/deps/maven/org/example/dist/1.2/dist-1.2-bin.zip'))).toBe(true);
    const settings = readFileSync(join(root, 'out/deps/maven/settings.xml'), 'utf8');
    expect(settings).toContain('<mirrorOf>*</mirrorOf>');
    expect(settings).toContain(`<url>file://${join(root, 'out/deps/maven')}</url>`);
    expect(r.record.files.at(0)).toMatchObject({ kind: 'maven', mavenPath: 'org/example/lib/1.2/lib-1.2.jar' });
  });

  it('reports an auth variable unset at fetch time as a lockfile problem, naming only the variable', async () => {
    const l = maven('2.0', [lib('    auth: { bearer: { value: "$TOKEN" } }\n')]);
    await expect(run(l, { env: {} })).rejects.toThrow(
      /app\/artifacts\.lock\.yaml: artifacts\[0\] \(lib-1\.2\.jar\): environment variable 'TOKEN' referenced in auth config is not set/,
    );
  });

  it('removes the Maven layout files when the layout is switched off', async () => {
    const l = maven('1.0', [lib()]);
    await run(l, { mavenLayout: true });
    const r = await run(l);
    expect(r.removed).toEqual(['maven/org/example/lib/1.2/lib-1.2.jar']);
    expect(existsSync(join(root, 'out/deps/generic/lib-1.2.jar'))).toBe(true);
  });

  describe('repository checksum files', () => {
    it('accepts matching .sha1/.sha256 files and works when they are absent', async () => {
      const r = await run(maven('1.0', [lib(), entry('org.example', 'lib', '1.2', pom, '      type: pom\n')]), { verifySidecars: true });
      expect(r.summary.downloaded).toBe(2);
      expect(repo.hits('/m2/org/example/lib/1.2/lib-1.2.jar.sha1')).toBeGreaterThan(0);
      expect(repo.hits('/m2/org/example/lib/1.2/lib-1.2.pom.sha512')).toBeGreaterThan(0);
    });

    it('fails when the repository disagrees with the lockfile, naming both values, and leaves nothing', async () => {
      const err: HermeticError = await run(maven('1.0', [entry('org.example', 'lib', '1.2', sources, '      classifier: sources\n')]), {
        verifySidecars: true,
      }).catch((e) => e);
      expect(err.code).toBe('ChecksumVerificationFailed');
      expect(err.message).toContain(`lib-1.2-sources.jar.sha1 says ${'f'.repeat(40)}, the verified bytes have sha1 ${hash('sha1', sources)}`);
      expect(existsSync(join(root, 'out/deps/generic/lib-1.2-sources.jar'))).toBe(false);
    });

    it('also checks artifacts served from the store', async () => {
      const l = maven('1.0', [entry('org.example', 'lib', '1.2', sources, '      classifier: sources\n')]);
      await run(l);
      await expect(run(l, { verifySidecars: true, outputDir: join(root, 'again') })).rejects.toMatchObject({ code: 'ChecksumVerificationFailed' });
    });
  });

  describe('mirrors and host rules', () => {
    it('downloads from the mirror while the record keeps the original URL', async () => {
      publish(mirror, '/central', 'org/example/lib/1.2/lib-1.2.jar', jar);
      const original = 'https://repo1.invalid:8443';
      const r = await run(maven('1.0', [lib('', original)]), { mirrors: [{ from: `${original}/m2/`, to: `${mirror.origin}/central/` }] });
      expect(r.summary.downloaded).toBe(1);
      expect(r.record.files.at(0)).toMatchObject({
        url: `${original}/m2/org/example/lib/1.2/lib-1.2.jar`,
        fetchedFrom: `${mirror.origin}/central/org/example/lib/1.2/lib-1.2.jar`,
      });
    });

    it('never sends lockfile credentials to a mirror; the mirror gets its .netrc entry', async () => {
      const path = '/central/org/example/lib/1.2/lib-1.2.jar';
      mirror.route(path, requireHeader('authorization', basic('mirror-user', 'mirror-pw'), serveBytes(jar)));
      const l = maven('2.0', [lib('    auth: { bearer: { value: "Bearer $TOKEN" } }\n', 'https://repo1.invalid')]);
      const netrc = parseNetrc(`machine 127.0.0.1 login mirror-user password mirror-pw`);
      const before = mirror.requests.length;
      await run(l, { mirrors: [{ from: 'https://repo1.invalid/m2/', to: `${mirror.origin}/central/` }], netrc });
      const seen = mirror.requests
        .slice(before)
        .filter((q) => q.path === path)
        .map((q) => q.headers.authorization);
      expect(seen).toEqual([basic('mirror-user', 'mirror-pw')]);
    });

    it('refuses forbidden hosts before downloading anything', async () => {
      const before = repo.requests.length;
      const err: HermeticError = await run(maven('1.0', [lib(), entry('org.example', 'lib', '1.2', pom, '      type: pom\n')]), {
        hosts: { block: ['127.0.0.1'] },
      }).catch((e) => e);
      expect(err.code).toBe('InvalidInput');
      expect(err.message).toMatch(/2 artifact\(s\) would contact a forbidden host/);
      expect(err.message).toMatch(/host 127\.0\.0\.1 is blocked \(rule '127\.0\.0\.1'\)/);
      expect(repo.requests.length).toBe(before);
      await expect(run(maven('1.0', [lib()]), { hosts: { allow: ['nexus.corp'] } })).rejects.toThrow(/not in the allowed hosts \(nexus\.corp\)/);
    });

    it('lets a mirror move artifacts to an allowed host', async () => {
      publish(mirror, '/central', 'org/example/lib/1.2/lib-1.2.pom', pom);
      const r = await run(maven('1.0', [entry('org.example', 'lib', '1.2', pom, '      type: pom\n', 'https://repo1.maven.org')]), {
        mirrors: [{ from: 'https://repo1.maven.org/m2/', to: `${mirror.origin}/central/` }],
        hosts: { allow: ['127.0.0.1'] },
      });
      expect(r.summary.downloaded).toBe(1);
    });
  });

  describe('authenticated repositories', () => {
    const privateJar = randomBytes(5_000);
    beforeAll(() => {
      repo.route('/private/m2/org/example/secret/1.0/secret-1.0.jar', requireHeader('authorization', basic('deployer', 'pw-for-repo'), serveBytes(privateJar)));
      repo.route('/bearer/m2/org/example/secret/1.0/secret-1.0.jar', requireHeader('x-token', 's3cr3t-token', serveBytes(privateJar)));
    });
    const secret = (path: string, auth: string) =>
      `  - type: maven\n    checksum: sha256:${hash('sha256', privateJar)}\n    attributes: { repository_url: "${repo.origin}/${path}/m2", group_id: org.example, artifact_id: secret, version: "1.0" }\n${auth}`;

    it('basic: 401 without credentials (reported as an authentication problem), 200 with', async () => {
      const err: HermeticError = await run(maven('1.0', [secret('private', '')])).catch((e) => e);
      expect(err.code).toBe('AuthenticationFailed');
      expect(err.hints.join()).toMatch(/add an 'auth' section/);
      const ok = await run(maven('2.0', [secret('private', '    auth: { basic: { username: deployer, password: "$REPO_PW" } }\n')]), {
        outputDir: join(root, 'ok'),
      });
      expect(ok.summary.downloaded).toBe(1);
    });

    it('bearer with a custom header, and .netrc for hosts without lockfile auth', async () => {
      const ok = await run(maven('2.0', [secret('bearer', '    auth: { bearer: { header: X-Token, value: "$TOKEN" } }\n')]));
      expect(ok.summary.downloaded).toBe(1);
      const viaNetrc = await run(maven('1.0', [secret('private', '')]), {
        netrc: parseNetrc('machine 127.0.0.1 login deployer password pw-for-repo'),
        outputDir: join(root, 'n'),
        store: new ContentStore(join(root, 'store2')),
      });
      expect(viaNetrc.summary.downloaded).toBe(1);
    });

    it('drops credentials on a redirect to another host', async () => {
      mirror.route('/elsewhere.jar', serveBytes(privateJar));
      repo.route('/redir/m2/org/example/secret/1.0/secret-1.0.jar', redirect(`${mirror.origin}/elsewhere.jar`));
      await run(maven('2.0', [secret('redir', '    auth: { bearer: { header: X-Token, value: "$TOKEN" } }\n')]));
      expect(repo.requests.find((q) => q.path.startsWith('/redir/'))?.headers['x-token']).toBe('s3cr3t-token');
      expect(mirror.requests.find((q) => q.path === '/elsewhere.jar')?.headers['x-token']).toBeUndefined();
    });

    it('never puts a secret in an error message', async () => {
      repo.route('/denied/m2/org/example/secret/1.0/secret-1.0.jar', status(403));
      const err: HermeticError = await run(maven('2.0', [secret('denied', '    auth: { basic: { username: deployer, password: "$REPO_PW" } }\n')])).catch(
        (e) => e,
      );
      expect(err.code).toBe('AuthenticationFailed');
      expect(`${err.message}\n${err.hints.join('\n')}`).not.toMatch(/pw-for-repo|s3cr3t-token|ZGVwbG95ZXI/);
    });
  });
});
