import { createNodesFromFiles, CreateNodesV2, TargetConfiguration, workspaceDataDirectory } from '../utils/devkit';
import { GENERIC_DEPS_DIR, LOCKFILE_NAME, MAVEN_DEPS_DIR, mavenRepositoryPath, RECORD_DIR } from '@hermetic/core/layout';
import type { Artifact, Lockfile } from '@hermetic/core/lockfile';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pluginInputs } from '../utils/plugin-inputs';
import { HermeticPluginOptions, NormalizedPluginOptions, normalizeOptions } from './options';
import { cacheKey, TargetsCache, targetsCacheFile } from './targets-cache';

export { HermeticPluginOptions } from './options';

/** The glob Nx matches to find projects with a lockfile. */
export const LOCKFILE_GLOB = `**/${LOCKFILE_NAME}`;

/** Characters that Nx would read as glob syntax in an output path. */
const GLOB_SYNTAX = /[*?[\]{}!()]/;

function outputDirOf(options: NormalizedPluginOptions, projectRoot: string, projectName: string): string {
  return options.outputDir
    .replace(/\{projectRoot\}/g, projectRoot)
    .replace(/\{projectName\}/g, projectName)
    .replace(/\/+$/, '');
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Parses the lockfile for graph purposes only: no env checks, and `undefined` when it is invalid
 * (the task reports why). The parser (yaml, zod) is loaded on the first cache miss only, so a
 * warm graph computation does not pay for it.
 */
function tryParseLockfile(text: string, display: string): Lockfile | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parseLockfile } = require('@hermetic/core/lockfile') as typeof import('@hermetic/core/lockfile');
    return parseLockfile(text, display, { env: false });
  } catch {
    return undefined;
  }
}

/**
 * Outputs of a fetch target: exactly its files and its record, so several fetch targets can share
 * one `deps/generic/` without a cache restore of one wiping the files of another. Falls back to
 * whole folders when the lockfile cannot be read (the task then fails and caches nothing) or a
 * path holds glob syntax.
 */
function fetchOutputs(outputDir: string, recordName: string, files: { generic: string[]; maven: string[] } | undefined, mavenLayout: boolean): string[] {
  const base = `{workspaceRoot}/${outputDir}`;
  const record = `${base}/${RECORD_DIR}/${recordName}.json`;
  if (!files || [...files.generic, ...files.maven].some((f) => GLOB_SYNTAX.test(f))) {
    return [`${base}/${GENERIC_DEPS_DIR}`, ...(mavenLayout ? [`${base}/${MAVEN_DEPS_DIR}`] : []), record];
  }
  const maven = files.maven.length ? [...files.maven.map((f) => `${base}/${MAVEN_DEPS_DIR}/${f}`), `${base}/${MAVEN_DEPS_DIR}/settings.xml`] : [];
  return [...files.generic.map((f) => `${base}/${GENERIC_DEPS_DIR}/${f}`), ...maven, record];
}

/**
 * A digest of what decides the bytes of some artifacts (kind, URL, target, checksums, coordinates):
 * put in the target's options (which Nx hashes) instead of the lockfile's text, so a comment or a
 * re-indentation is a cache hit, and any change that matters a miss.
 */
function lockfileDigest(artifacts: readonly Artifact[]): string {
  const canonical = artifacts.map((a) => [a.kind, a.url, a.filename, a.checksums.map((c) => c.text), a.kind === 'maven' ? a.maven : null]);
  return `sha256:${createHash('sha256').update(JSON.stringify(canonical)).digest('hex')}`;
}

/** Inputs and digest option of a target over `artifacts`: the digest when the lockfile parsed, else the file. */
function lockfileKey(t: TargetContext, artifacts: readonly Artifact[] | undefined): { inputs: TargetConfiguration['inputs']; options: Record<string, string> } {
  if (!artifacts) return { inputs: [`{projectRoot}/${LOCKFILE_NAME}`, ...t.inputs], options: {} };
  return { inputs: [...t.inputs], options: { lockfileDigest: lockfileDigest(artifacts) } };
}

