import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads/start-worker';
import type { Algorithm } from './algorithms';
import type { FromHashThread, ToHashThread } from './background-hash-protocol';
import { MultiHash } from './multi-hash';

/** Bytes gathered in one slot of a stream's ring before the hashing thread is told to hash them. */
const SLOT_BYTES = 1 << 20;
/**
 * Slots in a stream's ring: one being filled and up to four on their way. With all five sent and
 * none hashed yet, `update` asks the caller to wait (4 to 5 MiB ahead of the hash: bounded memory).
 */
const SLOTS = 5;
/**
 * Streams at least this long are hashed on the hashing thread. Below it the copies and messages
 * cost more than they save, and a short response must not wait for a thread to start.
 */
export const BACKGROUND_HASH_BYTES = 4 << 20;

/** The digests of a stream and its length. */
export type StreamDigests = Map<Algorithm, string>;

/** Incremental hashing of a stream, on the calling thread (MultiHash) or on the hashing thread. */
export interface StreamHash {
  readonly size: number;
  /** Takes the next chunk; a promise when the caller should wait for it before sending more. */
  update(chunk: Buffer): void | Promise<void>;
  digests(): StreamDigests | Promise<StreamDigests>;
  /** Ends the stream without digests (the body failed). */
  discard(): void;
}

/** What a BackgroundHash needs to hear from the thread. */
interface Listener {
  hashed(): void;
  finished(digests: StreamDigests): void;
  failed(err: Error): void;
}

/**
 * The process's one hashing thread, started on first use. It is ref'd only while a stream is open,
 * so it never holds a finished process open; if it dies, the open streams fail and the next one
 * starts a new thread.
 */
class HashThread {
  private worker?: Worker;
  private readonly listeners = new Map<number, Listener>();
  private nextId = 1;

  open(algorithms: Algorithm[], ring: SharedArrayBuffer, listener: Listener): number {
    const id = this.nextId++;
    this.listeners.set(id, listener);
    this.send({ op: 'open', id, algorithms, ring, slotBytes: SLOT_BYTES });
    this.worker!.ref();
    return id;
  }

  send(message: ToHashThread): void {
    (this.worker ??= this.start()).postMessage(message);
  }

  close(id: number): void {
    this.listeners.delete(id);
    if (!this.listeners.size) this.worker?.unref();
  }

  private start(): Worker {
    const worker = startWorker(__dirname, 'background-hash-worker');
    worker.on('message', (message: FromHashThread) => {
      const listener = this.listeners.get(message.id);
      if (message.op === 'hashed') listener?.hashed();
      else {
        this.close(message.id);
        listener?.finished(new Map(message.digests));
      }
    });
    const died = (err: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const open = [...this.listeners.values()];
      this.listeners.clear();
      for (const listener of open) listener.failed(err);
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`the hashing thread exited (code ${code})`)));
    return worker;
  }
}

const thread = new HashThread();

/**
 * Hashes a stream on another core: the calling thread only copies the bytes into a ring of 1 MiB
 * slots in memory both threads share, so a proxy relays the next chunk while the last one is
 * hashed. A full slot is announced to the thread by a message of three numbers, and the next slot
 * is filled. Sending the bytes themselves cost more than hashing them: postMessage serialised a
 * fresh copy of every 1 MiB batch, the largest item of the proxy's CPU profile after its socket
 * writes (the service's CPU per MiB relayed over HTTPS 5.2-6.6 -> 4.6 ms without it, A/B); and
 * transferring them instead made full garbage collections ever more frequent.
 */
export class BackgroundHash implements StreamHash, Listener {
  private readonly id: number;
  private readonly ring = Buffer.from(new SharedArrayBuffer(SLOTS * SLOT_BYTES));
  /** The slot being filled, and how much of it is. */
  private slot = 0;
  private filled = 0;
  private bytes = 0;
  /** Slots sent and not hashed yet: the ones before `slot`, in ring order. */
  private inFlight = 0;
  private room?: { resolve: () => void; reject: (err: Error) => void };
  private result?: { resolve: (digests: StreamDigests) => void; reject: (err: Error) => void };
  private failure?: Error;
  private closed = false;

  constructor(algorithms: Iterable<Algorithm>) {
    this.id = thread.open([...new Set(algorithms)], this.ring.buffer as SharedArrayBuffer, this);
  }

  get size(): number {
    return this.bytes;
  }

  update(chunk: Buffer): void | Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.bytes += chunk.length;
    return this.take(chunk, 0);
  }

  /** Copies `chunk` from `offset` into the ring, waiting for a free slot whenever there is none. */
  private take(chunk: Buffer, offset: number): void | Promise<void> {
    while (offset < chunk.length) {
      if (this.inFlight === SLOTS) return this.freeSlot().then(() => this.take(chunk, offset));
      const n = Math.min(chunk.length - offset, SLOT_BYTES - this.filled);
      chunk.copy(this.ring, this.slot * SLOT_BYTES + this.filled, offset, offset + n);
      this.filled += n;
      offset += n;
      if (this.filled === SLOT_BYTES) this.flush();
    }
    return this.inFlight === SLOTS ? this.freeSlot() : undefined;
  }

  private freeSlot(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.room = { resolve, reject }));
  }

  digests(): Promise<StreamDigests> {
    if (this.failure) return Promise.reject(this.failure);
    this.flush();
    this.closed = true;
    return new Promise((resolve, reject) => {
      this.result = { resolve, reject };
      thread.send({ op: 'end', id: this.id });
    });
  }

  discard(): void {
    // Closed already, or the thread died (telling a new one to drop it would start it for nothing).
    if (this.closed || this.failure) return;
    this.closed = true;
    thread.send({ op: 'drop', id: this.id });
    thread.close(this.id);
  }

  /** @internal The oldest slot sent is hashed: let a waiting caller go on. */
  hashed(): void {
    this.inFlight -= 1;
    if (this.room) {
      const { resolve } = this.room;
      this.room = undefined;
      resolve();
    }
  }

  /** @internal */
  finished(digests: StreamDigests): void {
    this.result?.resolve(digests);
  }

  /** @internal */
  failed(err: Error): void {
    this.failure = err;
    this.room?.reject(err);
    this.result?.reject(err);
  }

  private flush(): void {
    if (!this.filled) return;
    thread.send({ op: 'data', id: this.id, slot: this.slot, length: this.filled });
    this.inFlight += 1;
    this.slot = (this.slot + 1) % SLOTS;
    this.filled = 0;
  }
}

/**
 * The hash for a stream of `expectedBytes` (a Content-Length, if known): on the hashing thread
 * from BACKGROUND_HASH_BYTES up, on the calling thread below or when the length is unknown.
 */
export function streamHash(algorithms: Iterable<Algorithm>, expectedBytes?: number): StreamHash {
  return expectedBytes !== undefined && expectedBytes >= BACKGROUND_HASH_BYTES ? new BackgroundHash(algorithms) : new MultiHash(algorithms);
}
