import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Bytes received between two collections of the young generation (see `noteBytesReceived`). */
export const YOUNG_GC_EVERY_BYTES = 4 << 20;

/** How far the old generation grows past what survived a full collection (see `tuneV8ForDownloads`). */
const OLD_GENERATION_GROWING_PERCENT = 30;

/** Whether `tuneV8ForDownloads` ran (downloads then collect the young generation as they go). */
let tuned = false;
/** V8's `gc`, from a context made on first use: making one costs ~20 ms, which `--help` must not pay. */
let gc: ((options: { type: 'minor' }) => void) | undefined;
let receivedSinceCollection = 0;

/**
 * Tunes V8 for a process that mostly streams bytes, for the rest of the process. Flags hold for
 * the whole process: call it only where Hermetic owns the process (the CLI, an Nx task), first.
 *
 * - WebAssembly stays on the baseline compiler (Liftoff). undici (downloads through a proxy)
 *   parses HTTP with llhttp compiled to WebAssembly, and V8's optimising tier recompiles it on
 *   background threads at the first request: ~35 MiB of peak memory and CPU at start, for no gain
 *   in a run this short (measured when every download went through undici: one 1 MiB fetch 115 ->
 *   79 MiB peak RSS, 200 x 1 MiB 150 -> 118 MiB, none slower).
 * - The young generation stays at its initial 1 MiB semi-space. A read of Node's own sockets (and
 *   undici's, on the proxy path) is a fresh 64 KiB buffer outside the JavaScript heap, freed only
 *   when a scavenge finds its small wrapper dead; with a young generation grown to 16 MiB (module
 *   loading grows it), ~35 MiB of read buffers were garbage waiting at the peak. Growth factor 1
 *   makes scavenges follow the bytes: 200 x 1 MiB 116 -> 96 MiB, 4 x 128 MiB 115 -> 99 MiB, no
 *   slower (scavenges of a 1 MiB space cost well under a millisecond). Set before the heap grows,
 *   so it takes effect at run time. (Downloads without a proxy read into reused buffers: they
 *   make no such garbage.)
 * - A client whose reads are fresh buffers asks for a scavenge every 4 MiB received
 *   (`noteBytesReceived`; undici's, on the proxy path): a read leaves little in the young
 *   generation besides its 64 KiB buffer's small wrapper, so even 1 MiB of it filled only after
 *   ~20-25 MiB of read buffers had died (at 8 downloads). 4 x 128 MiB 92 -> 78 MiB, 512 MiB
 *   88 -> 73 MiB peak RSS, no slower (medians of 5); more often (every 1-2 MiB) promoted the
 *   buffers of live downloads and raised the small-file peak instead.
 * - The old generation grows by 30 % past what survived a full collection (V8 picks 1.5x to 4x on
 *   its own). A large lockfile makes bursts of objects that live long enough to be promoted and
 *   then die (parsing it, the SBOM's components): V8 grew the heap rather than collect them.
 *   hermetic fetch-deps of 10,000 small files peaked at 127-132 MiB, 97-99 MiB with this (5,000:
 *   98 -> 85 MiB); 200 x 1 MiB and 4 x 128 MiB as fast and as small as before (alternating pairs).
 *   A hard cap (--max-old-space-size) did as well but would crash a larger lockfile.
 *   `gc` comes from a context made after `--expose-gc` is set (the main one never has it), on the
 *   first collection: making a context costs ~20 ms, which `--help` and `verify` do not pay.
 */
export function tuneV8ForDownloads(): void {
  setFlagsFromString('--liftoff-only');
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString(`--heap-growing-percent=${OLD_GENERATION_GROWING_PERCENT}`);
  setFlagsFromString('--expose-gc');
  tuned = true;
}

/** Counts downloaded bytes; in a tuned process, collects the young generation every YOUNG_GC_EVERY_BYTES. */
export function noteBytesReceived(bytes: number): void {
  if (!tuned) return;
  receivedSinceCollection += bytes;
  if (receivedSinceCollection < YOUNG_GC_EVERY_BYTES) return;
  receivedSinceCollection = 0;
  gc ??= runInNewContext('gc') as (options: { type: 'minor' }) => void;
  gc({ type: 'minor' });
}
