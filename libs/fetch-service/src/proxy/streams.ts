import { ServerResponse } from 'node:http';
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

/**
 * The chunks of a body as they arrived. `for await` on the stream itself reads whatever is
 * buffered as one new Buffer (Readable.read() joins the chunks): a copy of every byte relayed
 * whenever the relay falls behind. `waiting` says how many chunks are queued, for batching writes.
 */
export class Chunks implements AsyncIterable<Buffer> {
  private queue: Buffer[] = [];
  private head = 0;
  private done = false;
  private failure?: Error;
  private wake?: () => void;

  constructor(
    private readonly stream: NodeJS.ReadableStream & { destroy(): void; isPaused(): boolean },
    private readonly most = 16,
  ) {
    const notify = () => {
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
    };
    stream.on('data', (chunk: Buffer) => {
      this.queue.push(chunk);
      if (this.queue.length - this.head >= this.most) stream.pause();
      notify();
    });
    stream.once('end', () => {
      this.done = true;
      notify();
    });
    stream.once('error', (err: Error) => {
      this.failure ??= err;
      notify();
    });
    stream.once('close', () => {
      if (!this.done) this.failure ??= Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
      notify();
    });
  }

  get waiting(): number {
    return this.queue.length - this.head;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    try {
      for (;;) {
        if (this.head < this.queue.length) {
          const chunk = this.queue[this.head++];
          if (this.head === this.queue.length) {
            this.queue = [];
            this.head = 0;
            if (this.stream.isPaused()) this.stream.resume();
          }
          yield chunk;
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.done) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      if (!this.done) this.stream.destroy();
    }
  }
}
