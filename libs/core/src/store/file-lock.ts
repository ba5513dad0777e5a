import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { link, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { sleep } from '../http/retry-policy';

/** How a lock file says who holds it: `host:pid:token` (the token tells two holders apart). */
function ownerText(token: string): string {
  return `${hostname()}:${process.pid}:${token}`;
}

/** Whether a lock's owner is a process of this machine that no longer exists. */
function ownerIsDeadHere(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

export interface LockOptions {
  /** A lock whose file was not touched for this long is abandoned (its holder refreshes it far more often). */
  staleMs?: number;
  signal?: AbortSignal;
  /** Called once while waiting for another holder, with what its lock file says. */
  onWait?: (owner: string) => void;
}

/**
 * Takes an exclusive lock file (created with O_EXCL), waiting while another holder has it, so that
 * parallel Nx tasks (separate processes, maybe separate machines on a shared store) download each
 * artifact once. The holder touches the file every `staleMs / 4`, so a download of any length keeps
 * it; a lock not touched for `staleMs`, or held by a dead process of this machine, is broken.
 *
 * Breaking is race-safe: the stale file is renamed away and checked to be the one judged stale; a
 * fresh lock moved by mistake (another waiter broke and re-took it in between) is linked back. The
 * lock only saves duplicate downloads: the store admits content by atomic rename after verifying
 * it, so two holders at once would cost bandwidth, never correctness.
 */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<() => Promise<void>> {
  const staleMs = options.staleMs ?? 60_000;
  const token = randomBytes(8).toString('hex');
  let told = false;
  for (let wait = 20; ; wait = Math.min(wait * 2, 250)) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (tryCreate(path, ownerText(token))) return holdWithHeartbeat(path, token, staleMs);
    const [owner, info] = await Promise.all([readFile(path, 'utf8').catch(() => undefined), stat(path).catch(() => undefined)]);
    if (owner === undefined || !info) continue; // Released meanwhile: try again at once.
    // An empty file is a lock being written right now; it is stale only by age.
    if ((owner !== '' && ownerIsDeadHere(owner)) || Date.now() - info.mtimeMs > staleMs) {
      await breakLock(path, owner);
      continue;
    }
    if (!told) {
      told = true;
      options.onWait?.(owner);
    }
    await sleep(wait, options.signal);
  }
}

/**
 * Creates the lock file with its owner, or says another holder has it. Synchronous, like the
 * release: three metadata calls take microseconds, where each asynchronous one is a thread-pool
 * round trip, and every download takes and releases a lock.
 */
function tryCreate(path: string, owner: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, owner);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Removes the lock at `path` if it is still the one that said `owner`; puts back a fresh one moved by mistake. */
async function breakLock(path: string, owner: string): Promise<void> {
  const aside = `${path}.broken-${randomBytes(6).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch {
    return; // Gone already: another waiter broke it, or its holder released it.
  }
  const moved = await readFile(aside, 'utf8').catch(() => owner);
  if (moved !== owner) {
    // A new holder's lock: restore it unless yet another lock was taken meanwhile.
    await link(aside, path).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

/** The release function of a held lock; until then the lock file's time is refreshed. */
function holdWithHeartbeat(path: string, token: string, staleMs: number): () => Promise<void> {
  const timer = setInterval(
    () => {
      const now = new Date();
      void utimes(path, now, now).catch(() => undefined);
    },
    Math.max(50, Math.floor(staleMs / 4)),
  );
  timer.unref();
  return async () => {
    clearInterval(timer);
    // Only our own lock: if it was broken and re-taken, the file is someone else's now.
    let owner: string | undefined;
    try {
      owner = readFileSync(path, 'utf8');
      if (owner.endsWith(`:${token}`)) unlinkSync(path);
    } catch {
      // Gone already (broken as stale by another waiter): nothing to release.
    }
  };
}
