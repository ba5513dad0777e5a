import { open, readFile, stat, unlink } from 'node:fs/promises';
import { sleep } from '../http/retry-policy';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes an exclusive lock file (created with O_EXCL, holding the owner's pid), waiting while another
 * live holder has it. A lock left by a dead process, or older than `staleMs`, is broken. Used so that
 * parallel Nx tasks (separate processes) download each artifact of the store only once.
 */
export async function acquireLock(path: string, options: { staleMs?: number; signal?: AbortSignal } = {}): Promise<() => Promise<void>> {
  const staleMs = options.staleMs ?? 30 * 60_000;
  for (let wait = 20; ; wait = Math.min(wait * 2, 250)) {
    if (options.signal?.aborted) throw options.signal.reason;
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const [owner, info] = await Promise.all([readFile(path, 'utf8').catch(() => ''), stat(path).catch(() => undefined)]);
    const pid = Number(owner);
    // An empty file is a lock being written right now; only break it once it is old.
    const dead = owner !== '' && Number.isInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid);
    if (dead || (info && Date.now() - info.mtimeMs > staleMs)) {
      await unlink(path).catch(() => undefined);
      continue;
    }
    await sleep(wait, options.signal);
  }
}
