import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * Starts the worker module `<dir>/<name>`: the compiled `.js` in the installed package, or, running
 * from this repository's TypeScript sources (tests, the demo, the service's development launcher),
 * the `.ts` through swc-node, as the development launchers of the bins do.
 */
export function startWorker(dir: string, name: string): Worker {
  const compiled = join(dir, `${name}.js`);
  if (existsSync(compiled)) return new Worker(compiled);
  const source = join(dir, `${name}.ts`);
  return new Worker(`require(${JSON.stringify(require.resolve('@swc-node/register'))}); require(${JSON.stringify(source)});`, {
    eval: true,
    env: { ...process.env, SWC_NODE_PROJECT: process.env.SWC_NODE_PROJECT ?? join(__dirname, '..', '..', '..', '..', 'tsconfig.base.json') },
  });
}
