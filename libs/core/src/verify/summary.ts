/**
 * The line a successful re-verification prints, the same from the CLI's `verify` and the Nx
 * plugin's `verify-deps`: how many files, against which lockfile, how long, and how many were taken
 * from the digest cache (unchanged since their last verification, so not hashed again).
 */
export function verificationSummary(result: { files: number; hashed: number }, lockfilePath: string, elapsedMs: number): string {
  const unchanged = result.files - result.hashed;
  const note = unchanged ? ` (${unchanged} unchanged since their last verification)` : '';
  return `verified ${result.files} file(s) against ${lockfilePath} in ${Math.round(elapsedMs)} ms${note}`;
}
