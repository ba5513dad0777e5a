import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { Algorithm, isAvailable } from '../checksum/algorithms';
import { compareDigests, hashFile } from '../checksum/multi-hash';
import { writeAtomically } from '../fs/write-atomically';
import { MAVEN_CHECKSUM_FILES, mavenLayoutFiles } from '../layout';
import { HermeticError } from '../errors';
import { createHttpClient, HttpClient } from '../http/http-client';
import { downloadFile } from '../http/download-file';
import { RetryPolicy } from '../http/retry-policy';
import { Lockfile } from '../lockfile/types';
import { ProgressReporter } from '../progress/reporter';
import { ContentStore } from '../store/content-store';
import { asHermeticError, attemptToError, describe, mismatchError } from './fetch-errors';
import { LinkMode, materialize } from './materialize';
import { Planned } from './plan';
import { mkdirInside } from './safe-paths';
import { checkSidecars, SIDECAR_ALGORITHMS } from './sidecars';
import { UnreachableHosts } from './unreachable-hosts';

/** A folder files are placed in, as given and with its symlinks resolved (writes never leave it). */
export interface PlaceDir {
  dir: string;
  real: string;
}

/** What every artifact of one fetch shares. */
export interface FetchRunSettings {
  lockfile: Lockfile;
  store: ContentStore;
  generic: PlaceDir;
  maven: PlaceDir;
  linkMode: LinkMode;
  offline: boolean;
  verifySidecars: boolean;
  policy: RetryPolicy;
  concurrency: number;
  reporter: ProgressReporter;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** A client to use instead of one built from the environment. */
  client?: HttpClient;
  /** The command that rewrites changed checksums, as the caller's user runs it (for mismatch fixes). */
  updateChecksumsCommand?: string;
  /** How long a wait for another process's download goes unsaid (default 1 s). */
  waitNoticeMs?: number;
}

/** Where one artifact's verified bytes came from. */
export type Origin = 'download' | 'store';

/**
 * One fetch in progress: fetches artifacts one call at a time (many calls run at once) into the
 * output through the store, sharing one HTTP client, built on the first download only.
 */
export class FetchRun {
  private ownClient: HttpClient | undefined;
  private readonly madeDirs = new Map<string, Promise<void>>();
  private readonly unreachable: UnreachableHosts;
  /** The artifacts whose store lock this run holds, by lock key: waiting for one is waiting for this run. */
  private readonly held = new Map<string, string>();

  constructor(private readonly s: FetchRunSettings) {
    this.unreachable = new UnreachableHosts(s.env);
  }

  private client(): HttpClient {
    const s = this.s;
    return s.client ?? (this.ownClient ??= createHttpClient({ connections: s.concurrency, connectTimeoutMs: s.policy.connectTimeoutMs, env: s.env }));
  }

  /** Ends the run: destroy, not close, so a request stuck in a connection (see requestWithDeadline) cannot hold it. */
  async close(): Promise<void> {
    await this.ownClient?.destroy().catch(() => undefined);
  }

  /**
   * Fetches one artifact into the output directory through the store; returns where its bytes came
   * from. A store hit takes no lock: objects enter the store by atomic rename and every hit is
   * re-verified, so a reader never sees half a file (with 10,000 artifacts in the store, the lock's
   * five file operations each were most of the time). A miss takes the lock, for another process may
   * be downloading the same file, and looks again before downloading.
   */
  async fetch(p: Planned): Promise<{ origin: Origin; size: number }> {
    const label = describe(p.artifact);
    let targetsChecked = false;
    try {
      if (p.artifact.filename.includes('/')) await this.makeDir(this.s.generic, dirname(p.artifact.filename), label);
      if (p.mavenPath) await this.makeDir(this.s.maven, dirname(p.mavenPath), label);
      targetsChecked = true;
      const hit = await this.fromStore(p);
      if (hit) return hit;
      const release = await this.lockAnnounced(p);
      const key = this.s.store.lockKey(p.artifact.checksums);
      this.held.set(key, p.artifact.filename);
      try {
        return (await this.fromStore(p)) ?? (await this.downloadUnlessOffline(p));
      } finally {
        this.held.delete(key);
        await release();
      }
    } catch (err) {
      // What an earlier run placed there is not what the lockfile now asks for (or it would have
      // come from the store): a build must not take it for this run's file.
      if (targetsChecked) this.clearTargets(p);
      throw asHermeticError(err, label, (e) => attemptToError(this.s.lockfile, p, e, this.s.env));
    }
  }

