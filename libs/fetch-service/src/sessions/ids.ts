import { randomBytes, randomUUID } from 'node:crypto';

/** A session id as the Go server issues it: a UUID without dashes (32 lower-case hex characters). */
export function newSessionId(): string {
  return randomUUID().replace(/-/g, '');
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A session token: 20 characters of [A-Za-z0-9], drawn without modulo bias. */
export function newToken(): string {
  let out = '';
  while (out.length < 20) {
    for (const b of randomBytes(32)) {
      if (b < 248 && out.length < 20) out += ALPHANUMERIC[b % 62];
    }
  }
  return out;
}
