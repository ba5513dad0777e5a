/** The errors of the socket client's connections. */

/** A socket that stayed silent too long: while connecting, or waiting for headers or body bytes. */
export class SilenceError extends Error {
  readonly code = 'ETIMEDOUT';
}

/** The request's signal aborted it (named as Node names aborts, so callers recognise it). */
export class AbortError extends Error {
  override readonly name = 'AbortError';
  readonly code = 'ABORT_ERR';
}

/** A kept connection failed before any byte of the answer: the server had closed it; the request is sent again on a new one. */
export class StaleConnection extends Error {}

/** The error of a silence of `ms` while `what` ("no connection", "no data"), in seconds as the user reads them. */
export function silence(what: string, ms: number): SilenceError {
  return new SilenceError(`${what} for ${Math.round(ms / 100) / 10} s`);
}
