import type { Dispatcher } from 'undici';
import { envVar, hasProxy, trustContext } from './environment';
import { checkedProxyVariable } from './proxy-route';

import type { ConnectionOptions } from './http-client';

/**
 * Creates an undici keep-alive dispatcher: a plain agent, or one that routes through
 * `HTTP_PROXY`/`HTTPS_PROXY` (either case) except for `NO_PROXY` hosts. The Fetch Service relays
 * with it; downloads use it through a proxy (see `createHttpClient`).
 */
export function createDispatcher(options: ConnectionOptions): Dispatcher {
  // Loaded on first use: importing @hermetic/core (as every fetch executor does) must not pay ~35 ms
  // for undici when nothing goes through it (downloads without a proxy use SocketHttpClient).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Agent, EnvHttpProxyAgent } = require('./undici-agents') as typeof import('./undici-agents');
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
    // Empty, not undefined, when unset: undici would read process.env instead of `env`.
    httpProxy: checkedProxyVariable(env, 'http_proxy') ?? '',
    httpsProxy: checkedProxyVariable(env, 'https_proxy') ?? '',
    noProxy: envVar(env, 'no_proxy') ?? '',
    requestTls: tls,
    proxyTls: tls,
  });
}
