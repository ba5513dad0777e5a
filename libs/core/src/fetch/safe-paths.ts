import { lstat, mkdir, realpath } from 'node:fs/promises';
import { join, relative, sep, isAbsolute } from 'node:path';
import { HermeticError } from '../errors';

/** Whether `child` is `root` or below it. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
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
    if (info.isSymbolicLink()) {
      const target = await realpath(current);
      if (!isInside(realRoot, target)) {
        throw new HermeticError('PathOutsideRoot', `${context}: ${current} is a symlink to ${target}, outside ${root}`, {
          hints: ['remove the symlink; downloads never follow links out of the output directory'],
        });
      }
    } else if (!info.isDirectory()) {
      throw new HermeticError('InvalidInput', `${context}: ${current} exists and is not a directory`, { hints: ['remove it or choose another filename'] });
    }
  }
}
