import { createHash, Hash } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { Algorithm, ALGORITHMS } from './algorithms';
import { Checksum } from './parse-checksum';

/** Feeds the same bytes to one hash per algorithm; `digests()` ends them. */
export class MultiHash {
  private readonly hashes: Array<[Algorithm, Hash]>;
  private bytes = 0;

  constructor(algorithms: Iterable<Algorithm>) {
    this.hashes = [...new Set(algorithms)].map((a) => [a, createHash(ALGORITHMS[a].node)]);
  }

  update(chunk: Buffer): void {
    for (const [, h] of this.hashes) h.update(chunk);
    this.bytes += chunk.length;
  }

  get size(): number {
    return this.bytes;
  }

  digests(): Map<Algorithm, string> {
    return new Map(this.hashes.map(([a, h]) => [a, h.digest('hex')]));
  }

  /** Nothing to release: the hashes are garbage once dropped (StreamHash's contract). */
  discard(): void {}
}

/** One checksum that did not match: what the lockfile says and what the bytes are. */
export interface ChecksumMismatch {
  algorithm: Algorithm;
  expected: string;
  actual: string;
}

/** Compares computed digests with every expected checksum; returns the mismatches (empty = verified). */
export function compareDigests(expected: readonly Checksum[], actual: Map<Algorithm, string>): ChecksumMismatch[] {
  const mismatches: ChecksumMismatch[] = [];
  for (const c of expected) {
    const got = actual.get(c.algorithm);
    if (got !== c.digest) mismatches.push({ algorithm: c.algorithm, expected: c.digest, actual: got ?? '(not computed)' });
  }
  return mismatches;
}

/** Feeds the rest of an open file to `hash`, reading into `buffer`. */
function readAllSync(fd: number, hash: MultiHash, buffer: Buffer): void {
  for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
}

/**
 * Files up to this size are hashed with synchronous reads: each asynchronous call is a round trip
 * through libuv's thread pool (~0.1 ms on a busy 2-core machine), four of them per file, where
 * reading a small file takes microseconds; too short to hold up other work on the event loop.
 */
export const SMALL_FILE_BYTES = 256 << 10;

/** Hashes a file from disk with every algorithm of the checksums: small files at once, others streamed. */
export async function hashFile(path: string, algorithms: Iterable<Algorithm>): Promise<{ digests: Map<Algorithm, string>; size: number }> {
  const fd = openSync(path, 'r');
  const hash = new MultiHash(algorithms);
  let streamed = false;
  try {
    const size = fstatSync(fd).size;
    if (size <= SMALL_FILE_BYTES) {
      // Read to the end, whatever the size was when it was stat'ed.
      readAllSync(fd, hash, Buffer.allocUnsafe(size + 1));
      return { digests: hash.digests(), size: hash.size };
    }
    streamed = true;
    // 1 MiB reads: hashing runs at disk speed without holding more than one chunk. The stream owns
    // (and closes) the descriptor from here.
    for await (const chunk of createReadStream(path, { fd, highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
    return { digests: hash.digests(), size: hash.size };
  } finally {
    if (!streamed) closeSync(fd);
  }
}

/**
 * The same, synchronously, reading into `buffer` (for worker threads, where blocking is the point:
 * a hash update is synchronous anyway, and one read buffer serves every file).
 */
export function hashFileSync(
  path: string,
  algorithms: Iterable<Algorithm>,
  buffer: Buffer = Buffer.allocUnsafe(1 << 20),
): { digests: Map<Algorithm, string>; size: number } {
  const hash = new MultiHash(algorithms);
  const fd = openSync(path, 'r');
  try {
    readAllSync(fd, hash, buffer);
  } finally {
    closeSync(fd);
  }
  return { digests: hash.digests(), size: hash.size };
}
