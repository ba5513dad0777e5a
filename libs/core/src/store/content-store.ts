import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { chmodSync, renameSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { Algorithm, STRENGTH_ORDER } from '../checksum/algorithms';
import { compareDigests, ChecksumMismatch, hashFile } from '../checksum/multi-hash';
import { Checksum } from '../checksum/parse-checksum';
import { acquireLock } from './file-lock';
import { isDeadPid, keepAtExit, removeAtExit } from './process-files';

/** Environment variable that moves the store (e.g. to a CI cache volume shared by several workspaces). */
export const STORE_DIR_ENV = 'HERMETIC_STORE_DIR';

/** Default store of a workspace: under `.nx/`, so it is ignored with Nx's own state and shared by all projects. */
export function defaultStoreDir(workspaceRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  return env[STORE_DIR_ENV] || join(workspaceRoot, '.nx', 'hermetic', 'store');
}

/** Orders an artifact's checksums strongest first: the first one is the store key. */
export function byStrength(checksums: readonly Checksum[]): Checksum[] {
  return [...checksums].sort((a, b) => STRENGTH_ORDER.indexOf(a.algorithm) - STRENGTH_ORDER.indexOf(b.algorithm));
}

export type StoreLookup =
  | { status: 'hit'; path: string; size: number; digests: Map<Algorithm, string> }
  /** `altered`: a stored copy no longer matched its own digest (edited in place through an output link?) and was dropped. */
  | { status: 'miss'; altered?: string }
  /** The stored bytes match the key but not another checksum of the artifact: the lockfile disagrees with itself. */
  | { status: 'mismatch'; mismatches: ChecksumMismatch[] };

/** A temporary of another machine, or one whose process may still be alive, is left this long before it counts as abandoned. */
const FOREIGN_TEMPORARY_MS = 24 * 60 * 60_000;

/**
 * Deletes the store's temporaries that nobody will finish: those of dead processes of this machine
 * (`<host>-<pid>-….part`, or the older `<pid>-….part`), and any older than a day.
 */
export async function sweepTemporaries(dir: string, now: number = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = /^(?:(.+)-)?(\d+)-[0-9a-f]+\.part$/.exec(name);
    if (!m) continue;
    const [, host, pid] = m;
    const path = join(dir, name);
    const old = await stat(path).then(
      (s) => now - s.mtimeMs > FOREIGN_TEMPORARY_MS,
      () => false,
    );
    if (((host === undefined || host === hostname()) && isDeadPid(Number(pid))) || old) {
      await unlink(path).then(
        () => removed.push(name),
        () => undefined,
      );
    }
  }
  return removed;
}

/**
 * This process's prefix of temporary names, `<host>-<pid>-<random hex>` (the sweep reads host and
 * pid from it); a counter follows. One random draw and one host name per process, not per download.
 */
let prefix: string | undefined;
let temporaries = 0;
function temporaryPrefix(): string {
  return (prefix ??= `${hostname()}-${process.pid}-${randomBytes(6).toString('hex')}`);
}

/**
 * A content-addressed store of verified files, `objects/<algorithm>/<aa>/<digest>`. A file enters
 * only after its bytes matched every checksum it is filed under, by atomic rename from `tmp/`, and
 * is re-verified whenever it is served, so a corrupted or tampered entry is dropped, never used.
 */
export class ContentStore {
  /** Folders created once per store object, not once per artifact. */
  private readonly made = new Map<string, Promise<unknown>>();

  constructor(readonly root: string) {}

  private ensureDir(dir: string): Promise<unknown> {
    let made = this.made.get(dir);
    if (!made) {
      made = mkdir(dir, { recursive: true });
      // A failed mkdir is retried next time rather than cached.
      made.catch(() => this.made.delete(dir));
      this.made.set(dir, made);
    }
    return made;
  }

  objectPath(c: Pick<Checksum, 'algorithm' | 'digest'>): string {
    return join(this.root, 'objects', c.algorithm, c.digest.slice(0, 2), c.digest);
  }

  /**
   * A fresh temporary path on the store's filesystem, so admission is a rename. The first call of a
   * process also sweeps the temporaries that dead processes left (a hard kill, a Ctrl-C that ended
   * a task before its clean-up ran).
   */
  async tempPath(): Promise<string> {
    const dir = join(this.root, 'tmp');
    await this.ensureDir(dir);
    this.swept ??= sweepTemporaries(dir).catch(() => undefined);
    await this.swept;
    const path = join(dir, `${temporaryPrefix()}${(temporaries++).toString(16).padStart(6, '0')}.part`);
    removeAtExit(path);
    return path;
  }

  private swept?: Promise<unknown>;

  /** What `lock` locks for these checksums: artifacts with the same key are the same content. */
  lockKey(checksums: readonly Checksum[]): string {
    const key = byStrength(checksums)[0];
    return `${key.algorithm}-${key.digest}`;
  }

  /** Serialises work on one artifact across processes; returns the release function. */
  async lock(checksums: readonly Checksum[], signal?: AbortSignal, onWait?: (owner: string) => void): Promise<() => Promise<void>> {
    const dir = join(this.root, 'locks');
    await this.ensureDir(dir);
    return acquireLock(join(dir, `${this.lockKey(checksums)}.lock`), { signal, onWait });
  }

  /**
   * Finds a stored copy under any of the checksums and re-verifies it against all of them; `extra`
   * algorithms are computed in the same pass (e.g. to compare with a repository's checksum files).
   */
  async lookup(checksums: readonly Checksum[], extra: readonly Algorithm[] = []): Promise<StoreLookup> {
    const algorithms: Algorithm[] = [...checksums.map((c) => c.algorithm), ...extra];
    let altered: string | undefined;
    for (const c of byStrength(checksums)) {
      const path = this.objectPath(c);
      // A miss without an exception (a failed open builds an error with its stack: ~50 us each).
      if (!statSync(path, { throwIfNoEntry: false })) continue;
      let result;
      try {
        result = await hashFile(path, algorithms);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      if (result.digests.get(c.algorithm) !== c.digest) {
        // Corrupted or tampered entry: drop it so it is fetched again (and say so).
        await unlink(path).catch(() => undefined);
        altered = path;
        continue;
      }
      const mismatches = compareDigests(checksums, result.digests);
      if (mismatches.length) return { status: 'mismatch', mismatches };
      await this.fileUnderAll(path, checksums);
      return { status: 'hit', path, size: result.size, digests: result.digests };
    }
    return altered ? { status: 'miss', altered } : { status: 'miss' };
  }

  /** Moves a verified temporary file into the store under every checksum; returns its path. */
  async admit(tempFile: string, checksums: readonly Checksum[]): Promise<string> {
    const primary = this.objectPath(byStrength(checksums)[0]);
    await this.ensureDir(dirname(primary));
    // Stored objects are read-only so an accidental in-place edit through a link fails loudly.
    // Synchronous: two metadata calls per download, microseconds each (see tryCreate's lock).
    chmodSync(tempFile, 0o444);
    renameSync(tempFile, primary);
    keepAtExit(tempFile);
    await this.fileUnderAll(primary, checksums);
    return primary;
  }

  /** Adds hard links so the object is found under each of its checksums. */
  private async fileUnderAll(path: string, checksums: readonly Checksum[]): Promise<void> {
    for (const c of checksums) {
      const other = this.objectPath(c);
      if (other === path) continue;
      await this.ensureDir(dirname(other));
      await link(path, other).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code === 'EEXIST') return;
        throw err;
      });
    }
  }
}
