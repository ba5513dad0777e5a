import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock } from './file-lock';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dir = () => mkdtempSync(join(tmpdir(), 'hermetic-owner-'));
const deadPid = () => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
const owners = (d: string) => readdirSync(d).filter((n) => n.endsWith('.owner'));

describe('lock owner files', () => {
  it('makes every lock of a process a link to its one owner file, and leaves nothing after the last release', async () => {
    const d = dir();
    const releases = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => acquireLock(join(d, `${n}.lock`))));
    const [owner] = owners(d);
    expect(owners(d)).toHaveLength(1);
    const { ino } = statSync(join(d, owner));
    for (const n of ['a', 'b', 'c', 'd', 'e']) {
      expect(statSync(join(d, `${n}.lock`)).ino).toBe(ino);
      expect(readFileSync(join(d, `${n}.lock`), 'utf8')).toMatch(new RegExp(`^${hostname()}:${process.pid}:[0-9a-f]{16}$`));
    }
    for (const release of releases) await release();
    expect(readdirSync(d)).toEqual([]);
  });

  it('sweeps the owner files of dead processes of this machine, and only those', async () => {
    const d = dir();
    const dead = `${hostname()}-${deadPid()}-0123456789abcdef.owner`;
    const alive = `${hostname()}-1-0123456789abcdef.owner`;
    const elsewhere = `elsewhere-${deadPid()}-0123456789abcdef.owner`;
    for (const name of [dead, alive, elsewhere]) writeFileSync(join(d, name), 'x');
    const release = await acquireLock(join(d, 'x.lock'));
    for (let i = 0; i < 50 && existsSync(join(d, dead)); i++) await pause(10);
    expect(existsSync(join(d, dead))).toBe(false);
    expect(existsSync(join(d, alive))).toBe(true);
    expect(existsSync(join(d, elsewhere))).toBe(true);
    await release();
  });

  it('leaves no owner file when its process exits holding a lock, and that lock is broken at once', async () => {
    const d = dir();
    const lock = join(d, 'x.lock');
    const script = `
      const { acquireLock } = require(${JSON.stringify(join(__dirname, 'file-lock.ts'))});
      acquireLock(${JSON.stringify(lock)}).then(() => process.exit(130));
    `;
    const r = spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, SWC_NODE_PROJECT: join(__dirname, '..', '..', '..', '..', 'tsconfig.base.json') },
    });
    expect(r.status).toBe(130);
    expect(owners(d)).toEqual([]);
    expect(existsSync(lock)).toBe(true);
    const started = Date.now();
    await (
      await acquireLock(lock)
    )();
    expect(Date.now() - started).toBeLessThan(1000);
  }, 30_000);
});
