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

/**
 * The old generation's largest size over rounds of objects that live until the next round (promoted,
 * then garbage: what parsing a large lockfile or building an SBOM does), in a process of its own.
 */
function oldGenerationPeakMiB(tuned: boolean): number {
  const script = `
    const { tuneV8ForDownloads } = require(${JSON.stringify(join(__dirname, 'v8-tuning.ts'))});
    if (${tuned}) tuneV8ForDownloads();
    let peak = 0;
    let kept = [];
    for (let round = 0; round < 8; round++) {
      const held = [];
      for (let i = 0; i < 150000; i++) held.push({ a: i, b: 'item-' + round + '-' + i });
      kept = held;
      peak = Math.max(peak, process.memoryUsage().heapTotal);
    }
    console.log(peak / 1048576, kept.length);
  `;
  const r = spawnSync(process.execPath, ['-r', require.resolve('@swc-node/register'), '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, SWC_NODE_PROJECT: join(REPO, 'tsconfig.base.json') },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout.trim().split(' ')[0]);
}

describe('tuneV8ForDownloads', () => {
  it('keeps the old generation close to what lives, where V8 alone grows it to several times that', () => {
    // ~17 MiB live at most (two rounds). Measured in plain Node: 20-24 MiB tuned, 53-73 with only the
    // young generation's tuning, 78-86 untuned; here (swc-node loaded first) 54-72, 133-147 and
    // 144-158. Under CI's load the tuned peak reached 85 (untuned 152): a ratio of 1.4 leaves room for
    // that and still fails when the old generation's flag is left out (~1.1).
    const tuned = oldGenerationPeakMiB(true);
    expect(oldGenerationPeakMiB(false)).toBeGreaterThan(tuned * 1.4);
  }, 60_000);

  it('makes downloads collect the young generation every 4 MiB received, and only where the process is tuned', () => {
    expect(minorCollections(true)).toBeGreaterThanOrEqual(4);
    expect(minorCollections(false)).toBeLessThan(2);
  }, 60_000);
});
