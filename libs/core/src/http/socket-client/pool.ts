import type { SecureContext } from 'node:tls';
import { Connection, Home, TlsOptions } from './connection';
import { AbortError } from './errors';

/** The connections to one origin: at most `max`, idle ones reused most recent first. */
export class Pool implements Home {
  private readonly idle: Connection[] = [];
  /** Connections carrying a request. */
  private busy = 0;
  private readonly waiting: Array<(connection: Connection | undefined) => void> = [];
  /** The last TLS session the origin gave (https). */
  private session?: Buffer;

  constructor(
    private readonly url: URL,
    private readonly max: number,
    private readonly connectTimeoutMs: number,
    private readonly secureContext: () => SecureContext | undefined,
  ) {}

  /** A connection for one request: an idle one, a new one, or the next one released. */
  async acquire(signal?: AbortSignal): Promise<Connection> {
    for (;;) {
      const idle = this.idle.pop();
      if (!idle) break;
      if (idle.alive) {
        this.busy++;
        return idle;
      }
    }
    if (this.busy < this.max) {
      this.busy++;
      return this.openCounted();
    }
    const connection = await new Promise<Connection | undefined>((resolve, reject) => {
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(wake), 1);
        reject(new AbortError('the request was aborted', { cause: signal?.reason }));
      };
      const wake = (c: Connection | undefined) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(c);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(wake);
    });
    // Handed over by the request before (busy stays counted), or its slot to open a new one.
    return connection ?? this.openCounted();
  }

  private openCounted(): Connection {
    const tls: TlsOptions =
      this.url.protocol === 'https:'
        ? { secureContext: this.secureContext(), session: this.session, onSession: (s) => (this.session = s) }
        : { onSession: () => undefined };
    return new Connection(this.url, this, this.connectTimeoutMs, tls);
  }

  release(connection: Connection, reusable: boolean): void {
    const next = this.waiting.shift();
    if (next) return next(reusable ? connection : undefined);
    this.busy--;
    if (reusable) this.idle.push(connection);
  }

  forget(connection: Connection): void {
    const at = this.idle.indexOf(connection);
    if (at >= 0) this.idle.splice(at, 1);
  }

  destroy(): void {
    for (const connection of this.idle.splice(0)) connection.close();
  }
}
