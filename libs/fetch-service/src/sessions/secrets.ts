import { matchesGlob } from '../glob';
import { compileUrlGlob } from '../url-match';

/** Credentials the proxy adds to upstream requests whose URL matches, never logged or reported. */
export type Secret = { type: 'basic-auth'; url: string; credentials: string } | { type: 'macaroon'; url: string; credentials: string };

/** Thrown with the exact 400 text of the Go server (`Invalid secret: …`). */
export class SecretError extends Error {}

/**
 * Validates the `secrets` of `POST /session` with the Go server's messages, checked in its order
 * (type, url, then the credentials the type needs).
 */
export function parseSecrets(value: unknown): Secret[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new SecretError('Invalid secret: secrets must be a list');
  return value.map((raw) => {
    const s = (raw ?? {}) as Record<string, unknown>;
    if (typeof s.type !== 'string' || s.type === '') throw new SecretError('Invalid secret: missing type');
    if (typeof s.url !== 'string' || s.url === '') throw new SecretError('Invalid secret: missing url');
    if (s.type === 'basic-auth') {
      if (typeof s['basic-credentials'] !== 'string' || s['basic-credentials'] === '')
        throw new SecretError("Invalid secret: missing credentials for 'basic-auth'");
      return { type: 'basic-auth', url: s.url, credentials: s['basic-credentials'] };
    }
    if (s.type === 'macaroon') {
      if (typeof s['macaroon-credentials'] !== 'string' || s['macaroon-credentials'] === '')
        throw new SecretError("Invalid secret: missing credentials for 'macaroon'");
      return { type: 'macaroon', url: s.url, credentials: s['macaroon-credentials'] };
    }
    throw new SecretError('Invalid secret: invalid type');
  });
}

/**
 * The Authorization header of the first secret whose URL glob matches the request (normalised as
 * allow rules are: host case-insensitive, a missing port the scheme's default, the path decoded).
 */
export function secretHeader(secrets: readonly Secret[], url: URL): string | undefined {
  const s = secrets.find((x) => (compileUrlGlob(x.url) ?? ((u: URL) => matchesGlob(x.url, u.href)))(url));
  if (!s) return undefined;
  return s.type === 'basic-auth' ? `Basic ${Buffer.from(s.credentials).toString('base64')}` : `Macaroon ${s.credentials}`;
}
