import { unlinkSync } from 'node:fs';

/** Whether process `pid` of this machine is gone (never this process; a pid we may not signal is alive). */
export function isDeadPid(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

/** Files this process made and removes however it exits, until they are kept. */
const removedAtExit = new Set<string>();
let exitHookInstalled = false;

/**
 * Removes `path` when the process exits, even by an exit it did not plan (a task runner calling
 * `process.exit` on Ctrl-C before a clean-up ran), unless `keepAtExit` says otherwise first. Only
 * what a SIGKILL leaves remains, for the next run's sweep.
 */
export function removeAtExit(path: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const p of removedAtExit) {
        try {
          unlinkSync(p);
        } catch {
          // Moved or removed already.
        }
      }
    });
  }
  removedAtExit.add(path);
}

/** `path` is no longer this process's to remove at exit (moved into the store, or removed). */
export function keepAtExit(path: string): void {
  removedAtExit.delete(path);
}
