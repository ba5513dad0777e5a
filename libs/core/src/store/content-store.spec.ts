import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseChecksum } from '../checksum/parse-checksum';
import { ContentStore, sweepTemporaries } from './content-store';

const deadPid = () => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

describe('ContentStore', () => {
  it('sweeps temporaries of dead processes and old ones, keeping live and recent foreign ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-sweep-'));
    const names = {
      deadHere: `${hostname()}-${deadPid()}-aa11.part`,
      deadOldStyle: `${deadPid()}-bb22.part`,
      mine: `${hostname()}-${process.pid}-cc33.part`,
      foreignRecent: `elsewhere-1-dd44.part`,
      foreignOld: `elsewhere-2-ee55.part`,
      unrelated: 'notes.txt',
    };
    for (const n of Object.values(names)) writeFileSync(join(dir, n), 'x');
    const old = new Date(Date.now() - 2 * 24 * 60 * 60_000);
    utimesSync(join(dir, names.foreignOld), old, old);
    expect((await sweepTemporaries(dir)).sort()).toEqual([names.deadHere, names.deadOldStyle, names.foreignOld].sort());
    expect([names.mine, names.foreignRecent, names.unrelated].every((n) => existsSync(join(dir, n)))).toBe(true);
  });

  it('says when a stored copy was altered (and drops it) instead of serving it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hermetic-store-'));
    const store = new ContentStore(root);
    const body = randomBytes(1000);
    const c = parseChecksum(`sha256:${createHash('sha256').update(body).digest('hex')}`);
    if (!c.ok) throw new Error('bad checksum');
    const temp = await store.tempPath();
    writeFileSync(temp, body);
    const path = await store.admit(temp, [c.checksum]);
    expect((await store.lookup([c.checksum])).status).toBe('hit');
    chmodSync(path, 0o644);
    writeFileSync(path, 'edited in place');
    expect(await store.lookup([c.checksum])).toEqual({ status: 'miss', altered: path });
    expect(existsSync(path)).toBe(false);
  });

  it('removes its in-flight temporaries when the process exits abruptly (process.exit on Ctrl-C)', () => {
    const root = mkdtempSync(join(tmpdir(), 'hermetic-store-exit-'));
    const script = `
      const { writeFileSync } = require('node:fs');
      const { ContentStore } = require(${JSON.stringify(join(__dirname, 'content-store.ts'))});
      new ContentStore(${JSON.stringify(root)}).tempPath().then((p) => { writeFileSync(p, 'partial'); console.log(p); process.exit(130); });
    `;
    const r = spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, SWC_NODE_PROJECT: join(__dirname, '..', '..', '..', '..', 'tsconfig.base.json') },
    });
    expect(r.status).toBe(130);
    const temp = r.stdout.trim();
    expect(temp).toMatch(/\.part$/);
    expect(existsSync(temp)).toBe(false);
  }, 30_000);
});
