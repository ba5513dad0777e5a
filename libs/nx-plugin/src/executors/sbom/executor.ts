import { PromiseExecutor } from '../../utils/devkit';
import { log } from '../../utils/task-log';
import { describeError, readLockfile, writeSbom } from '@hermetic/core';
import { join, relative } from 'node:path';
import { readPinnedPackages } from '../../utils/pinned-packages';
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
    // The project's own lockfiles only: the workspace root's pins every tool of the workspace.
    const packages = options.includePackageLocks ? await readPinnedPackages(context.root, [join(context.root, paths.projectRoot)]) : [];
    const file = await writeSbom(lockfile, paths.outputDir, format, {
      subject: { name: context.projectName! },
      reproducible: options.reproducible ?? true,
      naming: options.naming ?? 'hermetic',
      packages,
    });
    const pinned = packages.length ? ` and ${packages.length} package(s) of its package lockfiles` : '';
    log.info(`${format === 'spdx' ? 'SPDX 2.3' : 'CycloneDX 1.6'} SBOM of ${lockfile.artifacts.length} artifact(s)${pinned}: ${relative(context.root, file)}`);
    return { success: true };
  } catch (err) {
    log.error(describeError(err));
    return { success: false };
  }
};

export default runExecutor;
