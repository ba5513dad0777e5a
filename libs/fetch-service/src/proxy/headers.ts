import { IncomingHttpHeaders } from 'node:http';
import { REDACTED } from '@hermetic/core';
import { isSecretHeaderName, Redactor } from '../sessions/redaction';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) and proxy credentials: never forwarded. `Expect` too: the
 * proxy answers `100-continue` itself (Node does, for a server without a checkContinue listener),
 * and the upstream client refuses to send it.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-authenticate',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
]);

/** Headers whose values are credentials: kept out of every report. */
const SENSITIVE = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'private-token', 'x-auth-token']);

type AnyHeaders = IncomingHttpHeaders | Record<string, string | string[] | undefined>;

/** The end-to-end headers of a message, for forwarding. */
export function endToEnd(headers: AnyHeaders): Record<string, string | string[]> {
  const named = new Set(
    String(headers.connection ?? '')
      .toLowerCase()
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    const key = k.toLowerCase();
    if (v === undefined || HOP_BY_HOP.has(key) || named.has(key)) continue;
    out[key] = v;
  }
  return out;
}

/**
 * Headers as the report writes them (name → list of values): the usual credential headers left out,
 * other credential-named ones (`X-Deploy-Token`, …) written as REDACTED, and known secrets removed
 * from every other value.
 */
export function reportHeaders(headers: AnyHeaders, redactor: Redactor): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) {
    const key = k.toLowerCase();
    if (v === undefined || SENSITIVE.has(key) || HOP_BY_HOP.has(key)) continue;
    const values = Array.isArray(v) ? v.map(String) : [String(v)];
    out[key] = isSecretHeaderName(key) ? values.map(() => REDACTED) : values.map((x) => redactor.text(x));
  }
  return out;
}
