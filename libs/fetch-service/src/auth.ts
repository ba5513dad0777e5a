import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Parses `FETCH_SERVICE_AUTH` (`user:password`, split at the first `:`). A value without a user or a
 * password is refused: it would let the control API accept empty credentials.
 */
export function parseServiceAuth(value: string | undefined): { user: string; password: string } {
  const v = value ?? '';
  const colon = v.indexOf(':');
  if (colon <= 0 || colon === v.length - 1) {
    throw new Error(`FETCH_SERVICE_AUTH must be 'user:password' with both parts non-empty${v ? '' : ' (it is empty)'}`);
  }
  return { user: v.slice(0, colon), password: v.slice(colon + 1) };
}

/** Compares a presented secret with the expected one in constant time (no timing oracle). */
export function sameSecret(presented: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
