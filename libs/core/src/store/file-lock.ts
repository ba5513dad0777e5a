import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { readFile, stat, unlink, utimes } from 'node:fs/promises';
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
 * Breaking is serialised: one waiter at a time (holding `<path>.breaking`, also O_EXCL) reads the
 * lock again and removes it only while it still says the same owner and is still stale. Renaming
 * it away first, as this did before, let a waiter that had judged the stale lock move a fresh one
 * taken meanwhile, and a third waiter take the lock before it was put back: two holders at once (a
 * property spec caught it under load). The lock only saves duplicate downloads: the store admits
 * content by atomic rename after verifying it, so two holders would cost bandwidth, never
 * correctness.
 */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<() => Promise<void>> {
  const staleMs = options.staleMs ?? 60_000;
  const token = randomBytes(8).toString('hex');
  let told = false;
  for (let wait = 20; ; wait = Math.min(wait * 2, 250)) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (tryCreate(path, ownerText(token))) return holdWithHeartbeat(path, token, staleMs);
    const owner = await readOwner(path, staleMs);
    if (owner === undefined) continue; // Released meanwhile: try again at once.
    if (owner.stale) {
      // Broken, or found gone: try again at once. Another waiter breaking it: wait as for a holder.
      if (await breakLock(path, owner.text, staleMs)) continue;
    } else if (!told) {
      told = true;
      options.onWait?.(owner.text);
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

/**
 * What the lock at `path` says and whether it is stale: not touched for `staleMs`, or held by a dead
 * process of this machine. An empty file is a lock being written right now: stale only by age.
 * Undefined when there is no lock.
 */
async function readOwner(path: string, staleMs: number): Promise<{ text: string; stale: boolean } | undefined> {
  const [text, info] = await Promise.all([readFile(path, 'utf8').catch(() => undefined), stat(path).catch(() => undefined)]);
  if (text === undefined || !info) return undefined;
  return { text, stale: (text !== '' && ownerIsDeadHere(text)) || Date.now() - info.mtimeMs > staleMs };
}

/** A `.breaking` file this old was left by a waiter that died while breaking a lock: it is removed. */
const BREAKING_STALE_MS = 10_000;

/**
 * Removes the lock at `path` if, read again while no other waiter is breaking it, it still says
 * `owner` and is still stale. False when another waiter is breaking it (the caller waits).
 */
async function breakLock(path: string, owner: string, staleMs: number): Promise<boolean> {
  const breaking = `${path}.breaking`;
  if (!tryCreate(breaking, ownerText('breaking'))) {
    const info = await stat(breaking).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > BREAKING_STALE_MS) await unlink(breaking).catch(() => undefined);
    return false;
  }
  try {
    const now = await readOwner(path, staleMs);
    if (now?.stale && now.text === owner) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(breaking).catch(() => undefined);
  }
  return true;
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
