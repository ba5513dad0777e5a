import { lstat, mkdir, realpath } from 'node:fs/promises';
import { join, relative, sep, isAbsolute } from 'node:path';
import { HermeticError } from '../errors';

/** Whether `child` is `root` or below it. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Proves that the existing directories of `relDir` below `root` stay inside it: each component that
 * exists is checked, and a symlink that resolves outside `realRoot` (or a non-directory) fails with
 * PathOutsideRoot (exit 3) naming the path. Components that do not exist yet are fine.
 */
export async function checkInside(root: string, realRoot: string, relDir: string, context: string): Promise<void> {
  let current = root;
  for (const segment of relDir.split('/').filter(Boolean)) {
    current = join(current, segment);
    let info;
    try {
      info = await lstat(current);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    await checkEntry(current, info, root, realRoot, context);
  }
}

async function checkEntry(current: string, info: Awaited<ReturnType<typeof lstat>>, root: string, realRoot: string, context: string): Promise<void> {
  if (info.isSymbolicLink()) {
    const target = await realpath(current).catch(() => undefined);
    if (!target || !isInside(realRoot, target)) {
      throw new HermeticError('PathOutsideRoot', `${context}: ${current} is a symlink to ${target ?? 'a missing target'}, outside ${root}`, {
        hints: ['remove the symlink; Hermetic never writes or deletes through links that leave the output directory'],
      });
    }
  } else if (!info.isDirectory()) {
    throw new HermeticError('InvalidInput', `${context}: ${current} exists and is not a directory`, { hints: ['remove it or choose another filename'] });
  }
}

/**
 * Creates the directories of `relDir` below `root` one segment at a time, refusing to follow a
 * symlink that leads out of `root` (so a planted link cannot redirect a download elsewhere).
 * `realRoot` is `root` with symlinks resolved (computed once per run by the caller).
 */
export async function mkdirInside(root: string, realRoot: string, relDir: string, context: string): Promise<void> {
  let current = root;
  for (const segment of relDir.split('/').filter(Boolean)) {
    current = join(current, segment);
    let info;
    try {
      info = await lstat(current);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      try {
        await mkdir(current);
        continue;
      } catch (mkdirErr) {
        // Another artifact of the same run made it in between: check what is there now.
        if ((mkdirErr as NodeJS.ErrnoException).code !== 'EEXIST') throw mkdirErr;
        info = await lstat(current);
      }
    }
    await checkEntry(current, info, root, realRoot, context);
  }
}
