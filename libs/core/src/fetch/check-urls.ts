import type { Dispatcher } from 'undici';
import { createDispatcher } from '../http/dispatcher';
import { DEFAULT_RETRY_POLICY } from '../http/retry-policy';
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
  dispatcher?: Dispatcher;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Asks for one URL without downloading it: HEAD, or a one-byte ranged GET where HEAD is not
 * served (405, 501), following redirects (credentials kept on their origin).
 */
async function probeHead(dispatcher: Dispatcher, p: Planned, timeoutMs: number): Promise<number> {
  let url = new URL(p.url);
  const home = url.origin;
  for (let hop = 0; hop <= 10; hop++) {
    const headers = { 'user-agent': 'hermetic', ...(url.origin === home ? p.headers : {}) };
    const ask = async (method: 'HEAD' | 'GET') => {
      const res = await dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method,
        headers: method === 'GET' ? { ...headers, range: 'bytes=0-0' } : headers,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      await res.body.dump().catch(() => undefined);
      return res;
    };
    let res = await ask('HEAD');
    if (res.statusCode === 405 || res.statusCode === 501) res = await ask('GET');
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode) || typeof location !== 'string') return res.statusCode;
    url = new URL(location, url);
  }
  return 310;
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
  const timeoutMs = options.timeoutMs ?? DEFAULT_RETRY_POLICY.readTimeoutMs;
  const own = options.dispatcher ? undefined : createDispatcher({ connections: concurrency, connectTimeoutMs: DEFAULT_RETRY_POLICY.connectTimeoutMs, env });
  const dispatcher = options.dispatcher ?? own!;
  try {
    return await mapLimit(planned, concurrency, async (p): Promise<UrlCheck> => {
      const base = { artifact: describe(p.artifact), url: p.url };
      try {
        const status = await probeHead(dispatcher, p, timeoutMs);
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
