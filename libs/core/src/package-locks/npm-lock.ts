import { npmPurl } from './purl';
import { checksumsFromSri } from './sri';
import { PackageLockRead, PinnedPackage } from './types';

type Entry = { version?: unknown; resolved?: unknown; integrity?: unknown; link?: unknown; name?: unknown; dependencies?: unknown };

/** The package name of a `packages` key: what follows its last `node_modules/` (scoped names keep their scope). */
function nameOfKey(key: string): string | undefined {
  const at = key.lastIndexOf('node_modules/');
  return at < 0 ? undefined : key.slice(at + 'node_modules/'.length) || undefined;
}

/** One entry as a pin, or why it is not one (undefined: nothing to pin, e.g. a workspace link). */
function pin(file: string, key: string, name: string | undefined, e: Entry, warnings: string[]): PinnedPackage | undefined {
  if (e.link === true || typeof e.resolved !== 'string' || !/^https?:\/\//.test(e.resolved)) return undefined; // links, git, file:
  if (!name || typeof e.version !== 'string') return undefined;
  const checksums = typeof e.integrity === 'string' ? checksumsFromSri(e.integrity) : [];
  if (!checksums.length) {
    warnings.push(`${file}: ${key} has no usable integrity, so its download cannot be verified (run npm install to add it)`);
    return undefined;
  }
  return { ecosystem: 'npm', name, version: e.version, url: e.resolved, checksums, purl: npmPurl(name, e.version), pinnedBy: `${file}: ${key}` };
}

/** lockfileVersion 1: nested `dependencies`, keyed by name. */
function fromV1(file: string, deps: Record<string, Entry>, path: string, out: PinnedPackage[], warnings: string[]): void {
  for (const [name, e] of Object.entries(deps)) {
    if (!e || typeof e !== 'object') continue;
    const key = `${path}node_modules/${name}`;
    const p = pin(file, key, name, e, warnings);
    if (p) out.push(p);
    if (e.dependencies && typeof e.dependencies === 'object') fromV1(file, e.dependencies as Record<string, Entry>, `${key}/`, out, warnings);
  }
}

/**
 * The registry downloads a `package-lock.json` or `npm-shrinkwrap.json` pins (lockfileVersion 1,
 * 2 and 3): each with its `resolved` URL and `integrity`. Links, git and file dependencies download
 * nothing from a registry and are skipped; an entry with no integrity is named in a warning.
 */
export function readNpmLock(file: string, text: string): PackageLockRead {
  const data = JSON.parse(text) as { packages?: Record<string, Entry>; dependencies?: Record<string, Entry> };
  const packages: PinnedPackage[] = [];
  const warnings: string[] = [];
  if (data.packages && typeof data.packages === 'object') {
    for (const [key, e] of Object.entries(data.packages)) {
      if (!key || !e || typeof e !== 'object') continue; // '' is the root project
      const p = pin(file, key, typeof e.name === 'string' ? e.name : nameOfKey(key), e, warnings);
      if (p) packages.push(p);
    }
  } else if (data.dependencies && typeof data.dependencies === 'object') {
    fromV1(file, data.dependencies, '', packages, warnings);
  }
  return { file, packages, warnings };
}
