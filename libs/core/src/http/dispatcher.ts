import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { Dispatcher } from 'undici';
import { Agent, EnvHttpProxyAgent } from './undici-agents';

/** Connection settings shared by every download of a run. */
export interface ConnectionOptions {
  /** Most connections per origin; the run's concurrency. */
  connections: number;
  connectTimeoutMs: number;
  /** Environment to read proxy and CA variables from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

function pick(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;
}

/** Trust store with `NODE_EXTRA_CA_CERTS` added, read explicitly so it also applies when set after start. */
function trustStore(env: NodeJS.ProcessEnv): string[] | undefined {
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (!extra) return undefined;
  try {
    return [...rootCertificates, readFileSync(extra, 'utf8')];
  } catch (err) {
    throw new Error(`cannot read NODE_EXTRA_CA_CERTS=${extra}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Creates the keep-alive dispatcher of a run: a plain agent, or one that routes through
 * `HTTP_PROXY`/`HTTPS_PROXY` (either case) except for `NO_PROXY` hosts.
 */
export function createDispatcher(options: ConnectionOptions): Dispatcher {
  const env = options.env ?? process.env;
  const ca = trustStore(env);
  const tls = ca ? { ca } : {};
  const common = {
    connections: options.connections,
    keepAliveTimeout: 10_000,
    connect: { timeout: options.connectTimeoutMs, ...tls },
  };
  const httpProxy = pick(env, 'http_proxy');
  const httpsProxy = pick(env, 'https_proxy');
  if (!httpProxy && !httpsProxy) return new Agent(common);
  return new EnvHttpProxyAgent({
    ...common,
    httpProxy,
    httpsProxy,
    noProxy: pick(env, 'no_proxy') ?? '',
    requestTls: tls,
    proxyTls: tls,
  });
}
