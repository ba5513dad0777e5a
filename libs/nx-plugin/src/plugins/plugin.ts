import { createNodesFromFiles, CreateNodesV2, TargetConfiguration } from '@nx/devkit';
import { GENERIC_DEPS_DIR, LOCKFILE_NAME, Lockfile, parseLockfile, RECORD_DIR } from '@hermetic/core';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pluginInputs } from '../utils/plugin-inputs';
import { HermeticPluginOptions, NormalizedPluginOptions, normalizeOptions } from './options';

export { HermeticPluginOptions } from './options';

/** The glob Nx matches to find projects with a lockfile. */
export const LOCKFILE_GLOB = `**/${LOCKFILE_NAME}`;

/** Characters that Nx would read as glob syntax in an output path. */
const GLOB_SYNTAX = /[*?[\]{}!()]/;

function outputDirOf(options: NormalizedPluginOptions, projectRoot: string, projectName: string): string {
  return options.outputDir.replace(/\{projectRoot\}/g, projectRoot).replace(/\{projectName\}/g, projectName).replace(/\/+$/, '');
}

/** Reads the lockfile for graph purposes only: no env checks, and `undefined` when it is invalid (the task reports why). */
function tryReadLockfile(path: string, display: string): Lockfile | undefined {
  try {
    return parseLockfile(readFileSync(path, 'utf8'), display, { env: false });
  } catch {
    return undefined;
  }
}

/**
 * Outputs of a fetch target: exactly its files and its record, so several fetch targets can share
 * one `deps/generic/` without a cache restore of one wiping the files of another. Falls back to the
 * whole folder when the lockfile cannot be read (the task then fails and caches nothing) or a
 * filename holds glob syntax.
 */
function fetchOutputs(outputDir: string, recordName: string, filenames: readonly string[] | undefined): string[] {
  const base = `{workspaceRoot}/${outputDir}`;
  if (!filenames || filenames.some((f) => GLOB_SYNTAX.test(f))) return [`${base}/${GENERIC_DEPS_DIR}`, `${base}/${RECORD_DIR}/${recordName}.json`];
  return [...filenames.map((f) => `${base}/${GENERIC_DEPS_DIR}/${f}`), `${base}/${RECORD_DIR}/${recordName}.json`];
}

function buildFetchGenericTarget(projectRoot: string, outputDir: string, options: NormalizedPluginOptions, lockfile: Lockfile | undefined, workspaceRoot: string): TargetConfiguration {
  const name = options.fetchGenericTargetName;
  const urlFiles = lockfile?.artifacts.filter((a) => a.kind === 'url').map((a) => a.filename);
  return {
    executor: '@hermetic/nx:fetch-generic',
    options: {
      lockfile: `${projectRoot}/${LOCKFILE_NAME}`,
      outputDir,
      concurrency: options.concurrency,
    },
    cache: true,
    inputs: [`{projectRoot}/${LOCKFILE_NAME}`, ...pluginInputs(workspaceRoot)],
    outputs: fetchOutputs(outputDir, name, urlFiles),
    metadata: {
      technologies: ['hermetic'],
      description: `Download and verify the URL artifacts of ${LOCKFILE_NAME}`,
      help: {
        command: `npx nx run <project>:${name} --help`,
        example: { options: { concurrency: 16 } },
      },
    },
  };
}

function buildFetchDepsTarget(options: NormalizedPluginOptions): TargetConfiguration {
  return {
    executor: 'nx:noop',
    dependsOn: [options.fetchGenericTargetName],
    metadata: {
      technologies: ['hermetic'],
      description: 'Fetch and verify every declared dependency of the project',
    },
  };
}

/**
 * Infers `fetch-generic` and `fetch-deps` on each project that has an `artifacts.lock.yaml` at its
 * root (a folder with `project.json` or `package.json`). Cached on the lockfile and Hermetic's own
 * version; outputs are the fetched files.
 */
export const createNodes: CreateNodesV2<HermeticPluginOptions> = [
  LOCKFILE_GLOB,
  (files, rawOptions, context) =>
    createNodesFromFiles(
      (file, _opts, ctx) => {
        const projectRoot = dirname(file);
        const absRoot = join(ctx.workspaceRoot, projectRoot);
        if (!existsSync(join(absRoot, 'project.json')) && !existsSync(join(absRoot, 'package.json'))) return {};
        const options = normalizeOptions(rawOptions);
        const projectName = readProjectName(absRoot) ?? basename(absRoot);
        const outputDir = outputDirOf(options, projectRoot === '.' ? '' : projectRoot, projectName).replace(/^\/+/, '') || 'dist/hermetic';
        const lockfile = tryReadLockfile(join(ctx.workspaceRoot, file), file);
        return {
          projects: {
            [projectRoot]: {
              targets: {
                [options.fetchGenericTargetName]: buildFetchGenericTarget(projectRoot, outputDir, options, lockfile, ctx.workspaceRoot),
                [options.fetchDepsTargetName]: buildFetchDepsTarget(options),
              },
            },
          },
        };
      },
      files,
      rawOptions as HermeticPluginOptions,
      context,
    ),
];

/** Nx 22 calls the same tuple under this name. */
export const createNodesV2 = createNodes;

function readProjectName(absRoot: string): string | undefined {
  for (const f of ['project.json', 'package.json']) {
    try {
      const name = JSON.parse(readFileSync(join(absRoot, f), 'utf8')).name;
      if (typeof name === 'string') return name;
    } catch {
      // Not there or not JSON: Nx reports that itself.
    }
  }
  return undefined;
}
