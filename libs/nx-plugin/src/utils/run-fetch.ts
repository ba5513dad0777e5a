import { ExecutorContext, logger } from './devkit';
import {
  Artifact,
  ContentStore,
  DEFAULT_CONCURRENCY,
  HermeticError,
  parseByteSize,
  createReporter,
  defaultStoreDir,
  describeError,
  fetchArtifacts,
  loadNetrc,
  MirrorRule,
  readLockfile,
  resolveNetworkRules,
} from '@hermetic/core';
import { relative, resolve } from 'node:path';
import { resolveProjectPaths } from './project-paths';
import { FetchExecutorOptions, pluginOptionsFromNxJson } from './fetch-options';

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

/** The `maxArtifactSize` option as a policy field (an invalid value is the user's error, exit 4). */
function maxArtifactBytes(value: number | string | undefined): { maxArtifactBytes?: number } {
  try {
    const bytes = parseByteSize(value, 'maxArtifactSize');
    return bytes === undefined ? {} : { maxArtifactBytes: bytes };
  } catch (err) {
    throw new HermeticError('InvalidInput', (err as Error).message);
  }
}

/**
 * Shared body of the fetch executors: resolves options against the workspace, reads the lockfile,
 * fetches the artifacts of the given kinds through the store, and reports. Never throws: a failure
 * is logged with its fix and returned as `{ success: false }`.
 */
export async function runFetch(options: FetchExecutorOptions, context: ExecutorContext, kinds: ReadonlyArray<Artifact['kind']>): Promise<{ success: boolean }> {
  const controller = new AbortController();
  const stopListening = abortOnSignals(controller);
  try {
    const { lockfile: lockfilePath, outputDir } = resolveProjectPaths(options, context);
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
      concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
      policy: {
        ...(options.attempts ? { attempts: options.attempts } : {}),
        ...(options.readTimeoutMs ? { readTimeoutMs: options.readTimeoutMs } : {}),
        ...maxArtifactBytes(options.maxArtifactSize),
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
    logger.info(
      `verified files are in ${relative(context.root, outputDir)}/deps/generic${options.mavenLayout && kinds.includes('maven') ? ` and ${relative(context.root, outputDir)}/deps/maven` : ''}`,
    );
    return { success: true };
  } catch (err) {
    // Relative paths resolve from the workspace root, so messages name files the user can open.
    logger.error(describeError(err));
    return { success: false };
  } finally {
    stopListening();
  }
}
