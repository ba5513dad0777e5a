import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { embeddedAuth } from './embedded-auth';
import { FetchServiceClient, FetchServiceError } from './control-client';

export interface EmbeddedServiceOptions {
  controlPort: number;
  proxyPort: number;
  /** The service's configuration folder: its CA is `<dir>/ca.pem`. */
  configDir: string;
  /** `user:password` of its control API; default: the embedded service's generated one (`embeddedAuth`). */
  auth?: string;
  /** Stop after this many seconds without a live session (the embedded service stops itself). */
  idleShutdownS?: number;
  env?: NodeJS.ProcessEnv;
}

/** Where the embedded service keeps its CA, spool and log by default. */
export function defaultServiceDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.HERMETIC_FETCH_SERVICE_DIR ?? join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'hermetic', 'fetch-service');
}

/**
 * The service's entry point: the compiled `bin.js` beside this folder in the installed package, or
 * the development launcher (TypeScript through swc-node) when running from this repository's sources.
 */
export function serviceEntryPoint(): string {
  const compiled = join(__dirname, '..', 'bin.js');
  return existsSync(compiled) ? compiled : join(__dirname, '..', '..', 'bin', 'hermetic-fetch-service.js');
}

/**
 * Makes sure a Fetch Service answers on the control port: reuses one that does (whoever started it),
 * or starts the embedded one detached, with idle shutdown, so it outlives this process and stops by
 * itself once no session is live; it is never stopped from here, so a concurrent build's session is
 * never cut. Two processes starting it at once is fine: the loser's port is taken and it waits for
 * the winner. Returns whether it was started here.
 */
export async function ensureEmbeddedService(o: EmbeddedServiceOptions): Promise<{ client: FetchServiceClient; started: boolean }> {
  const auth = o.auth ?? embeddedAuth(o.configDir);
  const client = new FetchServiceClient(`http://127.0.0.1:${o.controlPort}`, auth);
  if (await client.status()) return { client, started: false };
  const log = join(o.configDir, 'fetch-service.log');
  const child = spawn(
    process.execPath,
    [serviceEntryPoint(), `--control-port=${o.controlPort}`, `--proxy-port=${o.proxyPort}`, `--config=${o.configDir}`, '--permissive-mode', `--idle-shutdown=${o.idleShutdownS ?? 300}`, `--log-file=${log}`],
    { detached: true, stdio: 'ignore', env: { ...(o.env ?? process.env), FETCH_SERVICE_AUTH: auth } },
  );
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  child.unref();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await client.status()) return { client, started: exited === undefined };
    // Exit 1/2 = a port is taken: probably another build started the service; keep polling.
    if (exited !== undefined && exited !== 1 && exited !== 2) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new FetchServiceError(`the embedded fetch service did not start on port ${o.controlPort}; see ${log}`);
}
