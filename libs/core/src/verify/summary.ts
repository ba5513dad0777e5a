/**
 * The line a successful re-verification prints, the same from the CLI's `verify` and the Nx
 * plugin's `verify-deps`: how many files, against which lockfile, how long, and how many were taken
 * from the digest cache (unchanged since their last verification, so not hashed again), and the
 * files an earlier fetch placed that the lockfile no longer lists, now removed.
 */
export function verificationSummary(result: { files: number; hashed: number; removed?: readonly string[] }, lockfilePath: string, elapsedMs: number): string {
  const unchanged = result.files - result.hashed;
  const note = unchanged ? ` (${unchanged} unchanged since their last verification)` : '';
  const line = `verified ${result.files} file(s) against ${lockfilePath} in ${Math.round(elapsedMs)} ms${note}`;
  const removed = result.removed ?? [];
  return removed.length ? `${line}\nremoved ${removed.length} file(s) no longer in the lockfile: ${removed.join(', ')}` : line;
}
