import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/**
 * Inferred targets of earlier runs, keyed by what decides them (the project's root and name and its
 * lockfile's text), in one JSON file per plugin configuration, as Nx's own plugins keep theirs: Nx
 * runs `createNodes` on every graph computation, and parsing a thousand lockfiles each time is the
 * plugin's whole cost. Each save keeps only the entries this run used, so it never grows stale.
 */
export class TargetsCache<T> {
  private readonly previous: Record<string, T>;
  private readonly used: Record<string, T> = {};
  private changed = false;

  /** `file` undefined: no cache (every lookup misses, nothing is written). */
  constructor(private readonly file: string | undefined) {
    this.previous = file ? readEntries<T>(file) : {};
  }

  /** The cached value of `key`, or what `compute` returns (then remembered). */
  getOrCompute(key: string, compute: () => T): T {
    if (key in this.previous) return (this.used[key] = this.previous[key]);
    this.changed = true;
    return (this.used[key] = compute());
  }

  /** Writes the entries of this run (atomically: concurrent Nx processes may read it meanwhile). */
  save(): void {
    if (!this.file || (!this.changed && Object.keys(this.used).length === Object.keys(this.previous).length)) return;
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(tmp, JSON.stringify(this.used));
      renameSync(tmp, this.file);
    } catch {
      // A cache that cannot be written only costs time next run.
      rmSync(tmp, { force: true });
    }
  }
}

function readEntries<T>(file: string): Record<string, T> {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8'));
    return data && typeof data === 'object' && !Array.isArray(data) ? data : {};
  } catch {
    return {};
  }
}

/** A digest of the parts of a cache key. */
export function cacheKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

/**
 * The cache file for one plugin configuration, or undefined when the plugin runs from sources
 * (inside its own repository, where its code changes without a version change). Installed, the
 * file name covers the plugin's version, the workspace, and the options and inputs of its targets.
 */
export function targetsCacheFile(dataDir: string | undefined, workspaceRoot: string, configuration: unknown): string | undefined {
  if (!dataDir || !__dirname.split(sep).includes('node_modules')) return undefined;
  const manifest = join(__dirname, '..', '..', 'package.json');
  let version: string;
  try {
    version = `${JSON.parse(readFileSync(manifest, 'utf8')).version}:${statSync(manifest).mtimeMs}`;
  } catch {
    return undefined;
  }
  return join(dataDir, `hermetic-targets-${cacheKey(version, workspaceRoot, JSON.stringify(configuration)).slice(0, 16)}.json`);
}
