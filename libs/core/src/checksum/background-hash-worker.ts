import { parentPort } from 'node:worker_threads';
import type { FromHashThread, ToHashThread } from './background-hash-protocol';
import { MultiHash } from './multi-hash';

// The hashing thread of BackgroundHash: one MultiHash per open stream, fed slot by slot from the
// stream's ring (shared memory: nothing is copied between the threads).
const streams = new Map<number, { hash: MultiHash; ring: Buffer; slotBytes: number }>();
const answer = (message: FromHashThread) => parentPort!.postMessage(message);

parentPort?.on('message', (message: ToHashThread) => {
  switch (message.op) {
    case 'open':
      streams.set(message.id, { hash: new MultiHash(message.algorithms), ring: Buffer.from(message.ring), slotBytes: message.slotBytes });
      return;
    case 'data': {
      const stream = streams.get(message.id);
      const start = message.slot * (stream?.slotBytes ?? 0);
      stream?.hash.update(stream.ring.subarray(start, start + message.length));
      answer({ op: 'hashed', id: message.id });
      return;
    }
    case 'end': {
      const stream = streams.get(message.id);
      streams.delete(message.id);
      if (stream) answer({ op: 'digests', id: message.id, digests: [...stream.hash.digests()], size: stream.hash.size });
      return;
    }
    case 'drop':
      streams.delete(message.id);
  }
});
