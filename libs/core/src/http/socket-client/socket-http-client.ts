import type { SecureContext } from 'node:tls';
import type { ConnectionOptions, HttpClient, HttpRequest, HttpResponse } from '../http-client';
import type { Connection } from './connection';
import { AbortError, StaleConnection } from './errors';
import { FIELD_VALUE, TOKEN } from '../response-parser';
import { Pool } from './pool';

/** The request line and headers, refusing a header that would break the message (a CR or LF in a value from the environment). */
function requestHead(req: HttpRequest): string {
  let head = `${req.method} ${req.url.pathname}${req.url.search} HTTP/1.1\r\n`;
  const headers: Record<string, string> = { host: req.url.host, ...req.headers };
  for (const [name, value] of Object.entries(headers)) {
    // The value is not named: it may be a credential.
    if (!TOKEN.test(name) || !FIELD_VALUE.test(value))
      throw new TypeError(`invalid HTTP header ${JSON.stringify(name)} (a control character or line break in its name or value)`);
    head += `${name}: ${value}\r\n`;
  }
  return `${head}\r\n`;
}

/**
 * HTTP/1.1 over Node's sockets, for downloads without a proxy: keep-alive connections, at most
 * `connections` per origin, each reading into its own reused buffer (see `Connection`) and
 * handing the bytes straight to the reader, who writes and hashes them before the next read. A
 * request fails when its connection takes longer than the connect timeout to be made, or stays
 * silent longer than the read timeout (for the headers, then between reads); a kept connection the
 * server closed meanwhile is replaced, transparently (requests are GET or HEAD). `Exchange` is one
 * request and its response, `Pool` the connections of one origin.
 */
export class SocketHttpClient implements HttpClient {
  private readonly pools = new Map<string, Pool>();
  private readonly all = new Set<Connection>();
  private secureContext?: SecureContext;

  /** `secureContext`: the trust context to use instead of Node's default one, made when first needed. */
  constructor(private readonly settings: ConnectionOptions & { secureContext?: () => SecureContext }) {}

  async request(req: HttpRequest): Promise<HttpResponse> {
    const pool = this.poolOf(req.url);
    const head = requestHead(req);
    // Until a connection answers: a kept one found closed is dropped, and the next one tried (a new one never fails so).
    for (;;) {
      if (req.signal?.aborted) throw new AbortError('the request was aborted', { cause: req.signal.reason });
      const connection = await pool.acquire(req.signal);
      this.track(connection);
      try {
        return await connection.send(req, head);
      } catch (err) {
        if (!(err instanceof StaleConnection)) throw err;
      }
    }
  }

  async destroy(): Promise<void> {
    for (const pool of this.pools.values()) pool.destroy();
    for (const connection of this.all) connection.close();
    this.all.clear();
  }

  private track(connection: Connection): void {
    if (this.all.has(connection)) return;
    this.all.add(connection);
    connection.socket.once('close', () => this.all.delete(connection));
  }

  private poolOf(url: URL): Pool {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`unsupported URL scheme ${url.protocol}`);
    const key = `${url.protocol}//${url.host}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new Pool(new URL(key), this.settings.connections, this.settings.connectTimeoutMs, () => (this.secureContext ??= this.settings.secureContext?.()));
      this.pools.set(key, pool);
    }
    return pool;
  }
}
