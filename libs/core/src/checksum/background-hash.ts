import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads/start-worker';
import type { Algorithm } from './algorithms';
import type { FromHashThread, ToHashThread } from './background-hash-protocol';
import { MultiHash } from './multi-hash';

/** Bytes copied into one batch before it goes to the hashing thread. */
const BATCH_BYTES = 1 << 20;
/** Bytes sent and not yet hashed past which `update` asks the caller to wait (bounds memory). */
const MAX_UNHASHED_BYTES = 4 * BATCH_BYTES;
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
  hashed(length: number): void;
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

  open(algorithms: Algorithm[], listener: Listener): number {
    const id = this.nextId++;
    this.listeners.set(id, listener);
    this.send({ op: 'open', id, algorithms });
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
      if (message.op === 'hashed') listener?.hashed(message.length);
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
 * Hashes a stream on another core: the calling thread only copies the bytes into a 1 MiB batch,
 * so a proxy or downloader relays the next chunk while the last one is hashed. A full batch goes
 * to the thread as a copy (postMessage's structured clone), and the batch is filled again; at most
 * 4 MiB are ever on their way. Copies rather than transfers: a transferred buffer coming back is
 * a new ArrayBuffer each time, and a proxy relaying gigabytes through transfers saw full garbage
 * collections grow more frequent from one download to the next.
 */
export class BackgroundHash implements StreamHash, Listener {
  private readonly id: number;
  private readonly batch = Buffer.allocUnsafeSlow(BATCH_BYTES);
  private filled = 0;
  private bytes = 0;
  private unhashed = 0;
  private room?: { resolve: () => void; reject: (err: Error) => void };
  private result?: { resolve: (digests: StreamDigests) => void; reject: (err: Error) => void };
  private failure?: Error;
  private closed = false;

  constructor(algorithms: Iterable<Algorithm>) {
    this.id = thread.open([...new Set(algorithms)], this);
  }

  get size(): number {
    return this.bytes;
  }

  update(chunk: Buffer): void | Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.bytes += chunk.length;
    for (let offset = 0; offset < chunk.length;) {
      const copied = chunk.copy(this.batch, this.filled, offset);
      this.filled += copied;
      offset += copied;
      if (this.filled === this.batch.length) this.flush();
    }
    if (this.unhashed <= MAX_UNHASHED_BYTES) return undefined;
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

  /** @internal A batch is hashed: let a waiting caller go on. */
  hashed(length: number): void {
    this.unhashed -= length;
    if (this.room && this.unhashed <= MAX_UNHASHED_BYTES) {
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
    this.unhashed += this.filled;
    thread.send({ op: 'data', id: this.id, bytes: this.batch.subarray(0, this.filled) });
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
