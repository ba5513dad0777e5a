import type { Algorithm } from './algorithms';

/** What the calling thread sends the hashing thread, per stream (messages keep their order). */
export type ToHashThread =
  { op: 'open'; id: number; algorithms: Algorithm[] } | { op: 'data'; id: number; bytes: Uint8Array } | { op: 'end'; id: number } | { op: 'drop'; id: number };

/** Its answers: a batch of `length` bytes hashed, or a stream's digests. */
export type FromHashThread = { op: 'hashed'; id: number; length: number } | { op: 'digests'; id: number; digests: Array<[Algorithm, string]>; size: number };
