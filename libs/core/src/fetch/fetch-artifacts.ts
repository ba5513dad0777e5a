import { mkdir, realpath, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Dispatcher } from 'undici';
import { compareDigests, ChecksumMismatch } from '../checksum/multi-hash';
import { checksumKey } from '../checksum/parse-checksum';
import { formatDiagnostic, HermeticError } from '../errors';
import { authHeaders } from '../http/auth-headers';
import { createDispatcher } from '../http/dispatcher';
import { AttemptError, downloadFile, DownloadAborted } from '../http/download-file';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from '../http/retry-policy';
import { GENERIC_DEPS_DIR } from '../lockfile/target-path';
import { Artifact, Lockfile } from '../lockfile/types';
import { FetchSummary, ProgressReporter, silentReporter } from '../progress/reporter';
import { ContentStore } from '../store/content-store';
import { FetchRecord, otherRecords, readRecord, recordPath, removeStale, writeRecord } from './fetch-record';
import { mapLimit } from './map-limit';
import { LinkMode, materialize } from './materialize';
import { mkdirInside } from './safe-paths';

export interface FetchOptions {
  /** Absolute output directory; files go to `<outputDir>/deps/generic/<filename>`. */
  outputDir: string;
  store: ContentStore;
  /** Which artifact kinds this run fetches (a fetch target handles one kind). Default: all. */
  kinds?: ReadonlyArray<Artifact['kind']>;
  /** Name of the record this run keeps in `<outputDir>/.hermetic/` (one per fetch target). */
  recordName?: string;
  /** Downloads in flight at once (default 8). */
  concurrency?: number;
  policy?: Partial<RetryPolicy>;
  linkMode?: LinkMode;
  /** Serve only from the store; a missing artifact is an error instead of a download. */
  offline?: boolean;
  env?: NodeJS.ProcessEnv;
  reporter?: ProgressReporter;
  signal?: AbortSignal;
  /** A dispatcher to use instead of one built from the environment. */
  dispatcher?: Dispatcher;
}

/** Outcome of a successful run. */
export interface FetchResult {
  summary: FetchSummary;
  record: FetchRecord;
  /** Files of an earlier run that the lockfile no longer lists, now removed. */
  removed: string[];
}

function describe(a: Artifact): string {
  return `artifacts[${a.index}] (${a.filename})`;
}

function mismatchError(lockfile: Lockfile, a: Artifact, mismatches: ChecksumMismatch[], contentType?: string): HermeticError {
  const lines = mismatches.map((m) => `${m.algorithm} expected ${m.expected}, got ${m.actual}`);
  const hints = [`downloaded from ${a.url}; nothing was written to the output`];
  if (contentType && /text\/html/i.test(contentType)) {
    hints.push('the server answered with an HTML page: probably a login or error page, not the file; check the URL and auth');
  }
  hints.push(`if the new file is the one you want, update the checksum of ${describe(a)} in ${lockfile.path}`);
  return new HermeticError('ChecksumVerificationFailed', `${describe(a)}: checksum mismatch: ${lines.join('; ')}`, { hints });
}

function attemptToError(lockfile: Lockfile, a: Artifact, err: AttemptError): HermeticError {
  const what = `${describe(a)}: cannot download ${a.url}: ${err.message}`;
  if (err.kind === 'disk') return new HermeticError('StorageError', `${describe(a)}: ${err.message}`, { hints: ['check free space and permissions of the store and output directories'] });
  if (err.kind === 'auth') {
    return new HermeticError('AuthenticationFailed', what, {
      hints: [a.auth ? `check the credentials of the 'auth' section of ${describe(a)}` : `add an 'auth' section (lockfile version "2.0") to ${describe(a)} in ${lockfile.path}, or a ~/.netrc entry`],
    });
  }
  const hints =
    err.extra.status !== undefined && err.extra.status < 500
      ? [`fix the URL of ${describe(a)} in ${lockfile.path}`]
      : ['check the network, proxy settings (HTTPS_PROXY, NO_PROXY) and that the host is up; the download is retried on transient errors'];
  return new HermeticError('FetchError', what, { hints, cause: err });
}

