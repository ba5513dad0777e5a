import type { Algorithm } from './algorithms';

/**
 * What the calling thread sends the hashing thread, per stream (messages keep their order). A
 * stream's bytes are in its ring, memory both threads share, cut in slots of `slotBytes`; `data`
 * says that a slot holds `length` new bytes.
 */
export type ToHashThread =
  | { op: 'open'; id: number; algorithms: Algorithm[]; ring: SharedArrayBuffer; slotBytes: number }
  | { op: 'data'; id: number; slot: number; length: number }
  | { op: 'end'; id: number }
  | { op: 'drop'; id: number };

/** Its answers: a slot hashed (slots are hashed in the order they were sent), or a stream's digests. */
export type FromHashThread = { op: 'hashed'; id: number } | { op: 'digests'; id: number; digests: Array<[Algorithm, string]>; size: number };
