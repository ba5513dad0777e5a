import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ALGORITHMS } from '../checksum/algorithms';
import { Checksum } from '../checksum/parse-checksum';

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

// Plain JavaScript, evaluated in each worker: hashing runs on several cores at once (a hash
// update is synchronous, so on one thread parallel reads would still hash one file at a time).
const WORKER = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const buf = Buffer.allocUnsafe(4 << 20);
parentPort.on('message', ({ id, path, algorithms }) => {
  let fd;
  try {
    fd = openSync(path, 'r');
    const hashes = algorithms.map((a) => createHash(a));
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const chunk = buf.subarray(0, n);
      for (const h of hashes) h.update(chunk);
    }
    parentPort.postMessage({ id, digests: hashes.map((h) => h.digest('hex')) });
  } catch (err) {
    parentPort.postMessage({ id, error: err.code || String(err) });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
});
`;

/**
 * Re-hashes files against their checksums on a pool of worker threads (one per core by default),
 * at disk speed. Returns every problem (missing files, mismatches), in input order.
 */
export async function verifyFiles(files: readonly FileToVerify[], options: { threads?: number } = {}): Promise<VerifyProblem[]> {
  if (!files.length) return [];
  const threads = Math.max(1, Math.min(options.threads ?? availableParallelism(), files.length));
  const workers = Array.from({ length: threads }, () => new Worker(WORKER, { eval: true }));
  const results = new Array<VerifyProblem | undefined>(files.length);
  let next = 0;
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= files.length) return resolve();
              const id = next++;
              worker.postMessage({ id, path: files[id].path, algorithms: files[id].checksums.map((c) => ALGORITHMS[c.algorithm].node) });
            };
            worker.on('message', (m: { id: number; digests?: string[]; error?: string }) => {
              const f = files[m.id];
              if (m.error) {
                results[m.id] = { path: f.path, problem: 'missing', detail: m.error };
              } else {
                const bad = f.checksums.flatMap((c, i) => (m.digests![i] === c.digest ? [] : [`${c.algorithm} expected ${c.digest}, got ${m.digests![i]}`]));
                if (bad.length) results[m.id] = { path: f.path, problem: 'mismatch', detail: bad.join('; ') };
              }
              send();
            });
            worker.on('error', reject);
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results.filter((r): r is VerifyProblem => !!r);
}
