import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Algorithm } from '../checksum/algorithms';
import { Checksum } from '../checksum/parse-checksum';
import { mapLimit } from '../fetch/map-limit';
import type { HashPool } from './hash-pool';
import { runHashJob } from './hash-job';

/** A file and the checksums its bytes must have. */
export interface FileToVerify {
  path: string;
  checksums: readonly Checksum[];
  /** Its size when the caller has stat'ed it already (otherwise stat'ed here). */
  size?: number;
}

/** Why a file failed verification. */
export interface VerifyProblem {
  path: string;
  problem: 'missing' | 'mismatch';
  /** For mismatches: `algorithm expected …, got …`. */
  detail: string;
}

let pool: HashPool | undefined;

/**
 * Below this many bytes in all, files are hashed on the calling thread: at ~1.3 GB/s that takes
 * less than starting the first worker thread does (~30 ms compiled, ~400 ms from the sources).
 */
export const INLINE_HASH_BYTES = 32 << 20;

/** Read size of hashing on the calling thread. */
const INLINE_READ_BYTES = 256 << 10;

/**
 * The files' total size, up to `limit` (enough to choose how to hash); a file that cannot be
 * stat'ed counts as nothing (hashing it reports why). Synchronous stats: microseconds each, where
 * 10,000 asynchronous ones queue through the thread pool.
 */
function totalSize(files: readonly FileToVerify[], limit: number): number {
  let total = 0;
  for (const f of files) {
    total += f.size ?? statSync(f.path, { throwIfNoEntry: false })?.size ?? 0;
    if (total >= limit) break;
  }
  return total;
}

/**
 * Re-hashes files against their checksums: a few small files on this thread, more on a pool of
 * worker threads (one per core by default), at disk speed. Returns every problem (missing files,
 * mismatches), in input order.
 */
export async function verifyFiles(files: readonly FileToVerify[], options: { threads?: number; inlineBelowBytes?: number } = {}): Promise<VerifyProblem[]> {
  if (!files.length) return [];
  const limit = options.inlineBelowBytes ?? INLINE_HASH_BYTES;
  const inline = totalSize(files, limit) < limit;
  // One read buffer for every file hashed here (the jobs are synchronous, so never two at once): a
  // fresh 1 MiB one per file was 100 MiB of garbage for 100 small files.
  let buffer: Buffer | undefined;
  // The pool (and worker_threads) is loaded only when threads are needed: not on a warm fetch-deps.
  const threaded = inline ? undefined : (pool ??= new (await import('./hash-pool')).HashPool(availableParallelism()));
  const hash = threaded
    ? (path: string, algorithms: readonly Algorithm[]) => threaded.hash(path, algorithms)
    : async (path: string, algorithms: readonly Algorithm[]) => runHashJob({ id: 0, path, algorithms }, (buffer ??= Buffer.allocUnsafe(INLINE_READ_BYTES)));
  const threads = inline ? 1 : Math.max(1, options.threads ?? availableParallelism());
  const results = await mapLimit(files, threads, async (f): Promise<VerifyProblem | undefined> => {
    const answer = await hash(
      f.path,
      f.checksums.map((c) => c.algorithm),
    );
    if ('error' in answer) return { path: f.path, problem: 'missing', detail: answer.error };
    const bad = f.checksums.flatMap((c, i) => (answer.digests[i] === c.digest ? [] : [`${c.algorithm} expected ${c.digest}, got ${answer.digests[i]}`]));
    return bad.length ? { path: f.path, problem: 'mismatch', detail: bad.join('; ') } : undefined;
  });
  return results.filter((r): r is VerifyProblem => !!r);
}
