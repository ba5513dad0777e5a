import type { Dispatcher } from 'undici';
import { createDispatcher } from './dispatcher';
import type { ConnectionOptions, HttpClient, HttpRequest, HttpResponse } from './http-client';
import { noteBytesReceived } from './v8-tuning';

/** An undici dispatcher as a run's HTTP client (downloads through a proxy: see `createHttpClient`). */
export class DispatcherHttpClient implements HttpClient {
  constructor(private readonly dispatcher: Dispatcher) {}

  async request(req: HttpRequest): Promise<HttpResponse> {
    const res = await this.dispatcher.request({
      origin: req.url.origin,
      path: `${req.url.pathname}${req.url.search}`,
      method: req.method,
      headers: req.headers,
      headersTimeout: req.readTimeoutMs,
      bodyTimeout: req.readTimeoutMs,
      signal: req.signal,
    });
    return {
      statusCode: res.statusCode,
      headers: res.headers,
      receive: async (onChunk) => {
        // Leaving the loop (onChunk threw) destroys the body. Every chunk is a fresh buffer: garbage
        // that only a collection frees (see noteBytesReceived).
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          noteBytesReceived(chunk.length);
          onChunk(chunk);
        }
      },
      dump: () => res.body.dump(),
      cancel: (reason) => res.body.destroy(reason),
    };
  }

  async destroy(): Promise<void> {
    await this.dispatcher.destroy();
  }
}

/** The run's client through the proxy that `env` names: undici's proxy agent (CONNECT, `NO_PROXY`). */
export function createProxyHttpClient(options: ConnectionOptions & { env: NodeJS.ProcessEnv }): HttpClient {
  return new DispatcherHttpClient(createDispatcher(options));
}
