import { CreateNodesContextV2 } from '@nx/devkit';
import { TempWorkspace } from '../testing/temp-workspace';
import { logger } from '../utils/devkit';
import { createNodes, createNodesV2 } from './plugin';

const SHA = `sha256:${'a'.repeat(64)}`;
const LOCK = `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: https://h/tool.tgz\n    checksum: ${SHA}\n    filename: tools/tool.tgz\n  - download_url: https://h/data.bin\n    checksum: ${SHA}\n  - type: maven\n    checksum: ${SHA}\n    attributes: { repository_url: "https://r/m2", group_id: g, artifact_id: a, version: "1" }\n`;

describe('createNodes', () => {
  let ws: TempWorkspace;
  let context: CreateNodesContextV2;

  beforeEach(() => {
    ws = new TempWorkspace();
    // A package manager's lockfile, as every installed workspace has: Nx's graph then holds its npm packages.
    ws.write('package-lock.json', { lockfileVersion: 3, packages: {} });
    context = { nxJsonConfiguration: {}, workspaceRoot: ws.root };
  });

  const run = (files: string[], options?: object) => createNodes[1](files, options, context);

  it('matches every artifacts.lock.yaml and is also exported as createNodesV2', () => {
    expect(createNodes[0]).toBe('**/artifacts.lock.yaml');
    expect(createNodesV2).toBe(createNodes);
  });

  it('infers cached fetch-generic and fetch-deps targets on the project owning the lockfile', async () => {
    ws.write('apps/web/project.json', { name: 'web' });
    ws.write('apps/web/artifacts.lock.yaml', LOCK);
    const [[file, result]] = await run(['apps/web/artifacts.lock.yaml']);
    expect(file).toBe('apps/web/artifacts.lock.yaml');
    const targets = result.projects!['apps/web'].targets!;
    expect(Object.keys(targets)).toEqual(['fetch-generic', 'fetch-maven', 'sbom', 'fetch-deps']);
    expect(targets['fetch-generic']).toMatchObject({
      executor: '@hermetic/nx:fetch-generic',
      cache: true,
      options: {
        lockfile: 'apps/web/artifacts.lock.yaml',
        outputDir: 'dist/hermetic/apps/web',
        concurrency: 8,
        lockfileDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      },
      inputs: expect.arrayContaining([expect.objectContaining({ externalDependencies: expect.arrayContaining(['undici', 'yaml', 'zod']) })]),
      // Only the URL artifacts' files (Maven ones belong to fetch-maven) and the target's record.
      outputs: [
        '{workspaceRoot}/dist/hermetic/apps/web/deps/generic/tools/tool.tgz',
        '{workspaceRoot}/dist/hermetic/apps/web/deps/generic/data.bin',
        '{workspaceRoot}/dist/hermetic/apps/web/.hermetic/fetch-generic.json',
      ],
      metadata: expect.objectContaining({ technologies: ['hermetic'] }),
    });
    expect(targets['fetch-maven']).toMatchObject({
      executor: '@hermetic/nx:fetch-maven',
      cache: true,
      options: { lockfile: 'apps/web/artifacts.lock.yaml', outputDir: 'dist/hermetic/apps/web', mavenLayout: false, verifySidecars: false },
      outputs: [
        '{workspaceRoot}/dist/hermetic/apps/web/deps/generic/a-1.jar',
        '{workspaceRoot}/dist/hermetic/apps/web/deps/maven/g/a/1/a-1.jar',
        '{workspaceRoot}/dist/hermetic/apps/web/deps/maven/g/a/1/a-1.jar.sha1',
        '{workspaceRoot}/dist/hermetic/apps/web/deps/maven/g/a/1/a-1.jar.md5',
        '{workspaceRoot}/dist/hermetic/apps/web/deps/maven/settings.xml',
        '{workspaceRoot}/dist/hermetic/apps/web/.hermetic/fetch-maven.json',
      ],
    });
    expect(targets.sbom).toMatchObject({
      executor: '@hermetic/nx:sbom',
      dependsOn: ['fetch-generic', 'fetch-maven'],
      cache: true,
      options: { format: 'cyclonedx', outputDir: 'dist/hermetic/apps/web' },
      inputs: expect.arrayContaining([{ dependentTasksOutputFiles: '**/.hermetic/*.json' }]),
      outputs: ['{workspaceRoot}/dist/hermetic/apps/web/bom.json'],
    });
    expect(targets['fetch-deps']).toMatchObject({
      executor: 'nx:run-commands',
      options: { command: 'hermetic verify --lockfile apps/web/artifacts.lock.yaml --output dist/hermetic/apps/web' },
      cache: false,
      dependsOn: ['fetch-generic', 'fetch-maven', 'sbom'],
    });
  });

  it('passes the Maven layout options on (its files are outputs either way)', async () => {
    ws.write('apps/web/project.json', { name: 'web' });
    ws.write('apps/web/artifacts.lock.yaml', LOCK);
    const [[, result]] = await run(['apps/web/artifacts.lock.yaml'], { mavenLayout: true, verifySidecars: true });
    const maven = result.projects!['apps/web'].targets!['fetch-maven'];
    expect(maven.options).toMatchObject({ mavenLayout: true, verifySidecars: true });
    expect(maven.outputs).toEqual([
      '{workspaceRoot}/dist/hermetic/apps/web/deps/generic/a-1.jar',
      '{workspaceRoot}/dist/hermetic/apps/web/deps/maven/g/a/1/a-1.jar',
      '{workspaceRoot}/dist/hermetic/apps/web/deps/maven/g/a/1/a-1.jar.sha1',
      '{workspaceRoot}/dist/hermetic/apps/web/deps/maven/g/a/1/a-1.jar.md5',
      '{workspaceRoot}/dist/hermetic/apps/web/deps/maven/settings.xml',
      '{workspaceRoot}/dist/hermetic/apps/web/.hermetic/fetch-maven.json',
    ]);
  });

  it('hashes what it can of a plugin linked in from outside the workspace', async () => {
    ws.write('p/package.json', { name: 'p' });
    ws.write('p/artifacts.lock.yaml', LOCK);
    const [[, result]] = await run(['p/artifacts.lock.yaml']);
    const inputs = result.projects!.p.targets!['fetch-generic'].inputs!;
    // This test's workspace does not contain the plugin's sources (they are linked in from this
    // repository), so only its dependencies' versions can be hashed.
    expect(inputs).toContainEqual({ externalDependencies: ['undici', 'yaml', 'zod'] });
  });

  describe("where Nx's graph has no npm packages, names none of them (a task naming one could not even be hashed)", () => {
    const versionInput = { runtime: `node -p "require('@hermetic/nx/package.json').version"` };
    const inputsOf = async () => {
      ws.write('p/package.json', { name: 'p' });
      ws.write('p/artifacts.lock.yaml', LOCK);
      const [[, result]] = await run(['p/artifacts.lock.yaml']);
      return Object.values(result.projects!.p.targets!).flatMap((t) => t.inputs ?? []);
    };

    it('no lockfile of a package manager at the root: Hermetic keys its cache on the version a command prints', async () => {
      ws.remove('package-lock.json');
      const inputs = await inputsOf();
      expect(inputs).toContainEqual(versionInput);
      expect(inputs.filter((i) => typeof i === 'object' && 'externalDependencies' in i)).toEqual([]);
    });

    it("Nx told not to read it (pluginsConfig['@nx/js'].analyzeLockfile: false)", async () => {
      context = { ...context, nxJsonConfiguration: { pluginsConfig: { '@nx/js': { analyzeLockfile: false } } } };
      expect(await inputsOf()).toContainEqual(versionInput);
    });

    it('any package manager Nx reads counts (yarn, pnpm, bun), but only the one nx.json names when it names one', async () => {
      ws.remove('package-lock.json');
      ws.write('pnpm-lock.yaml', "lockfileVersion: '9.0'\n");
      expect(await inputsOf()).not.toContainEqual(versionInput);
      context = { ...context, nxJsonConfiguration: { cli: { packageManager: 'npm' } } };
      expect(await inputsOf()).toContainEqual(versionInput);
    });
  });

  it('honours the plugin options: target names, output dir and concurrency', async () => {
    ws.write('libs/x/project.json', { name: 'x' });
    ws.write('libs/x/artifacts.lock.yaml', LOCK);
    const [[, result]] = await run(['libs/x/artifacts.lock.yaml'], {
      fetchGenericTargetName: 'deps-url',
      fetchMavenTargetName: 'deps-maven',
      sbomTargetName: 'bom',
      sbomFormat: 'spdx',
      fetchDepsTargetName: 'deps',
      outputDir: '.artifacts/{projectName}',
      concurrency: 3,
    });
    const targets = result.projects!['libs/x'].targets!;
    expect(Object.keys(targets)).toEqual(['deps-url', 'deps-maven', 'bom', 'deps']);
    expect(targets.bom).toMatchObject({ options: { format: 'spdx' }, dependsOn: ['deps-url', 'deps-maven'] });
    expect(targets['deps-url'].options).toMatchObject({ outputDir: '.artifacts/x', concurrency: 3 });
    expect(targets['deps-url'].outputs).toContain('{workspaceRoot}/.artifacts/x/.hermetic/deps-url.json');
    expect(targets.deps.dependsOn).toEqual(['deps-url', 'deps-maven', 'bom']);
  });

  it('keys the cache on what decides the bytes, not on comments or formatting', async () => {
    ws.write('apps/web/project.json', { name: 'web' });
    const digests = async (text: string) => {
      ws.write('apps/web/artifacts.lock.yaml', text);
      const [[, r]] = await run(['apps/web/artifacts.lock.yaml']);
      const t = r.projects!['apps/web'].targets!;
      return ['fetch-generic', 'fetch-maven', 'sbom'].map((n) => t[n].options.lockfileDigest);
    };
    const base = await digests(LOCK);
    expect(await digests(`# a comment\n${LOCK.replace(/\n/g, '\n\n')}`)).toEqual(base);
    const renamed = await digests(LOCK.replace('tools/tool.tgz', 'tools/renamed.tgz'));
    expect(renamed[0]).not.toBe(base[0]);
    expect(renamed[1]).toBe(base[1]);
    const [[, broken]] = await (async () => {
      ws.write('apps/web/artifacts.lock.yaml', 'metadata: [');
      return run(['apps/web/artifacts.lock.yaml']);
    })();
    expect(broken.projects!['apps/web'].targets!['fetch-generic'].inputs).toContain('{projectRoot}/artifacts.lock.yaml');
  });

  it('infers only the fetch targets a lockfile needs', async () => {
    const urlOnly = LOCK.slice(0, LOCK.indexOf('  - type: maven'));
    const mavenOnly = `metadata:\n  version: "1.0"\nartifacts:\n${LOCK.slice(LOCK.indexOf('  - type: maven'))}`;
    const names = async (text: string) => {
      ws.write('apps/web/project.json', { name: 'web' });
      ws.write('apps/web/artifacts.lock.yaml', text);
      const [[, r]] = await run(['apps/web/artifacts.lock.yaml']);
      const t = r.projects!['apps/web'].targets!;
      return { targets: Object.keys(t), sbom: t.sbom.dependsOn, deps: t['fetch-deps'].dependsOn };
    };
    expect(await names(urlOnly)).toEqual({ targets: ['fetch-generic', 'sbom', 'fetch-deps'], sbom: ['fetch-generic'], deps: ['fetch-generic', 'sbom'] });
    expect(await names(mavenOnly)).toEqual({ targets: ['fetch-maven', 'sbom', 'fetch-deps'], sbom: ['fetch-maven'], deps: ['fetch-maven', 'sbom'] });
    expect((await names('metadata:\n  version: "1.0"\nartifacts: []\n')).targets).toEqual(['fetch-generic', 'sbom', 'fetch-deps']);
    // Unreadable: one fetch target, which reports the problem once.
    expect((await names('metadata: [')).targets).toEqual(['fetch-generic', 'sbom', 'fetch-deps']);
  });

  it('infers exactly these targets for a URL-only lockfile', async () => {
    ws.write('apps/api/project.json', { name: 'api' });
    ws.write('apps/api/artifacts.lock.yaml', `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: https://h/tool.tgz\n    checksum: ${SHA}\n`);
    const [[, result]] = await run(['apps/api/artifacts.lock.yaml']);
    expect(result).toMatchInlineSnapshot(`
     {
       "projects": {
         "apps/api": {
           "targets": {
             "fetch-deps": {
               "cache": false,
               "dependsOn": [
                 "fetch-generic",
                 "sbom",
               ],
               "executor": "nx:run-commands",
               "metadata": {
                 "description": "Fetch every declared dependency of the project, write its SBOM, and re-verify every file against the lockfile",
                 "technologies": [
                   "hermetic",
                 ],
               },
               "options": {
                 "command": "hermetic verify --lockfile apps/api/artifacts.lock.yaml --output dist/hermetic/apps/api",
               },
             },
             "fetch-generic": {
               "cache": true,
               "executor": "@hermetic/nx:fetch-generic",
               "inputs": [
                 {
                   "externalDependencies": [
                     "undici",
                     "yaml",
                     "zod",
                   ],
                 },
               ],
               "metadata": {
                 "description": "Download and verify the URL artifacts of artifacts.lock.yaml",
                 "help": {
                   "command": "npx nx run <project>:fetch-generic --help",
                   "example": {
                     "options": {
                       "concurrency": 16,
                     },
                   },
                 },
                 "technologies": [
                   "hermetic",
                 ],
               },
               "options": {
                 "concurrency": 8,
                 "lockfile": "apps/api/artifacts.lock.yaml",
                 "lockfileDigest": "sha256:6f0a5ba2afb13fb3ba5415d56aece0977385f63d0b6f37b65082d2d3397928f0",
                 "outputDir": "dist/hermetic/apps/api",
               },
               "outputs": [
                 "{workspaceRoot}/dist/hermetic/apps/api/deps/generic/tool.tgz",
                 "{workspaceRoot}/dist/hermetic/apps/api/.hermetic/fetch-generic.json",
               ],
             },
             "sbom": {
               "cache": true,
               "dependsOn": [
                 "fetch-generic",
               ],
               "executor": "@hermetic/nx:sbom",
               "inputs": [
                 {
                   "externalDependencies": [
                     "undici",
                     "yaml",
                     "zod",
                   ],
                 },
                 {
                   "dependentTasksOutputFiles": "**/.hermetic/*.json",
                 },
               ],
               "metadata": {
                 "description": "Write the project's SBOM (CycloneDX 1.6) of its verified dependencies",
                 "help": {
                   "command": "npx nx run <project>:sbom --help",
                   "example": {
                     "options": {
                       "format": "spdx",
                     },
                   },
                 },
                 "technologies": [
                   "hermetic",
                 ],
               },
               "options": {
                 "format": "cyclonedx",
                 "lockfile": "apps/api/artifacts.lock.yaml",
                 "lockfileDigest": "sha256:6f0a5ba2afb13fb3ba5415d56aece0977385f63d0b6f37b65082d2d3397928f0",
                 "outputDir": "dist/hermetic/apps/api",
               },
               "outputs": [
                 "{workspaceRoot}/dist/hermetic/apps/api/bom.json",
               ],
             },
           },
         },
       },
     }
    `);
  });

  it('ignores a lockfile in a folder that is not a project, saying so once with the fix', async () => {
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      ws.write('examples/public/artifacts.lock.yaml', LOCK);
      expect(await run(['examples/public/artifacts.lock.yaml'])).toEqual([['examples/public/artifacts.lock.yaml', {}]]);
      await run(['examples/public/artifacts.lock.yaml']);
      expect(warn.mock.calls).toEqual([
        [
          'Hermetic: examples/public/artifacts.lock.yaml is not in an Nx project (no project.json or package.json beside it), so it gets no targets; add a project.json to examples/public to fetch it',
        ],
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('says, once, when two projects would fetch into one output directory (an outputDir without {projectRoot})', async () => {
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    try {
      for (const p of ['apps/a', 'apps/b', 'apps/c']) {
        ws.write(`${p}/project.json`, { name: p.slice(5) });
        ws.write(`${p}/artifacts.lock.yaml`, LOCK);
      }
      const files = ['apps/a/artifacts.lock.yaml', 'apps/b/artifacts.lock.yaml', 'apps/c/artifacts.lock.yaml'];
      await run(files, { outputDir: 'dist/shared-deps' });
      await run(files, { outputDir: 'dist/shared-deps' });
      expect(warn.mock.calls).toEqual([
        [
          "Hermetic: the projects in apps/a and apps/b both fetch into dist/shared-deps, and one output directory holds one project's files; put {projectRoot} or {projectName} in the plugin's outputDir option",
        ],
      ]);
      warn.mockClear();
      await run(files, { outputDir: 'dist/{projectName}' });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('keeps the graph working with a broken lockfile: folder outputs, and the task reports the problem', async () => {
    ws.write('bad/project.json', { name: 'bad' });
    ws.write('bad/artifacts.lock.yaml', 'metadata: [oops');
    const [[, result]] = await run(['bad/artifacts.lock.yaml']);
    expect(result.projects!.bad.targets!['fetch-generic'].outputs).toEqual([
      '{workspaceRoot}/dist/hermetic/bad/deps/generic',
      '{workspaceRoot}/dist/hermetic/bad/.hermetic/fetch-generic.json',
    ]);
    // One fetch target reports the problem: it is not printed twice.
    expect(result.projects!.bad.targets!['fetch-maven']).toBeUndefined();
    expect(result.projects!.bad.targets!['fetch-deps'].dependsOn).toEqual(['fetch-generic', 'sbom']);
  });

  it('does not need auth variables to build the graph', async () => {
    ws.write('s/project.json', { name: 's' });
    ws.write(
      's/artifacts.lock.yaml',
      `metadata:\n  version: "2.0"\nartifacts:\n  - download_url: https://h/x\n    checksum: ${SHA}\n    auth: { bearer: { value: "$UNSET_TOKEN" } }\n`,
    );
    const [[, result]] = await run(['s/artifacts.lock.yaml']);
    expect(result.projects!.s.targets!['fetch-generic'].outputs).toContain('{workspaceRoot}/dist/hermetic/s/deps/generic/x');
  });
});
