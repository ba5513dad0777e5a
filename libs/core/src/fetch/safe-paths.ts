import { lstat, mkdir, realpath } from 'node:fs/promises';
import { join, relative, resolve, sep, isAbsolute } from 'node:path';
import { HermeticError } from '../errors';

/** Whether `child` is `root` or below it. */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Refuses a content store and an output directory that overlap: Nx empties an output before it
 * restores it from its cache, so a store inside an output went with it, and an output inside the
 * store (or the same folder, which the CLI took) mixed fetched files with the store's objects.
 */
export function checkStoreApart(storeRoot: string, outputDir: string): void {
  const store = resolve(storeRoot);
  const output = resolve(outputDir);
  if (!isInside(store, output) && !isInside(output, store)) return;
  throw new HermeticError('InvalidInput', `the store ${store} and the output directory ${output} overlap`, {
    hints: ['keep each outside the other, e.g. the store in ~/.cache/hermetic/store (--store, HERMETIC_STORE_DIR) and the output beside the project'],
  });
}

type Stat = Awaited<ReturnType<typeof lstat>>;

/**
 * Walks the components of `relDir` below `root`, checking each that exists: a symlink that resolves
 * outside `realRoot` fails with PathOutsideRoot (exit 3) naming it, a non-directory with InvalidInput.
 * A missing component is handed to `missing`, which creates it (and returns what is there now) or
 * ends the walk (undefined).
 */
async function walkInside(
  root: string,
  realRoot: string,
  relDir: string,
  context: string,
  missing: (path: string) => Promise<Stat | 'made' | undefined>,
): Promise<void> {
  let current = root;
  for (const segment of relDir.split('/').filter(Boolean)) {
    current = join(current, segment);
    let info: Stat | 'made' | undefined;
    try {
      info = await lstat(current);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      info = await missing(current);
      if (info === undefined) return;
      if (info === 'made') continue;
    }
    await checkEntry(current, info, root, realRoot, context);
  }
}

async function checkEntry(current: string, info: Stat, root: string, realRoot: string, context: string): Promise<void> {
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
 * Proves that the existing directories of `relDir` below `root` stay inside it (before a delete, say);
 * components that do not exist yet are fine. `realRoot` is `root` with symlinks resolved.
 */
export function checkInside(root: string, realRoot: string, relDir: string, context: string): Promise<void> {
  return walkInside(root, realRoot, relDir, context, async () => undefined);
}

/**
 * Creates the directories of `relDir` below `root` one segment at a time, refusing to follow a
 * symlink that leads out of `root` (so a planted link cannot redirect a download elsewhere).
 */
export function mkdirInside(root: string, realRoot: string, relDir: string, context: string): Promise<void> {
  return walkInside(root, realRoot, relDir, context, async (path) => {
    try {
      await mkdir(path);
      return 'made';
    } catch (err) {
      // Another artifact of the same run made it in between: check what is there now.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return lstat(path);
    }
  });
}
