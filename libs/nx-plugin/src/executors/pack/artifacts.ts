import { hashFile } from '@hermetic/core';
import { fileIdentity } from '@hermetic/core/verify';
import { readdir, stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import picomatch from 'picomatch';

/** Directories a pattern never descends into, unless it names them. */
const SKIPPED = new Set(['node_modules', '.git', '.nx']);

/** Every file below `dir` (relative to `root`, with `/`), skipping SKIPPED; none if `dir` is missing. */
async function filesBelow(root: string, dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(join(root, dir), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory() && !SKIPPED.has(e.name)) out.push(...(await filesBelow(root, rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

/**
 * The packed files matching `patterns` (globs relative to `root`: `*` in a name, `**` across
 * folders, `{a,b}`, as picomatch reads them), in pattern order, sorted within a pattern. Manifests
 * (`*.json`) written beside artifacts are never artifacts themselves.
 */
export async function findArtifacts(root: string, patterns: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const pattern of patterns) {
    const { base, isGlob } = picomatch.scan(pattern);
    if (!isGlob) {
      if ((await stat(join(root, pattern)).catch(() => undefined))?.isFile()) out.push(normalize(pattern).split(sep).join('/'));
      continue;
    }
    const matches = picomatch(pattern, { dot: false });
    out.push(...(await filesBelow(root, base)).filter((f) => matches(f) && !f.endsWith('.json')));
  }
  return [...new Set(out)].map((f) => join(root, f));
}

/** The identities of the files matching `patterns` now, before the command runs (see `splitByRun`). */
export async function artifactsBefore(root: string, patterns: readonly string[]): Promise<ReadonlyMap<string, string>> {
  const before = new Map<string, string>();
  for (const file of await findArtifacts(root, patterns)) {
    const id = fileIdentity(file);
    if (id) before.set(file, id);
  }
  return before;
}

/**
 * The files matching `patterns` after the command: those it packed (written or re-created), and
 * those left as they were from an earlier run, which a manifest of this session must not describe.
 */
export async function splitByRun(
  root: string,
  patterns: readonly string[],
  before: ReadonlyMap<string, string>,
): Promise<{ packed: string[]; leftover: string[] }> {
  const packed: string[] = [];
  const leftover: string[] = [];
  for (const file of await findArtifacts(root, patterns)) {
    const id = before.get(file);
    (id !== undefined && id === fileIdentity(file) ? leftover : packed).push(file);
  }
  return { packed, leftover };
}

/** sha1 and sha256 of a file, read once in a stream (pack outputs are the largest files we touch). */
export async function fileHashes(path: string): Promise<{ sha1: string; sha256: string }> {
  const { digests } = await hashFile(path, ['sha1', 'sha256']);
  return { sha1: digests.get('sha1')!, sha256: digests.get('sha256')! };
}

/** Debian architecture names, as craft manifests use them. */
export function debianArch(arch: string = process.arch): string {
  return (
    ({ x64: 'amd64', arm64: 'arm64', arm: 'armhf', ia32: 'i386', ppc64: 'ppc64el', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[arch] ?? arch
  );
}
