import { mkdir, realpath, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Dispatcher } from 'undici';
import { Algorithm } from '../checksum/algorithms';
import { compareDigests, ChecksumMismatch } from '../checksum/multi-hash';
import { checksumKey } from '../checksum/parse-checksum';
import { formatDiagnostic, HermeticError } from '../errors';
import { authHeaders } from '../http/auth-headers';
import { createDispatcher } from '../http/dispatcher';
import { AttemptError, downloadFile, DownloadAborted } from '../http/download-file';
import { Netrc, netrcHeaders } from '../http/netrc';
import { DEFAULT_CONCURRENCY, DEFAULT_RETRY_POLICY, RetryPolicy } from '../http/retry-policy';
import { mavenRepositoryPath } from '../lockfile/maven';
import { GENERIC_DEPS_DIR } from '../lockfile/target-path';
import { Artifact, Lockfile } from '../lockfile/types';
import { wireUrl } from '../lockfile/url';
import { FetchSummary, ProgressReporter, silentReporter } from '../progress/reporter';
import { ContentStore } from '../store/content-store';
import { FetchRecord, otherRecords, readRecord, RecordedFile, recordPath, removeStale, writeRecord } from './fetch-record';
import { mapLimit } from './map-limit';
import { MAVEN_DEPS_DIR, mavenSettingsXml } from './maven-layout';
import { LinkMode, materialize } from './materialize';
import { mkdirInside } from './safe-paths';
import { RECORD_DIR } from '../layout';
import { checkSidecars, SIDECAR_ALGORITHMS } from './sidecars';
import { HostRules, hostRefusal, MirrorRule, rewriteUrl } from './url-rules';

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

type Resolved = Required<Pick<FetchOptions, 'store' | 'linkMode' | 'env' | 'reporter' | 'mirrors'>> & FetchOptions;

/** One artifact ready to fetch: where its bytes come from and with which credentials. */
interface Planned {
  artifact: Artifact;
  /** URL actually requested (after mirror rewriting, without fragment). */
  source: string;
  /** Credentials for `source`: lockfile auth on the artifact's own origin, else .netrc. Secret. */
  headers?: Record<string, string>;
  /** Path below `deps/maven/` when the Maven layout is on. */
  mavenPath?: string;
}

function describe(a: Artifact): string {
  return `artifacts[${a.index}] (${a.filename})`;
}

function mismatchError(lockfile: Lockfile, p: Planned, mismatches: ChecksumMismatch[], contentType?: string): HermeticError {
  const a = p.artifact;
  const lines = mismatches.map((m) => `${m.algorithm} expected ${m.expected}, got ${m.actual}`);
  const hints = [`downloaded from ${p.source}; nothing was written to the output`];
  if (contentType && /text\/html/i.test(contentType)) {
    hints.push('the server answered with an HTML page: probably a login or error page, not the file; check the URL and auth');
  }
  hints.push(`if the new file is the one you want, update the checksum of ${describe(a)} in ${lockfile.path}`);
  return new HermeticError('ChecksumVerificationFailed', `${describe(a)}: checksum mismatch: ${lines.join('; ')}`, { hints });
}

function attemptToError(lockfile: Lockfile, p: Planned, err: AttemptError): HermeticError {
  const a = p.artifact;
  const via = p.source === wireUrl(a.url) ? '' : ` (mirror of ${a.url})`;
  const what = `${describe(a)}: cannot download ${p.source}${via}: ${err.message}`;
  if (err.kind === 'disk')
    return new HermeticError('StorageError', `${describe(a)}: ${err.message}`, {
      hints: ['check free space and permissions of the store and output directories'],
    });
  if (err.kind === 'auth') {
    const fix = p.headers
      ? `check the credentials used for ${new URL(p.source).host} (the 'auth' section of ${describe(a)}, or its ~/.netrc entry)`
      : `add an 'auth' section (lockfile version "2.0") to ${describe(a)} in ${lockfile.path}, or a ~/.netrc entry for ${new URL(p.source).hostname}`;
    return new HermeticError('AuthenticationFailed', what, { hints: [fix] });
  }
  if (err.kind === 'limit') {
    return new HermeticError('FetchError', what, {
      hints: [`if ${describe(a)} really is that large, raise the cap; otherwise the server sends something else than the lockfile expects`],
    });
  }
  const hints =
    err.extra.status !== undefined && err.extra.status < 500
      ? [via ? `check the mirror rules, or fix the URL of ${describe(a)} in ${lockfile.path}` : `fix the URL of ${describe(a)} in ${lockfile.path}`]
      : ['check the network, proxy settings (HTTPS_PROXY, NO_PROXY) and that the host is up; the download is retried on transient errors'];
  return new HermeticError('FetchError', what, { hints, cause: err });
}

