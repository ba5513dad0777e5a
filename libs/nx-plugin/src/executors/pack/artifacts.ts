import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The files matching `patterns` (relative to `root`; `*` and `?` allowed in the file name). */
export function findArtifacts(root: string, patterns: readonly string[]): string[] {
  const out: string[] = [];
  for (const pattern of patterns) {
    const dir = join(root, dirname(pattern));
    const name = basename(pattern);
    if (!/[*?]/.test(name)) {
      if (existsSync(join(dir, name))) out.push(join(dir, name));
      continue;
    }
    const re = new RegExp(
      `^${name
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
    );
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (re.test(f) && !f.endsWith('.json')) out.push(join(dir, f));
  }
  return [...new Set(out)];
}

/** sha1 and sha256 of a file (artifacts are read once; they are build outputs, not huge streams). */
export function fileHashes(path: string): { sha1: string; sha256: string } {
  const data = readFileSync(path);
  return { sha1: createHash('sha1').update(data).digest('hex'), sha256: createHash('sha256').update(data).digest('hex') };
}

/** Debian architecture names, as craft manifests use them. */
export function debianArch(arch: string = process.arch): string {
  return (
    ({ x64: 'amd64', arm64: 'arm64', arm: 'armhf', ia32: 'i386', ppc64: 'ppc64el', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[arch] ?? arch
  );
}
