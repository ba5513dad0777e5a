import { ExecutorContext, PromiseExecutor } from '../../utils/devkit';
import { log } from '../../utils/task-log';
import { describeError, HermeticError } from '@hermetic/core';
import { FetchServiceError } from '@hermetic/fetch-service/client';
import { resolve } from 'node:path';
import { pluginOptionsFromNxJson } from '../../utils/fetch-options';
import { runInExternalSession } from './external-session';
import { Policy, runInManagedSession } from './managed-session';
import { runCommand } from './run-command';
import { PackExecutorSchema } from './schema';

/** The session policy asked for: the target option (or `--enable-fetch-service`), else the plugin option. */
function policyOf(options: PackExecutorSchema, context: ExecutorContext): Policy | undefined {
  const raw =
    options.enableFetchService ??
    (options as unknown as Record<string, unknown>)['enable-fetch-service'] ??
    pluginOptionsFromNxJson(context.nxJsonConfiguration).enableFetchService;
  if (raw === undefined || raw === '' || raw === false) return undefined;
  if (raw !== 'strict' && raw !== 'permissive') {
    throw new HermeticError('InvalidInput', `--enable-fetch-service: invalid choice '${String(raw)}' (choose from 'strict', 'permissive')`);
  }
  return raw;
}

/** Which of the three ways to run the command applies (craft-application's rules). */
function modeOf(options: PackExecutorSchema, context: ExecutorContext): { kind: 'external' } | { kind: 'plain' } | { kind: 'managed'; policy: Policy } {
  const policy = policyOf(options, context);
  const external = process.env.CRAFT_USE_EXTERNAL_FETCH_SERVICE === '1';
  if (external && policy) {
    throw new HermeticError('InvalidInput', 'Conflicting request for both external and managed fetch-service use.', {
      hints: ['unset CRAFT_USE_EXTERNAL_FETCH_SERVICE, or drop --enable-fetch-service'],
    });
  }
  if (external) return { kind: 'external' };
  return policy ? { kind: 'managed', policy } : { kind: 'plain' };
}

/**
 * `@hermetic/nx:pack`: runs the project's packing command; with `--enable-fetch-service=<policy>`
 * inside a Fetch Service session that is closed whatever happens, its report written as
 * `<artifact>.json` beside each artifact; with `CRAFT_USE_EXTERNAL_FETCH_SERVICE=1` through an
 * external session. Strict sessions fail the task when anything was rejected.
 */
const runExecutor: PromiseExecutor<PackExecutorSchema> = async (options, context) => {
  const projectRoot = context.projectsConfigurations.projects[context.projectName!]?.root ?? '.';
  const cwd = resolve(context.root, options.cwd ?? '.');
  try {
    const mode = modeOf(options, context);
    if (mode.kind === 'external') return { success: (await runInExternalSession(options.command, cwd, options.noProxy ?? 'localhost')) === 0 };
    if (mode.kind === 'plain') return { success: (await runCommand(options.command, cwd, {})) === 0 };
    return { success: await runInManagedSession(options, context, mode.policy, projectRoot) };
  } catch (err) {
    // The service's own errors are the user's to fix (credentials, ports): one line, no stack.
    log.error(err instanceof FetchServiceError ? err.message : describeError(err));
    return { success: false };
  }
};

export default runExecutor;
