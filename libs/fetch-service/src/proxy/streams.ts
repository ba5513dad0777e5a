import { ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';

/** Resolves when `res` can take more data, or is gone; leaves no listener behind. */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Streams a small body (a redirect's, an error page) to the client; a client gone early is fine. */
export async function pipelineQuietly(body: Dispatcher.ResponseData['body'], res: ServerResponse): Promise<void> {
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) if (!res.write(chunk)) await drained(res);
    res.end();
  } catch {
    res.destroy();
  }
}

/** A duplex over `socket` that yields `first` before the socket's own data. */
export function replaying(socket: Socket, first: Buffer): Duplex {
  const duplex = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk, _enc, cb) {
      socket.write(chunk, cb);
    },
    final(cb) {
      socket.end();
      cb();
    },
    destroy(err, cb) {
      socket.destroy();
      cb(err);
    },
  });
  duplex.push(first);
  socket.on('data', (d: Buffer) => {
    if (!duplex.push(d)) socket.pause();
  });
  socket.on('end', () => duplex.push(null));
  socket.on('close', () => duplex.destroy());
  socket.on('error', (err) => duplex.destroy(err));
  return duplex;
}
