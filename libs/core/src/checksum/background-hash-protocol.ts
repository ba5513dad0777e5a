import type { Algorithm } from './algorithms';

/** What the calling thread sends the hashing thread, per stream (messages keep their order). */
export type ToHashThread =
  { op: 'open'; id: number; algorithms: Algorithm[] } | { op: 'data'; id: number; bytes: Uint8Array } | { op: 'end'; id: number } | { op: 'drop'; id: number };

/** Its answers: a batch hashed (the bytes come back for reuse), or a stream's digests. */
export type FromHashThread = { op: 'hashed'; id: number; bytes: Uint8Array } | { op: 'digests'; id: number; digests: Array<[Algorithm, string]>; size: number };
