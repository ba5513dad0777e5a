import { Agent as HttpAgent, ClientRequest, IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { ConnectionOptions, HttpClient, HttpRequest, HttpResponse } from './http-client';

/** A body up to this size is read out by `dump` so its connection is kept; a longer one is cut. */
const DUMP_READ_LIMIT = 128 << 10;

/** A socket that stayed silent too long: while connecting, or waiting for headers or body bytes. */
export class SilenceError extends Error {
  readonly code = 'ETIMEDOUT';
}

/**
 * HTTP(S) with Node's own client: keep-alive agents, one per scheme, with at most `connections`
 * sockets per origin. A request fails when its socket takes longer than the connect timeout to
 * connect, or stays silent longer than the read timeout (for the headers, then between chunks).
 */
export class NodeHttpClient implements HttpClient {
  private readonly http: HttpAgent;
  /** Made with the first https request: its trust context costs ~45 ms of CPU to build. */
  private https: HttpsAgent | undefined;

  /** `secureContext`: the trust context to use instead of Node's default one, made when first needed. */
  constructor(private readonly settings: ConnectionOptions & { secureContext?: () => SecureContext }) {
    this.http = new HttpAgent(this.agentOptions());
  }

  private agentOptions() {
    return { keepAlive: true, maxSockets: this.settings.connections, scheduling: 'lifo' as const };
  }

  private httpsAgent(): HttpsAgent {
    return (this.https ??= this.newHttpsAgent());
  }

  private newHttpsAgent(): HttpsAgent {
    // A context made once (see trustContext), never `ca`: the agent names its pool after its TLS options.
    const secureContext = this.settings.secureContext?.();
    return new HttpsAgent({ ...this.agentOptions(), ...(secureContext ? { secureContext } : {}) });
  }

  request(req: HttpRequest): Promise<HttpResponse> {
    const secure = req.url.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const agent = secure ? this.httpsAgent() : this.http;
      const out = send(req.url, { method: req.method, headers: req.headers, agent, signal: req.signal });
      out.on('error', reject);
      out.on('socket', (socket) => this.watchConnect(out, socket as Socket));
      out.setTimeout(req.readTimeoutMs, () => {
        const err = silence('no data', req.readTimeoutMs);
        // After the headers the body is what is waiting: it must fail with the reason, not "aborted".
        const res = (out as ClientRequest & { res?: IncomingMessage }).res;
        if (res && !res.complete) res.destroy(err);
        else out.destroy(err);
      });
      out.on('response', (res: IncomingMessage) => resolve(asResponse(res)));
      out.end();
    });
  }

  /** Fails the request when a new socket takes longer than the connect timeout to connect. */
  private watchConnect(out: ClientRequest, socket: Socket): void {
    if (!socket.connecting) return;
    const ms = this.settings.connectTimeoutMs;
    const timer = setTimeout(() => out.destroy(silence('no connection', ms)), ms);
    const stop = () => clearTimeout(timer);
    socket.once('connect', stop).once('close', stop);
  }

  async destroy(): Promise<void> {
    this.http.destroy();
    this.https?.destroy();
  }
}

function silence(what: string, ms: number): SilenceError {
  return new SilenceError(`${what} for ${Math.round(ms / 100) / 10} s`);
}

function asResponse(res: IncomingMessage): HttpResponse {
  // A body that fails before its reader starts must not crash the process; the reader sees it.
  res.on('error', () => undefined);
  return {
    statusCode: res.statusCode ?? 0,
    headers: res.headers,
    body: res,
    dump: () => dump(res),
  };
}

/**
 * Reads out a body that is short or already whole, so its connection goes back to the pool (a
 * socket returns only once its response has been read to the end: one left unread, a HEAD's or a
 * redirect's empty body included, holds its socket for good); destroys a long or unknown one.
 */
function dump(res: IncomingMessage): Promise<void> {
  if (res.readableEnded || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    res.once('end', resolve).once('close', resolve).once('error', resolve);
    if (res.complete || Number(res.headers['content-length']) <= DUMP_READ_LIMIT) res.resume();
    else res.destroy();
  });
}
