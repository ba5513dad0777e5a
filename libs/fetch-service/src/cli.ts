import { appendFileSync } from 'node:fs';
import { fileSystemFailure, isFileSystemError } from '@hermetic/core';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { embeddedAuth, embeddedAuthPath } from './client/embedded-auth';
import { defaultServiceDir } from './client/ensure-service';
import { FetchService, FetchServiceOptions, PortInUseError } from './service';
import { DEFAULT_CONTROL_PORT, DEFAULT_PROXY_PORT } from './client/ports';

const USAGE = `Usage: hermetic-fetch-service [options]

The embedded Fetch Service: the control API of Canonical's fetch-service plus a recording,
filtering HTTP(S) proxy. Control auth comes from FETCH_SERVICE_AUTH=user:password; when it is
not set, a random credential is generated once and kept in <config>/control-auth (mode 0600).

Options:
  --control-port <n>     control API port (default ${DEFAULT_CONTROL_PORT})
  --proxy-port <n>, -p   proxy port (default ${DEFAULT_PROXY_PORT})
  --bind <address>       listen address (default 127.0.0.1)
  --config <dir>         configuration directory (default $HERMETIC_FETCH_SERVICE_DIR,
                         else ~/.local/share/hermetic/fetch-service)
  --spool <dir>          session spool directory (default <config>/spool)
  --cert <file>          CA certificate (default <config>/ca.pem; made with the key when neither
                         exists, never replaced)
  --key <file>           CA private key (default <config>/ca.key.pem; mode 0600)
  --permissive-mode      allow permissive sessions
  --spool-data           also keep every artifact's bytes in the spool (<sha256>.data)
  --idle-shutdown=<s>    stop after <s> seconds without a live session (default 0: never)
  --log-file <file>      append the log there instead of standard output
  --idle-timeout=<s>     close a client connection or tunnel idle for <s> seconds (default 300)
  --max-connections=<n>  client connections open at once; more are closed (default 1024)
  -h, --help             show this help

Exit codes: 0 stopped, 1 proxy port in use, 2 control port in use, 4 other start error, 64 usage.
`;

/** A flag's value that cannot be used: exit 64, as for an unknown flag (the help says so). */
class UsageError extends Error {}

function port(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--${name} must be a port number, got '${value}'`);
  return n;
}

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got '${value}'`);
  return n;
}

const OPTIONS = {
  'control-port': { type: 'string' },
  'proxy-port': { type: 'string', short: 'p' },
  bind: { type: 'string' },
  config: { type: 'string' },
  spool: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  'permissive-mode': { type: 'boolean' },
  'spool-data': { type: 'boolean' },
  'idle-shutdown': { type: 'string' },
  'log-file': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'max-connections': { type: 'string' },
  verbosity: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type CliValues = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

/** The service's options from the command line and the environment (throws on a bad value). */
function serviceOptions(v: CliValues, env: NodeJS.ProcessEnv, onIdleShutdown: () => void): FetchServiceOptions & { generatedAuth: boolean; config: string } {
  const config = resolve(v.config ?? defaultServiceDir(env));
  const idle = Number(v['idle-shutdown'] ?? 0);
  if (!Number.isFinite(idle) || idle < 0) throw new UsageError(`--idle-shutdown must be a number of seconds, got '${v['idle-shutdown']}'`);
  // Every value is checked before anything is written under --config.
  const controlPort = port('control-port', v['control-port'], DEFAULT_CONTROL_PORT);
  const proxyPort = port('proxy-port', v['proxy-port'], DEFAULT_PROXY_PORT);
  const idleTimeoutMs = v['idle-timeout'] === undefined ? undefined : positive('idle-timeout', v['idle-timeout']) * 1000;
  const maxConnections = v['max-connections'] === undefined ? undefined : positive('max-connections', v['max-connections']);
  // No credential given: a random one, kept in the configuration folder for the clients (pack) to read.
  const generatedAuth = env.FETCH_SERVICE_AUTH === undefined;
  return {
    config,
    generatedAuth,
    auth: env.FETCH_SERVICE_AUTH ?? embeddedAuth(config),
    controlPort,
    proxyPort,
    bind: v.bind,
    cert: resolve(v.cert ?? join(config, 'ca.pem')),
    key: resolve(v.key ?? join(config, 'ca.key.pem')),
    spool: resolve(v.spool ?? join(config, 'spool')),
    permissiveMode: !!v['permissive-mode'],
    spoolData: !!v['spool-data'],
    idleTimeoutMs,
    maxConnections,
    idleShutdownS: idle,
    logFile: v['log-file'] ? resolve(v['log-file']) : undefined,
    env,
    onIdleShutdown,
  };
}

/**
 * Keeps a started service running: stops it on SIGINT/SIGTERM; as a last resort, anything that
 * escapes the (fault-contained) handlers goes to the service's log, not only to a terminal nobody
 * watches, and the live sessions carry on.
 */
function superviseUntilStopped(service: FetchService, stopped: () => void): void {
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    process.on(event, (err: unknown) => service.log(`ERROR: internal ${event}, kept running: ${(err as Error)?.stack ?? String(err)}`));
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      service.log(`${signal}: shutting down`);
      void service.stop().then(() => stopped());
    });
  }
}

/**
 * Reports a failed start (also to the log file, where a detached service's starter looks) and gives
 * its exit code. A file system error (the CA or the spool under --config) says what failed where in
 * words, and where the service keeps its files.
 */
function startFailed(err: unknown, logFile: string | undefined): number {
  const line = isFileSystemError(err)
    ? `ERROR: ${fileSystemFailure(err)}; --config (and --spool) must name folders the service's user can write`
    : `ERROR: ${(err as Error).message}`;
  process.stderr.write(`${line}\n`);
  if (logFile) appendFileSync(resolve(logFile), `${new Date().toISOString()} ${line}\n`);
  if (err instanceof PortInUseError) return err.which === 'proxy' ? 1 : 2;
  return 4;
}

/** Runs the service until SIGINT/SIGTERM or idle shutdown; resolves to the process exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let v: CliValues;
  try {
    v = parseArgs({ args: argv, options: OPTIONS }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return 64;
  }
  if (v.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    let stopped!: () => void;
    const done = new Promise<void>((r) => (stopped = r));
    const { config, generatedAuth, ...options } = serviceOptions(v, env, () => stopped());
    const service = new FetchService(options);
    await service.start();
    if (generatedAuth) service.log(`control API credentials (FETCH_SERVICE_AUTH was not set): ${embeddedAuthPath(config)}`);
    superviseUntilStopped(service, stopped);
    await done;
    return 0;
  } catch (err) {
    if (!(err instanceof UsageError)) return startFailed(err, v['log-file']);
    process.stderr.write(`ERROR: ${err.message} (see --help)\n`);
    return 64;
  }
}
