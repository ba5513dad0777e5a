import { realpath, unlink } from 'node:fs/promises';
import { join, posix, relative, resolve, sep } from 'node:path';
import { checkInside, isInside } from '../fetch/safe-paths';
import { MAVEN_CHECKSUM_FILES, MAVEN_DEPS_DIR } from '../layout';
import type { VerifiedCache } from './verified-cache';

/**
 * Removes the files of `outputDir/deps/` that Hermetic placed or verified there before (the
 * output's verified-files cache lists them) and that the lockfile no longer lists (`listed`, the
 * absolute paths just verified). A fetch removes what its own previous run placed, but a fetch
 * target restored from Nx's cache does not run: Nx puts back the outputs of that earlier state and
 * leaves every other file where it is, so a file the lockfile dropped since stayed in `deps/`,
 * undeclared, for any build that takes the whole folder. Files Hermetic never placed (a Maven
 * build's own files in `deps/maven/`, say) are never touched. Returns the removed files' paths
 * below `outputDir`, `/`-separated.
 */
export async function removeUnlisted(outputDir: string, listed: ReadonlySet<string>, cache: VerifiedCache): Promise<string[]> {
  const deps = join(outputDir, 'deps');
  const unlisted = cache.pathsBelow(deps).filter((p) => !listed.has(p));
  if (!unlisted.length) return [];
  const real = await realpath(outputDir);
  const removed: string[] = [];
  for (const path of unlisted.sort()) {
    cache.forget(path);
    // The cache is a file anyone can edit: never follow it out of deps/, nor through a symlinked folder.
    if (resolve(path) !== path || !isInside(deps, path)) continue;
    const rel = relative(outputDir, path).split(sep).join('/');
    await checkInside(outputDir, real, posix.dirname(rel), 'removing a file the lockfile no longer lists');
    const gone = await unlink(path).then(
      () => true,
      () => false,
    );
    if (!gone) continue;
    removed.push(rel);
    // Maven's checksum files of a layout file go with it.
    if (rel.startsWith(`${MAVEN_DEPS_DIR}/`)) for (const a of MAVEN_CHECKSUM_FILES) await unlink(`${path}.${a}`).catch(() => undefined);
  }
  return removed;
}
