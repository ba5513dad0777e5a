import { log } from './task-log';
import { PinnedPackage, readPackageLocks } from '@hermetic/core';

/**
 * What the package-manager lockfiles in `dirs` pin (files named relative to the workspace root),
 * their warnings logged; `announce` also says how many each lockfile pins.
 */
export async function readPinnedPackages(root: string, dirs: readonly string[], announce = false): Promise<PinnedPackage[]> {
  const reads = await readPackageLocks(root, dirs);
  for (const r of reads) {
    for (const w of r.warnings) log.warn(w);
    if (announce && r.packages.length) log.info(`fetch service: ${r.file} pins ${r.packages.length} package(s)`);
  }
  return reads.flatMap((r) => r.packages);
}
