import { PromiseExecutor } from '../../utils/devkit';
import { log } from '../../utils/task-log';
// The entry points it needs, not the package's main one (which loads the downloader, store and SBOM
// writer): where a project.json names it, this task runs on every warm fetch-deps.
import { describeError } from '@hermetic/core/errors';
import { verificationSummary, verifyAgainstLockfile } from '@hermetic/core/verify';
import { relative } from 'node:path';
import { resolveProjectPaths } from '../../utils/project-paths';
import { VerifyDepsExecutorSchema } from './schema';

/**
 * `@hermetic/nx:verify-deps` (what `fetch-deps` ran last before it became the `hermetic verify`
 * command; project.json files written then still name it): every fetched file is hashed again and
 * compared with the lockfile, whether the fetch targets ran or Nx restored them from a cache.
 */
const runExecutor: PromiseExecutor<VerifyDepsExecutorSchema> = async (options, context) => {
  try {
    const paths = resolveProjectPaths(options, context);
    const started = Date.now();
    const result = await verifyAgainstLockfile(paths.lockfile, paths.outputDir, { displayPath: relative(context.root, paths.lockfile), cwd: context.root });
    log.info(verificationSummary(result, result.lockfile.path, Date.now() - started));
    return { success: true };
  } catch (err) {
    log.error(describeError(err));
    return { success: false };
  }
};

export default runExecutor;
