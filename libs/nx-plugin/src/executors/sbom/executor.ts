import { logger, PromiseExecutor } from '../../utils/devkit';
import { describeError, PinnedPackage, readLockfile, readPackageLocks, writeSbom } from '@hermetic/core';
import { join, relative } from 'node:path';
import { resolveProjectPaths } from '../../utils/project-paths';
import { SbomExecutorSchema } from './schema';

/** What the project's own package-manager lockfiles pin (its folder only: the workspace root's pins every tool). */
async function projectPackages(root: string, projectDir: string): Promise<PinnedPackage[]> {
  const reads = await readPackageLocks(root, [projectDir]);
  for (const w of reads.flatMap((r) => r.warnings)) logger.warn(w);
  return reads.flatMap((r) => r.packages);
}

/**
 * `@hermetic/nx:sbom`: writes `<outputDir>/bom.json` for the project's lockfile once its fetch
 * targets (its `dependsOn`) have verified every artifact. The project is the SBOM's subject.
 */
const runExecutor: PromiseExecutor<SbomExecutorSchema> = async (options, context) => {
  try {
    const paths = resolveProjectPaths(options, context);
    const lockfile = await readLockfile(paths.lockfile, { env: false, displayPath: relative(context.root, paths.lockfile) });
    const format = options.format ?? 'cyclonedx';
    const packages = options.includePackageLocks ? await projectPackages(context.root, join(context.root, paths.projectRoot)) : [];
    const file = await writeSbom(lockfile, paths.outputDir, format, {
      subject: { name: context.projectName! },
      reproducible: options.reproducible ?? true,
      naming: options.naming ?? 'hermetic',
      packages,
    });
    const pinned = packages.length ? ` and ${packages.length} package(s) of its package lockfiles` : '';
    logger.info(
      `${format === 'spdx' ? 'SPDX 2.3' : 'CycloneDX 1.6'} SBOM of ${lockfile.artifacts.length} artifact(s)${pinned}: ${relative(context.root, file)}`,
    );
    return { success: true };
  } catch (err) {
    logger.error(describeError(err));
    return { success: false };
  }
};

export default runExecutor;
