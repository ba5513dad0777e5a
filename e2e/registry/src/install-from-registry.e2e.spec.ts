import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishMaven, serveBytes, startTestServer, TestServer, freePort } from '@hermetic/core/testing/test-server';
import { LocalRegistry } from './local-registry';
import { run, userEnv } from './run';
import { UserWorkspace } from './user-workspace';

/** One release of each Nx major the plugin's peerDependencies admit (the README's table of tested versions). */
const NX_VERSIONS = ['22.7.12', '23.3.2', '24.0.6'];
const REPO = join(__dirname, '..', '..', '..');

jest.setTimeout(600_000);

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Packages a compiled file requires: bare specifiers reduced to their package name, builtins left out. */
function requiredPackages(js: string): string[] {
  return [...js.matchAll(/require\("([^"]+)"\)/g)]
    .map((m) => m[1])
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s))
    .map((s) =>
      s
        .split('/')
        .slice(0, s.startsWith('@') ? 2 : 1)
        .join('/'),
    );
}

/** The project graph's view of one project (`nx show project <p> --json`). */
type ShownProject = { targets: Record<string, { executor?: string; dependsOn?: unknown[]; options?: Record<string, unknown> }> };

/**
 * What users get from the registry: the three packages are built, published to a local verdaccio,
 * and installed into brand-new Nx workspaces (one per supported Nx major) that then use every
 * feature the way the README tells a user to.
 */
