import { Algorithm } from '../checksum/algorithms';
import { hashFileSync } from '../checksum/multi-hash';

/** A file to hash, as `verifyFiles` posts it. */
export interface HashJob {
  id: number;
  path: string;
  algorithms: readonly Algorithm[];
}

/** The answer: the digests in the job's algorithm order, or why the file could not be read. */
export type HashAnswer = { id: number; digests: string[] } | { id: number; error: string };

/** Does one job, synchronously: on a pool thread, or on the calling thread for a few small files. */
export function runHashJob({ id, path, algorithms }: HashJob, buffer?: Buffer): HashAnswer {
  try {
    const { digests } = hashFileSync(path, algorithms, buffer);
    return { id, digests: algorithms.map((a) => digests.get(a)!) };
  } catch (err) {
    return { id, error: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
}
