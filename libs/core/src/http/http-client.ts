import type { IncomingHttpHeaders } from 'node:http';
import { hasProxy, lazyTrustContext } from './environment';
import { SocketHttpClient } from './socket-client/socket-http-client';

/** One request as downloads send it: no body, redirects not followed (the caller follows them). */
export interface HttpRequest {
  url: URL;
  method: 'GET' | 'HEAD';
  headers: Record<string, string>;
  /** Longest silence allowed while waiting for the headers and between body chunks. */
  readTimeoutMs: number;
  signal?: AbortSignal;
}

/** A response whose headers have arrived; its body is read (or discarded) by the caller. */
export interface HttpResponse {
  statusCode: number;
  /** Header names in lower case; a repeated header is an array or joined, as Node does. */
  headers: IncomingHttpHeaders;
  /**
   * Reads the body to its end, handing each piece to `onChunk` as it arrives. A piece is valid
   * only during the call (the client may read the next bytes into the same memory): use or copy it
   * before returning. Rejects when the body breaks off, stays silent longer than the read timeout,
   * or the request is aborted; what `onChunk` throws stops the body (its connection is closed) and
   * rejects with it. Called once, or `dump` instead.
   */
  receive(onChunk: (chunk: Buffer) => void): Promise<void>;
  /** Discards the body: a short one is read out so its connection can serve the next request. */
  dump(): Promise<void>;
  /** Stops the body where it is and closes its connection; a pending `receive` rejects with `reason`. */
  cancel(reason: Error): void;
}

/** The keep-alive connections of a run, shared by all of its requests. */
export interface HttpClient {
  request(req: HttpRequest): Promise<HttpResponse>;
  /** Ends every connection at once, idle or not (nothing must hold a finished run open). */
  destroy(): Promise<void>;
}

/** Connection settings shared by every download of a run. */
export interface ConnectionOptions {
  /** Most connections per origin; the run's concurrency. */
  connections: number;
  connectTimeoutMs: number;
  /** Environment to read proxy and CA variables from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Creates the HTTP client of a run. Without a proxy in the environment it is Hermetic's own
 * HTTP/1.1 over Node's sockets (`SocketHttpClient`: each connection reads into one reused buffer and
 * hands the bytes straight to the file and the hashes), and undici is not loaded (no WebAssembly
 * parser and its memory). With `HTTP_PROXY`/`HTTPS_PROXY` (either case) it is undici's proxy agent,
 * which tunnels with CONNECT and honours `NO_PROXY`.
 */
export function createHttpClient(options: ConnectionOptions): HttpClient {
  const env = options.env ?? process.env;
  if (!hasProxy(env)) return new SocketHttpClient({ ...options, secureContext: lazyTrustContext(env) });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- undici is loaded only for a proxy
  const { createProxyHttpClient } = require('./dispatcher-http-client') as typeof import('./dispatcher-http-client');
  return createProxyHttpClient({ ...options, env });
}
