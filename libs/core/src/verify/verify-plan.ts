import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Checksum, parseChecksum } from '../checksum/parse-checksum';
import { writeAtomically } from '../fs/write-atomically';
import { RECORD_DIR } from '../layout';
import { packageVersion } from '../package-version';
import { VerifiedCache, verifiedCachePath } from './verified-cache';

/** What re-verification needs of one artifact: where its file goes and the checksums it must have. */
export interface PlannedFile {
  readonly url: string;
  readonly filename: string;
  readonly checksums: readonly Checksum[];
}

/** What re-verification needs of a lockfile (a parsed `Lockfile` is one): its name for messages and its files. */
export interface VerifyPlan {
  readonly path: string;
  readonly artifacts: readonly PlannedFile[];
}

/**
 * The cache of the last plan read for an output directory, keyed by the lockfile's bytes: a
 * re-verification of an unchanged lockfile (every warm `fetch-deps`) loads neither the YAML parser
 * nor the validators (~50 ms of a ~170 ms process). Not a `.json`: no reader of fetch records takes
 * it for one. Bump the format when what the plan holds changes.
 *
 * The plan says which checksums the files must have, so a forged one would pass forged files: it is
 * trusted only while it is the very file this process family wrote, which the verified-files cache
 * vouches for by its identity and times (`VerifiedCache.stamp`). A copy put there by anything else,
 * a restore from a (remote) cache included, has another inode and ctime, and is not read.
 */
const CACHE_FILE = 'lockfile.cache';
const CACHE_FORMAT = 1;

/** The cache key of a lockfile's bytes (and of the version: a new Hermetic may read them differently). */
function cacheKey(bytes: Buffer): string {
  return `${CACHE_FORMAT}:${packageVersion()}:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The artifacts a cache entry holds, when it is one for `key` and whole; undefined otherwise. */
function cachedArtifacts(data: unknown, key: string): PlannedFile[] | undefined {
  const entry = data as { key?: unknown; artifacts?: unknown } | null;
  if (entry?.key !== key || !Array.isArray(entry.artifacts)) return undefined;
  const artifacts: PlannedFile[] = [];
  for (const a of entry.artifacts as Array<{ url?: unknown; filename?: unknown; checksums?: unknown } | null>) {
    if (typeof a?.url !== 'string' || typeof a.filename !== 'string' || !Array.isArray(a.checksums) || !a.checksums.length) return undefined;
    const checksums: Checksum[] = [];
    for (const text of a.checksums) {
      const parsed = typeof text === 'string' ? parseChecksum(text) : undefined;
      if (!parsed?.ok) return undefined;
      checksums.push(parsed.checksum);
    }
    artifacts.push({ url: a.url, filename: a.filename, checksums });
  }
  return artifacts;
}

/**
 * The verify plan of the lockfile at `file` for the fetch into `outputDir`: from the cache when the
 * lockfile's bytes are those it was made from, else parsed and validated (`readLockfile`'s errors,
 * with `displayPath` and `setting` in them) and remembered. The bytes hashed are the bytes parsed,
 * so an edit while this runs cannot pair one text with another's plan. `verified` is the output's
 * verified-files cache when the caller has it open already (see `verifyAgainstLockfile`).
 */
export async function readVerifyPlan(
  file: string,
  outputDir: string,
  options: { displayPath: string; setting?: string },
  verified?: VerifiedCache,
): Promise<VerifyPlan> {
  const bytes = await readFile(file).catch(() => undefined);
  const key = bytes && cacheKey(bytes);
  const cacheFile = join(outputDir, RECORD_DIR, CACHE_FILE);
  verified ??= await VerifiedCache.open(verifiedCachePath(outputDir));
  const stamp = () => VerifiedCache.stamp(VerifiedCache.statOf(cacheFile), `plan:${key}`);
  const hit =
    key &&
    verified.isVerified(cacheFile, stamp()) &&
    cachedArtifacts(
      await readFile(cacheFile, 'utf8')
        .then(JSON.parse)
        .catch(() => undefined),
      key,
    );
  if (hit) return { path: options.displayPath, artifacts: hit };
  // The parser is loaded here, on a miss only.
  const { parseLockfile, readLockfile } = await import('../lockfile/parse-lockfile');
  const parseOptions = { env: false as const, ...options };
  if (!bytes || !key) return readLockfile(file, parseOptions); // it words why the file cannot be read
  const lockfile = parseLockfile(bytes.toString('utf8'), options.displayPath, parseOptions);
  const artifacts = lockfile.artifacts.map((a) => ({ url: a.url, filename: a.filename, checksums: a.checksums.map((c) => c.text) }));
  try {
    await writeAtomically(cacheFile, JSON.stringify({ key, artifacts }));
    verified.remember(cacheFile, stamp());
    await verified.save();
  } catch {
    // An output directory that cannot be written: no cache, the next run parses again.
  }
  return lockfile;
}