/** Fetches one artifact into the output directory through the store; returns where its bytes came from. */
async function fetchOne(lockfile: Lockfile, a: Artifact, genericDir: string, realGenericDir: string, o: Required<Pick<FetchOptions, 'store' | 'linkMode' | 'env' | 'reporter'>> & FetchOptions, dispatcher: () => Dispatcher, policy: RetryPolicy): Promise<{ source: 'download' | 'store'; size: number }> {
  const label = describe(a);
  if (a.filename.includes('/')) await mkdirInside(genericDir, realGenericDir, dirname(a.filename), label);
  const target = join(genericDir, a.filename);
  const release = await o.store.lock(a.checksums, o.signal);
  try {
    const found = await o.store.lookup(a.checksums);
    if (found.status === 'mismatch') throw mismatchError(lockfile, a, found.mismatches);
    if (found.status === 'hit') {
      await materialize(found.path, target, o.linkMode);
      return { source: 'store', size: found.size };
    }
    if (o.offline) {
      throw new HermeticError('OfflineMiss', `${label}: not in the store and offline mode forbids downloading ${a.url}`, {
        hints: [`run once with network access, or put the file in the store at ${o.store.objectPath(a.checksums[0])}`],
      });
    }
    const temp = await o.store.tempPath();
    try {
      o.reporter.start(a.filename, undefined);
      const result = await downloadFile(
        {
          url: a.url.split('#')[0],
          originHeaders: authHeaders(a.auth, o.env),
          destination: temp,
          algorithms: a.checksums.map((c) => c.algorithm),
          signal: o.signal,
          onProgress: (received, total) => o.reporter.progress(a.filename, received, total),
          onRetry: (attempt, reason, delay) => o.reporter.retry(a.filename, attempt, reason, delay),
        },
        dispatcher(),
        policy,
      );
      const mismatches = compareDigests(a.checksums, result.digests);
      if (mismatches.length) throw mismatchError(lockfile, a, mismatches, result.contentType);
      const object = await o.store.admit(temp, a.checksums);
      await materialize(object, target, o.linkMode);
      return { source: 'download', size: result.size };
    } finally {
      await rm(temp, { force: true });
    }
  } catch (err) {
    if (err instanceof HermeticError) throw err;
    if (err instanceof DownloadAborted) throw new HermeticError('Interrupted', `${label}: interrupted`);
    if (err instanceof AttemptError) throw attemptToError(lockfile, a, err);
    const e = err as NodeJS.ErrnoException;
    if (e.code && e.syscall) {
      throw new HermeticError('StorageError', `${label}: ${e.message}`, { hints: ['check free space and permissions of the store and output directories'], cause: err });
    }
    throw err;
  } finally {
    await release();
  }
}

/** Refuses targets another fetch target already wrote into the same output directory. */
async function checkCrossTargetCollisions(lockfile: Lockfile, artifacts: readonly Artifact[], outputDir: string, recordName: string): Promise<void> {
  const problems: string[] = [];
  for (const { name, record } of await otherRecords(outputDir, recordName)) {
    const theirs = new Map(record.files.map((f) => [f.filename, f]));
    for (const a of artifacts) {
      const other = theirs.get(a.filename);
      // The same file of the same lockfile (e.g. a renamed target) is not a conflict.
      if (other && (record.lockfile !== lockfile.path || other.url !== a.url)) {
        problems.push(`${describe(a)} would overwrite ${a.filename} written by '${name}' from ${record.lockfile}`);
      }
    }
  }
  if (problems.length) {
    throw new HermeticError('InvalidLockfileFormat', `conflicting targets in ${join(outputDir, GENERIC_DEPS_DIR)}:\n  ${problems.join('\n  ')}`, {
      hints: ["give the artifacts different 'filename's, or use separate output directories"],
    });
  }
}

/**
 * Fetches a lockfile's artifacts into `<outputDir>/deps/generic/`: each from the store when it is
 * there (re-verified), otherwise downloaded into the store's temporary area, verified against every
 * checksum, admitted to the store and linked into place. Every artifact is attempted; all failures
 * are reported together. A failed artifact leaves nothing at its target.
 */