describe('installed from a registry', () => {
  const registry = new LocalRegistry();
  const version = `0.0.0-e2e.${Date.now()}`;
  let origin: TestServer;
  const tool = randomBytes(40_000);
  const jar = randomBytes(12_000);

  beforeAll(async () => {
    const build = await run(
      process.execPath,
      [join(REPO, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'run-many', '-t', 'build', '-p', 'core', 'fetch-service', 'nx-plugin'],
      {
        cwd: REPO,
        env: userEnv({ NX_CACHE_DIRECTORY: process.env.NX_CACHE_DIRECTORY }),
      },
    );
    if (build.code !== 0) throw new Error(`build failed:\n${build.output}`);
    await registry.start();
    await registry.publishBuilt(version);
    origin = await startTestServer();
    origin.route('/releases/tool-2.0.tgz', serveBytes(tool));
    publishMaven(origin, '/m2', { group: 'org.example', artifact: 'widget', version: '1.4.0' }, jar);
  });
  afterAll(async () => {
    await origin?.close();
    await registry.stop();
  });

  it('publishes compiled code only, with every package it requires declared', () => {
    for (const lib of ['core', 'fetch-service', 'nx-plugin']) {
      const dir = join(REPO, 'dist', 'libs', lib);
      const files = readdirSync(dir, { recursive: true }).map(String);
      expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
      expect(files.filter((f) => /\.spec\.|(^|\/)testing(\/|\.)/.test(f))).toEqual([]);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      // The lib's own manifest names the same compiled entry points and is private: only the build is published.
      const source = JSON.parse(readFileSync(join(REPO, 'libs', lib, 'package.json'), 'utf8'));
      expect({ lib, private: source.private, published: manifest.private }).toEqual({ lib, private: true, published: undefined });
      expect(JSON.stringify([manifest.main, manifest.types, manifest.exports, manifest.bin])).not.toMatch(/[^d]\.ts"/);
      const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
      const required = files.filter((f) => f.endsWith('.js')).flatMap((f) => requiredPackages(readFileSync(join(dir, f), 'utf8')));
      expect({ lib, undeclared: [...new Set(required)].filter((p) => !declared.has(p)) }).toEqual({ lib, undeclared: [] });
    }
  });

  describe.each(NX_VERSIONS)('Nx %s', (nxVersion) => {
    const serviceDir = mkdtempSync(join(tmpdir(), 'hermetic-user-fs-'));
    let ws: UserWorkspace;

    beforeAll(async () => {
      const [control, proxy] = [await freePort(), await freePort()];
      ws = new UserWorkspace(registry.url, {
        HERMETIC_FETCH_SERVICE_CONTROL_PORT: String(control),
        HERMETIC_FETCH_SERVICE_PROXY_PORT: String(proxy),
        HERMETIC_FETCH_SERVICE_DIR: serviceDir,
      });
      await ws.create(nxVersion);
      ws.write('apps/web/project.json', {
        name: 'web',
        targets: {
          pack: {
            executor: '@hermetic/nx:pack',
            // curl through the session's proxy: the one declared artifact, as the packed result.
            options: { command: `mkdir -p dist/web && curl -sSf -o dist/web/web.tgz ${origin.origin}/releases/tool-2.0.tgz`, artifacts: ['dist/web/web.tgz'] },
            outputs: ['{workspaceRoot}/dist/web'],
          },
        },
      });
    });
    afterAll(async () => {
      await run('pkill', ['-f', '--', `--config=${serviceDir}`], { cwd: ws.root });
      ws.dispose();
    });

    it('npm i -D @hermetic/nx installs from the registry with no build step and no dev dependency', async () => {
      await ws.ok('npm', ['install', '--save-dev', '@hermetic/nx', '--no-audit', '--no-fund']);
      const installed = ws.json<{ version: string; main: string }>('node_modules/@hermetic/nx/package.json');
      expect(installed.version).toBe(version);
      expect(installed.main).toBe('./src/index.js');
      expect(existsSync(join(ws.root, 'node_modules', '@swc-node'))).toBe(false);
      expect(existsSync(join(ws.root, 'node_modules', 'typescript'))).toBe(false);
    });

    it('npx nx add @hermetic/nx registers the plugin and ignores its store and outputs', async () => {
      await ws.nx(['add', '@hermetic/nx']);
      const plugins = ws.json<{ plugins?: Array<string | { plugin: string }> }>('nx.json').plugins ?? [];
      expect(plugins.map((p) => (typeof p === 'string' ? p : p.plugin))).toEqual(['@hermetic/nx']);
      expect(ws.read('.gitignore')).toMatch(/\.nx\/hermetic\n/);
    });

    it('configuration and add-artifact author the lockfile (a URL and a Maven artifact from a loopback server)', async () => {
      await ws.nx(['g', '@hermetic/nx:configuration', 'web', '--no-interactive']);
      await ws.nx(['g', '@hermetic/nx:add-artifact', '--project', 'web', '--url', `${origin.origin}/releases/tool-2.0.tgz`, '--no-interactive']);
      await ws.nx([
        'g',
        '@hermetic/nx:add-artifact',
        '--project',
        'web',
        '--maven',
        'org.example:widget:1.4.0',
        '--repository',
        `${origin.origin}/m2`,
        '--no-interactive',
      ]);
      const lock = ws.read('apps/web/artifacts.lock.yaml');
      expect(lock).toContain(`sha256:${sha256(tool)}`);
      expect(lock).toContain(`sha256:${sha256(jar)}`);
      expect(lock).toMatch(/type: maven/);
    });

    it('nx show project lists the inferred targets', async () => {
      const shown = JSON.parse(await ws.nx(['show', 'project', 'web', '--json'])) as ShownProject;
      expect(Object.keys(shown.targets).sort()).toEqual(expect.arrayContaining(['fetch-deps', 'fetch-generic', 'fetch-maven', 'pack', 'sbom']));
      expect(shown.targets['fetch-generic'].executor).toBe('@hermetic/nx:fetch-generic');
      expect(shown.targets['fetch-deps']).toMatchObject({
        executor: 'nx:run-commands',
        options: { command: 'hermetic verify --lockfile apps/web/artifacts.lock.yaml --output dist/hermetic/apps/web' },
      });
      // Installed, the plugin keeps its inferred targets in Nx's workspace data (the next steps use it).
      expect(readdirSync(join(ws.root, '.nx', 'workspace-data')).some((f) => /^hermetic-targets-.*\.json$/.test(f))).toBe(true);
    });

    it('nx run web:fetch-deps downloads nothing twice, and a second run is a cache hit', async () => {
      const hitsBefore = origin.hits('/releases/tool-2.0.tgz');
      const first = await ws.nx(['run', 'web:fetch-deps']);
      expect(first).toMatch(/Successfully ran target fetch-deps/);
      expect(first).toMatch(/verified 2 file\(s\) against apps\/web\/artifacts\.lock\.yaml in \d+ ms/);
      // add-artifact put both files in the store: the fetch serves them from there.
      expect(origin.hits('/releases/tool-2.0.tgz')).toBe(hitsBefore);
      expect(readFileSync(join(ws.root, 'dist/hermetic/apps/web/deps/generic/tool-2.0.tgz')).equals(tool)).toBe(true);
      expect(readFileSync(join(ws.root, 'dist/hermetic/apps/web/deps/generic/widget-1.4.0.jar')).equals(jar)).toBe(true);
      const second = await ws.nx(['run', 'web:fetch-deps']);
      expect(second).toMatch(/web:fetch-generic.*\[local cache\]/);
    });

    it('fetch-deps runs, and is a cache hit the second time, where no package lock gives Nx the npm packages', async () => {
      // Without one (or with pluginsConfig['@nx/js'].analyzeLockfile: false) an input naming the
      // plugin's package made Nx refuse to hash the task at all.
      const lock = join(ws.root, 'package-lock.json');
      renameSync(lock, `${lock}.aside`);
      try {
        rmSync(join(ws.root, '.nx', 'workspace-data'), { recursive: true, force: true });
        const first = await ws.nx(['run', 'web:fetch-deps']);
        expect(first).toMatch(/Successfully ran target fetch-deps/);
        expect(await ws.nx(['run', 'web:fetch-deps'])).toMatch(/web:fetch-generic.*\[local cache\]/);
      } finally {
        renameSync(`${lock}.aside`, lock);
        rmSync(join(ws.root, '.nx', 'workspace-data'), { recursive: true, force: true });
      }
    });

    it('nx run web:sbom writes a CycloneDX SBOM with both purls', async () => {
      await ws.nx(['run', 'web:sbom']);
      const bom = ws.json<{ specVersion: string; components: Array<{ purl: string }> }>('dist/hermetic/apps/web/bom.json');
      expect(bom.specVersion).toBe('1.6');
      expect(bom.components.map((c) => c.purl).sort()).toEqual([
        `pkg:generic/tool-2.0.tgz?checksum=sha256:${sha256(tool)}&download_url=${origin.origin}/releases/tool-2.0.tgz`,
        `pkg:maven/org.example/widget@1.4.0?checksum=sha256:${sha256(jar)}&repository_url=${origin.origin}/m2&type=jar`,
      ]);
    });

    it('pack runs under a strict session of the installed embedded Fetch Service and writes <artifact>.json', async () => {
      await ws.nx(['run', 'web:pack', '--enable-fetch-service=strict'], { FETCH_SERVICE_AUTH: 'user:e2e-secret' });
      expect(readFileSync(join(ws.root, 'dist/web/web.tgz')).equals(tool)).toBe(true);
      const manifest = ws.json<{ dependencies: Array<{ url?: string; component_name?: string }> }>('dist/web/web.tgz.json');
      expect(JSON.stringify(manifest)).toContain(`${origin.origin}/releases/tool-2.0.tgz`);
      // The service that served the session is the installed package's compiled one.
      const ps = await run('ps', ['-eo', 'args'], { cwd: ws.root });
      expect(ps.output).toContain(join(ws.root, 'node_modules', '@hermetic', 'fetch-service', 'src', 'bin.js'));
    });

    it('npx hermetic runs the installed CLI', async () => {
      expect(await ws.ok('npx', ['--no-install', 'hermetic', '--help'])).toMatch(/fetch-deps/);
      const out = await ws.ok('npx', [
        '--no-install',
        'hermetic',
        'fetch-deps',
        '--lockfile',
        'apps/web/artifacts.lock.yaml',
        '--output',
        'cli-output',
        '--store',
        '.nx/hermetic/store',
      ]);
      expect(out).toMatch(/2 files/);
      expect(readFileSync(join(ws.root, 'cli-output/deps/generic/tool-2.0.tgz')).equals(tool)).toBe(true);
    });
  });

  /**
   * pnpm links only a workspace's direct dependencies into node_modules (and their bins into
   * node_modules/.bin): the plugin must find the core, and `fetch-deps` the `hermetic` it runs,
   * with nothing hoisted.
   */
  const newestNx = NX_VERSIONS[NX_VERSIONS.length - 1];
  describe(`pnpm, Nx ${newestNx}`, () => {
    let ws: UserWorkspace;
    const dist = 'dist/hermetic/apps/web/deps/generic/tool-2.0.tgz';

    beforeAll(async () => {
      ws = new UserWorkspace(registry.url, {}, 'pnpm');
      await ws.create(newestNx);
      ws.write('apps/web/project.json', { name: 'web' });
      ws.write(
        'apps/web/artifacts.lock.yaml',
        `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: ${origin.origin}/releases/tool-2.0.tgz\n    checksum: sha256:${sha256(tool)}\n`,
      );
    });
    afterAll(() => ws.dispose());

    it('nx add @hermetic/nx installs with pnpm: the plugin and its bin, the core not hoisted', async () => {
      await ws.nx(['add', '@hermetic/nx']);
      expect(ws.json<{ version: string }>('node_modules/@hermetic/nx/package.json').version).toBe(version);
      expect(existsSync(join(ws.root, 'node_modules', '@hermetic', 'core'))).toBe(false);
      expect(existsSync(join(ws.root, 'node_modules', '.bin', 'hermetic'))).toBe(true);
    });

    it('nx run web:fetch-deps fetches and re-verifies with the installed CLI; a changed file fails it, named', async () => {
      const first = await ws.nx(['run', 'web:fetch-deps']);
      expect(first).toMatch(/verified 1 file\(s\) against apps\/web\/artifacts\.lock\.yaml in \d+ ms/);
      expect(readFileSync(join(ws.root, dist)).equals(tool)).toBe(true);
      ws.write(dist, 'changed');
      const tampered = await ws.exec('pnpm', ['exec', 'nx', 'run', 'web:fetch-deps', '--exclude-task-dependencies']);
      expect(tampered.code).not.toBe(0);
      expect(tampered.output).toMatch(
        /ChecksumVerificationFailed: 1 fetched file\(s\) of apps\/web\/artifacts\.lock\.yaml do not match it:\n\s+dist\/hermetic\/apps\/web\/deps\/generic\/tool-2\.0\.tgz: sha256 expected/,
      );
    });
  });
});
