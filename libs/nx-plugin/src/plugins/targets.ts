import type { TargetConfiguration } from '../utils/devkit';
import { GENERIC_DEPS_DIR, LOCKFILE_NAME, MAVEN_DEPS_DIR, mavenLayoutFiles, mavenRepositoryPath, PACKAGE_LOCK_FILES, RECORD_DIR } from '@hermetic/core/layout';
import type { Artifact, Lockfile } from '@hermetic/core/lockfile';
import { createHash } from 'node:crypto';
import { executorName } from '../utils/constants';
import { interpolatePath } from '../utils/interpolate-path';
import { shellWord } from '../utils/shell-quote';
import type { pluginInputs } from '../utils/plugin-inputs';
import { NormalizedPluginOptions } from './options';

/**
 * The builders of Hermetic's targets, one per target, used by `createNodes` (inferred targets) and
 * by the configuration generator (explicit targets in project.json), so both give the same shape.
 */

/** Characters that Nx would read as glob syntax in an output path. */
const GLOB_SYNTAX = /[*?[\]{}!()]/;

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
  if (!artifacts || t.keyBy === 'file') return { inputs: [`{projectRoot}/${LOCKFILE_NAME}`, ...t.inputs], options: {} };
  return { inputs: [...t.inputs], options: { lockfileDigest: lockfileDigest(artifacts) } };
}

/** What the builders need to know about one project. */
export interface TargetContext {
  projectRoot: string;
  /** Interpolated, relative to the workspace root (see `projectOutputDir`). */
  outputDir: string;
  options: NormalizedPluginOptions;
  /** Undefined when the lockfile is missing or invalid (the tasks then say why). */
  lockfile: Lockfile | undefined;
  inputs: ReturnType<typeof pluginInputs>;
  /**
   * How the cache key follows the lockfile: `digest` of what decides the bytes (inferred targets,
   * recomputed on every graph build, so comments are cache hits), or the lockfile `file` itself
   * (explicit targets in project.json, where a digest would go stale on a hand edit).
   */
  keyBy: 'digest' | 'file';
}

/** A project's output directory: the template with its placeholders replaced (never empty). */
export function projectOutputDir(template: string, projectRoot: string, projectName: string): string {
  return interpolatePath(template, { projectRoot, projectName }).replace(/^\/+/, '') || 'dist/hermetic';
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
    executor: executorName('fetch-generic'),
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
    maven: maven.flatMap((a) => mavenLayoutFiles(mavenRepositoryPath(a.maven))),
  };
  return {
    executor: executorName('fetch-maven'),
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

/** The package-manager lockfiles an SBOM that lists their packages reads. */
const PACKAGE_LOCK_INPUTS = Object.values(PACKAGE_LOCK_FILES)
  .flat()
  .map((f) => `{projectRoot}/${f}`);

function buildSbomTarget(t: TargetContext, fetchTargets: string[]): TargetConfiguration {
  const { sbomFormat, sbomTargetName, sbomIncludePackageLocks } = t.options;
  const key = lockfileKey(t, t.lockfile?.artifacts);
  const packageLocks = sbomIncludePackageLocks ? PACKAGE_LOCK_INPUTS : [];
  return {
    executor: executorName('sbom'),
    options: {
      lockfile: `${t.projectRoot}/${LOCKFILE_NAME}`,
      outputDir: t.outputDir,
      format: sbomFormat,
      ...(sbomIncludePackageLocks ? { includePackageLocks: true } : {}),
      ...key.options,
    },
    dependsOn: fetchTargets,
    cache: true,
    // The fetch records say what was verified and which mirror served it; gitignored outputs are
    // only visible to the hash this way.
    inputs: [...(key.inputs ?? []), ...packageLocks, { dependentTasksOutputFiles: `**/${RECORD_DIR}/*.json` }],
    outputs: [`{workspaceRoot}/${t.outputDir}/bom.json`],
    metadata: metadata(`Write the project's SBOM (${sbomFormat === 'spdx' ? 'SPDX 2.3' : 'CycloneDX 1.6'}) of its verified dependencies`, sbomTargetName, {
      format: 'spdx',
    }),
  };
}

const VERIFY_COMMAND = 'hermetic verify';

/**
 * Whether a target is `fetch-deps`'s re-verification as one of our builders makes it: the
 * `hermetic verify` command, or the `verify-deps` executor (what earlier versions wrote).
 */
export function isVerifyTarget(target: TargetConfiguration): boolean {
  const command = target.executor === 'nx:run-commands' ? (target.options as { command?: unknown } | undefined)?.command : undefined;
  return (typeof command === 'string' && command.startsWith(`${VERIFY_COMMAND} `)) || target.executor === executorName('verify-deps');
}

/**
 * `fetch-deps` runs the fetch targets and the SBOM, then re-verifies every fetched file: outputs
 * restored from a local or remote cache are checked before anything (pack) uses them, so it is
 * never cached itself. The check is the `hermetic` CLI's `verify`, as a command: Nx starts a command
 * directly, where for an executor it forks a process and loads itself into it (~0.2 s more on every
 * warm run).
 */
function buildFetchDepsTarget(t: TargetContext, fetchTargets: string[]): TargetConfiguration {
  const options = t.options;
  const lockfile = `${t.projectRoot}/${LOCKFILE_NAME}`;
  return {
    executor: 'nx:run-commands',
    options: { command: `${VERIFY_COMMAND} --lockfile ${shellWord(lockfile)} --output ${shellWord(t.outputDir)}` },
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
 * URL artifacts (or none at all, so a new lockfile has a fetch target). A lockfile that cannot be
 * read gets `fetch-generic` alone, whose task reports why, once (two targets printed it twice).
 */
function fetchTargetNames(t: TargetContext): string[] {
  const kinds = t.lockfile ? new Set(t.lockfile.artifacts.map((a) => a.kind)) : undefined;
  const generic = !kinds || kinds.has('url') || !kinds.has('maven');
  const maven = !!kinds?.has('maven');
  return [...(generic ? [t.options.fetchGenericTargetName] : []), ...(maven ? [t.options.fetchMavenTargetName] : [])];
}

/** The targets of one project: its fetch targets, `sbom` and `fetch-deps`. */
export function buildTargets(t: TargetContext): Record<string, TargetConfiguration> {
  const fetch = fetchTargetNames(t);
  return {
    ...(fetch.includes(t.options.fetchGenericTargetName) ? { [t.options.fetchGenericTargetName]: buildFetchGenericTarget(t) } : {}),
    ...(fetch.includes(t.options.fetchMavenTargetName) ? { [t.options.fetchMavenTargetName]: buildFetchMavenTarget(t) } : {}),
    [t.options.sbomTargetName]: buildSbomTarget(t, fetch),
    [t.options.fetchDepsTargetName]: buildFetchDepsTarget(t, fetch),
  };
}
