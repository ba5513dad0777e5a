import { AttemptError, errorCode } from '../http/download-file';
import { describeProxy, proxyRoute } from '../http/proxy-route';
import { SilenceError } from '../http/socket-client/errors';

/** Codes of a connection that was never made: no such host, nobody listening, no route. */
const NO_CONNECTION = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'UND_ERR_CONNECT_TIMEOUT']);

/** Whether a download's final failure is that its host never took a connection. */
function neverConnected(err: unknown): boolean {
  if (!(err instanceof AttemptError) || err.kind !== 'network') return false;
  const cause = err.extra.cause;
  // A connect timeout of the socket client: the host did not answer at all.
  return NO_CONNECTION.has(errorCode(cause) ?? '') || (cause instanceof SilenceError && cause.connecting);
}

/**
 * The hosts of a run that took no connection in every attempt of a download: the other artifacts
 * they serve fail at once, naming the first failure, instead of each retrying with backoff (~12 s
 * an artifact with the default policy: a lockfile of 200 artifacts on a host that is down took
 * minutes to say so; 10,000, hours). Downloads already under way finish their own attempts. A
 * download through a proxy connects to the proxy, not its URL's host: a proxy that is down is one
 * such host for every URL behind it (keyed by origin, each origin behind it spent a round of
 * retries first).
 */
export class UnreachableHosts {
  private readonly down = new Map<string, string>();

  constructor(private readonly env: NodeJS.ProcessEnv = {}) {}

  /** Fails a download to a host already found down, without trying. */
  check(url: string): void {
    const host = this.hostOf(url);
    const reason = this.down.get(host);
    if (reason !== undefined) throw new AttemptError(`not tried: ${host} took no connection for an earlier artifact (${reason})`, 'network', false);
  }

  /** Takes note of a download's final failure: its host is down when it never took a connection. */
  note(url: string, err: unknown): void {
    if (!neverConnected(err)) return;
    const host = this.hostOf(url);
    if (!this.down.has(host)) this.down.set(host, (err as Error).message);
  }

  /** What a download of `url` connects to: the proxy it goes through, else its origin. */
  private hostOf(url: string): string {
    const route = proxyRoute(url, this.env);
    return route ? describeProxy(route) : new URL(url).origin;
  }
}