interface TargetContext {
  projectRoot: string;
  outputDir: string;
  options: NormalizedPluginOptions;
  lockfile: Lockfile | undefined;
  inputs: ReturnType<typeof pluginInputs>;
}

function metadata(description: string, name: string, example: Record<string, unknown>) {
  return {
    technologies: ['hermetic'],
    description,
    help: { command: `npx nx run <project>:${name} --help`, example: { options: example } },
  };
}

function buildFetchGenericTarget(t: TargetContext): TargetConfiguration {
  const name = t.options.fetchGenericTargetName;
  const urlArtifacts = t.lockfile?.artifacts.filter((a) => a.kind === 'url');
  const generic = urlArtifacts?.map((a) => a.filename);
  const key = lockfileKey(t, urlArtifacts);
  return {
    executor: '@hermetic/nx:fetch-generic',
    options: { lockfile: `${t.projectRoot}/${LOCKFILE_NAME}`, outputDir: t.outputDir, concurrency: t.options.concurrency, ...key.options },
    cache: true,
    inputs: key.inputs,
    outputs: fetchOutputs(t.outputDir, name, generic && { generic, maven: [] }, false),
    metadata: metadata(`Download and verify the URL artifacts of ${LOCKFILE_NAME}`, name, { concurrency: 16 }),
  };
}

function buildFetchMavenTarget(t: TargetContext): TargetConfiguration {
  const name = t.options.fetchMavenTargetName;
  const maven = t.lockfile?.artifacts.flatMap((a) => (a.kind === 'maven' ? [a] : []));
  const key = lockfileKey(t, maven);
  // The Maven layout is listed whether or not the plugin option turns it on: a target or CLI option
  // can turn it on too, and outputs that do not exist cost nothing.
  const files = maven && {
    generic: maven.map((a) => a.filename),
    maven: maven.map((a) => mavenRepositoryPath(a.maven)),
  };
  return {
    executor: '@hermetic/nx:fetch-maven',
    options: {
      lockfile: `${t.projectRoot}/${LOCKFILE_NAME}`,
      outputDir: t.outputDir,
      concurrency: t.options.concurrency,
      mavenLayout: t.options.mavenLayout,
      verifySidecars: t.options.verifySidecars,
      ...key.options,
    },
    cache: true,
    inputs: key.inputs,
    outputs: fetchOutputs(t.outputDir, name, files, true),
    metadata: metadata(`Download and verify the Maven artifacts of ${LOCKFILE_NAME}`, name, { mavenLayout: true }),
  };
}

function buildSbomTarget(t: TargetContext, fetchTargets: string[]): TargetConfiguration {
  const o = t.options;
  const key = lockfileKey(t, t.lockfile?.artifacts);
  return {
    executor: '@hermetic/nx:sbom',
    options: { lockfile: `${t.projectRoot}/${LOCKFILE_NAME}`, outputDir: t.outputDir, format: o.sbomFormat, ...key.options },
    dependsOn: fetchTargets,
    cache: true,
    // The fetch records say what was verified and which mirror served it; gitignored outputs are
    // only visible to the hash this way.
    inputs: [...(key.inputs ?? []), { dependentTasksOutputFiles: `**/${RECORD_DIR}/*.json` }],
    outputs: [`{workspaceRoot}/${t.outputDir}/bom.json`],
    metadata: metadata(`Write the project's SBOM (${o.sbomFormat === 'spdx' ? 'SPDX 2.3' : 'CycloneDX 1.6'}) of its verified dependencies`, o.sbomTargetName, {
      format: 'spdx',
    }),
  };
}

/**
 * `fetch-deps` runs the fetch targets and the SBOM, then re-verifies every fetched file: outputs
 * restored from a local or remote cache are checked before anything (pack) uses them, so it is
 * never cached itself.
 */
function buildFetchDepsTarget(t: TargetContext, fetchTargets: string[]): TargetConfiguration {
  const options = t.options;
  return {
    executor: '@hermetic/nx:verify-deps',
    options: { lockfile: `${t.projectRoot}/${LOCKFILE_NAME}`, outputDir: t.outputDir },
    dependsOn: [...fetchTargets, options.sbomTargetName],
    cache: false,
    metadata: {
      technologies: ['hermetic'],
      description: 'Fetch every declared dependency of the project, write its SBOM, and re-verify every file against the lockfile',
    },
  };
}

