import { Worker } from 'node:worker_threads';
import type { Algorithm } from '../checksum/algorithms';
import { startWorker } from '../threads/start-worker';
import type { HashAnswer, HashJob } from './hash-job';

interface Pending {
  job: HashJob;
  resolve: (answer: HashAnswer) => void;
  reject: (err: Error) => void;
}

/** One thread and the job it is on. */
interface Slot {
  worker: Worker;
  current?: Pending;
}

/**
 * Worker threads that hash files, started on first use and kept for the life of the process (a
 * hash update is synchronous, so hashing on several cores at once needs threads). Kept rather
 * than started per call: starting a thread costs tens of milliseconds, and swc-node's native
 * binding (the source-tree path) crashes the process when a thread that loaded it is terminated
 * and another loads it again. An idle thread is unref'd, so it never holds the process open.
 */
export class HashPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 0;

  constructor(private readonly size: number) {}

  /** The digests of `path` in `algorithms` order, or the error code that kept it from being read. */
  hash(path: string, algorithms: readonly Algorithm[]): Promise<HashAnswer> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, path, algorithms: [...algorithms] }, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length) {
      const slot = this.slots.find((s) => !s.current) ?? (this.slots.length < this.size ? this.addSlot() : undefined);
      if (!slot) return;
      slot.current = this.queue.shift()!;
      slot.worker.ref();
      slot.worker.postMessage(slot.current.job);
    }
  }

  private addSlot(): Slot {
    const slot: Slot = { worker: startWorker(__dirname, 'hash-worker') };
    slot.worker.on('message', (answer: HashAnswer) => {
      const done = slot.current;
      slot.current = undefined;
      slot.worker.unref();
      done?.resolve(answer);
      this.dispatch();
    });
    slot.worker.on('error', (err) => {
      // A thread that failed is replaced; its job fails, the others go on.
      this.slots.splice(this.slots.indexOf(slot), 1);
      slot.current?.reject(err);
      this.dispatch();
    });
    this.slots.push(slot);
    return slot;
  }
}
