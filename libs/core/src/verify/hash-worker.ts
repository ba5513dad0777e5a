import { parentPort } from 'node:worker_threads';
import { Algorithm } from '../checksum/algorithms';
import { hashFileSync } from '../checksum/multi-hash';

/** A file to hash, as `verifyFiles` posts it. */
export interface HashJob {
  id: number;
  path: string;
  algorithms: Algorithm[];
}

/** The answer: the digests in the job's algorithm order, or why the file could not be read. */
export type HashAnswer = { id: number; digests: string[] } | { id: number; error: string };

// One worker thread of verifyFiles' pool: hashes the files it is sent, one at a time, with one
// 4 MiB read buffer for all of them.
const buffer = Buffer.allocUnsafe(4 << 20);
parentPort?.on('message', ({ id, path, algorithms }: HashJob) => {
  let answer: HashAnswer;
  try {
    const { digests } = hashFileSync(path, algorithms, buffer);
    answer = { id, digests: algorithms.map((a) => digests.get(a)!) };
  } catch (err) {
    answer = { id, error: (err as NodeJS.ErrnoException).code ?? String(err) };
  }
  parentPort!.postMessage(answer);
});
