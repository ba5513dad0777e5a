import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock } from './file-lock';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A pid that surely belongs to no running process: a child that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout as unknown as number;
}

describe('acquireLock', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'hermetic-lock-'));

  it('is exclusive: a second taker waits until the first releases', async () => {
    const path = join(dir(), 'x.lock');
    const order: string[] = [];
    const release = await acquireLock(path);
    const second = acquireLock(path).then((r) => {
      order.push('second');
      return r;
    });
    await pause(100);
    order.push('first releases');
    await release();
    await (
      await second
    )();
    expect(order).toEqual(['first releases', 'second']);
  });

  it('keeps a lock held longer than the stale limit (the holder refreshes it)', async () => {
    const path = join(dir(), 'x.lock');
    const release = await acquireLock(path, { staleMs: 200 });
    let taken = false;
    const other = acquireLock(path, { staleMs: 200 }).then((r) => ((taken = true), r));
    await pause(700);
    expect(taken).toBe(false);
    await release();
    await (
      await other
    )();
  });

  it('breaks a lock of a dead process of this machine at once, and says who it waits for otherwise', async () => {
    const path = join(dir(), 'x.lock');
    writeFileSync(path, `${hostname()}:${deadPid()}:abc`);
    await (
      await acquireLock(path)
    )();
    writeFileSync(path, `elsewhere:1:abc`);
    const waits: string[] = [];
    const pending = acquireLock(path, { staleMs: 300, onWait: (owner) => waits.push(owner) });
    await pause(100);
    // Another machine's fresh lock: pid 1 means nothing here, only its age counts.
    expect(waits).toEqual(['elsewhere:1:abc']);
    await (
      await pending
    )();
  });

  it('two waiters breaking the same stale lock end up one at a time (property of the rename-and-check)', async () => {
    const path = join(dir(), 'x.lock');
    writeFileSync(path, 'elsewhere:1:stale');
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(path, old, old);
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        const release = await acquireLock(path, { staleMs: 1000 });
        most = Math.max(most, ++inside);
        await pause(20);
        inside--;
        await release();
      }),
    );
    expect(most).toBe(1);
  });

  it('a release never removes a lock that is no longer its own', async () => {
    const path = join(dir(), 'x.lock');
    const release = await acquireLock(path);
    writeFileSync(path, 'elsewhere:2:someone-else');
    await release();
    expect(readFileSync(path, 'utf8')).toBe('elsewhere:2:someone-else');
  });
});
