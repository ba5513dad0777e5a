import { setFlagsFromString } from 'node:v8';

/**
 * Keeps WebAssembly on V8's baseline compiler (Liftoff) for the rest of the process. undici parses
 * HTTP with llhttp compiled to WebAssembly, and V8's optimising tier recompiles it on background
 * threads at the first request: ~35 MiB of peak memory and CPU at start, for no gain in a run this
 * short (measured with the compiled CLI: one 1 MiB fetch 115 -> 79 MiB peak RSS, 200 x 1 MiB
 * 150 -> 118 MiB, 4 x 128 MiB 142 -> 114 MiB, none slower). A V8 flag holds for the whole process:
 * call it only where Hermetic owns the process (the CLI, an Nx task), before the first download.
 */
export function keepWasmOnBaselineCompiler(): void {
  setFlagsFromString('--liftoff-only');
}
