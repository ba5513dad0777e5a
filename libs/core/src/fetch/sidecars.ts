import type { Dispatcher } from 'undici';
import { Algorithm, ALGORITHMS } from '../checksum/algorithms';

/** Checksum files Maven repositories publish beside each file, strongest first. */
export const SIDECAR_ALGORITHMS: readonly Algorithm[] = ['sha512', 'sha256', 'sha1'];

/** A repository checksum file that disagrees with the verified bytes. */
export interface SidecarDisagreement {
  url: string;
  algorithm: Algorithm;
  sidecar: string;
  actual: string;
}

/**
 * Reads the `.sha512`/`.sha256`/`.sha1` files the repository serves beside `url` (absent ones are
 * skipped: not every repository publishes every algorithm) and compares them with the digests of
 * the verified bytes. Returns the disagreements.
 */
export async function checkSidecars(
  url: string,
  digests: ReadonlyMap<Algorithm, string>,
  dispatcher: Dispatcher,
  headers: Record<string, string> | undefined,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<SidecarDisagreement[]> {
  const out: SidecarDisagreement[] = [];
  for (const algorithm of SIDECAR_ALGORITHMS) {
    const sidecarUrl = new URL(`${url}.${algorithm}`);
    let text: string;
    try {
      const res = await dispatcher.request({
        origin: sidecarUrl.origin,
        path: `${sidecarUrl.pathname}${sidecarUrl.search}`,
        method: 'GET',
        headers: { 'accept-encoding': 'identity', ...headers },
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: signal ?? AbortSignal.timeout(timeoutMs),
      });
      if (res.statusCode !== 200) {
        await res.body.dump();
        continue;
      }
      text = (await res.body.text()).slice(0, 4096);
    } catch {
      continue;
    }
    // Files hold the bare digest, or `digest  filename` as sha*sum writes it.
    const digest = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    if (!new RegExp(`^[0-9a-f]{${ALGORITHMS[algorithm].hexLength}}$`).test(digest)) continue;
    const actual = digests.get(algorithm);
    if (actual && actual !== digest) out.push({ url: sidecarUrl.href, algorithm, sidecar: digest, actual });
  }
  return out;
}
