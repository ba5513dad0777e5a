import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the embedded service keeps its generated control-API credential (mode 0600). */
export function embeddedAuthPath(configDir: string): string {
  return join(configDir, 'control-auth');
}

/**
 * The `user:password` of the embedded service's control API when none is configured: generated
 * once per configuration folder (random, never a fixed default) and kept beside its CA, so the
 * service and every `pack` that reuses it agree without anyone choosing a password.
 */
export function embeddedAuth(configDir: string): string {
  const path = embeddedAuthPath(configDir);
  try {
    const existing = readFileSync(path, 'utf8').trim();
    if (/^[^:]+:.+$/.test(existing)) return existing;
  } catch {
    // Not there yet: create it below.
  }
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const auth = `hermetic:${randomBytes(24).toString('base64url')}`;
  try {
    // 'wx': if a concurrent pack created it first, use theirs.
    writeFileSync(path, `${auth}\n`, { mode: 0o600, flag: 'wx' });
    return auth;
  } catch {
    return readFileSync(path, 'utf8').trim();
  }
}
