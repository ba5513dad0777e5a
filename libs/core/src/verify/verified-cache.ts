import { BigIntStats, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { writeAtomically } from '../fs/write-atomically';
import { RECORD_DIR } from '../layout';

/** The verified-files cache of an output directory, in its record folder. */
export function verifiedCachePath(outputDir: string): string {
  return join(outputDir, RECORD_DIR, 'verified.cache');
}

/** A file's device, inode, size, mtime and ctime (nanoseconds); undefined for anything but a file. */
function identityOf(s: BigIntStats | undefined): string | undefined {
  return s?.isFile() ? [s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs].join(':') : undefined;
}

/**
 * The identity and times of the file at `path` (undefined when there is none): any write to it or
 * re-creation of it changes them, for its ctime no one can set back.
 */
export function fileIdentity(path: string): string | undefined {
  return identityOf(VerifiedCache.statOf(path));
}

/** The entry of a file a fetch placed and no verification has stamped yet. */
const PLACED = '';

/**
 * What was verified, keyed by file identity and metadata (Bazel's digest cache idea): a file whose
 * device, inode, size, mtime and ctime (nanoseconds) and expected checksums are those of its last
 * successful verification is not hashed again. Any write to a file, a cache restore or a new link
 * changes its ctime, which no one can set back, so an altered file is always re-hashed. It also
 * lists the files a fetch placed that no verification stamped yet (`claim`): with the verified
 * ones, what Hermetic put in the output, which `removeUnlisted` tells from anything else there.
 */
export class VerifiedCache {
  private entries = new Map<string, string>();
  private changed = false;

  private constructor(private readonly file: string) {}

  static async open(file: string): Promise<VerifiedCache> {
    const cache = new VerifiedCache(file);
    try {
      const data = JSON.parse(await readFile(file, 'utf8')) as { version?: number; entries?: Record<string, string> };
      if (data.version === 1 && data.entries && typeof data.entries === 'object') cache.entries = new Map(Object.entries(data.entries));
    } catch {
      // Missing or unreadable: everything is hashed, as without a cache.
    }
    return cache;
  }

  /**
   * A path's `stat` with bigint times, or undefined when there is none to take: missing, or a
   * parent that is not a folder (ENOTDIR, which `throwIfNoEntry` does not cover), or unreadable.
   * Synchronous: microseconds each, where 10,000 asynchronous ones queue through the thread pool.
   */
  static statOf(path: string): BigIntStats | undefined {
    try {
      return statSync(path, { bigint: true, throwIfNoEntry: false });
    } catch {
      return undefined;
    }
  }

  /** A file's identity (its `stat`, with bigint times), with what it must match; undefined when it cannot be read. */
  static stamp(s: BigIntStats | undefined, checksums: string): string | undefined {
    const identity = identityOf(s);
    return identity === undefined ? undefined : `${identity}:${checksums}`;
  }

  isVerified(path: string, stamp: string | undefined): boolean {
    return stamp !== undefined && this.entries.get(path) === stamp;
  }

  remember(path: string, stamp: string | undefined): void {
    if (stamp === undefined || this.entries.get(path) === stamp) return;
    this.entries.set(path, stamp);
    this.changed = true;
  }

  /**
   * Lists a file a fetch placed, not yet verified by `verify`: so a later verification knows it as
   * Hermetic's (see `removeUnlisted`). Never taken as verified (no stamp is empty).
   */
  claim(path: string): void {
    if (this.entries.has(path)) return;
    this.entries.set(path, PLACED);
    this.changed = true;
  }

  /** The files listed below `dir` (verified, or placed and not verified yet). */
  pathsBelow(dir: string): string[] {
    const prefix = dir.endsWith(sep) ? dir : dir + sep;
    return [...this.entries.keys()].filter((p) => p.startsWith(prefix));
  }

  forget(path: string): void {
    this.changed = this.entries.delete(path) || this.changed;
  }

  async save(): Promise<void> {
    if (!this.changed) return;
    await writeAtomically(this.file, JSON.stringify({ version: 1, entries: Object.fromEntries(this.entries) })).catch(() => undefined);
    this.changed = false;
  }
}