  /** Removes a failed artifact's files from the output (their folders were checked to be inside it). */
  private clearTargets(p: Planned): void {
    const paths = [join(this.s.generic.dir, p.artifact.filename), ...(p.mavenPath ? mavenLayoutFiles(join(this.s.maven.dir, p.mavenPath)) : [])];
    for (const path of paths) {
      try {
        rmSync(path, { force: true });
      } catch {
        // A folder where the file goes: the artifact's own error says more than this one would.
      }
    }
  }

  /**
   * Makes a folder below an output root, refusing links out of it; each folder is checked once per
   * run (10,000 artifacts in one folder were 10,000 walks).
   */
  private makeDir(root: PlaceDir, relDir: string, label: string): Promise<void> {
    const key = join(root.dir, relDir);
    let made = this.madeDirs.get(key);
    if (!made) {
      made = mkdirInside(root.dir, root.real, relDir, label);
      // A failure is the artifact's own: the next artifact in that folder checks again.
      made.catch(() => this.madeDirs.delete(key));
      this.madeDirs.set(key, made);
    }
    return made;
  }

  /**
   * Takes the store's lock of an artifact; when another holder has it for a while (downloading the
   * same file), says so, naming the process, or the artifact of this run with the same content
   * (two entries of one lockfile with one checksum are downloaded once), instead of waiting in
   * silence.
   */
  private async lockAnnounced(p: Planned): Promise<() => Promise<void>> {
    let notice: NodeJS.Timeout | undefined;
    const onWait = (owner: string) => {
      const sibling = this.held.get(this.s.store.lockKey(p.artifact.checksums));
      const [host, pid] = owner.split(':');
      const who = pid ? `pid ${pid}${host && host !== hostname() ? ` on ${host}` : ''}` : 'another process';
      const message =
        sibling === undefined
          ? `waiting for ${p.artifact.filename}, being downloaded by ${who}`
          : `waiting for ${p.artifact.filename}: the same content (its checksum) is being downloaded for ${sibling}`;
      notice = setTimeout(() => this.s.reporter.warn(message), this.s.waitNoticeMs ?? 1000);
      notice.unref();
    };
    try {
      return await this.s.store.lock(p.artifact.checksums, this.s.signal, onWait);
    } finally {
      clearTimeout(notice);
    }
  }

  /** The sidecar algorithms worth computing for `p`: those the repository may publish and the lockfile lacks. */
  private sidecarAlgorithms(p: Planned): Algorithm[] {
    const a = p.artifact;
    return this.s.verifySidecars && a.kind === 'maven' ? SIDECAR_ALGORITHMS.filter((alg) => !a.checksums.some((c) => c.algorithm === alg)) : [];
  }

  /** The artifact from the store, placed in the output; undefined when the store does not have it. */
  private async fromStore(p: Planned): Promise<{ origin: Origin; size: number } | undefined> {
    const { store, lockfile } = this.s;
    const a = p.artifact;
    const found = await store.lookup(a.checksums, this.sidecarAlgorithms(p));
    if (found.status === 'mismatch') throw mismatchError(lockfile, p, found.mismatches, undefined, this.s.updateChecksumsCommand);
    if (found.status === 'hit') {
      await this.crossCheck(p, found.digests);
      await this.place(p, found.path);
      return { origin: 'store', size: found.size };
    }
    if (found.altered) {
      this.s.reporter.warn(
        `${describe(a)}: the store's copy (${found.altered}) no longer matched its checksum and was removed; it is fetched again. Was a file it is linked to (under an output directory) edited in place?`,
      );
    }
    return undefined;
  }

