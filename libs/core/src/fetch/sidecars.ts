import type { HttpClient, HttpResponse } from '../http/http-client';
import { Algorithm, ALGORITHMS } from '../checksum/algorithms';

/** Checksum files Maven repositories publish beside each file, strongest first. */
export const SIDECAR_ALGORITHMS: readonly Algorithm[] = ['sha512', 'sha256', 'sha1'];

/** A checksum file is one digest and maybe a file name; more than this is not one. */
const SIDECAR_READ_LIMIT = 4096;

/** Stops reading a body once its start is known. */
class Enough extends Error {}

/** The first `limit` bytes of a body as text; the rest is not read (stopping closes its connection). */
async function readStart(res: HttpResponse, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  await res
    .receive((chunk) => {
      chunks.push(Buffer.from(chunk.subarray(0, limit - size)));
      size += Math.min(chunk.length, limit - size);
      if (size >= limit) throw new Enough();
    })
    .catch((err: unknown) => {
      if (!(err instanceof Enough)) throw err;
    });
  return Buffer.concat(chunks).toString('utf8');
}

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
  client: HttpClient,
  headers: Record<string, string> | undefined,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<SidecarDisagreement[]> {
  const out: SidecarDisagreement[] = [];
  for (const algorithm of SIDECAR_ALGORITHMS) {
    const sidecarUrl = new URL(`${url}.${algorithm}`);
    let text: string;
    try {
      const res = await client.request({
        url: sidecarUrl,
        method: 'GET',
        headers: { 'accept-encoding': 'identity', ...headers },
        readTimeoutMs: timeoutMs,
        signal: signal ?? AbortSignal.timeout(timeoutMs),
      });
      if (res.statusCode !== 200) {
        await res.dump();
        continue;
      }
      text = await readStart(res, SIDECAR_READ_LIMIT);
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
