import type { Dispatcher } from 'undici';
import { envVar, hasProxy, trustContext } from './environment';
import { Agent, EnvHttpProxyAgent } from './undici-agents';

import type { ConnectionOptions } from './http-client';

/**
 * Creates an undici keep-alive dispatcher: a plain agent, or one that routes through
 * `HTTP_PROXY`/`HTTPS_PROXY` (either case) except for `NO_PROXY` hosts. The Fetch Service relays
 * with it; downloads use it through a proxy (see `createHttpClient`).
 */
export function createDispatcher(options: ConnectionOptions): Dispatcher {
  const env = options.env ?? process.env;
  const secureContext = trustContext(env);
  const tls = secureContext ? { secureContext } : {};
  const common = {
    connections: options.connections,
    keepAliveTimeout: 10_000,
    connect: { timeout: options.connectTimeoutMs, ...tls },
  };
  if (!hasProxy(env)) return new Agent(common);
  return new EnvHttpProxyAgent({
    ...common,
    httpProxy: envVar(env, 'http_proxy'),
    httpsProxy: envVar(env, 'https_proxy'),
    noProxy: envVar(env, 'no_proxy') ?? '',
    requestTls: tls,
    proxyTls: tls,
  });
}
