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
