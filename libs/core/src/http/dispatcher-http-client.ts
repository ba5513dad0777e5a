import type { Dispatcher } from 'undici';
import { createDispatcher } from './dispatcher';
import { AttemptError } from './download-file';
import type { ConnectionOptions, HttpClient, HttpRequest, HttpResponse } from './http-client';
import { describeProxy, proxyRoute } from './proxy-route';
import { isRetryableStatus } from './retry-policy';
import { noteBytesReceived } from './v8-tuning';

/** An undici dispatcher as a run's HTTP client (downloads through a proxy: see `createHttpClient`). */
export class DispatcherHttpClient implements HttpClient {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly env: NodeJS.ProcessEnv = {},
  ) {}

  async request(req: HttpRequest): Promise<HttpResponse> {
    const res = await this.dispatcher
      .request({
        origin: req.url.origin,
        path: `${req.url.pathname}${req.url.search}`,
        method: req.method,
        headers: req.headers,
        headersTimeout: req.readTimeoutMs,
        bodyTimeout: req.readTimeoutMs,
        signal: req.signal,
      })
      .catch((err: unknown) => {
        throw proxyRefusal(err, req.url, this.env) ?? err;
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
  return new DispatcherHttpClient(createDispatcher(options), options.env);
}

/**
 * undici's words (7.x) for a proxy that answered with something else than a tunnel (its CONNECT),
 * or with 407 to a request it forwards. The tunnel's error is named `AbortError`: read as such, a
 * proxy asking for credentials ended the run as if the user had pressed Ctrl-C.
 */
const TUNNEL_REFUSED = /^Proxy response \((\d{3})\) !== 200 when HTTP Tunneling$/;
const CREDENTIALS_WANTED = /^Proxy Authentication Required \(407\)$/;

/** A proxy's refusal of `url` as an attempt's failure that names the proxy, or undefined for any other error. */
function proxyRefusal(err: unknown, url: URL, env: NodeJS.ProcessEnv): AttemptError | undefined {
  const message = (err as { message?: unknown } | undefined)?.message;
  if (typeof message !== 'string') return undefined;
  const status = CREDENTIALS_WANTED.test(message) ? 407 : Number(TUNNEL_REFUSED.exec(message)?.[1] ?? 0);
  if (!status) return undefined;
  const route = proxyRoute(url.href, env);
  const proxy = route ? describeProxy(route) : 'the proxy';
  if (status === 407) return new AttemptError(`${proxy} wants credentials (HTTP 407)`, 'proxy', false, { status, cause: err });
  return new AttemptError(`${proxy} refused to connect to ${url.host} (HTTP ${status})`, 'proxy', isRetryableStatus(status), { status, cause: err });
}
