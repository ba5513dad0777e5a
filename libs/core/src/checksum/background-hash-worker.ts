import { parentPort } from 'node:worker_threads';
import type { FromHashThread, ToHashThread } from './background-hash-protocol';
import { MultiHash } from './multi-hash';

// The hashing thread of BackgroundHash: one MultiHash per open stream, fed batch by batch.
const streams = new Map<number, MultiHash>();
const answer = (message: FromHashThread) => parentPort!.postMessage(message);

parentPort?.on('message', (message: ToHashThread) => {
  switch (message.op) {
    case 'open':
      streams.set(message.id, new MultiHash(message.algorithms));
      return;
    case 'data': {
      const { bytes } = message;
      streams.get(message.id)?.update(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      answer({ op: 'hashed', id: message.id, length: bytes.byteLength });
      return;
    }
    case 'end': {
      const hash = streams.get(message.id);
      streams.delete(message.id);
      if (hash) answer({ op: 'digests', id: message.id, digests: [...hash.digests()], size: hash.size });
      return;
    }
    case 'drop':
      streams.delete(message.id);
  }
});
