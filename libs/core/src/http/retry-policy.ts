import { FETCH_SETTINGS } from '../settings/fetch-settings';

/** How a download retries and times out. */
export interface RetryPolicy {
  /** Total attempts, the first included (≥ 1). */
  attempts: number;
  /** Backoff before attempt n+1 is about `baseDelayMs · 2^(n-1)`, capped at `maxDelayMs`, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this fails the download instead of waiting. */
  maxRetryAfterMs: number;
  /** Idle time allowed while waiting for headers, and between body chunks. */
  readTimeoutMs: number;
  connectTimeoutMs: number;
  maxRedirects: number;
  /** An artifact larger than this fails (an endless or wrong body must not fill the disk). */
  maxArtifactBytes: number;
  /** A transfer slower than this on average over `rateWindowMs` fails (a trickle must not hold a build). */
  minBytesPerSecond: number;
  rateWindowMs: number;
}

/** Downloads in flight at once per fetch, unless an option says otherwise (CLI, executors, plugin). */
export const DEFAULT_CONCURRENCY = FETCH_SETTINGS.concurrency.default;

/** The default cap on one artifact: 16 GiB (`maxArtifactSize`, `--max-artifact-size`, `HERMETIC_MAX_ARTIFACT_SIZE`). */
export const DEFAULT_MAX_ARTIFACT_BYTES = parseByteSize(FETCH_SETTINGS.maxArtifactSize.default, 'maxArtifactSize')!;

/** The environment variable that raises or lowers the cap, in bytes. */
export const MAX_ARTIFACT_SIZE_ENV = FETCH_SETTINGS.maxArtifactSize.env.name;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: FETCH_SETTINGS.attempts.default,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
  readTimeoutMs: FETCH_SETTINGS.readTimeoutMs.default,
  connectTimeoutMs: 30_000,
  maxRedirects: 10,
  maxArtifactBytes: DEFAULT_MAX_ARTIFACT_BYTES,
  minBytesPerSecond: 1024,
  rateWindowMs: 60_000,
};

/**
 * A byte count as given in an option or `HERMETIC_MAX_ARTIFACT_SIZE`: a positive integer of bytes,
 * optionally with a binary suffix (`512M`, `20G`). Undefined for undefined; throws for anything else.
 */
export function parseByteSize(value: string | number | undefined, what: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const m = /^(\d+)\s*([KMGT]i?B?)?$/i.exec(String(value).trim());
  const bytes = m ? Number(m[1]) * 1024 ** (m[2] ? 'KMGT'.indexOf(m[2][0].toUpperCase()) + 1 : 0) : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new Error(`${what} must be a positive number of bytes (e.g. 2147483648 or 2G), got '${value}'`);
  return bytes;
}

/** Statuses worth another attempt: timeouts, rate limits and server errors; never other 4xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Exponential backoff with "equal jitter": half fixed, half random, so retries of many clients spread out. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** `Retry-After` as milliseconds from now (seconds or an HTTP date), or undefined if absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Waits, unless the signal aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
