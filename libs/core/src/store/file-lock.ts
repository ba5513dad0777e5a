import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { sleep } from '../http/retry-policy';
import { LockOwner, ownerIsDeadHere, ownerText } from './lock-owner';

export interface LockOptions {
  /** A lock whose file was not touched for this long is abandoned (its holder refreshes it far more often). */
  staleMs?: number;
  signal?: AbortSignal;
  /** Called once while waiting for another holder, with what its lock file says. */
  onWait?: (owner: string) => void;
}

/**
 * Takes an exclusive lock (a hard link at `path` to this process's owner file: `LockOwner`),
 * waiting while another holder has it, so that parallel Nx tasks (separate processes, maybe
 * separate machines on a shared store) download each artifact once. Holders refresh their locks
 * every `staleMs / 4`, so a download of any length keeps its lock; a lock not touched for
 * `staleMs`, or held by a dead process of this machine, is broken. A plain file at `path` (as
 * earlier versions made locks, with O_EXCL) is read and broken the same way.
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
  let told = false;
  for (let wait = 20; ; wait = Math.min(wait * 2, 250)) {
    if (options.signal?.aborted) throw options.signal.reason;
    const owner = takeLock(path, staleMs);
    if (owner) {
      let released = false;
      return async () => {
        if (!released) owner.release(path);
        released = true;
      };
    }
    const holder = await readOwner(path, staleMs);
    if (holder === undefined) continue; // Released meanwhile: try again at once.
    if (holder.stale) {
      // Broken, or found gone: try again at once. Another waiter breaking it: wait as for a holder.
      if (await breakLock(path, holder.text, staleMs)) continue;
    } else if (!told) {
      told = true;
      options.onWait?.(holder.text);
    }
    await sleep(wait, options.signal);
  }
}

/** This process's lock owner per locks folder. */
const owners = new Map<string, LockOwner>();

/** Takes the lock at `path` for this process: its owner, or undefined when another holder has it. */
function takeLock(path: string, staleMs: number): LockOwner | undefined {
  const dir = dirname(path);
  let owner = owners.get(dir);
  if (!owner) owners.set(dir, (owner = new LockOwner(dir)));
  return owner.take(path, staleMs) ? owner : undefined;
}

/**
 * Creates a file with `text` exclusively (O_EXCL), or says it exists. Synchronous: three metadata
 * calls take microseconds, where each asynchronous one is a thread-pool round trip.
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
    // Left by a waiter that died while breaking: of a dead process of this machine, removed at once
    // (the next run waited the 10 s out); of another machine, once it is that old.
    const [text, info] = await Promise.all([readFile(breaking, 'utf8').catch(() => ''), stat(breaking).catch(() => undefined)]);
    if (info && (ownerIsDeadHere(text) || Date.now() - info.mtimeMs > BREAKING_STALE_MS)) await unlink(breaking).catch(() => undefined);
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
