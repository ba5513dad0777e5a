import { getMaxListeners, setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { HttpClient } from '../http/http-client';
import { checksumKey } from '../checksum/parse-checksum';
import { HermeticError } from '../errors';
import { Netrc } from '../http/netrc';
import { DEFAULT_CONCURRENCY, DEFAULT_RETRY_POLICY, RetryPolicy } from '../http/retry-policy';
import { RECORD_DIR } from '../layout';
import { GENERIC_DEPS_DIR } from '../lockfile/target-path';
import { Artifact, Lockfile } from '../lockfile/types';
import { wireUrl } from '../lockfile/url';
import { warningLines } from '../lockfile/warning-lines';
import { FetchSummary, ProgressReporter, silentReporter } from '../progress/reporter';
import { ContentStore } from '../store/content-store';
import { describe, interrupted } from './fetch-errors';
import { Failure, failureKind, failureReport, SHOWN_PER_KIND } from './failure-report';
import { JsonList } from '../fs/json-list';
import { FetchRecord, otherRecords, readRecord, RecordedFile, recordPath, removeStale, RunRecord, writeRecord } from './fetch-record';
import { FetchRun, Origin } from './fetch-run';
import { mapLimit } from './map-limit';
import { MAVEN_DEPS_DIR, mavenSettingsXml } from './maven-layout';
import { LinkMode } from './materialize';
import { checkHosts, plan, Planned } from './plan';
import { checkStoreApart, mkdirInside } from './safe-paths';
import { HostRules, MirrorRule } from './url-rules';
import { VerifiedCache, verifiedCachePath } from '../verify/verified-cache';

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
  /** URL prefix rewrites: where to download from. Lockfile, records and SBOMs keep the original URL. */
  mirrors?: readonly MirrorRule[];
  /** Hosts that may (not) be contacted, checked for every artifact before anything is downloaded. */
  hosts?: HostRules;
  /** Credentials for hosts without lockfile `auth` (and for mirror hosts). */
  netrc?: Netrc;
  /** Also lay Maven artifacts out as a Maven repository in `<outputDir>/deps/maven/`, with a settings.xml. */
  mavenLayout?: boolean;
  /** Compare Maven artifacts with the repository's `.sha1`/`.sha256`/`.sha512` files when it serves them. */
  verifySidecars?: boolean;
  env?: NodeJS.ProcessEnv;
  reporter?: ProgressReporter;
  signal?: AbortSignal;
  /** An HTTP client to use instead of one built from the environment (`createHttpClient`). */
  client?: HttpClient;
  /** The command that rewrites changed checksums, as the caller's user runs it (named in mismatch fixes). */
  updateChecksumsCommand?: string;
  /** How long a wait for another process's download of the same file goes unsaid (default 1 s). */
  waitNoticeMs?: number;
}

/** Outcome of a successful run. */
export interface FetchResult {
  summary: FetchSummary;
  /** What the run wrote, as its record file says (its lines made when read). */
  record: RunRecord;
  /** Files of an earlier run that the lockfile no longer lists, now removed. */
  removed: string[];
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
 * Refuses an output directory that the same target fetched another lockfile into (two projects
 * given one `outputDir`): its record would be taken for this lockfile's earlier run, and every file
 * of the other lockfile removed as dropped. A record naming a lockfile that is gone (the project
 * moved) is this lockfile's own earlier run.
 */
function checkOutputOwner(previous: FetchRecord | undefined, lockfile: Lockfile, outputDir: string, recordName: string): void {
  if (!previous || resolve(previous.lockfile) === resolve(lockfile.path) || !existsSync(previous.lockfile)) return;
  throw new HermeticError('InvalidInput', `${outputDir} holds what '${recordName}' fetched for ${previous.lockfile}: ${lockfile.path} cannot share it`, {
    hints: ["give each lockfile its own output directory (the plugin's outputDir with {projectRoot} or {projectName} in it, or --output)"],
  });
}

/**
 * Creates `rel` below the output directory when something will go in it (never through a symlink
 * that leads out of it), and returns its real path.
 */
async function prepareDir(out: OutputRoot, rel: string, needed: boolean): Promise<string> {
  const dir = join(out.dir, rel);
  if (!needed) return dir;
  await mkdirInside(out.dir, out.real, rel, 'output directory');
  return realpath(dir);
}

/** The output directory as given and with its symlinks resolved (the root every write must stay in). */
interface OutputRoot {
  dir: string;
  real: string;
}

async function outputRoot(dir: string): Promise<OutputRoot> {
  await mkdir(dir, { recursive: true });
  return { dir, real: await realpath(dir) };
}

/** Counts of a run, as the summary reports them. */
class Tally {
  downloaded = 0;
  fromStore = 0;
  bytes = 0;
  bytesDownloaded = 0;
  readonly sizes = new Map<Artifact, number>();
  readonly failures: Failure[] = [];
  private readonly failuresByKind = new Map<string, number>();

