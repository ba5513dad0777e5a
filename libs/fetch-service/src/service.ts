import { appendFileSync } from 'node:fs';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import { createDispatcher } from '@hermetic/core';
import { LeafCertificates, loadOrCreateCa } from './ca/certificate-authority';
import { parseServiceAuth } from './auth';
import { createControlServer } from './control/control-server';
import { ProxyServer } from './proxy/proxy-server';
import { DEFAULT_CONTROL_PORT, DEFAULT_PROXY_PORT } from './client/ports';
import { SessionRegistry } from './sessions/registry';

export interface FetchServiceOptions {
  /** Control API port (13555 as craft-application uses it; 0 picks a free one). */
  controlPort?: number;
  /** Proxy port (13444; 0 picks a free one). */
  proxyPort?: number;
  /** Address to listen on (127.0.0.1). */
  bind?: string;
  /** CA certificate and key; created on first start when missing. */
  cert: string;
  key: string;
  /** Where each session's spool (`<id>/<sha256>.data`, `.json`, `session.json`) goes. */
  spool: string;
  permissiveMode?: boolean;
  /** Also spool each artifact's bytes (`<sha256>.data`), as the Go server does; off by default for speed. */
  spoolData?: boolean;
  /** The clock sessions expire by (default `Date.now`; tests move their own). */
  now?: () => number;
  /** Close client connections idle this long (default 5 minutes). */
  idleTimeoutMs?: number;
  /** Client connections open at once (default 1024). */
  maxConnections?: number;
  /** Stop after this many seconds without a live session (0 = never). */
  idleShutdownS?: number;
  /** `user:password` for the control API (default `$FETCH_SERVICE_AUTH`). */
  auth?: string;
  env?: NodeJS.ProcessEnv;
  /** A log file (lines are appended); default: standard output. */
  logFile?: string;
  /** Called when idle shutdown stops the service. */
  onIdleShutdown?: () => void;
}

/** Which port a listen failure concerns, for the CLI's exit codes (1 proxy, 2 control). */
export class PortInUseError extends Error {
  constructor(
    readonly which: 'proxy' | 'control',
    readonly address: string,
  ) {
    super(`listen tcp ${address}: bind: address already in use`);
  }
}

function listen(server: Server, port: number, host: string, which: 'proxy' | 'control'): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUseError(which, `${host}:${port}`) : err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * The embedded Fetch Service: control API and recording proxy, API-compatible with Canonical's, so
 * craft tools, scripts and Hermetic's Nx integration can drive it the same way.
 */
export class FetchService {
  private proxy?: ProxyServer;
  private control?: Server;
  private upstream?: Dispatcher;
  private timers: NodeJS.Timeout[] = [];
  controlUrl = '';
  proxyAddress = '';

  constructor(private readonly options: FetchServiceOptions) {}

  private logFileFailed = false;

  /**
   * Appends a line to the log. Logging never stops the service: a log file that cannot be written
   * (its folder removed under a running service, a full disk) is said once on stderr, which then
   * takes the lines (before, SIGTERM's "shutting down" line threw, and the service died with a stack).
   */
  readonly log = (line: string): void => {
    const text = `${new Date().toISOString()} ${line}\n`;
    const file = this.options.logFile;
    if (file && !this.logFileFailed) {
      try {
        appendFileSync(file, text);
        return;
      } catch (err) {
        this.logFileFailed = true;
        process.stderr.write(`fetch service: cannot write its log ${file} (${(err as Error).message}); logging to stderr from now on\n`);
      }
    }
    (file ? process.stderr : process.stdout).write(text);
  };

  async start(): Promise<this> {
    const env = this.options.env ?? process.env;
    // Checked before anything listens: a missing or malformed credential would open the control API.
    const auth = parseServiceAuth(this.options.auth ?? env.FETCH_SERVICE_AUTH);
    const ca = await loadOrCreateCa(this.options.cert, this.options.key);
    const registry = new SessionRegistry(this.options.spool, !!this.options.permissiveMode, this.options.now);
    this.upstream = createDispatcher({ connections: 32, connectTimeoutMs: 30_000, env });
    this.proxy = new ProxyServer({
      registry,
      leafCertificates: new LeafCertificates(ca),
      upstream: this.upstream,
      log: this.log,
      spoolData: this.options.spoolData,
      idleTimeoutMs: this.options.idleTimeoutMs,
      maxConnections: this.options.maxConnections,
    });
    let idleSince = Date.now();
    const startTime = new Date();
    this.control = createControlServer({
      registry,
      auth,
      startTime,
      log: this.log,
      onChange: () => {
        if (registry.live().length) idleSince = Date.now();
      },
    });
    const host = this.options.bind ?? '127.0.0.1';
    const p = await listen(this.proxy.server, this.options.proxyPort ?? DEFAULT_PROXY_PORT, host, 'proxy');
    try {
      const c = await listen(this.control, this.options.controlPort ?? DEFAULT_CONTROL_PORT, host, 'control');
      this.controlUrl = `http://${host}:${c.port}`;
    } catch (err) {
      this.proxy.close();
      throw err;
    }
    this.proxyAddress = `${host}:${p.port}`;
    this.timers.push(setInterval(() => void registry.expire(), 5_000).unref());
    const idle = this.options.idleShutdownS ?? 0;
    if (idle > 0) {
      this.timers.push(
        setInterval(() => {
          // Idle time only counts while no session is live.
          if (registry.live().length) idleSince = Date.now();
          else if (Date.now() - idleSince >= idle * 1000) {
            this.log(`no live session for ${idle} s: shutting down`);
            void this.stop().then(() => this.options.onIdleShutdown?.());
          }
        }, 250),
      );
    }
    this.log(`fetch service listening: control ${this.controlUrl}, proxy http://${this.proxyAddress}`);
    return this;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.proxy?.close();
    this.control?.closeAllConnections();
    await new Promise<void>((resolve) => (this.control ? this.control.close(() => resolve()) : resolve()));
    await this.upstream?.destroy().catch(() => undefined);
  }
}
