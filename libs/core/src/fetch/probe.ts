import { rm } from 'node:fs/promises';
import { Algorithm } from '../checksum/algorithms';
import { Checksum } from '../checksum/parse-checksum';
import { HermeticError } from '../errors';
import { createHttpClient } from '../http/http-client';
import { downloadFile } from '../http/download-file';
import { Netrc } from '../http/netrc';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from '../http/retry-policy';
import { checkHttpUrl } from '../lockfile/url';
import { ContentStore } from '../store/content-store';
import { asHermeticError } from './fetch-errors';
import { sourceFor } from './plan';
import { hostRefusal, HostRules, MirrorRule } from './url-rules';

export interface ProbeOptions {
  store: ContentStore;
  algorithms: readonly Algorithm[];
  mirrors?: readonly MirrorRule[];
  hosts?: HostRules;
  netrc?: Netrc;
  /** Extra headers for the URL's own origin (credentials); never sent elsewhere. */
  headers?: Record<string, string>;
  policy?: Partial<RetryPolicy>;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export interface ProbeResult {
  digests: Map<Algorithm, string>;
  size: number;
  contentType?: string;
  /** Where the bytes were fetched from (a mirror, or the URL itself). */
  source: string;
}

/**
 * Downloads a URL (through mirrors and host rules, like a fetch) to learn its digests, for tools
 * that write or refresh lockfiles. The bytes are admitted to the store under the digests just
 * computed, so the fetch that follows is a store hit instead of a second download.
 */
export async function probeUrl(url: string, options: ProbeOptions): Promise<ProbeResult> {
  // The lockfile's own rule for URLs, before any network: an ftp URL was tried five times.
  const checked = checkHttpUrl(url);
  if (!checked.ok) throw new HermeticError('InvalidInput', `${url}: ${checked.message}`, { hints: [checked.fix] });
  const wire = url.split('#')[0];
  const { url: source, headers } = sourceFor(wire, options.mirrors ?? [], () => options.headers, options.netrc);
  const host = new URL(source).hostname;
  const refused = options.hosts ? hostRefusal(host, options.hosts) : undefined;
  if (refused) throw new HermeticError('InvalidInput', `${source}: ${refused}`, { hints: ['add a mirror rule, or change the allow/block host rules'] });
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  const client = createHttpClient({ connections: 1, connectTimeoutMs: policy.connectTimeoutMs, env: options.env });
  const temp = await options.store.tempPath();
  try {
    const result = await downloadFile(
      { url: source, originHeaders: headers, destination: temp, algorithms: options.algorithms, signal: options.signal },
      client,
      policy,
    );
    if (result.contentType && /text\/html/i.test(result.contentType) && !/\.html?$/i.test(new URL(wire).pathname)) {
      throw new HermeticError('FetchError', `${source} answered with an HTML page, not a file`, {
        hints: ['probably a login or error page: check the URL and credentials'],
      });
    }
    const checksums: Checksum[] = [...result.digests].map(([algorithm, digest]) => ({ algorithm, digest, text: `${algorithm}:${digest}` }));
    await options.store.admit(temp, checksums);
    return { digests: result.digests, size: result.size, contentType: result.contentType, source };
  } catch (err) {
    throw asHermeticError(
      err,
      url,
      (e) =>
        new HermeticError(e.kind === 'auth' ? 'AuthenticationFailed' : 'FetchError', `cannot download ${source}: ${e.message}`, {
          hints: [e.kind === 'auth' ? `add a ~/.netrc entry for ${host}` : 'check the URL and the network'],
        }),
    );
  } finally {
    await rm(temp, { force: true });
    await client.destroy().catch(() => undefined);
  }
}
