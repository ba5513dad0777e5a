import { randomBytes } from 'node:crypto';
import { constants, linkSync, lstatSync, statSync } from 'node:fs';
import { copyFile, rename, unlink } from 'node:fs/promises';

/** How store objects reach the output directory. */
export type LinkMode = 'hardlink' | 'copy';

/** Devices (of store objects) where a clone failed: not tried again in this process. */
const noClones = new Set<number>();

/** Errors that mean "no hard link here", where a copy is the answer. */
const NO_LINK = new Set(['EXDEV', 'EPERM', 'EMLINK', 'ENOTSUP', 'EOPNOTSUPP']);

/** A copy-on-write clone of `object` at `temp`, or false where the file system has none. */
async function tryClone(object: string, temp: string, dev: number): Promise<boolean> {
  if (noClones.has(dev)) return false;
  try {
    await copyFile(object, temp, constants.COPYFILE_FICLONE_FORCE);
    return true;
  } catch {
    // No clones on this file system (and no half-made clone left in the way).
    noClones.add(dev);
    await unlink(temp).catch(() => undefined);
    return false;
  }
}

/**
 * A hard link (synchronous: a metadata call of microseconds), or false where the file system
 * refuses one or something is at `path` already (then the caller goes the temporary-name way).
 */
function tryLink(object: string, path: string): boolean {
  try {
    linkSync(object, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST' || NO_LINK.has(code)) return false;
    throw err;
  }
}

/**
 * Places a store object at `target` atomically: clone, link (or copy) to a temporary name beside
 * the target, then rename over it. In `hardlink` mode a copy-on-write clone comes first where the
 * file system has them (btrfs, XFS, APFS…): no extra space, and editing the output cannot reach the
 * store. Elsewhere a hard link to the read-only object (root ignores the mode: the store's
 * re-verification then catches an edit and says so); when nothing is at the target yet, the link
 * is made there directly (a link appears whole, so no rename is needed). A copy where links are
 * impossible. A target that already is this object is left alone.
 */
export async function materialize(object: string, target: string, mode: LinkMode): Promise<'cloned' | 'linked' | 'copied' | 'present'> {
  // The common case (a link where nothing is yet, or already the object) in synchronous calls: three
  // metadata operations take microseconds, where each asynchronous one is a thread-pool round trip
  // (with 10,000 store hits they were half of the run).
  const src = statSync(object);
  const existing = lstatSync(target, { throwIfNoEntry: false });
  if (existing && existing.isFile() && existing.ino === src.ino && existing.dev === src.dev) return 'present';
  // Something may appear at the target meanwhile: then it is replaced the atomic way below.
  if (mode === 'hardlink' && !existing && noClones.has(src.dev) && tryLink(object, target)) return 'linked';
  const temp = `${target}.hermetic-${randomBytes(4).toString('hex')}.tmp`;
  try {
    let how: 'cloned' | 'linked' | 'copied' = 'copied';
    if (mode === 'hardlink') {
      if (await tryClone(object, temp, src.dev)) how = 'cloned';
      else if (tryLink(object, temp)) how = 'linked';
    }
    if (how === 'copied') await copyFile(object, temp, constants.COPYFILE_FICLONE);
    await rename(temp, target);
    return how;
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
