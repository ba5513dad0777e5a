import { logger, PromiseExecutor } from '../../utils/devkit';
import { describeError, readLockfile, writeSbom } from '@hermetic/core';
import { relative } from 'node:path';
import { resolveProjectPaths } from '../../utils/project-paths';
import { SbomExecutorSchema } from './schema';

/**
 * `@hermetic/nx:sbom`: writes `<outputDir>/bom.json` for the project's lockfile once its fetch
 * targets (its `dependsOn`) have verified every artifact. The project is the SBOM's subject.
 */
const runExecutor: PromiseExecutor<SbomExecutorSchema> = async (options, context) => {
  try {
    const paths = resolveProjectPaths(options, context);
    const lockfile = await readLockfile(paths.lockfile, { env: false, displayPath: relative(context.root, paths.lockfile) });
    const format = options.format ?? 'cyclonedx';
    const file = await writeSbom(lockfile, paths.outputDir, format, {
      subject: { name: context.projectName! },
      reproducible: options.reproducible ?? true,
      naming: options.naming ?? 'hermetic',
    });
    logger.info(`${format === 'spdx' ? 'SPDX 2.3' : 'CycloneDX 1.6'} SBOM of ${lockfile.artifacts.length} artifact(s): ${relative(context.root, file)}`);
    return { success: true };
  } catch (err) {
    logger.error(describeError(err));
    return { success: false };
  }
};

export default runExecutor;
