import { parse } from 'yaml';
import { npmPurl } from './purl';
import { checksumsFromSri } from './sri';
import { PackageLockRead, PinnedPackage } from './types';

type Entry = { resolution?: { integrity?: unknown; tarball?: unknown }; name?: unknown; version?: unknown };

/**
 * Name and version of a `packages` key: v9 `name@1.2.3`, v6 `/name@1.2.3`, v5 `/name/1.2.3`, each
 * maybe scoped and with a peer suffix (`(react@18.2.0)` or `_react@18.2.0`), which is dropped.
 */
export function pnpmKey(key: string): { name: string; version: string } | undefined {
  const bare = key.replace(/^\//, '').replace(/\(.*$/, '');
  const scoped = bare.startsWith('@');
  const at = bare.indexOf('@', scoped ? 1 : 0);
  if (at > 0) return { name: bare.slice(0, at), version: bare.slice(at + 1).split('_')[0] };
  const parts = bare.split('/');
  const n = scoped ? 2 : 1;
  return parts.length === n + 1 ? { name: parts.slice(0, n).join('/'), version: parts[n].split('_')[0] } : undefined;
}

/** The registry tarball URL of a package (pnpm records it only for non-default tarballs). */
function tarballUrl(registry: string, name: string, version: string): string {
  const base = registry.endsWith('/') ? registry : `${registry}/`;
  return `${base}${name}/-/${name.split('/').pop()}-${version}.tgz`;
}

/**
 * The registry downloads a `pnpm-lock.yaml` pins (lockfile v5, v6 and v9): `resolution.integrity`
 * of every package, with its tarball URL (recorded, or derived from `registry`, which is where pnpm
 * fetches from). Packages from git, directories or tarballs without integrity are named in warnings.
 */
export function readPnpmLock(file: string, text: string, registry = 'https://registry.npmjs.org/'): PackageLockRead {
  const data = parse(text, { maxAliasCount: 100 }) as { packages?: Record<string, Entry> } | null;
  const packages: PinnedPackage[] = [];
  const warnings: string[] = [];
  for (const [key, e] of Object.entries(data?.packages ?? {})) {
    const id = pnpmKey(key);
    const name = typeof e?.name === 'string' ? e.name : id?.name;
    const version = typeof e?.version === 'string' ? e.version : id?.version;
    const integrity = e?.resolution?.integrity;
    if (!name || !version || typeof integrity !== 'string') {
      warnings.push(`${file}: ${key} pins no integrity (git, directory or tarball dependency): its download cannot be verified`);
      continue;
    }
    const checksums = checksumsFromSri(integrity);
    if (!checksums.length) continue;
    const url = typeof e.resolution?.tarball === 'string' ? e.resolution.tarball : tarballUrl(registry, name, version);
    packages.push({ ecosystem: 'npm', name, version, url, checksums, purl: npmPurl(name, version), pinnedBy: `${file}: ${key}` });
  }
  return { file, packages, warnings };
}
