import { ExecutorContext, logger } from '@nx/devkit';
import { Artifact, ContentStore, createReporter, defaultStoreDir, describeError, fetchArtifacts, HermeticError, loadNetrc, MirrorRule, readLockfile, resolveNetworkRules } from '@hermetic/core';
import { isAbsolute, relative, resolve } from 'node:path';
import { FetchExecutorOptions, pluginOptionsFromNxJson } from './fetch-options';

/** Replaces the placeholders Nx leaves in defaults it did not interpolate. */
function interpolate(value: string, context: ExecutorContext, projectRoot: string): string {
  return value
    .replace(/\{workspaceRoot\}\/?/g, '')
    .replace(/\{projectRoot\}/g, projectRoot)
    .replace(/\{projectName\}/g, context.projectName ?? '');
}

function insideWorkspace(root: string, path: string): boolean {
  const rel = relative(root, path);
  return !rel.startsWith('..') && !isAbsolute(rel);
}

/** Aborts on SIGINT/SIGTERM so downloads stop and temporary files are removed; returns the cleanup. */
function abortOnSignals(controller: AbortController): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    logger.warn(`${signal}: stopping downloads and removing partial files`);
    controller.abort(new Error(signal));
    // If something hangs, do not keep a Ctrl-C'd task alive.
    setTimeout(() => process.exit(130), 10_000).unref();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/**
 * Shared body of the fetch executors: resolves options against the workspace, reads the lockfile,
 * fetches the artifacts of the given kinds through the store, and reports. Never throws: a failure
 * is logged with its fix and returned as `{ success: false }`.
 */
export async function runFetch(options: FetchExecutorOptions, context: ExecutorContext, kinds: ReadonlyArray<Artifact['kind']>): Promise<{ success: boolean }> {
  const projectName = context.projectName;
  if (!projectName) {
    logger.error('Hermetic fetch executors must run as a project target');
    return { success: false };
  }
  const projectRoot = context.projectsConfigurations.projects[projectName]?.root ?? '.';
  const lockfileRel = interpolate(options.lockfile ?? `${projectRoot}/artifacts.lock.yaml`, context, projectRoot);
  const lockfilePath = resolve(context.root, lockfileRel);
  const outputDir = resolve(context.root, interpolate(options.outputDir ?? `dist/hermetic/${projectRoot}`, context, projectRoot));
  const controller = new AbortController();
  const stopListening = abortOnSignals(controller);
  try {
    if (!insideWorkspace(context.root, lockfilePath)) {
      throw new HermeticError('PathOutsideRoot', `lockfile ${lockfilePath} is outside the workspace`, { hints: ['keep lockfiles in the workspace so Nx can hash them'] });
    }
    if (!insideWorkspace(context.root, outputDir)) {
      throw new HermeticError('PathOutsideRoot', `outputDir ${outputDir} is outside the workspace`, { hints: ['Nx can only cache outputs inside the workspace'] });
    }
    const lockfile = await readLockfile(lockfilePath, { env: process.env, displayPath: relative(context.root, lockfilePath) });
    const store = new ContentStore(options.storeDir ? resolve(context.root, options.storeDir) : defaultStoreDir(context.root));
    const fromNxJson = pluginOptionsFromNxJson(context);
    const rules = resolveNetworkRules(
      {
        mirrors: options.mirrors ?? (fromNxJson.mirrors as MirrorRule[] | undefined),
        allowHosts: options.allowHosts ?? (fromNxJson.allowHosts as string[] | undefined),
        blockHosts: options.blockHosts ?? (fromNxJson.blockHosts as string[] | undefined),
      },
      process.env,
    );
    const netrc = loadNetrc(process.env, options.netrcFile ? resolve(context.root, options.netrcFile) : undefined);
    const result = await fetchArtifacts(lockfile, {
      outputDir,
      store,
      kinds,
      recordName: context.targetName ?? 'fetch',
      concurrency: options.concurrency ?? 8,
      policy: {
        ...(options.attempts ? { attempts: options.attempts } : {}),
        ...(options.readTimeoutMs ? { readTimeoutMs: options.readTimeoutMs } : {}),
      },
      linkMode: options.linkMode ?? 'hardlink',
      offline: !!options.offline || process.env.HERMETIC_OFFLINE === '1',
      mirrors: rules.mirrors,
      hosts: rules.hosts,
      netrc,
      mavenLayout: !!options.mavenLayout,
      verifySidecars: !!options.verifySidecars,
      reporter: createReporter(process.stdout, process.env),
      signal: controller.signal,
    });
    if (result.removed.length) logger.info(`removed ${result.removed.length} file(s) no longer in the lockfile: ${result.removed.join(', ')}`);
    logger.info(`verified files are in ${relative(context.root, outputDir)}/deps/generic${options.mavenLayout && kinds.includes('maven') ? ` and ${relative(context.root, outputDir)}/deps/maven` : ''}`);
    return { success: true };
  } catch (err) {
    // Relative paths resolve from the workspace root, so messages name files the user can open.
    logger.error(describeError(err));
    return { success: false };
  } finally {
    stopListening();
  }
}
