import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..', '..', '..');

/**
 * The young-generation collections while 16 MiB are noted as received, in a process of its own
 * (the tuning changes V8 flags for the whole process), tuned or not.
 */
function minorCollections(tuned: boolean): number {
  const script = `
    const { constants, PerformanceObserver } = require('node:perf_hooks');
    const { noteBytesReceived, tuneV8ForDownloads } = require(${JSON.stringify(join(__dirname, 'v8-tuning.ts'))});
    if (${tuned}) tuneV8ForDownloads();
    let minor = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MINOR) minor++;
    }).observe({ entryTypes: ['gc'] });
    for (let i = 0; i < 64; i++) noteBytesReceived(256 << 10);
    setTimeout(() => console.log(minor), 100);
  `;
  const r = spawnSync(process.execPath, ['-r', require.resolve('@swc-node/register'), '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, SWC_NODE_PROJECT: join(REPO, 'tsconfig.base.json') },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout.trim());
}

describe('tuneV8ForDownloads', () => {
  it('makes downloads collect the young generation every 4 MiB received, and only where the process is tuned', () => {
    expect(minorCollections(true)).toBeGreaterThanOrEqual(4);
    expect(minorCollections(false)).toBeLessThan(2);
  }, 60_000);
});
