/** The errors of the socket client's connections. */

/** A socket that stayed silent too long: while connecting, or waiting for headers or body bytes. */
export class SilenceError extends Error {
  readonly code = 'ETIMEDOUT';

  /** `connecting`: no connection was made at all (the host did not answer). */
  constructor(
    message: string,
    readonly connecting: boolean,
  ) {
    super(message);
  }
}

/** The request's signal aborted it (named as Node names aborts, so callers recognise it). */
export class AbortError extends Error {
  override readonly name = 'AbortError';
  readonly code = 'ABORT_ERR';
}

/** A kept connection failed before any byte of the answer: the server had closed it; the request is sent again on a new one. */
export class StaleConnection extends Error {}

/** The error of a silence of `ms`, while connecting ("no connection") or after ("no data"), in seconds as the user reads them. */
export function silence(what: 'no connection' | 'no data', ms: number): SilenceError {
  return new SilenceError(`${what} for ${Math.round(ms / 100) / 10} s`, what === 'no connection');
}