/** Where each artifact is downloaded from, and with which credentials. */
function plan(lockfile: Lockfile, artifacts: readonly Artifact[], o: Resolved): Planned[] {
  return artifacts.map((artifact) => {
    const original = wireUrl(artifact.url);
    const source = rewriteUrl(original, o.mirrors);
    const sourceUrl = new URL(source);
    // Lockfile credentials belong to the artifact's host: never send them to a mirror elsewhere.
    let lockfileAuth: Record<string, string> | undefined;
    try {
      lockfileAuth = sourceUrl.origin === new URL(original).origin ? authHeaders(artifact.auth, o.env) : undefined;
    } catch (err) {
      throw new HermeticError('InvalidLockfileFormat', `${lockfile.path}: ${describe(artifact)}: ${(err as Error).message}`, {
        hints: ['export the variable before running'],
      });
    }
    const headers = lockfileAuth ?? (o.netrc ? netrcHeaders(o.netrc, sourceUrl.hostname) : undefined);
    const mavenPath = o.mavenLayout && artifact.kind === 'maven' ? mavenRepositoryPath(artifact.maven) : undefined;
    return { artifact, source, ...(headers ? { headers } : {}), ...(mavenPath ? { mavenPath } : {}) };
  });
}

/** Refuses, before any download, artifacts whose host the allow/block rules forbid. */
function checkHosts(lockfile: Lockfile, planned: readonly Planned[], rules: HostRules | undefined): void {
  if (!rules?.allow?.length && !rules?.block?.length) return;
  const refused = planned.flatMap((p) => {
    const why = hostRefusal(new URL(p.source).hostname, rules);
    return why ? [`${describe(p.artifact)} ${p.source}: ${why}`] : [];
  });
  if (refused.length) {
    throw new HermeticError('InvalidInput', `${lockfile.path}: ${refused.length} artifact(s) would contact a forbidden host:\n  ${refused.join('\n  ')}`, {
      hints: ['add a mirror rule that moves them to an allowed host, or change the allow/block host rules'],
    });
  }
}

