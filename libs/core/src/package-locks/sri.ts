import type { Checksum } from '../checksum/parse-checksum';

const SRI_ALGORITHMS = { sha1: 'sha1', sha256: 'sha256', sha384: undefined, sha512: 'sha512' } as const;

/**
 * The checksums of a Subresource Integrity string (`sha512-<base64> sha1-<base64>`, as npm, pnpm and
 * Yarn write `integrity`), as hex; hashes of algorithms Hermetic does not compute (sha384) and
 * malformed parts are left out. Empty when nothing usable remains.
 */
export function checksumsFromSri(integrity: string): Checksum[] {
  const out: Checksum[] = [];
  for (const part of integrity.trim().split(/\s+/)) {
    const m = /^(sha1|sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})(\?.*)?$/.exec(part);
    const algorithm = m ? SRI_ALGORITHMS[m[1] as keyof typeof SRI_ALGORITHMS] : undefined;
    if (!m || !algorithm || out.some((c) => c.algorithm === algorithm)) continue;
    const digest = Buffer.from(m[2], 'base64').toString('hex');
    const expected = { sha1: 40, sha256: 64, sha512: 128 }[algorithm];
    if (digest.length === expected) out.push({ algorithm, digest, text: `${algorithm}:${digest}` });
  }
  return out;
}

/** A hex digest of a known length as a checksum (Yarn v1's `#sha1` URL fragment, pip's `--hash`). */
export function checksumFromHex(algorithm: 'sha1' | 'sha256' | 'sha512', hex: string): Checksum | undefined {
  const digest = hex.toLowerCase();
  const expected = { sha1: 40, sha256: 64, sha512: 128 }[algorithm];
  return /^[0-9a-f]+$/.test(digest) && digest.length === expected ? { algorithm, digest, text: `${algorithm}:${digest}` } : undefined;
}
