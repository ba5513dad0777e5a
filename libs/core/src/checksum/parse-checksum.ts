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

type Problem = { message: string; fix: string; length?: true };

/** What is wrong with a checksum whose algorithm is known and whose digest is hex: case and length. */
function digestProblems(name: string, miscased: Algorithm | undefined, digest: string, algorithm: Algorithm): Problem[] {
  const lower = digest.toLowerCase();
  const problems: Problem[] = [];
  if (miscased)
    problems.push({ message: `checksum algorithm '${name}' must be written lower-case`, fix: `algorithm names are lower-case: write '${miscased}:${digest}'` });
  if (digest !== lower) problems.push({ message: `checksum digest must be lower-case hex (got '${digest}')`, fix: `write '${name}:${lower}'` });
  const expected = ALGORITHMS[algorithm].hexLength;
  if (digest.length !== expected) {
    const fits = algorithmsForLength(digest.length);
    problems.push({
      message: `${algorithm} digest must have ${expected} hex characters, got ${digest.length}`,
      fix: fits.length ? `a ${digest.length}-character digest is ${fits.join(' or ')}; fix the algorithm or the digest` : 'copy the whole digest',
      length: true,
    });
  }
  return problems;
}

/** Several problems at once: every one named, and the one fix that solves them all. */
function combined(text: string, algorithm: Algorithm, digest: string, problems: readonly Problem[]): { message: string; fix: string } {
  const expected = ALGORITHMS[algorithm].hexLength;
  const fix = problems.some((p) => p.length)
    ? `write '${algorithm}:' followed by the whole digest in ${expected} lower-case hex characters (e.g. from \`${algorithm}sum FILE\`)`
    : `write '${algorithm}:${digest.toLowerCase()}'`;
  return { message: `checksum '${text}' has ${problems.length} problems: ${problems.map((p) => p.message).join('; ')}`, fix };
}

/**
 * Parses `algorithm:hexdigest`. Everything Hermeto rejects is rejected here too, but before any
 * download and with a fix: unknown or mis-cased algorithms, upper-case hex and wrong lengths, all
 * of them at once (one message, one fix), so fixing the entry takes one round.
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
  const exact = resolveAlgorithm(name);
  const algorithm = exact ?? resolveAlgorithm(name.toLowerCase().replace(/_/g, '-'));
  if (!algorithm) {
    return {
      ok: false,
      message: `checksum algorithm '${name}' is not supported`,
      fix: `use one of ${Object.keys(ALGORITHMS).join(', ')} (sha256 recommended)`,
    };
  }
  if (digest.length === 0) {
    return { ok: false, message: `checksum '${text}' has an empty digest`, fix: `write it as '${EXAMPLE}'` };
  }
  if (!HEX.test(digest.toLowerCase())) {
    return {
      ok: false,
      message: `checksum digest '${digest}' is not hex`,
      fix: 'give the hex digest (e.g. from `sha256sum FILE`), not base64 or an SRI string',
    };
  }
  const problems = digestProblems(name, exact ? undefined : algorithm, digest, algorithm);
  if (problems.length === 1) return { ok: false, ...problems[0] };
  if (problems.length > 1) return { ok: false, ...combined(text, algorithm, digest, problems) };
  const own = ownCopy(text);
  const checksum: Checksum = { algorithm, digest: own.slice(colon + 1), text: own };
  return ALGORITHMS[algorithm].weak
    ? { ok: true, checksum, warning: `${algorithm} is a weak algorithm; add or switch to a sha256 checksum` }
    : { ok: true, checksum };
}

/**
 * `text` in a string of its own. V8 keeps a string cut out of a longer one as a view of the whole:
 * a checksum as the YAML parser gives it holds the parser's copy of the lockfile (1.6 MB for
 * 10,000 artifacts) for as long as the lockfile is used. Joining forces a flat copy (the slice
 * then views that copy only).
 */
function ownCopy(text: string): string {
  return `${text}\0`.slice(0, -1);
}

/** Canonical `algorithm:digest` form of a checksum (aliases resolved). */
export function checksumKey(c: Pick<Checksum, 'algorithm' | 'digest'>): string {
  return `${c.algorithm}:${c.digest}`;
}
