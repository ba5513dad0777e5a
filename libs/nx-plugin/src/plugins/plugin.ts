import { createNodesFromFiles, CreateNodesV2, logger, TargetConfiguration, workspaceDataDirectory } from '../utils/devkit';
import { LOCKFILE_NAME } from '@hermetic/core/layout';
import type { Lockfile } from '@hermetic/core/lockfile';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { nxHasExternalNodes, pluginInputs } from '../utils/plugin-inputs';
import { HermeticPluginOptions, normalizeOptions } from './options';
import { buildTargets, projectOutputDir } from './targets';
import { cacheKey, TargetsCache, targetsCacheFile } from './targets-cache';

export { HermeticPluginOptions } from './options';

/** The glob Nx matches to find projects with a lockfile. */
export const LOCKFILE_GLOB = `**/${LOCKFILE_NAME}`;

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
export function tryParseLockfile(text: string, display: string): Lockfile | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parseLockfile } = require('@hermetic/core/lockfile') as typeof import('@hermetic/core/lockfile');
    return parseLockfile(text, display, { env: false });
  } catch {
    return undefined;
  }
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
    const inputs = pluginInputs(
      context.workspaceRoot,
      nxHasExternalNodes((file) => existsSync(join(context.workspaceRoot, file)), context.nxJsonConfiguration),
    );
    const cache = new TargetsCache<Record<string, TargetConfiguration>>(targetsCacheFile(workspaceDataDirectory(), context.workspaceRoot, { options, inputs }));
    const outputOwners = new Map<string, string>();
    try {
      return await createNodesFromFiles(
        (file, _opts, ctx) => {
          const projectRoot = dirname(file);
          const absRoot = join(ctx.workspaceRoot, projectRoot);
          const projectName = readProjectName(absRoot);
          if (projectName === null) {
            warnNotAProject(file);
            return {};
          }
          const outputDir = projectOutputDir(options.outputDir, projectRoot, projectName ?? basename(absRoot));
          const owner = outputOwners.get(outputDir);
          if (owner === undefined) outputOwners.set(outputDir, projectRoot);
          else warnSharedOutput(outputDir, owner, projectRoot);
          const lockfilePath = join(ctx.workspaceRoot, file);
          const text = readText(lockfilePath);
          const targets = cache.getOrCompute(cacheKey(projectRoot, outputDir, text ?? ''), () =>
            buildTargets({ projectRoot, outputDir, options, lockfile: text === undefined ? undefined : tryParseLockfile(text, file), inputs, keyBy: 'digest' }),
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

/** Lockfiles already said to be outside any project (once per process: Nx builds the graph often). */
const warnedNotAProject = new Set<string>();

/** A lockfile in a folder that is no Nx project gets no targets: say so, once, with the fix. */
function warnNotAProject(file: string): void {
  if (warnedNotAProject.has(file)) return;
  warnedNotAProject.add(file);
  logger.warn(
    `Hermetic: ${file} is not in an Nx project (no project.json or package.json beside it), so it gets no targets; add a project.json to ${dirname(file)} to fetch it`,
  );
}

/** Output directories already said to be shared (once per process, as above). */
const warnedSharedOutput = new Set<string>();

/**
 * Two projects resolved to one output directory (an `outputDir` without `{projectRoot}` or
 * `{projectName}`): their fetches would take each other's files for their own; the second to run
 * is refused (see fetchArtifacts). Said when the graph is built, before anything runs.
 */
function warnSharedOutput(outputDir: string, first: string, second: string): void {
  if (warnedSharedOutput.has(outputDir)) return;
  warnedSharedOutput.add(outputDir);
  logger.warn(
    `Hermetic: the projects in ${first} and ${second} both fetch into ${outputDir}, and one output directory holds one project's files; put {projectRoot} or {projectName} in the plugin's outputDir option`,
  );
}

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
