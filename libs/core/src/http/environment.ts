import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

/** An environment variable in either case, lower case first (curl's and undici's order); empty is unset. */
export function envVar(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;
}

/** Whether the environment routes any traffic through a proxy (`HTTP_PROXY`/`HTTPS_PROXY`, either case). */
export function hasProxy(env: NodeJS.ProcessEnv): boolean {
  return !!(envVar(env, 'http_proxy') || envVar(env, 'https_proxy'));
}

/** Trust store with `NODE_EXTRA_CA_CERTS` added, read explicitly so it also applies when set after start. */
export function trustStore(env: NodeJS.ProcessEnv): string[] | undefined {
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (!extra) return undefined;
  try {
    return [...rootCertificates, readFileSync(extra, 'utf8')];
  } catch (err) {
    throw new Error(`cannot read NODE_EXTRA_CA_CERTS=${extra}: ${(err as Error).message}`, { cause: err });
  }
}
