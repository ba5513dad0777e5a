import { REDACTED, redactUrl } from '@hermetic/core';

/** Header names that carry credentials: any `-`/`_`-separated word of the name is one of these. */
const SECRET_NAME_WORD =
  /^(token|secret|password|passwd|pwd|api|apikey|auth|authorization|credential|credentials|signature|sig|session|sessionid|cookie|key|jwt|bearer|macaroon)$/i;

/** Whether a header of this name carries a credential (`X-Deploy-Token`, `X-JFrog-Art-Api`, `Job-Token`, `X-Goog-Api-Key`, …). */
export function isSecretHeaderName(name: string): boolean {
  return name.split(/[-_]/).some((word) => SECRET_NAME_WORD.test(word));
}

/** Values too short to redact by value without mangling unrelated text. */
const MIN_SECRET_LENGTH = 4;

/**
 * Removes secrets from everything a session writes (report, spool, log): credential-looking query
 * values by name (the SBOM's rules), and every secret the session was given by value, wherever it
 * appears (also base64-encoded, as it travels in a Basic header).
 */
export class Redactor {
  private readonly values: string[];

  constructor(secrets: Iterable<string>) {
    const all = new Set<string>();
    for (const s of secrets) {
      if (s.length < MIN_SECRET_LENGTH) continue;
      all.add(s);
      all.add(Buffer.from(s).toString('base64'));
      const colon = s.indexOf(':');
      // user:password: the password alone too.
      if (colon >= 0 && s.length - colon - 1 >= MIN_SECRET_LENGTH) all.add(s.slice(colon + 1));
    }
    // Longest first, so a secret that contains another is replaced whole.
    this.values = [...all].sort((a, b) => b.length - a.length);
  }

  /** `text` with every known secret value replaced. */
  text(text: string): string {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  }

  /** A URL for a report or a log line: secret query values by name, then known secrets by value. */
  url(url: string): string {
    return this.text(redactUrl(url));
  }

  /** A deep copy of a JSON value with every string passed through `text`. */
  json<T>(value: T): T {
    if (!this.values.length) return value;
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.text(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
      return v;
    };
    return walk(value) as T;
  }
}
