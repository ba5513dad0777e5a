#!/usr/bin/env node
import { homedir } from 'node:os';
import { join } from 'node:path';
import { tuneV8ForDownloads } from '../http/v8-tuning';
import { runCli } from './run-cli';

/** Default store of the CLI outside a workspace: the user's cache directory. */
function defaultCliStore(env: NodeJS.ProcessEnv): string {
  return env.HERMETIC_STORE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'hermetic', 'store');
}

tuneV8ForDownloads();

const controller = new AbortController();
let interrupts = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // First Ctrl-C: stop cleanly (temporary files removed). Second: leave at once.
    if (++interrupts > 1) process.exit(130);
    process.stderr.write(`\n${signal}: stopping, removing partial files...\n`);
    controller.abort(new Error(signal));
  });
}

runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
  defaultStore: defaultCliStore(process.env),
}).then((code) => {
  process.exitCode = code;
});
