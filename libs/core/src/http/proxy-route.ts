import { HermeticError } from '../errors';
import { URL_SCHEME } from '../lockfile/url';
import { envVar } from './environment';

/** The proxy a download goes through: the variable that names it and its value. */
export interface ProxyRoute {
  name: 'HTTP_PROXY' | 'HTTPS_PROXY';
  proxy: string;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * The proxy that a download of `url` goes through, or undefined when it connects directly. The
 * same choice as undici's `EnvHttpProxyAgent`, which makes the connection (`createHttpClient`):
 * https URLs use `HTTPS_PROXY`, else `HTTP_PROXY`; http URLs use `HTTP_PROXY`; a host that
 * `NO_PROXY` names (`*` for all; `host`, `.host` or `*.host` for it and its subdomains, each
 * optionally `:port`) is reached directly. Used to say where a failed download really went, and to
 * treat a proxy that is down as one unreachable host, whatever the URLs behind it.
 */
export function proxyRoute(url: string, env: NodeJS.ProcessEnv): ProxyRoute | undefined {
  const u = new URL(url);
  const httpsProxy = u.protocol === 'https:' ? proxyVariable(env, 'https_proxy') : undefined;
  const httpProxy = proxyVariable(env, 'http_proxy');
  const route: ProxyRoute | undefined = httpsProxy
    ? { name: 'HTTPS_PROXY', proxy: httpsProxy }
    : httpProxy
      ? { name: 'HTTP_PROXY', proxy: httpProxy }
      : undefined;
  if (!route) return undefined;
  const port = Number(u.port) || DEFAULT_PORTS[u.protocol] || 0;
  return bypassesProxy(u.hostname.toLowerCase(), port, envVar(env, 'no_proxy') ?? '') ? undefined : route;
}

/** The proxies undici can connect through. */
const PROXY_PROTOCOLS = new Set(['http:', 'https:', 'socks:', 'socks5:']);

/**
 * The proxy that `HTTP_PROXY` or `HTTPS_PROXY` (`name` in either case) names, as a URL: a value
 * without a scheme (`proxy.corp:3128`, which curl and pip accept) means `http://`, as it does for
 * them (undici alone failed every download with "Invalid URL"). Undefined when unset or empty.
 */
export function proxyVariable(env: NodeJS.ProcessEnv, name: 'http_proxy' | 'https_proxy'): string | undefined {
  const value = envVar(env, name)?.trim();
  if (!value) return undefined;
  // Without a scheme it is curl's and pip's `host:port` form.
  return URL_SCHEME.test(value) ? value : `http://${value}`;
}

/**
 * `proxyVariable`, checked: a value that is no proxy URL fails with what to write instead, naming
 * the variable as it is set (its value's credentials left out).
 */
export function checkedProxyVariable(env: NodeJS.ProcessEnv, name: 'http_proxy' | 'https_proxy'): string | undefined {
  const value = proxyVariable(env, name);
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // Reported below.
  }
  if (url && PROXY_PROTOCOLS.has(url.protocol) && url.hostname) return value;
  const variable = env[name] ? name : name.toUpperCase();
  const shown = value.replace(/\/\/[^/@]*@/, '//***@');
  throw new HermeticError('InvalidInput', `${variable} is not a proxy URL: ${shown}`, {
    hints: [`write it as http://host:port (https:// for a proxy that takes TLS, socks5:// for a SOCKS proxy), or unset it`],
  });
}

/** Whether `NO_PROXY` (as undici reads it) sends `hostname:port` around the proxy. */
function bypassesProxy(hostname: string, port: number, noProxy: string): boolean {
  if (noProxy === '*') return true;
  return noProxy
    .split(/[,\s]/)
    .filter(Boolean)
    .some((entry) => {
      const m = /^(.+):(\d+)$/.exec(entry);
      const host = (m ? m[1] : entry).replace(/^\*?\./, '').toLowerCase();
      if (m && Number(m[2]) && Number(m[2]) !== port) return false;
      return hostname === host || hostname.endsWith(`.${host}`);
    });
}

/** How messages name a route's proxy: `the proxy http://host:port (HTTP_PROXY)`, never its credentials. */
export function describeProxy(route: ProxyRoute): string {
  const address = proxyAddress(route.proxy);
  return address ? `the proxy ${address} (${route.name})` : `the proxy that ${route.name} names`;
}

/** A proxy variable's scheme and host (never its credentials), or undefined when it is not a URL. */
export function proxyAddress(proxy: string): string | undefined {
  try {
    const u = new URL(proxy);
    return `${u.protocol}//${u.host}`;
  } catch {
    return undefined;
  }
}