  add(a: Artifact, origin: Origin, size: number): void {
    this.sizes.set(a, size);
    this.bytes += size;
    if (origin === 'store') this.fromStore++;
    else {
      this.downloaded++;
      this.bytesDownloaded += size;
    }
  }

  /**
   * Counts a failure in; true when it is to be shown as it happens (the first three of its kind:
   * the rest are counted in the final error).
   */
  fail(failure: Failure): boolean {
    this.failures.push(failure);
    const kind = failureKind(failure.error);
    const seen = (this.failuresByKind.get(kind) ?? 0) + 1;
    this.failuresByKind.set(kind, seen);
    return seen <= SHOWN_PER_KIND;
  }

  summary(files: number, started: number): FetchSummary {
    const { downloaded, fromStore, bytes, bytesDownloaded } = this;
    return { files, downloaded, fromStore, failed: this.failures.length, bytes, bytesDownloaded, durationMs: Date.now() - started };
  }
}

/** Fetches every planned artifact, `concurrency` at a time; each outcome goes to the tally and the reporter. */
async function fetchAll(
  run: FetchRun,
  planned: readonly Planned[],
  settings: { concurrency: number; reporter: ProgressReporter; signal?: AbortSignal },
): Promise<Tally> {
  const tally = new Tally();
  try {
    await mapLimit(planned, settings.concurrency, async (p) => {
      const a = p.artifact;
      if (settings.signal?.aborted) {
        tally.fail({ index: a.index, error: interrupted(describe(a)) });
        return;
      }
      try {
        const r = await run.fetch(p);
        tally.add(a, r.origin, r.size);
        settings.reporter.done(a.filename, r.origin, r.size);
      } catch (err) {
        const e = err instanceof HermeticError ? err : new HermeticError('FetchError', `${describe(a)}: ${(err as Error).message}`, { cause: err });
        if (tally.fail({ index: a.index, error: e })) settings.reporter.failed(a.filename, e.message);
      }
    });
  } finally {
    await run.close();
  }
  return tally;
}

/** Writes the run's record (what it placed, from where) and removes files an earlier run placed that the lockfile dropped. */
async function recordRun(lockfile: Lockfile, out: OutputRoot, recordName: string, planned: readonly Planned[], sizes: ReadonlyMap<Artifact, number>) {
  await mkdirInside(out.dir, out.real, RECORD_DIR, 'output directory');
  const path = recordPath(out.dir, recordName);
  const previous = await readRecord(path);
  // Again: a fetch of the other lockfile that ran at the same time may have recorded since the start.
  checkOutputOwner(previous, lockfile, out.dir, recordName);
  const files = new JsonList(planned.length, (i): RecordedFile => recordedFile(planned[i], sizes.get(planned[i].artifact)!));
  const removed = await removeStale(out, previous, files);
  const record: RunRecord = { version: 1, lockfile: lockfile.path, files };
  await writeRecord(path, record);
  await listPlaced(out.dir, planned);
  return { record, removed };
}

/**
 * Lists the placed files in the output's verified-files cache, which Nx neither caches nor
 * restores: a `verify` after a later restore of another lockfile state tells them from the
 * restored files, and removes those the lockfile no longer lists (`removeUnlisted`).
 */
async function listPlaced(outputDir: string, planned: readonly Planned[]): Promise<void> {
  const dir = resolve(outputDir);
  const cache = await VerifiedCache.open(verifiedCachePath(dir));
  for (const p of planned) {
    cache.claim(join(dir, GENERIC_DEPS_DIR, p.artifact.filename));
    if (p.mavenPath) cache.claim(join(dir, MAVEN_DEPS_DIR, p.mavenPath));
  }
  await cache.save();
}

/** The record's line for an artifact placed as planned. */
function recordedFile(p: Planned, size: number): RecordedFile {
  return {
    filename: p.artifact.filename,
    url: p.artifact.url,
    kind: p.artifact.kind,
    checksums: p.artifact.checksums.map(checksumKey),
    size,
    ...(p.url !== wireUrl(p.artifact.url) ? { fetchedFrom: p.url } : {}),
    ...(p.mavenPath ? { mavenPath: p.mavenPath } : {}),
  };
}

/**
 * Fetches a lockfile's artifacts into `<outputDir>/deps/generic/` (and, for Maven artifacts with
 * `mavenLayout`, `<outputDir>/deps/maven/`): each from the store when it is there (re-verified),
 * otherwise downloaded (through a mirror if a rule says so) into the store's temporary area,
 * verified against every checksum, admitted to the store and linked into place. Every artifact is
 * attempted; all failures are reported together. A failed artifact leaves nothing at its target.
 */
export async function fetchArtifacts(lockfile: Lockfile, options: FetchOptions): Promise<FetchResult> {
  const started = Date.now();
  const env = options.env ?? process.env;
  const reporter = options.reporter ?? silentReporter;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const kinds = options.kinds ?? ['url', 'maven'];
  const artifacts = lockfile.artifacts.filter((a) => kinds.includes(a.kind));
  const recordName = options.recordName ?? 'fetch';
  for (const line of warningLines(lockfile.warnings)) reporter.warn(line);

  // Every download in flight listens to the caller's signal (its request, its body, a retry's wait):
  // above Node's default of 10 listeners a --concurrency 16 run printed a "possible leak" warning.
  if (options.signal) setMaxListeners(Math.max(getMaxListeners(options.signal), concurrency * 4 + 10), options.signal);
  const planned = plan(lockfile, artifacts, { mirrors: options.mirrors ?? [], netrc: options.netrc, env, mavenLayout: options.mavenLayout });
  checkHosts(lockfile, planned, options.hosts);
  checkStoreApart(options.store.root, options.outputDir);
  checkOutputOwner(await readRecord(recordPath(options.outputDir, recordName)), lockfile, options.outputDir, recordName);
  await checkCrossTargetCollisions(lockfile, artifacts, options.outputDir, recordName);
  // Like Hermeto, deps/generic/ only exists when there is something to put in it.
  const out = await outputRoot(options.outputDir);
  const hasMaven = planned.some((p) => p.mavenPath);
  const generic = { dir: join(out.dir, GENERIC_DEPS_DIR), real: await prepareDir(out, GENERIC_DEPS_DIR, artifacts.length > 0) };
  const maven = { dir: join(out.dir, MAVEN_DEPS_DIR), real: await prepareDir(out, MAVEN_DEPS_DIR, hasMaven) };
  const run = new FetchRun({
    lockfile,
    store: options.store,
    generic,
    maven,
    linkMode: options.linkMode ?? 'hardlink',
    offline: !!options.offline,
    verifySidecars: !!options.verifySidecars,
    policy: { ...DEFAULT_RETRY_POLICY, ...options.policy },
    concurrency,
    reporter,
    env,
    signal: options.signal,
    client: options.client,
    updateChecksumsCommand: options.updateChecksumsCommand,
    waitNoticeMs: options.waitNoticeMs,
  });
  const tally = await fetchAll(run, planned, { concurrency, reporter, signal: options.signal });
  const summary = tally.summary(artifacts.length, started);
  reporter.summary(summary);
  // By kind, in lockfile order, whatever order the downloads finished in.
  if (tally.failures.length) throw combineFailures(lockfile, tally.failures);
  if (hasMaven) await writeFile(join(maven.dir, 'settings.xml'), mavenSettingsXml(maven.real));
  return { summary, ...(await recordRun(lockfile, out, recordName, planned, tally.sizes)) };
}

/** One error for a run's failures: the first's code unless all were interrupted, the failures grouped by kind. */
function combineFailures(lockfile: Lockfile, failures: readonly Failure[]): HermeticError {
  if (failures.length === 1) return failures[0].error;
  const errors = failures.map((f) => f.error);
  const interrupted = errors.every((e) => e.code === 'Interrupted');
  const code = interrupted ? 'Interrupted' : errors.find((e) => e.code !== 'Interrupted')!.code;
  const { lines, hints } = failureReport(failures);
  const body = lines.map((l) => `  ${l.split('\n').join('\n  ')}`).join('\n');
  return new HermeticError(code, `${failures.length} artifacts of ${lockfile.path} failed:\n${body}`, { hints });
}
