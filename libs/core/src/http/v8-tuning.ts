import { setFlagsFromString } from 'node:v8';

/**
 * Tunes V8 for a process that mostly streams bytes, for the rest of the process. Flags hold for
 * the whole process: call it only where Hermetic owns the process (the CLI, an Nx task), first.
 *
 * - WebAssembly stays on the baseline compiler (Liftoff). undici parses HTTP with llhttp compiled
 *   to WebAssembly, and V8's optimising tier recompiles it on background threads at the first
 *   request: ~35 MiB of peak memory and CPU at start, for no gain in a run this short (compiled
 *   CLI: one 1 MiB fetch 115 -> 79 MiB peak RSS, 200 x 1 MiB 150 -> 118 MiB, none slower).
 * - The young generation stays at its initial 1 MiB semi-space. Every socket read is a fresh
 *   64 KiB buffer outside the JavaScript heap, freed only when a scavenge finds its small wrapper
 *   dead; with a young generation grown to 16 MiB (module loading grows it), ~35 MiB of read
 *   buffers were garbage waiting at the peak. Growth factor 1 makes scavenges follow the bytes:
 *   200 x 1 MiB 116 -> 96 MiB, 4 x 128 MiB 115 -> 99 MiB, no slower (scavenges of a 1 MiB space
 *   cost well under a millisecond). Set before the heap grows, so it takes effect at run time.
 */
export function tuneV8ForDownloads(): void {
  setFlagsFromString('--liftoff-only');
  setFlagsFromString('--semi-space-growth-factor=1');
}
