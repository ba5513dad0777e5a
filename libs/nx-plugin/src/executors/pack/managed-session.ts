import { ExecutorContext } from '../../utils/devkit';
import { log } from '../../utils/task-log';
import { checksumKey, defaultStoreDir, expandEnvTemplate, LOCKFILE_NAME, readLockfile, resolveStoreDir, wireUrl } from '@hermetic/core';
import { runUnderSession } from '@hermetic/fetch-service/client';
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { PLUGIN_OPTIONS_ORIGIN, pluginOptionsFromNxJson } from '../../utils/fetch-options';
import { interpolatePath } from '../../utils/interpolate-path';
import { readPinnedPackages } from '../../utils/pinned-packages';
import { artifactsBefore } from './artifacts';
import { deferInterrupts } from './defer-interrupts';
import { resolveService } from './fetch-service-config';
import { runCommand } from './run-command';
import { PackExecutorSchema } from './schema';
import { keepRawReport, quarantineArtifacts, rejectionList, SessionResults, writeArtifactManifests } from './session-results';

export type Policy = 'strict' | 'permissive';

/**
 * What the session declares: the project's lockfile artifacts (URL + checksums), when it has one,
 * and the values of their credentials that the environment holds now, for the service to redact.
 */
async function declaredArtifacts(lockfilePath: string, display: string): Promise<{ declared: Array<{ url: string; checksums: string[] }>; secrets: string[] }> {
  if (!existsSync(lockfilePath)) return { declared: [], secrets: [] };
  const lockfile = await readLockfile(lockfilePath, { env: false, displayPath: display });
  const declared = lockfile.artifacts.map((a) => ({ url: wireUrl(a.url), checksums: a.checksums.map(checksumKey) }));
  const templates = lockfile.artifacts.flatMap((a) => (!a.auth ? [] : a.auth.scheme === 'basic' ? [a.auth.username, a.auth.password] : [a.auth.value]));
  const secrets = templates.flatMap((t) => {
    try {
      return [expandEnvTemplate(t, process.env)];
    } catch {
      return []; // Not set here: the build cannot send it either.
    }
  });
  return { declared, secrets };
}

/** The workspace's content store, as the fetch targets resolve it (plugin options, HERMETIC_STORE_DIR, default). */
function workspaceStore(context: ExecutorContext): string {
  const layers = [{ from: PLUGIN_OPTIONS_ORIGIN, values: pluginOptionsFromNxJson(context.nxJsonConfiguration) }];
  return resolveStoreDir(layers, { env: process.env, baseDir: context.root, defaultStoreDir: defaultStoreDir(context.root) });
}

/**
 * Opens a session of `policy` on the configured (or embedded) service, runs the command through
 * its proxy, closes it whatever happens, and acts on its report: the raw report is kept, every
 * artifact gets `<artifact>.json`, and in a strict session any rejection fails the pack and
 * quarantines what it packed. Returns whether the pack succeeded.
 */
export async function runInManagedSession(options: PackExecutorSchema, context: ExecutorContext, policy: Policy, projectRoot: string): Promise<boolean> {
  const cwd = resolve(context.root, options.cwd ?? '.');
  const lockfileRel = interpolatePath(options.lockfile ?? `{projectRoot}/${LOCKFILE_NAME}`, { projectRoot, projectName: context.projectName });
  const lockfilePath = resolve(context.root, lockfileRel);
  const { declared, secrets } = await declaredArtifacts(lockfilePath, relative(context.root, lockfilePath));
  // The project's own lockfiles and the workspace root's (npm, pnpm and Yarn workspaces).
  const packages = await readPinnedPackages(context.root, [join(context.root, projectRoot), context.root], true);
  const service = await resolveService(options, process.env);
  const allow = [...(options.allow ?? []), ...(pluginOptionsFromNxJson(context.nxJsonConfiguration).fetchServiceAllow ?? [])];
  const patterns = options.artifacts ?? [];
  // What an earlier run packed, to tell from what this command packs.
  const before = await artifactsBefore(context.root, patterns);
  const { result: outcome, interrupted } = await deferInterrupts('closing the fetch-service session', (interrupted) =>
    runUnderSession(
      {
        client: service.client,
        proxyAddress: service.proxyAddress,
        caPath: service.caPath,
        policy,
        declared,
        packages,
        ...(options.replayFromStore === false ? {} : { storeDir: workspaceStore(context) }),
        redactValues: secrets,
        allow,
        noProxy: options.noProxy ?? 'localhost',
        log: (l) => log.info(l),
      },
      async (env) => (interrupted() ? 130 : runCommand(options.command, cwd, env)),
    ),
  );
  if (interrupted) {
    log.error('pack interrupted; the fetch-service session was closed');
    return false;
  }
  for (const e of outcome.teardownErrors) log.error(`fetch service teardown: ${e}`);
  const report = outcome.report;
  if (report) keepRawReport({ context, projectRoot, patterns, report, lockfile: lockfileRel, version: options.version, before });
  if (outcome.error) throw outcome.error;
  const exit = outcome.result ?? 1;
  if (!report) {
    log.warn('no session report could be read (see the teardown errors above)');
    return false;
  }
  const results: SessionResults = { context, projectRoot, patterns, report, lockfile: relative(context.root, lockfilePath), version: options.version, before };
  const rejected = rejectionList(report, results.lockfile, context.projectName!);
  if (rejected && policy === 'strict') {
    await quarantineArtifacts(results);
    log.error(`${rejected}\nThe strict fetch-service session rejected downloads: pack fails.`);
    return false;
  }
  if (exit === 0) await writeArtifactManifests(results);
  if (rejected) log.warn(`${rejected}\nThis build will fail on 'strict' fetch-service sessions.`);
  return exit === 0 && outcome.teardownErrors.length === 0;
}
