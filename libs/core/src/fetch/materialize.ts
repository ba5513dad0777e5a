import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, lstat, rename, stat, unlink } from 'node:fs/promises';

/** How store objects reach the output directory. */
export type LinkMode = 'hardlink' | 'copy';

/**
 * Places a store object at `target` atomically: clone, link (or copy) to a temporary name beside
 * the target, then rename over it. In `hardlink` mode a copy-on-write clone comes first where the
 * file system has them (btrfs, XFS, APFS…): no extra space, and editing the output cannot reach the
 * store. Elsewhere a hard link to the read-only object (root ignores the mode: the store's
 * re-verification then catches an edit and says so). A copy where links are impossible. A target
 * that already is this object is left alone.
 */
export async function materialize(object: string, target: string, mode: LinkMode): Promise<'cloned' | 'linked' | 'copied' | 'present'> {
  const [src, existing] = await Promise.all([stat(object), lstat(target).catch(() => undefined)]);
  if (existing && existing.isFile() && existing.ino === src.ino && existing.dev === src.dev) return 'present';
  const temp = `${target}.hermetic-${randomBytes(4).toString('hex')}.tmp`;
  try {
    let how: 'cloned' | 'linked' | 'copied' = 'copied';
    if (mode === 'hardlink') {
      try {
        await copyFile(object, temp, constants.COPYFILE_FICLONE_FORCE);
        how = 'cloned';
      } catch {
        // No clones on this file system: a hard link (and no half-made clone in its way).
        await unlink(temp).catch(() => undefined);
      }
    }
    if (mode === 'hardlink' && how !== 'cloned') {
      try {
        await link(object, temp);
        how = 'linked';
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
      }
    }
    if (how === 'copied') await copyFile(object, temp, constants.COPYFILE_FICLONE);
    await rename(temp, target);
    return how;
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
