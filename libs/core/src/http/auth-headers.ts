import { expandEnvTemplate } from '../lockfile/env-template';
import { AuthSpec } from '../lockfile/types';

/**
 * The request headers for an artifact's `auth`, expanded from the environment at request time.
 * The result holds secrets: pass it to the request only, never to a log or an error.
 */
export function authHeaders(auth: AuthSpec | undefined, env: NodeJS.ProcessEnv): Record<string, string> | undefined {
  if (!auth) return undefined;
  if (auth.scheme === 'basic') {
    const user = expandEnvTemplate(auth.username, env);
    const password = expandEnvTemplate(auth.password, env);
    return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
  }
  return { [auth.header.toLowerCase()]: expandEnvTemplate(auth.value, env) };
}