  private async downloadUnlessOffline(p: Planned): Promise<{ origin: Origin; size: number }> {
    const a = p.artifact;
    if (this.s.offline) {
      throw new HermeticError('OfflineMiss', `${describe(a)}: not in the store and offline mode forbids downloading ${a.url}`, {
        hints: [`run once with network access, or put the file in the store at ${this.s.store.objectPath(a.checksums[0])}`],
      });
    }
    return { origin: 'download', size: await this.download(p) };
  }

  /** Downloads into the store's temporary area, verifies every checksum, admits and places; returns the size. */
  private async download(p: Planned): Promise<number> {
    const { store, reporter } = this.s;
    const a = p.artifact;
    this.unreachable.check(p.url);
    const temp = await store.tempPath();
    let admitted = false;
    try {
      reporter.start(a.filename, undefined);
      const result = await downloadFile(
        {
          url: p.url,
          originHeaders: p.headers,
          destination: temp,
          algorithms: [...a.checksums.map((c) => c.algorithm), ...this.sidecarAlgorithms(p)],
          signal: this.s.signal,
          onProgress: (received, total) => reporter.progress(a.filename, received, total),
          onRetry: (attempt, reason, delay) => reporter.retry(a.filename, attempt, reason, delay),
        },
        this.client(),
        this.s.policy,
      ).catch((err: unknown) => {
        this.unreachable.note(p.url, err);
        throw err;
      });
      const mismatches = compareDigests(a.checksums, result.digests);
      if (mismatches.length) throw mismatchError(this.s.lockfile, p, mismatches, result.contentType, this.s.updateChecksumsCommand);
      await this.crossCheck(p, result.digests);
      const object = await store.admit(temp, a.checksums);
      admitted = true;
      await this.place(p, object);
      return result.size;
    } finally {
      // For failures only: an admitted temporary was renamed into the store (a synchronous stat
      // per download saved on the main thread).
      if (!admitted) rmSync(temp, { force: true });
    }
  }

  /**
   * Links (or copies) a store object to the artifact's place(s) in the output. In the Maven layout
   * it also gets the `.sha1` and `.md5` files Maven expects (from the verified bytes), so
   * `mvn -C` (strict checksums) resolves from it.
   */
  private async place(p: Planned, object: string): Promise<void> {
    await materialize(object, join(this.s.generic.dir, p.artifact.filename), this.s.linkMode);
    if (!p.mavenPath) return;
    const target = join(this.s.maven.dir, p.mavenPath);
    await materialize(object, target, this.s.linkMode);
    const algorithms = MAVEN_CHECKSUM_FILES.filter((a) => isAvailable(a));
    const { digests } = await hashFile(object, algorithms);
    for (const a of algorithms) await writeAtomically(`${target}.${a}`, digests.get(a)!);
  }

  /** With `verifySidecars`, compares a Maven artifact with the repository's checksum files. */
  private async crossCheck(p: Planned, digests: ReadonlyMap<Algorithm, string>): Promise<void> {
    const a = p.artifact;
    if (!this.s.verifySidecars || a.kind !== 'maven' || this.s.offline) return;
    const disagreements = await checkSidecars(p.url, digests, this.client(), p.headers, this.s.policy.readTimeoutMs, this.s.signal);
    if (!disagreements.length) return;
    throw new HermeticError(
      'ChecksumVerificationFailed',
      `${describe(a)}: the repository's checksum file disagrees with the lockfile: ${disagreements.map((d) => `${d.url} says ${d.sidecar}, the verified bytes have ${d.algorithm} ${d.actual}`).join('; ')}`,
      { hints: [`the repository may have been changed or be corrupt; compare with another mirror before touching ${this.s.lockfile.path}`] },
    );
  }
}
