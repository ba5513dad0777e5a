import { HermeticError } from '@hermetic/core';
import { DEFAULT_CONTROL_PORT, DEFAULT_PROXY_PORT, defaultServiceDir, ensureEmbeddedService, FetchServiceClient } from '@hermetic/fetch-service/client';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PackExecutorSchema } from './schema';

/** A reachable Fetch Service: its control client, proxy address and CA file. */
export interface ServiceEndpoint {
  client: FetchServiceClient;
  proxyAddress: string;
  caPath: string;
  embedded: boolean;
}

const port = (value: string | undefined, fallback: number) => (value && /^\d+$/.test(value) ? Number(value) : fallback);

/**
 * The service a managed session uses: the one named by `fetchServiceUrl` (Canonical's, or any
 * compatible one; it must answer `GET /status`), or the embedded one on 127.0.0.1 (ports 13555 and
 * 13444 as craft uses them, or `HERMETIC_FETCH_SERVICE_CONTROL_PORT`/`_PROXY_PORT`), started if
 * nothing answers and reused if something does.
 */
export async function resolveService(options: PackExecutorSchema, env: NodeJS.ProcessEnv): Promise<ServiceEndpoint> {
  // Unset for the embedded service: it has a generated credential of its own (never a fixed default).
  const auth = options.fetchServiceAuth ?? env.FETCH_SERVICE_AUTH;
  if (options.fetchServiceUrl) {
    if (!auth)
      throw new HermeticError('InvalidInput', `fetchServiceUrl needs the control API's credentials`, {
        hints: ['set fetchServiceAuth (or FETCH_SERVICE_AUTH) to the user:password the service was started with'],
      });
    const client = new FetchServiceClient(options.fetchServiceUrl.replace(/\/$/, ''), auth);
    if (!(await client.status()))
      throw new HermeticError('FetchError', `no Fetch Service answers GET ${options.fetchServiceUrl}/status`, {
        hints: ['start it, or drop fetchServiceUrl to use the embedded one'],
      });
    if (!options.fetchServiceCa || !existsSync(options.fetchServiceCa)) {
      throw new HermeticError('InvalidInput', 'fetchServiceCa must name the CA certificate of the Fetch Service at fetchServiceUrl', {
        hints: ['e.g. /var/snap/fetch-service/current/local-ca.crt'],
      });
    }
    const proxy = options.fetchServiceProxy ?? `${new URL(options.fetchServiceUrl).hostname}:${DEFAULT_PROXY_PORT}`;
    return { client, proxyAddress: proxy, caPath: options.fetchServiceCa, embedded: false };
  }
  const controlPort = port(env.HERMETIC_FETCH_SERVICE_CONTROL_PORT, DEFAULT_CONTROL_PORT);
  const proxyPort = port(env.HERMETIC_FETCH_SERVICE_PROXY_PORT, DEFAULT_PROXY_PORT);
  const configDir = defaultServiceDir(env);
  const { client, started } = await ensureEmbeddedService({ controlPort, proxyPort, configDir, auth, env });
  const caPath = options.fetchServiceCa ?? join(configDir, 'ca.pem');
  if (!existsSync(caPath) || !readFileSync(caPath, 'utf8').includes('BEGIN CERTIFICATE')) {
    throw new HermeticError('InvalidInput', `the Fetch Service on port ${controlPort} is not the embedded one of ${configDir} (no CA at ${caPath})`, {
      hints: ['set fetchServiceCa to its CA certificate, or stop it so the embedded service can start'],
    });
  }
  return { client, proxyAddress: `127.0.0.1:${proxyPort}`, caPath, embedded: started };
}

/** The external session of `CRAFT_USE_EXTERNAL_FETCH_SERVICE=1`, with craft-application's errors. */
export function externalSession(env: NodeJS.ProcessEnv): { proxyUrl: string; caPath: string } {
  const cert = env.CRAFT_PROXY_CERT;
  if (!cert) {
    throw new HermeticError('InvalidInput', "Environment variable 'CRAFT_PROXY_CERT' is not set", {
      hints: ['An external fetch-service session cannot be used without the certificate file.'],
    });
  }
  if (!existsSync(cert) || !readFileSync(cert, 'utf8').includes('BEGIN CERTIFICATE')) {
    throw new HermeticError('InvalidInput', `${cert} is not a valid certificate file.`);
  }
  const proxyUrl = env.http_proxy;
  if (!proxyUrl) {
    throw new HermeticError('InvalidInput', "External fetch-service session requested but 'http_proxy' is not set.", {
      hints: ['set http_proxy (and https_proxy) to the session URL http://<session-id>:<token>@<host>:<port>/'],
    });
  }
  return { proxyUrl, caPath: cert };
}
