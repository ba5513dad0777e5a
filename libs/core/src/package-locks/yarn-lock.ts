import { parseSyml } from '@yarnpkg/parsers';
import { npmPurl } from './purl';
import { checksumFromHex, checksumsFromSri } from './sri';
import { PackageLockRead, PinnedPackage } from './types';

type Entry = { version?: unknown; resolved?: unknown; integrity?: unknown };

/** The package name of a Yarn v1 key (`name@^1.0.0`, `@scope/name@~2`): what precedes the range. */
function nameOfKey(key: string): string | undefined {
  const at = key.indexOf('@', key.startsWith('@') ? 1 : 0);
  return at > 0 ? key.slice(0, at) : undefined;
}

/**
 * The registry downloads a `yarn.lock` pins. Yarn v1 (read with Yarn's own parser,
 * `@yarnpkg/parsers`, as Nx reads it): `resolved` with its `#<sha1>` fragment and `integrity`. Yarn Berry's
 * `checksum` is the digest of Yarn's own zip of a package, not of the tarball it downloads, so it
 * cannot approve a download: a Berry lockfile gives a warning and no pins.
 */
export function readYarnLock(file: string, text: string): PackageLockRead {
  if (/^__metadata:/m.test(text)) {
    return {
      file,
      packages: [],
      warnings: [`${file} is a Yarn Berry lockfile: its checksums cover Yarn's zip archives, not the downloaded tarballs, so they cannot approve downloads`],
    };
  }
  const parsed = parseSyml(text) as Record<string, Entry>;
  const packages: PinnedPackage[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const [key, e] of Object.entries(parsed)) {
    if (!e || typeof e !== 'object') continue;
    const name = nameOfKey(key);
    if (!name || typeof e.version !== 'string' || typeof e.resolved !== 'string' || !/^https?:\/\//.test(e.resolved)) continue;
    const [url, fragment] = e.resolved.split('#');
    if (seen.has(url)) continue; // several ranges resolved to one version
    seen.add(url);
    const fromFragment = fragment ? checksumFromHex('sha1', fragment) : undefined;
    const sri = typeof e.integrity === 'string' ? checksumsFromSri(e.integrity) : [];
    const checksums = [...sri, ...(fromFragment && !sri.some((c) => c.algorithm === 'sha1') ? [fromFragment] : [])];
    if (!checksums.length) {
      warnings.push(`${file}: ${key} has neither integrity nor a #sha1 in its resolved URL: its download cannot be verified`);
      continue;
    }
    packages.push({ ecosystem: 'npm', name, version: e.version, url, checksums, purl: npmPurl(name, e.version), pinnedBy: `${file}: ${key}` });
  }
  return { file, packages, warnings };
}
