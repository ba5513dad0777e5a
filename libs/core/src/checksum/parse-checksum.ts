import { ALGORITHMS, Algorithm, algorithmsForLength, resolveAlgorithm } from './algorithms';

/** A parsed, validated `algorithm:hex` checksum. */
export interface Checksum {
  readonly algorithm: Algorithm;
  /** Lower-case hex digest of the algorithm's exact length. */
  readonly digest: string;
  /** The checksum as written in the lockfile (kept verbatim for purls). */
  readonly text: string;
}

export type ChecksumParseResult = { ok: true; checksum: Checksum; warning?: string } | { ok: false; message: string; fix: string };

const HEX = /^[0-9a-f]+$/;
const EXAMPLE = 'sha256:<64 lower-case hex characters>';

/**
 * Parses `algorithm:hexdigest`. Everything Hermeto rejects is rejected here too, but before any
 * download and with a fix: unknown or mis-cased algorithms, upper-case hex and wrong lengths.
 */
export function parseChecksum(text: string): ChecksumParseResult {
  const colon = text.indexOf(':');
  if (colon < 0) {
    const guesses = HEX.test(text.toLowerCase()) ? algorithmsForLength(text.length) : [];
    return {
      ok: false,
      message: `checksum '${text}' has no algorithm; the format is 'algorithm:hash'`,
      fix: guesses.length
        ? `prefix the algorithm, e.g. '${guesses.includes('sha256') ? 'sha256' : guesses[0]}:${text.toLowerCase()}'`
        : `write it as '${EXAMPLE}'`,
    };
  }
  const name = text.slice(0, colon);
  const digest = text.slice(colon + 1);
  const algorithm = resolveAlgorithm(name);
  if (!algorithm) {
    const lower = resolveAlgorithm(name.toLowerCase().replace(/_/g, '-'));
    return {
      ok: false,
      message: `checksum algorithm '${name}' is not supported`,
      fix: lower ? `algorithm names are lower-case: write '${lower}:${digest}'` : `use one of ${Object.keys(ALGORITHMS).join(', ')} (sha256 recommended)`,
    };
  }
  if (digest.length === 0) {
    return { ok: false, message: `checksum '${text}' has an empty digest`, fix: `write it as '${EXAMPLE}'` };
  }
  if (!HEX.test(digest)) {
    if (HEX.test(digest.toLowerCase())) {
      return {
        ok: false,
        message: `checksum digest must be lower-case hex (got '${digest}')`,
        fix: `write '${name}:${digest.toLowerCase()}'`,
      };
    }
    return {
      ok: false,
      message: `checksum digest '${digest}' is not hex`,
      fix: 'give the hex digest (e.g. from `sha256sum FILE`), not base64 or an SRI string',
    };
  }
  const expected = ALGORITHMS[algorithm].hexLength;
  if (digest.length !== expected) {
    const fits = algorithmsForLength(digest.length);
    return {
      ok: false,
      message: `${algorithm} digest must have ${expected} hex characters, got ${digest.length}`,
      fix: fits.length ? `a ${digest.length}-character digest is ${fits.join(' or ')}; fix the algorithm or the digest` : 'copy the whole digest',
    };
  }
  const checksum: Checksum = { algorithm, digest, text };
  return ALGORITHMS[algorithm].weak
    ? { ok: true, checksum, warning: `${algorithm} is a weak algorithm; add or switch to a sha256 checksum` }
    : { ok: true, checksum };
}

/** Canonical `algorithm:digest` form of a checksum (aliases resolved). */
export function checksumKey(c: Pick<Checksum, 'algorithm' | 'digest'>): string {
  return `${c.algorithm}:${c.digest}`;
}
