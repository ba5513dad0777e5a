import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, lstat, rename, stat, unlink } from 'node:fs/promises';

/** How store objects reach the output directory. */
export type LinkMode = 'hardlink' | 'copy';

/**
 * Places a store object at `target` atomically: link (or copy) to a temporary name beside the
 * target, then rename over it. Falls back to a copy where hard links are impossible (another
 * filesystem, or a filesystem without them). A target that already is this object is left alone.
 */
export async function materialize(object: string, target: string, mode: LinkMode): Promise<'linked' | 'copied' | 'present'> {
  const [src, existing] = await Promise.all([stat(object), lstat(target).catch(() => undefined)]);
  if (existing && existing.isFile() && existing.ino === src.ino && existing.dev === src.dev) return 'present';
  const temp = `${target}.hermetic-${randomBytes(4).toString('hex')}.tmp`;
  try {
    let how: 'linked' | 'copied' = 'copied';
    if (mode === 'hardlink') {
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
