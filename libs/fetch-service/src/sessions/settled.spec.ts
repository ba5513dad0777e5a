import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionRegistry } from './registry';

describe('Session.settled', () => {
  it('holds the report and the finish until every delivered exchange is recorded', async () => {
    const registry = new SessionRegistry(mkdtempSync(join(tmpdir(), 'hermetic-settled-')), true);
    const session = registry.create({ policy: 'permissive' });
    let record!: () => void;
    session.recordingUntil(new Promise<void>((resolve) => (record = resolve)));
    let settled = false;
    const waiting = session.settled().then(() => (settled = true));
    const finishing = registry.finish(session);
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    record();
    await Promise.all([waiting, finishing]);
    expect(settled).toBe(true);
    expect(JSON.parse(readFileSync(join(session.spoolPath, 'session.json'), 'utf8'))['session-id']).toBe(session.id);
  });

  it('settles at once with nothing being recorded', async () => {
    const session = new SessionRegistry(mkdtempSync(join(tmpdir(), 'hermetic-settled-')), true).create({ policy: 'permissive' });
    await expect(session.settled()).resolves.toBe(0);
  });

  it('stops waiting after its limit for an exchange that never ends, and says how many were left', async () => {
    const session = new SessionRegistry(mkdtempSync(join(tmpdir(), 'hermetic-settled-')), true).create({ policy: 'permissive' });
    let endFirst!: () => void;
    session.recordingUntil(new Promise<void>((resolve) => (endFirst = resolve)));
    session.recordingUntil(new Promise<void>(() => undefined));
    setTimeout(endFirst, 20);
    const started = Date.now();
    await expect(session.settled(300)).resolves.toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
