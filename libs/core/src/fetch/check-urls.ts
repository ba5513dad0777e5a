import { createHttpClient, HttpClient } from '../http/http-client';
import { openResponse } from '../http/download-file';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from '../http/retry-policy';
import { Lockfile } from '../lockfile/types';
import { Netrc } from '../http/netrc';
import { describe } from './fetch-errors';
import { mapLimit } from './map-limit';
import { plan, Planned } from './plan';
import { MirrorRule } from './url-rules';

/** What one URL answered. */
export interface UrlCheck {
  artifact: string;
  url: string;
  ok: boolean;
  /** `HTTP 200`, `HTTP 404`, or the connection error. */
  status: string;
}

export interface CheckUrlsOptions {
  mirrors?: readonly MirrorRule[];
  netrc?: Netrc;
  env?: NodeJS.ProcessEnv;
  concurrency?: number;
  timeoutMs?: number;
  /** A client to use instead of one built from the environment. */
  client?: HttpClient;
}

/**
 * Asks for one URL without downloading it: HEAD, or a one-byte ranged GET where HEAD is not
 * served (405, 501), following redirects as a download does.
 */
async function probeHead(client: HttpClient, p: Planned, policy: RetryPolicy): Promise<number> {
  const ask = async (method: 'GET' | 'HEAD') => {
    const { res } = await openResponse(client, p.url, { originHeaders: p.headers }, method === 'GET' ? { range: 'bytes=0-0' } : {}, policy, method);
    await res.dump().catch(() => undefined);
    return res.statusCode;
  };
  const status = await ask('HEAD');
  return status === 405 || status === 501 ? ask('GET') : status;
}

/**
 * Checks that every URL of a lockfile still answers upstream (through mirror rules, with the
 * artifact's credentials), downloading nothing: for a scheduled CI job, since a URL that went away
 * keeps passing wherever its checksum is in a store, and fails only on a fresh machine.
 */
export async function checkUrls(lockfile: Lockfile, options: CheckUrlsOptions = {}): Promise<UrlCheck[]> {
  const env = options.env ?? process.env;
  const planned = plan(lockfile, lockfile.artifacts, { mirrors: options.mirrors ?? [], netrc: options.netrc, env });
  const concurrency = options.concurrency ?? 8;
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...(options.timeoutMs ? { readTimeoutMs: options.timeoutMs } : {}) };
  const own = options.client ? undefined : createHttpClient({ connections: concurrency, connectTimeoutMs: DEFAULT_RETRY_POLICY.connectTimeoutMs, env });
  const client = options.client ?? own!;
  try {
    return await mapLimit(planned, concurrency, async (p): Promise<UrlCheck> => {
      const base = { artifact: describe(p.artifact), url: p.url };
      try {
        const status = await probeHead(client, p, policy);
        return { ...base, ok: status >= 200 && status < 300, status: `HTTP ${status}` };
      } catch (err) {
        const e = err as { code?: string; message?: string; cause?: { message?: string } };
        return { ...base, ok: false, status: e.cause?.message ?? e.code ?? e.message ?? String(err) };
      }
    });
  } finally {
    await own?.destroy().catch(() => undefined);
  }
}
