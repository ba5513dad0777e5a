import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..', '..', '..', '..');

/**
 * What loading an executor pulls in, from its own process (as Nx's task process loads it): the
 * files of `require.cache` that match `pattern`.
 */
function loadedBy(executor: string, pattern: RegExp): string[] {
  const script = `
    require(${JSON.stringify(join(__dirname, '..', executor, 'executor.ts'))});
    const pattern = new RegExp(${JSON.stringify(pattern.source)});
    console.log(JSON.stringify(Object.keys(require.cache).filter((f) => pattern.test(f))));
  `;
  const r = spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', script], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, SWC_NODE_PROJECT: join(REPO, 'tsconfig.base.json') },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('module footprint of the verify-deps and fetch executors', () => {
  // It runs on every warm fetch-deps, in a process of its own: what it loads is paid every time.
  // The downloader (undici), the SBOM writer, the store and the yaml library (lockfile edits) are
  // for the fetch targets; a plain `@hermetic/core` import brings them all.
  it('loads no HTTP client, SBOM writer, content store or yaml library', () => {
    const heavy = loadedBy(
      'verify-deps',
      /node_modules[\\/](undici|yaml|packageurl-js)[\\/]|libs[\\/]core[\\/]src[\\/](sbom|store|http[\\/](download|http-client|socket-client|response-parser|proxy-http-client)|fetch[\\/]fetch-run)/,
    );
    expect(heavy).toEqual([]);
  }, 60_000);

  it('does load the downloader and the store for a fetch executor (the check sees what it is meant to)', () => {
    expect(loadedBy('fetch-generic', /libs[\\/]core[\\/]src[\\/](store|http[\\/]socket-client)[\\/]/).length).toBeGreaterThan(2);
  }, 60_000);

  it('leaves out of a fetch executor what a fetch does not use: undici without a proxy, the SBOM writers, package-lock readers and yaml', () => {
    expect(loadedBy('fetch-generic', /node_modules[\\/](undici|yaml|packageurl-js)[\\/]|libs[\\/]core[\\/]src[\\/](sbom|package-locks)[\\/]/)).toEqual([]);
  }, 60_000);
});
