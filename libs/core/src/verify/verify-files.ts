import { availableParallelism } from 'node:os';
import { Checksum } from '../checksum/parse-checksum';
import { mapLimit } from '../fetch/map-limit';
import { HashPool } from './hash-pool';

/** A file and the checksums its bytes must have. */
export interface FileToVerify {
  path: string;
  checksums: readonly Checksum[];
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
 * Re-hashes files against their checksums on a pool of worker threads (one per core by default),
 * at disk speed. Returns every problem (missing files, mismatches), in input order.
 */
export async function verifyFiles(files: readonly FileToVerify[], options: { threads?: number } = {}): Promise<VerifyProblem[]> {
  if (!files.length) return [];
  pool ??= new HashPool(availableParallelism());
  const hashes = pool;
  const threads = Math.max(1, options.threads ?? availableParallelism());
  const results = await mapLimit(files, threads, async (f): Promise<VerifyProblem | undefined> => {
    const answer = await hashes.hash(
      f.path,
      f.checksums.map((c) => c.algorithm),
    );
    if ('error' in answer) return { path: f.path, problem: 'missing', detail: answer.error };
    const bad = f.checksums.flatMap((c, i) => (answer.digests[i] === c.digest ? [] : [`${c.algorithm} expected ${c.digest}, got ${answer.digests[i]}`]));
    return bad.length ? { path: f.path, problem: 'mismatch', detail: bad.join('; ') } : undefined;
  });
  return results.filter((r): r is VerifyProblem => !!r);
}
