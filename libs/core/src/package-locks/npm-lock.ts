import { npmPurl } from './purl';
import { checksumsFromSri } from './sri';
import { PackageLockRead, PinnedPackage } from './types';

type Entry = {
  version?: unknown;
  resolved?: unknown;
  integrity?: unknown;
  link?: unknown;
  name?: unknown;
  dependencies?: unknown;
  inBundle?: unknown;
  optional?: unknown;
  os?: unknown;
  cpu?: unknown;
  libc?: unknown;
};

/** The machine whose installs matter: an optional package for another os, cpu or libc is never downloaded on it. */
export interface Platform {
  os: string;
  cpu: string;
  /** `glibc` or `musl` on Linux (npm's `libc` field); undefined elsewhere. */
  readonly libc?: string;
}

/** This machine; its libc is read only when an entry asks (a process report costs ~5 ms). */
function thisMachine(): Platform {
  let libc: string | undefined | null = null;
  return {
    os: process.platform,
    cpu: process.arch,
    get libc() {
      if (libc === null) {
        const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
        libc = process.platform !== 'linux' ? undefined : header?.glibcVersionRuntime ? 'glibc' : 'musl';
      }
      return libc;
    },
  };
}

/** Whether npm's `os`/`cpu` list admits `value` (none: any; `!x` excludes x; otherwise it must be listed). */
function admits(list: unknown, value: string): boolean {
  if (!Array.isArray(list)) return true;
  const names = list.filter((n): n is string => typeof n === 'string');
  if (names.includes(`!${value}`)) return false;
  const wanted = names.filter((n) => !n.startsWith('!'));
  return !wanted.length || wanted.includes(value);
}

/** An optional package this machine never installs (npm often writes no integrity for them). */
function elsewhereOnly(e: Entry, platform: Platform): boolean {
  if (e.optional !== true) return false;
  if (!admits(e.os, platform.os) || !admits(e.cpu, platform.cpu)) return true;
  const libc = Array.isArray(e.libc) ? platform.libc : undefined;
  return libc !== undefined && !admits(e.libc, libc);
}

/** The package name of a `packages` key: what follows its last `node_modules/` (scoped names keep their scope). */
function nameOfKey(key: string): string | undefined {
  const at = key.lastIndexOf('node_modules/');
  return at < 0 ? undefined : key.slice(at + 'node_modules/'.length) || undefined;
}

/** One entry as a pin, or why it is not one (undefined: nothing to pin, e.g. a workspace link). */
function pin(file: string, key: string, name: string | undefined, e: Entry, warnings: string[], platform: Platform): PinnedPackage | undefined {
  // Links, git and file: dependencies download nothing from a registry. No `resolved` at all is a
  // registry package whose URL npm leaves out (omit-lockfile-registry-resolved): the registry's.
  if (e.link === true || (typeof e.resolved === 'string' && !/^https?:\/\//.test(e.resolved))) return undefined;
  // Bundled packages come inside their parent's tarball; a key outside node_modules is a workspace folder.
  if (e.inBundle === true || !key.includes('node_modules/')) return undefined;
  if (!name || typeof e.version !== 'string') return undefined;
  const checksums = typeof e.integrity === 'string' ? checksumsFromSri(e.integrity) : [];
  if (!checksums.length) {
    // Warned about only where it is downloaded: 33 optional packages of Nx for other systems were
    // named on every strict pack here, though this machine never fetches them.
    if (!elsewhereOnly(e, platform)) warnings.push(key);
    return undefined;
  }
  return {
    ecosystem: 'npm',
    name,
    version: e.version,
    ...(typeof e.resolved === 'string' ? { url: e.resolved } : {}),
    checksums,
    purl: npmPurl(name, e.version),
    pinnedBy: `${file}: ${key}`,
  };
}

/** lockfileVersion 1: nested `dependencies`, keyed by name. */
function fromV1(file: string, deps: Record<string, Entry>, path: string, out: PinnedPackage[], warnings: string[], platform: Platform): void {
  for (const [name, e] of Object.entries(deps)) {
    if (!e || typeof e !== 'object') continue;
    const key = `${path}node_modules/${name}`;
    const p = pin(file, key, name, e, warnings, platform);
    if (p) out.push(p);
    if (e.dependencies && typeof e.dependencies === 'object') fromV1(file, e.dependencies as Record<string, Entry>, `${key}/`, out, warnings, platform);
  }
}

/**
 * The registry downloads a `package-lock.json` or `npm-shrinkwrap.json` pins (lockfileVersion 1,
 * 2 and 3): each with its `integrity` and `resolved` URL (when npm writes it). Links, git and
 * file dependencies download nothing from a registry and are skipped; an entry with no integrity is
 * named in a warning, unless it is an optional package for another os, cpu or libc than `platform`'s.
 */
export function readNpmLock(file: string, text: string, platform: Platform = thisMachine()): PackageLockRead {
  const data = JSON.parse(text) as { packages?: Record<string, Entry>; dependencies?: Record<string, Entry> };
  const packages: PinnedPackage[] = [];
  const warnings: string[] = [];
  if (data.packages && typeof data.packages === 'object') {
    for (const [key, e] of Object.entries(data.packages)) {
      if (!key || !e || typeof e !== 'object') continue; // '' is the root project
      const p = pin(file, key, typeof e.name === 'string' ? e.name : nameOfKey(key), e, warnings, platform);
      if (p) packages.push(p);
    }
  } else if (data.dependencies && typeof data.dependencies === 'object') {
    fromV1(file, data.dependencies, '', packages, warnings, platform);
  }
  return { file, packages, warnings: unverifiable(file, warnings) };
}

/** One warning for the entries without integrity that this machine would download. */
function unverifiable(file: string, keys: readonly string[]): string[] {
  if (!keys.length) return [];
  const named = keys.slice(0, 3).join(', ');
  return [
    `${file}: ${keys.length} entr${keys.length === 1 ? 'y has' : 'ies have'} no integrity (${named}${keys.length > 3 ? ', …' : ''}), so a download of ${keys.length === 1 ? 'it' : 'them'} cannot be verified (npm install adds it)`,
  ];
}
