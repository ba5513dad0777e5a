import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
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
export async function ensureEmbeddedService(service: EmbeddedServiceOptions): Promise<{ client: FetchServiceClient; started: boolean }> {
  const auth = service.auth ?? embeddedAuth(service.configDir);
  const client = new FetchServiceClient(`http://127.0.0.1:${service.controlPort}`, auth);
  if (await client.status()) return { client, started: false };
  const log = join(service.configDir, 'fetch-service.log');
  // This start's own output (a start error is printed there too), apart from earlier runs' log.
  mkdirSync(service.configDir, { recursive: true, mode: 0o700 });
  const startLog = join(service.configDir, 'fetch-service.start.log');
  const out = openSync(startLog, 'w');
  let exited: number | null | undefined;
  try {
    const child = spawn(
      process.execPath,
      [
        serviceEntryPoint(),
        `--control-port=${service.controlPort}`,
        `--proxy-port=${service.proxyPort}`,
        `--config=${service.configDir}`,
        '--permissive-mode',
        `--idle-shutdown=${service.idleShutdownS ?? 300}`,
        `--log-file=${log}`,
      ],
      { detached: true, stdio: ['ignore', out, out], env: { ...(service.env ?? process.env), FETCH_SERVICE_AUTH: auth } },
    );
    child.on('exit', (code) => (exited = code));
    child.unref();
  } finally {
    closeSync(out);
  }
  const started = Date.now();
  while (Date.now() - started < START_TIMEOUT_MS) {
    if (await client.status()) return { client, started: exited === undefined };
    // Exit 1/2 = a port is taken: another build probably started the service, which answers within
    // moments; anything else (or a port taken by something that never answers) is a failed start.
    if (exited !== undefined && (exited !== 1 && exited !== 2 ? true : Date.now() - started > PORT_TAKEN_GRACE_MS)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new FetchServiceError(startFailure(service.controlPort, service.proxyPort, exited, startLog));
}

/** Time for a starting service to answer; it needs well under a second (a new CA: a few). */
const START_TIMEOUT_MS = 15_000;
/** How long a taken port may stay without a Fetch Service answering on it. */
const PORT_TAKEN_GRACE_MS = 3_000;

/** Why the embedded service did not start, in one line with its own words. */
function startFailure(controlPort: number, proxyPort: number, exited: number | null | undefined, startLog: string): string {
  let said = '';
  try {
    said = readFileSync(startLog, 'utf8').trim().split('\n').filter(Boolean).slice(-3).join(' / ');
  } catch {
    // Nothing was written.
  }
  const why =
    exited === undefined
      ? `it did not answer on 127.0.0.1:${controlPort} within ${START_TIMEOUT_MS / 1000} s`
      : exited === 1 || exited === 2
        ? `port ${exited === 1 ? proxyPort : controlPort} is taken by something that is not a Fetch Service (it does not answer GET /status); free it, or move the service with HERMETIC_FETCH_SERVICE_${exited === 1 ? 'PROXY' : 'CONTROL'}_PORT`
        : `it exited with code ${exited}`;
  return `the embedded fetch service did not start: ${why}${said ? `: ${said}` : ''} (full output: ${startLog})`;
}
