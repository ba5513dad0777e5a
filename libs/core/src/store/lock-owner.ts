import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { readdir, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isDeadPid, keepAtExit, removeAtExit } from './process-files';

/** How a lock says who holds it: `host:pid:token`. */
export function ownerText(token: string): string {
  return `${hostname()}:${process.pid}:${token}`;
}

/** Whether a lock's owner is a process of this machine that no longer exists. */
export function ownerIsDeadHere(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  return host === hostname() && isDeadPid(Number(pidText));
}

/** `<host>-<pid>-<token>.owner`: whose it is, readable without opening it. */
const OWNER_FILE = /^(.*)-(\d+)-([0-9a-f]{16})\.owner$/;

/**
 * This process's owner file in one locks folder, while it holds locks there. Its locks are hard
 * links to it: taking one adds a name, not a file (a file per lock, with its inode created and
 * freed, its write and its timer, made a 200-file cold fetch 12-19 % slower here), every lock
 * reads as the owner's text, and one heartbeat on the file keeps all of them fresh (a lock's time
 * is the file's). The file exists while a lock is held, so nothing is left behind when the last
 * one is released; files of dead processes of this machine are swept when a process first locks
 * in the folder.
 */
export class LockOwner {
  private file: { path: string; ino: number } | undefined;
  private held = 0;
  private everyMs = Infinity;
  private timer: NodeJS.Timeout | undefined;
  private touchedAt = 0;

  constructor(private readonly dir: string) {
    void sweepDeadOwners(dir);
  }

  /**
   * Takes the lock at `lock` (a hard link to this process's owner file); false when another holder
   * has it. A holder refreshes its locks every `staleMs / 4`, so none of them is ever `staleMs` old.
   */
  take(lock: string, staleMs: number): boolean {
    return this.link(lock, staleMs, true);
  }

  /** `take`; `mayRenew`: whether an owner file removed by hand may be made again (once). */
  private link(lock: string, staleMs: number, mayRenew: boolean): boolean {
    const everyMs = Math.max(50, Math.floor(staleMs / 4));
    const file = (this.file ??= this.create());
    // The heartbeat so far may follow a longer limit than this lock's: a lock taken now must not
    // look stale from its start.
    if (Date.now() - this.touchedAt >= everyMs) this.touchNow();
    try {
      linkSync(file.path, lock);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && mayRenew && !existsSync(file.path) && existsSync(this.dir)) {
        // The owner file itself was removed (by hand: its folder is there): make another one.
        keepAtExit(file.path);
        this.file = undefined;
        return this.link(lock, staleMs, false);
      }
      if (this.held === 0) this.drop();
      if (code === 'EEXIST') return false;
      throw err;
    }
    this.held += 1;
    if (everyMs < this.everyMs) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.everyMs = everyMs;
    }
    this.timer ??= setInterval(() => this.touch(), this.everyMs).unref();
    return true;
  }

  /** Releases `lock` if it is still a link to the owner file (broken and re-taken, it is someone else's). */
  release(lock: string): void {
    try {
      if (statSync(lock).ino === this.file?.ino) unlinkSync(lock);
    } catch {
      // Gone already (broken as stale by another waiter): nothing to release.
    }
    this.held -= 1;
    if (this.held === 0) this.drop();
  }

  private create(): { path: string; ino: number } {
    const token = randomBytes(8).toString('hex');
    const path = join(this.dir, `${hostname()}-${process.pid}-${token}.owner`);
    writeFileSync(path, ownerText(token), { flag: 'wx' });
    this.touchedAt = Date.now();
    // A process that ends holding locks (a crash, Ctrl-C) leaves no owner file behind.
    removeAtExit(path);
    return { path, ino: statSync(path).ino };
  }

  /** No lock held: the heartbeat stops and the owner file goes. */
  private drop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.everyMs = Infinity;
    if (!this.file) return;
    unlinkQuietly(this.file.path);
    keepAtExit(this.file.path);
    this.file = undefined;
  }

  /** The heartbeat: refreshes the owner file's time, off the calling thread. */
  private touch(): void {
    if (!this.file) return;
    const time = new Date();
    this.touchedAt = time.getTime();
    void utimes(this.file.path, time, time).catch(() => undefined);
  }

  /** Refreshes the owner file's time before a lock is linked to it. */
  private touchNow(): void {
    if (!this.file) return;
    const time = new Date();
    this.touchedAt = time.getTime();
    try {
      utimesSync(this.file.path, time, time);
    } catch {
      // The file is gone: the link that follows fails, and take makes a new owner file.
    }
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Gone already.
  }
}

/** Removes the owner files of dead processes of this machine from `dir` (best effort). */
async function sweepDeadOwners(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const m = OWNER_FILE.exec(name);
    if (m && m[1] === hostname() && isDeadPid(Number(m[2]))) await unlink(join(dir, name)).catch(() => undefined);
  }
}
