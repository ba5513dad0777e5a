import { getHashes } from 'node:crypto';

/**
 * The checksum algorithms a lockfile may use, by canonical name, with the digest length in hex
 * characters and Node's name for the hash. `sha3-*` are an extension over Hermeto, which cannot
 * spell them (its format forbids `-` and `_`); `md5` and `sha1` are accepted but flagged as weak.
 */
export const ALGORITHMS = {
  md5: { node: 'md5', hexLength: 32, weak: true },
  sha1: { node: 'sha1', hexLength: 40, weak: true },
  sha224: { node: 'sha224', hexLength: 56, weak: false },
  sha256: { node: 'sha256', hexLength: 64, weak: false },
  sha384: { node: 'sha384', hexLength: 96, weak: false },
  sha512: { node: 'sha512', hexLength: 128, weak: false },
  'sha3-256': { node: 'sha3-256', hexLength: 64, weak: false },
  'sha3-384': { node: 'sha3-384', hexLength: 96, weak: false },
  'sha3-512': { node: 'sha3-512', hexLength: 128, weak: false },
  blake2b: { node: 'blake2b512', hexLength: 128, weak: false },
  blake2s: { node: 'blake2s256', hexLength: 64, weak: false },
} as const;

export type Algorithm = keyof typeof ALGORITHMS;

/** Other spellings accepted for an algorithm (the Python `hashlib` names of SHA-3). */
const ALIASES: Readonly<Record<string, Algorithm>> = {
  sha3_256: 'sha3-256',
  sha3_384: 'sha3-384',
  sha3_512: 'sha3-512',
};

/** Strongest first: the order in which a store lookup tries an artifact's checksums. */
export const STRENGTH_ORDER: readonly Algorithm[] = [
  'sha512',
  'sha3-512',
  'blake2b',
  'sha384',
  'sha3-384',
  'sha256',
  'sha3-256',
  'blake2s',
  'sha224',
  'sha1',
  'md5',
];

/** Resolves an algorithm name as written in a lockfile, or undefined if unknown. Case-sensitive, as upstream. */
export function resolveAlgorithm(name: string): Algorithm | undefined {
  if (Object.prototype.hasOwnProperty.call(ALGORITHMS, name)) return name as Algorithm;
  return ALIASES[name];
}

/** The algorithms a digest of this many hex characters could be, for fix-it hints. */
export function algorithmsForLength(hexLength: number): Algorithm[] {
  return (Object.keys(ALGORITHMS) as Algorithm[]).filter((a) => ALGORITHMS[a].hexLength === hexLength);
}

/** Whether this Node build can compute the algorithm (md5 may be missing under FIPS). */
export function isAvailable(algorithm: Algorithm): boolean {
  return getHashes().includes(ALGORITHMS[algorithm].node);
}