export async function fetchArtifacts(lockfile: Lockfile, options: FetchOptions): Promise<FetchResult> {
  const started = Date.now();
  const o = { linkMode: 'hardlink' as const, env: process.env, reporter: silentReporter, ...options };
  const kinds = o.kinds ?? ['url', 'maven'];
  const artifacts = lockfile.artifacts.filter((a) => kinds.includes(a.kind));
  const recordName = o.recordName ?? 'fetch';
  const genericDir = join(o.outputDir, GENERIC_DEPS_DIR);
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...o.policy };
  for (const w of lockfile.warnings) o.reporter.warn(formatDiagnostic(w));

  await checkCrossTargetCollisions(lockfile, artifacts, o.outputDir, recordName);
  // Like Hermeto, deps/generic/ only exists when there is something to put in it.
  if (artifacts.length) await mkdir(genericDir, { recursive: true });
  const realGenericDir = artifacts.length ? await realpath(genericDir) : genericDir;
  const concurrency = o.concurrency ?? 8;
  let own: Dispatcher | undefined;
  const dispatcher = () => (o.dispatcher ?? (own ??= createDispatcher({ connections: concurrency, connectTimeoutMs: policy.connectTimeoutMs, env: o.env })));

  const failures: Array<{ index: number; error: HermeticError }> = [];
  const sizes = new Map<Artifact, number>();
  let downloaded = 0;
  let fromStore = 0;
  let bytes = 0;
  let bytesDownloaded = 0;
  try {
    await mapLimit(artifacts, concurrency, async (a) => {
      if (o.signal?.aborted) {
        failures.push({ index: a.index, error: new HermeticError('Interrupted', `${describe(a)}: interrupted`) });
        return;
      }
      try {
        const r = await fetchOne(lockfile, a, genericDir, realGenericDir, o, dispatcher, policy);
        sizes.set(a, r.size);
        bytes += r.size;
        if (r.source === 'store') fromStore++;
        else {
          downloaded++;
          bytesDownloaded += r.size;
        }
        o.reporter.done(a.filename, r.source, r.size);
      } catch (err) {
        const e = err instanceof HermeticError ? err : new HermeticError('FetchError', `${describe(a)}: ${(err as Error).message}`, { cause: err });
        failures.push({ index: a.index, error: e });
        o.reporter.failed(a.filename, e.message);
      }
    });
  } finally {
    // destroy, not close: a request stuck in undici (see requestWithDeadline) must not hold the run.
    await own?.destroy().catch(() => undefined);
  }

  const summary: FetchSummary = { files: artifacts.length, downloaded, fromStore, failed: failures.length, bytes, bytesDownloaded, durationMs: Date.now() - started };
  o.reporter.summary(summary);
  // Lockfile order, whatever order the downloads finished in.
  if (failures.length) throw combineFailures(lockfile, failures.sort((x, y) => x.index - y.index).map((f) => f.error));

  const path = recordPath(o.outputDir, recordName);
  const previous = await readRecord(path);
  const removed = await removeStale(genericDir, previous, new Set(artifacts.map((a) => a.filename)));
  const record: FetchRecord = {
    version: 1,
    lockfile: lockfile.path,
    files: artifacts.map((a) => ({ filename: a.filename, url: a.url, kind: a.kind, checksums: a.checksums.map(checksumKey), size: sizes.get(a)! })),
  };
  await writeRecord(path, record);
  return { summary, record, removed };
}

function combineFailures(lockfile: Lockfile, failures: HermeticError[]): HermeticError {
  if (failures.length === 1) return failures[0];
  const interrupted = failures.every((f) => f.code === 'Interrupted');
  const code = interrupted ? 'Interrupted' : failures.find((f) => f.code !== 'Interrupted')!.code;
  const body = failures.map((f) => `  ${f.code}: ${f.message.split('\n').join('\n    ')}`).join('\n');
  const hints = [...new Set(failures.flatMap((f) => f.hints))];
  return new HermeticError(code, `${failures.length} artifacts of ${lockfile.path} failed:\n${body}`, { hints });
}
