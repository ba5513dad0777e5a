import { readFileSync } from 'node:fs';
import type { SecureContext } from 'node:tls';

/** An environment variable in either case, lower case first (curl's and undici's order); empty is unset. */
export function envVar(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;
}

/** Whether the environment routes any traffic through a proxy (`HTTP_PROXY`/`HTTPS_PROXY`, either case). */
export function hasProxy(env: NodeJS.ProcessEnv): boolean {
  return !!(envVar(env, 'http_proxy') || envVar(env, 'https_proxy'));
}

/**
 * The TLS context trusting `NODE_EXTRA_CA_CERTS` as well as the usual roots, made once for all of
 * a client's connections; undefined without it (Node's default context then). Clients get a
 * context, never the certificates as `ca`: Node's TLS makes a context of them for every
 * connection (parsing ~145 root certificates each time: ~23 ms of CPU per connection here, 4 % of
 * the proxy bench's profile), and an https agent names its pool of connections after them (a
 * ~200 KB string joined for every request).
 */
export function trustContext(env: NodeJS.ProcessEnv): SecureContext | undefined {
  return lazyTrustContext(env)?.();
}

/**
 * The same, made on first use: a run that fetches only over plain HTTP does not pay for it (~45 ms
 * of CPU at start-up here), nor for loading Node's TLS (~7-12 ms). The file is read now, so an
 * unreadable one fails the run at once.
 */
export function lazyTrustContext(env: NodeJS.ProcessEnv): (() => SecureContext) | undefined {
  const extra = extraCertificates(env);
  if (extra === undefined) return undefined;
  let context: SecureContext | undefined;
  return () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- TLS is loaded for the first https request only
    const { createSecureContext, rootCertificates } = require('node:tls') as typeof import('node:tls');
    return (context ??= createSecureContext({ ca: [...rootCertificates, extra] }));
  };
}

/** The certificates of `NODE_EXTRA_CA_CERTS`, read explicitly so they also apply when it is set after start. */
function extraCertificates(env: NodeJS.ProcessEnv): string | undefined {
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (!extra) return undefined;
  try {
    return readFileSync(extra, 'utf8');
  } catch (err) {
    throw new Error(`cannot read NODE_EXTRA_CA_CERTS=${extra}: ${(err as Error).message}`, { cause: err });
  }
}