/** Fetches one artifact into the output directory through the store; returns where its bytes came from. */
async function fetchOne(
  lockfile: Lockfile,
  p: Planned,
  dirs: { generic: string; realGeneric: string; maven: string; realMaven: string },
  o: Resolved,
  dispatcher: () => Dispatcher,
  policy: RetryPolicy,
): Promise<{ servedFrom: 'download' | 'store'; size: number }> {
  const a = p.artifact;
  const label = describe(a);
  if (a.filename.includes('/')) await mkdirInside(dirs.generic, dirs.realGeneric, dirname(a.filename), label);
  if (p.mavenPath) await mkdirInside(dirs.maven, dirs.realMaven, dirname(p.mavenPath), label);
  const place = async (object: string) => {
    await materialize(object, join(dirs.generic, a.filename), o.linkMode);
    if (p.mavenPath) await materialize(object, join(dirs.maven, p.mavenPath), o.linkMode);
  };
  const sidecars = o.verifySidecars && a.kind === 'maven' ? SIDECAR_ALGORITHMS.filter((s) => !a.checksums.some((c) => c.algorithm === s)) : [];
  const crossCheck = async (digests: ReadonlyMap<Algorithm, string>) => {
    if (!o.verifySidecars || a.kind !== 'maven' || o.offline) return;
    const disagreements = await checkSidecars(p.source, digests, dispatcher(), p.headers, policy.readTimeoutMs, o.signal);
    if (disagreements.length) {
      throw new HermeticError(
        'ChecksumVerificationFailed',
        `${label}: the repository's checksum file disagrees with the lockfile: ${disagreements.map((d) => `${d.url} says ${d.sidecar}, the verified bytes have ${d.algorithm} ${d.actual}`).join('; ')}`,
        { hints: [`the repository may have been changed or be corrupt; compare with another mirror before touching ${lockfile.path}`] },
      );
    }
  };

  const release = await o.store.lock(a.checksums, o.signal);
  try {
    const found = await o.store.lookup(a.checksums, sidecars);
    if (found.status === 'mismatch') throw mismatchError(lockfile, p, found.mismatches);
    if (found.status === 'hit') {
      await crossCheck(found.digests);
      await place(found.path);
      return { servedFrom: 'store', size: found.size };
    }
    if (found.altered) {
      o.reporter.warn(
        `${label}: the store's copy (${found.altered}) no longer matched its checksum and was removed; it is fetched again. Was a file it is linked to (under an output directory) edited in place?`,
      );
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
          url: p.source,
          originHeaders: p.headers,
          destination: temp,
          algorithms: [...a.checksums.map((c) => c.algorithm), ...sidecars],
          signal: o.signal,
          onProgress: (received, total) => o.reporter.progress(a.filename, received, total),
          onRetry: (attempt, reason, delay) => o.reporter.retry(a.filename, attempt, reason, delay),
        },
        dispatcher(),
        policy,
      );
      const mismatches = compareDigests(a.checksums, result.digests);
      if (mismatches.length) throw mismatchError(lockfile, p, mismatches, result.contentType);
      await crossCheck(result.digests);
      await place(await o.store.admit(temp, a.checksums));
      return { servedFrom: 'download', size: result.size };
    } finally {
      await rm(temp, { force: true });
    }
  } catch (err) {
    if (err instanceof HermeticError) throw err;
    if (err instanceof DownloadAborted) throw new HermeticError('Interrupted', `${label}: interrupted`);
    if (err instanceof AttemptError) throw attemptToError(lockfile, p, err);
    const e = err as NodeJS.ErrnoException;
    if (e.code && e.syscall) {
      throw new HermeticError('StorageError', `${label}: ${e.message}`, {
        hints: ['check free space and permissions of the store and output directories'],
        cause: err,
      });
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

/**
 * Fetches a lockfile's artifacts into `<outputDir>/deps/generic/` (and, for Maven artifacts with
 * `mavenLayout`, `<outputDir>/deps/maven/`): each from the store when it is there (re-verified),
 * otherwise downloaded (through a mirror if a rule says so) into the store's temporary area,
 * verified against every checksum, admitted to the store and linked into place. Every artifact is
 * attempted; all failures are reported together. A failed artifact leaves nothing at its target.
 */
export async function fetchArtifacts(lockfile: Lockfile, options: FetchOptions): Promise<FetchResult> {
  const started = Date.now();
  const o: Resolved = { linkMode: 'hardlink', env: process.env, reporter: silentReporter, mirrors: [], ...options };
  const kinds = o.kinds ?? ['url', 'maven'];
  const artifacts = lockfile.artifacts.filter((a) => kinds.includes(a.kind));
  const recordName = o.recordName ?? 'fetch';
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...o.policy };
  for (const w of lockfile.warnings) o.reporter.warn(formatDiagnostic(w));

  const planned = plan(lockfile, artifacts, o);
  checkHosts(lockfile, planned, o.hosts);
  await checkCrossTargetCollisions(lockfile, artifacts, o.outputDir, recordName);
  // Like Hermeto, deps/generic/ only exists when there is something to put in it.
  const out = await outputRoot(o.outputDir);
  const generic = join(o.outputDir, GENERIC_DEPS_DIR);
  const maven = join(o.outputDir, MAVEN_DEPS_DIR);
  const hasMaven = planned.some((p) => p.mavenPath);
  const dirs = {
    generic,
    realGeneric: await prepareDir(out, GENERIC_DEPS_DIR, artifacts.length > 0),
    maven,
    realMaven: await prepareDir(out, MAVEN_DEPS_DIR, hasMaven),
  };

  const concurrency = o.concurrency ?? DEFAULT_CONCURRENCY;
  let ownDispatcher: Dispatcher | undefined;
  const dispatcher = () =>
    o.dispatcher ?? (ownDispatcher ??= createDispatcher({ connections: concurrency, connectTimeoutMs: policy.connectTimeoutMs, env: o.env }));

  const failures: Array<{ index: number; error: HermeticError }> = [];
  const sizes = new Map<Artifact, number>();
  let downloaded = 0;
  let fromStore = 0;
  let bytes = 0;
  let bytesDownloaded = 0;
  try {
    await mapLimit(planned, concurrency, async (p) => {
      const a = p.artifact;
      if (o.signal?.aborted) {
        failures.push({ index: a.index, error: new HermeticError('Interrupted', `${describe(a)}: interrupted`) });
        return;
      }
      try {
        const r = await fetchOne(lockfile, p, dirs, o, dispatcher, policy);
        sizes.set(a, r.size);
        bytes += r.size;
        if (r.servedFrom === 'store') fromStore++;
        else {
          downloaded++;
          bytesDownloaded += r.size;
        }
        o.reporter.done(a.filename, r.servedFrom, r.size);
      } catch (err) {
        const e = err instanceof HermeticError ? err : new HermeticError('FetchError', `${describe(a)}: ${(err as Error).message}`, { cause: err });
        failures.push({ index: a.index, error: e });
        o.reporter.failed(a.filename, e.message);
      }
    });
  } finally {
    // destroy, not close: a request stuck in undici (see requestWithDeadline) must not hold the run.
    await ownDispatcher?.destroy().catch(() => undefined);
  }

  const summary: FetchSummary = {
    files: artifacts.length,
    downloaded,
    fromStore,
    failed: failures.length,
    bytes,
    bytesDownloaded,
    durationMs: Date.now() - started,
  };
  o.reporter.summary(summary);
  // Lockfile order, whatever order the downloads finished in.
  if (failures.length)
    throw combineFailures(
      lockfile,
      failures.sort((x, y) => x.index - y.index).map((f) => f.error),
    );

  if (hasMaven) await writeFile(join(maven, 'settings.xml'), mavenSettingsXml(dirs.realMaven));
  await mkdirInside(out.dir, out.real, RECORD_DIR, 'output directory');
  const path = recordPath(o.outputDir, recordName);
  const previous = await readRecord(path);
  const files: RecordedFile[] = planned.map((p) => ({
    filename: p.artifact.filename,
    url: p.artifact.url,
    kind: p.artifact.kind,
    checksums: p.artifact.checksums.map(checksumKey),
    size: sizes.get(p.artifact)!,
    ...(p.source !== wireUrl(p.artifact.url) ? { fetchedFrom: p.source } : {}),
    ...(p.mavenPath ? { mavenPath: p.mavenPath } : {}),
  }));
  const removed = await removeStale(out, previous, files);
  const record: FetchRecord = { version: 1, lockfile: lockfile.path, files };
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
