import { createHash, randomUUID } from 'node:crypto';

/** What an SBOM says about its producer and the thing it describes. */
export interface SbomOptions {
  /** The project (or workspace) the SBOM describes. */
  subject: { name: string; version?: string };
  /**
   * Byte-identical output for the same inputs: serial number and namespace derived from the
   * content, timestamps from `SOURCE_DATE_EPOCH` (else 1970-01-01T00:00:00Z). Otherwise a random
   * serial number and the current time.
   */
  reproducible?: boolean;
  /**
   * `hermetic` (default) names properties, annotations and the tool after Hermetic; `hermeto`
   * writes exactly Hermeto's names (`hermeto:found_by`, organisation "red hat") so Hermeto's
   * `merge-sboms` accepts the result.
   */
  naming?: 'hermetic' | 'hermeto';
  env?: NodeJS.ProcessEnv;
  /** The clock, for tests. */
  now?: () => Date;
}

export interface Naming {
  tool: string;
  organization: string;
}

export function namingOf(options: SbomOptions): Naming {
  return options.naming === 'hermeto' ? { tool: 'hermeto', organization: 'red hat' } : { tool: 'hermetic', organization: 'Hermetic' };
}

/** `YYYY-MM-DDTHH:MM:SSZ` for the document: fixed in reproducible mode. */
export function timestampOf(options: SbomOptions): string {
  const env = options.env ?? process.env;
  const date = options.reproducible
    ? new Date(/^\d+$/.test(env.SOURCE_DATE_EPOCH ?? '') ? Number(env.SOURCE_DATE_EPOCH) * 1000 : 0)
    : (options.now ?? (() => new Date()))();
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** A UUID: derived from `content` (version-5 shaped) in reproducible mode, random otherwise. */
export function uuidOf(options: SbomOptions, content: Iterable<string>): string {
  if (!options.reproducible) return randomUUID();
  const hash = createHash('sha256');
  // In pieces (see jsonPieces): the document's text is never one string; the digest is the same.
  for (const piece of content) hash.update(piece);
  const h = hash.digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
