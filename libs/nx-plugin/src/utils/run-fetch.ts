import { ExecutorContext } from './devkit';
import { log } from './task-log';
import { describeError } from '@hermetic/core/errors';
// The fetch entry, not the main one: no SBOM writers, package-lock readers or yaml library (~35 ms a task).
import { Artifact, ContentStore, defaultStoreDir, tuneV8ForDownloads, fetchArtifacts, readLockfile, resolveFetchSettings } from '@hermetic/core/fetch';
import { relative } from 'node:path';
import { resolveProjectPaths } from './project-paths';
import { FetchExecutorOptions, PLUGIN_OPTIONS_ORIGIN, pluginOptionsFromNxJson } from './fetch-options';

/** Aborts on SIGINT/SIGTERM so downloads stop and temporary files are removed; returns the cleanup. */
function abortOnSignals(controller: AbortController): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    log.warn(`${signal}: stopping downloads and removing partial files`);
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
  // Nx runs each task in its own process: ours to tune (see tuneV8ForDownloads).
  tuneV8ForDownloads();
  const controller = new AbortController();
  const stopListening = abortOnSignals(controller);
  try {
    const { lockfile: lockfilePath, outputDir } = resolveProjectPaths(options, context);
    const lockfile = await readLockfile(lockfilePath, { env: process.env, displayPath: relative(context.root, lockfilePath) });
    const { storeDir, ...settings } = resolveFetchSettings(
      [
        { from: `the options of ${context.projectName}:${context.targetName}`, values: options },
        { from: PLUGIN_OPTIONS_ORIGIN, values: pluginOptionsFromNxJson(context.nxJsonConfiguration) },
      ],
      { env: process.env, baseDir: context.root, defaultStoreDir: defaultStoreDir(context.root) },
    );
    const result = await fetchArtifacts(lockfile, {
      ...settings,
      outputDir,
      store: new ContentStore(storeDir),
      kinds,
      recordName: context.targetName ?? 'fetch',
      updateChecksumsCommand: `nx g @hermetic/nx:update-checksums ${context.projectName} --write`,
      reporter: log.reporter(),
      signal: controller.signal,
    });
    if (result.removed.length) log.info(`removed ${result.removed.length} file(s) no longer in the lockfile: ${result.removed.join(', ')}`);
    log.info(
      `verified files are in ${relative(context.root, outputDir)}/deps/generic${settings.mavenLayout && kinds.includes('maven') ? ` and ${relative(context.root, outputDir)}/deps/maven` : ''}`,
    );
    return { success: true };
  } catch (err) {
    // Relative paths resolve from the workspace root, so messages name files the user can open.
    log.error(describeError(err));
    return { success: false };
  } finally {
    stopListening();
  }
}
