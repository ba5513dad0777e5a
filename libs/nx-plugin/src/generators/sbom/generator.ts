import { joinPathFragments, logger, readProjectConfiguration, Tree } from '../../utils/devkit';
import { HermeticError, LOCKFILE_NAME, lockfileComponents, parseLockfile, serializeSbom, toCycloneDx, toSpdx } from '@hermetic/core';
import { posix } from 'node:path';
import { SbomGeneratorSchema } from './schema';

/**
 * `--path` as the path below the project root it must be: an absolute path was quietly put below the
 * root (`/tmp/x.json` became `<root>/tmp/x.json`) and `../..` left the project.
 */
function projectRelative(path: string, root: string): string {
  const normal = posix.normalize(path.replace(/\\/g, '/'));
  if (posix.isAbsolute(normal) || /^[A-Za-z]:/.test(normal) || normal === '..' || normal.startsWith('../')) {
    throw new HermeticError('InvalidInput', `--path ${path} is not a path inside the project ${root}`, {
      hints: [`give it relative to ${root}, e.g. --path sbom/sbom.cdx.json`],
    });
  }
  return normal;
}

/**
 * `nx g @hermetic/nx:sbom --project <p>`: a reproducible SBOM of the project's lockfile, written
 * into the project tree to be committed (the `sbom` target writes the build's own beside the deps).
 */
export async function sbomGenerator(tree: Tree, options: SbomGeneratorSchema): Promise<void> {
  const project = readProjectConfiguration(tree, options.project);
  const lockPath = joinPathFragments(project.root, LOCKFILE_NAME);
  if (!tree.exists(lockPath))
    throw new HermeticError('LockfileNotFound', `${lockPath} does not exist`, {
      hints: [`create it with nx g @hermetic/nx:configuration --project ${options.project}`],
    });
  const lockfile = parseLockfile(tree.read(lockPath, 'utf8')!, lockPath, { env: false });
  const format = options.format ?? 'cyclonedx';
  const sbomOptions = { subject: { name: options.project }, reproducible: true, naming: options.naming ?? 'hermetic' } as const;
  const components = lockfileComponents(lockfile);
  const doc = format === 'spdx' ? toSpdx(components, sbomOptions) : toCycloneDx(components, sbomOptions);
  const path = joinPathFragments(project.root, projectRelative(options.path ?? (format === 'spdx' ? 'sbom.spdx.json' : 'sbom.cdx.json'), project.root));
  tree.write(path, `${serializeSbom(doc)}\n`);
  logger.info(`wrote ${path} (${components.length} component(s))`);
}

export default sbomGenerator;
