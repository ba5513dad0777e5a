import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { readNpmLock } from './npm-lock';
import { readPipRequirements } from './pip-requirements';
import { readPnpmLock } from './pnpm-lock';
import { PACKAGE_LOCK_FILES } from '../layout';
import { PackageLockRead } from './types';
import { readYarnLock } from './yarn-lock';

type Reader = (file: string, text: string, registry: string) => PackageLockRead;

const READ: Record<keyof typeof PACKAGE_LOCK_FILES, Reader> = {
  npm: (f, t) => readNpmLock(f, t),
  pnpm: (f, t, r) => readPnpmLock(f, t, r),
  yarn: (f, t) => readYarnLock(f, t),
  pip: (f, t) => readPipRequirements(f, t),
};

/** A file-name pattern of PACKAGE_LOCK_FILES as a RegExp (`*` within the name). */
function nameMatcher(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
}

/** The package lockfiles Hermetic reads, by file name (the one list is layout's PACKAGE_LOCK_FILES). */
const READERS = (Object.keys(READ) as Array<keyof typeof READ>).flatMap((kind) =>
  PACKAGE_LOCK_FILES[kind].map((pattern) => ({ match: nameMatcher(pattern), read: READ[kind] })),
);

/** Whether a file name is one of the package lockfiles Hermetic reads. */
export function isPackageLockName(name: string): boolean {
  return READERS.some((r) => r.match.test(name));
}

/**
 * Reads every package lockfile in `dirs` (a project's folder and the workspace root, for npm, pnpm
 * and Yarn workspaces), naming files relative to `root`. A file that cannot be parsed is a warning,
 * not a failure: its packages are then simply not pinned (a strict session refuses them, saying so).
 */
export async function readPackageLocks(root: string, dirs: readonly string[], options: { registry?: string } = {}): Promise<PackageLockRead[]> {
  const registry = options.registry ?? 'https://registry.npmjs.org/';
  const out: PackageLockRead[] = [];
  for (const dir of [...new Set(dirs)]) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      const reader = READERS.find((r) => r.match.test(name));
      if (!reader) continue;
      const file = relative(root, join(dir, name)) || name;
      try {
        out.push(reader.read(file, await readFile(join(dir, name), 'utf8'), registry));
      } catch (err) {
        out.push({ file, packages: [], warnings: [`${file} cannot be read: ${(err as Error).message}`] });
      }
    }
  }
  return out;
}
