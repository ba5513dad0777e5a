import { ChecksumMismatch } from '../checksum/multi-hash';
import { DISK_HINT, fileSystemError, HermeticError, isFileSystemError } from '../errors';
import { AttemptError, DownloadAborted } from '../http/download-file';
import { Artifact, Lockfile } from '../lockfile/types';
import { wireUrl } from '../lockfile/url';
import { describeProxy, proxyRoute } from '../http/proxy-route';

/** An artifact as messages name it: its index in the lockfile and its file name. */
export function describe(a: Artifact): string {
  return `artifacts[${a.index}] (${a.filename})`;
}

/** Where an artifact's bytes are fetched from: the URL (a mirror's, maybe) and its credentials. */
export interface SourcedArtifact {
  artifact: Artifact;
  /** URL actually requested (after mirror rewriting, without fragment). */
  url: string;
  /** Credentials for `url`: lockfile auth on the artifact's own origin, else .netrc. Secret. */
  headers?: Record<string, string>;
}

/**
 * Any failure of a download as a HermeticError: interrupted, a failed attempt (through
 * `fromAttempt`, which knows what the caller can suggest), or a disk error; others unchanged.
 */
export function asHermeticError(err: unknown, label: string, fromAttempt: (e: AttemptError) => HermeticError): unknown {
  if (err instanceof HermeticError) return err;
  if (err instanceof DownloadAborted) return interrupted(label);
  if (err instanceof AttemptError) return fromAttempt(err);
  if (isFileSystemError(err)) {
    const known = fileSystemError(err);
    return new HermeticError(known.code, `${label}: ${known.message}`, { hints: known.hints, cause: err, reason: known.reason });
  }
  return err;
}

/** An artifact's download stopped by Ctrl-C or SIGTERM (or never started because of one). */
export function interrupted(label: string): HermeticError {
  return new HermeticError('Interrupted', `${label}: interrupted`, { reason: 'interrupted' });
}

/** A checksum mismatch of downloaded or stored bytes, with what to check and how to accept a new file. */
export function mismatchError(
  lockfile: Lockfile,
  p: SourcedArtifact,
  mismatches: ChecksumMismatch[],
  contentType?: string,
  updateCommand?: string,
): HermeticError {
  const a = p.artifact;
  const lines = mismatches.map((m) => `${m.algorithm} expected ${m.expected}, got ${m.actual}`);
  const hints = [`downloaded from ${p.url}; nothing was written to the output`];
  if (contentType && /text\/html/i.test(contentType)) {
    hints.push('the server answered with an HTML page: probably a login or error page, not the file; check the URL and auth');
  }
  const line = lockfile.checksumLine?.(a.index);
  const where = `${lockfile.path}${line ? ` line ${line}` : ''}`;
  hints.push(`if the new file is the one you want, update the checksum of ${describe(a)} in ${where}${updateCommand ? `, or run ${updateCommand}` : ''}`);
  return new HermeticError('ChecksumVerificationFailed', `${describe(a)}: checksum mismatch: ${lines.join('; ')}`, { hints });
}

/**
 * Where a download that took no connection was really going: the proxy it went through, when the
 * environment sends its URL through one (a proxy that is down refuses every artifact's connection,
 * and its address is what the error names, not the artifact's host).
 */
function proxyHint(url: string, env: NodeJS.ProcessEnv): string | undefined {
  const route = proxyRoute(url, env);
  return route && `this download went through ${describeProxy(route)}, as NO_PROXY does not name ${new URL(url).hostname}: check that the proxy is up`;
}

/**
 * Whose certificate was refused: the server's, or an https proxy's (the only TLS of a plain http
 * URL through it; either one's for an https URL), and how to trust a private authority.
 */
function certificateHint(url: string, env: NodeJS.ProcessEnv): string {
  const host = new URL(url).hostname;
  const trust = "if it comes from a private certificate authority, point NODE_EXTRA_CA_CERTS at that authority's certificate (PEM)";
  const route = proxyRoute(url, env);
  if (route && route.proxy.startsWith('https:')) {
    const proxy = describeProxy(route);
    const whose = url.startsWith('https:') ? `the certificate of ${proxy} or of ${host}` : `the certificate of ${proxy}`;
    return `${whose} is not trusted: ${trust}`;
  }
  return `the server's certificate is not trusted for ${host}: ${trust}; an expired certificate or one for another name is the server's to fix`;
}

/** A failed download as the user's error: what failed, and what would fix it (auth, size cap, URL, network). */
export function attemptToError(lockfile: Lockfile, p: SourcedArtifact, err: AttemptError, env: NodeJS.ProcessEnv = {}): HermeticError {
  const a = p.artifact;
  const via = p.url === wireUrl(a.url) ? '' : ` (mirror of ${a.url})`;
  const what = `${describe(a)}: cannot download ${p.url}${via}: ${err.message}`;
  // The attempt's own message names no artifact: downloads that failed alike share it.
  const reason = err.message;
  if (err.kind === 'disk') return new HermeticError('StorageError', `${describe(a)}: ${err.message}`, { hints: [DISK_HINT], reason });
  if (err.kind === 'auth') {
    const fix = p.headers
      ? `check the credentials used for ${new URL(p.url).host} (the 'auth' section of ${describe(a)}, or its ~/.netrc entry)`
      : `add an 'auth' section (lockfile version "2.0") to ${describe(a)} in ${lockfile.path}, or a ~/.netrc entry for ${new URL(p.url).hostname}`;
    return new HermeticError('AuthenticationFailed', what, { hints: [fix], reason });
  }
  if (err.kind === 'proxy') {
    const host = new URL(p.url).hostname;
    const fix =
      err.extra.status === 407
        ? 'put the credentials the proxy takes in its variable (http://user:password@host:port, the password URL-encoded), or check the ones there'
        : `the proxy's rules may not allow ${host}: ask for it to be allowed, or name ${host} in NO_PROXY if it can be reached directly`;
    return new HermeticError('FetchError', what, { hints: [fix], cause: err, reason });
  }
  if (err.kind === 'certificate') return new HermeticError('FetchError', what, { hints: [certificateHint(p.url, env)], cause: err, reason });
  if (err.kind === 'limit') {
    return new HermeticError('FetchError', what, {
      hints: [`if ${describe(a)} really is that large, raise the cap; otherwise the server sends something else than the lockfile expects`],
      reason,
    });
  }
  const proxy = err.kind === 'network' ? proxyHint(p.url, env) : undefined;
  const hints =
    err.extra.status !== undefined && err.extra.status < 500
      ? [via ? `check the mirror rules, or fix the URL of ${describe(a)} in ${lockfile.path}` : `fix the URL of ${describe(a)} in ${lockfile.path}`]
      : [
          ...(proxy ? [proxy] : []),
          'check the network, proxy settings (HTTPS_PROXY, NO_PROXY) and that the host is up; the download is retried on transient errors',
        ];
  return new HermeticError('FetchError', what, { hints, cause: err, reason });
}