/**
 * The fetch targets a lockfile needs: `fetch-maven` only with Maven artifacts, `fetch-generic` with
 * URL artifacts (or none at all, so a new lockfile has a fetch target); both when the lockfile
 * cannot be read (the task then says why).
 */
function fetchTargetNames(t: TargetContext): string[] {
  const kinds = t.lockfile ? new Set(t.lockfile.artifacts.map((a) => a.kind)) : undefined;
  const generic = !kinds || kinds.has('url') || !kinds.has('maven');
  const maven = !kinds || kinds.has('maven');
  return [...(generic ? [t.options.fetchGenericTargetName] : []), ...(maven ? [t.options.fetchMavenTargetName] : [])];
}

/** The inferred targets of one project: its fetch targets, `sbom` and `fetch-deps`. */
function buildTargets(t: TargetContext): Record<string, TargetConfiguration> {
  const fetch = fetchTargetNames(t);
  return {
    ...(fetch.includes(t.options.fetchGenericTargetName) ? { [t.options.fetchGenericTargetName]: buildFetchGenericTarget(t) } : {}),
    ...(fetch.includes(t.options.fetchMavenTargetName) ? { [t.options.fetchMavenTargetName]: buildFetchMavenTarget(t) } : {}),
    [t.options.sbomTargetName]: buildSbomTarget(t, fetch),
    [t.options.fetchDepsTargetName]: buildFetchDepsTarget(t, fetch),
  };
}

/**
 * Infers `fetch-generic`, `fetch-maven`, `sbom` and `fetch-deps` on each project that has an `artifacts.lock.yaml` at its
 * root (a folder with `project.json` or `package.json`). Cached on the lockfile and Hermetic's own
 * version; outputs are the fetched files.
 */
export const createNodes: CreateNodesV2<HermeticPluginOptions> = [
  LOCKFILE_GLOB,
  async (files, rawOptions, context) => {
    // Once per call, not per lockfile: both are the same for every project of the workspace.
    const options = normalizeOptions(rawOptions);
    const inputs = pluginInputs(context.workspaceRoot);
    const cache = new TargetsCache<Record<string, TargetConfiguration>>(targetsCacheFile(workspaceDataDirectory(), context.workspaceRoot, { options, inputs }));
    try {
      return await createNodesFromFiles(
        (file, _opts, ctx) => {
          const projectRoot = dirname(file);
          const absRoot = join(ctx.workspaceRoot, projectRoot);
          const projectName = readProjectName(absRoot);
          if (projectName === null) return {};
          const outputDir =
            outputDirOf(options, projectRoot === '.' ? '' : projectRoot, projectName ?? basename(absRoot)).replace(/^\/+/, '') || 'dist/hermetic';
          const lockfilePath = join(ctx.workspaceRoot, file);
          const text = readText(lockfilePath);
          const targets = cache.getOrCompute(cacheKey(projectRoot, outputDir, text ?? ''), () =>
            buildTargets({ projectRoot, outputDir, options, lockfile: text === undefined ? undefined : tryParseLockfile(text, file), inputs }),
          );
          return { projects: { [projectRoot]: { targets } } };
        },
        files,
        rawOptions as HermeticPluginOptions,
        context,
      );
    } finally {
      cache.save();
    }
  },
];

/** Nx 22 calls the same tuple under this name. */
export const createNodesV2 = createNodes;

/**
 * The name a project's project.json or package.json gives it; `undefined` when they give none, and
 * `null` when the folder has neither (not a project: no targets). One read per file, no stat first.
 */
function readProjectName(absRoot: string): string | undefined | null {
  let found = false;
  for (const f of ['project.json', 'package.json']) {
    let text: string;
    try {
      text = readFileSync(join(absRoot, f), 'utf8');
    } catch {
      continue;
    }
    found = true;
    try {
      const name = JSON.parse(text).name;
      if (typeof name === 'string') return name;
    } catch {
      // Not JSON: Nx reports that itself.
    }
  }
  return found ? undefined : null;
}
