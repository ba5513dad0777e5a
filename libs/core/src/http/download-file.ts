import { closeSync, ftruncateSync, open, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { Algorithm } from '../checksum/algorithms';
import { MultiHash } from '../checksum/multi-hash';
import type { HttpClient, HttpRequest, HttpResponse } from './http-client';
import { backoffDelay, isRetryableStatus, MAX_ARTIFACT_SIZE_ENV, parseRetryAfter, RetryPolicy, sleep } from './retry-policy';

/** `open` on the thread pool, returning a plain descriptor (a FileHandle is more than the synchronous writes need). */
const openFile = promisify(open);

/** Why one attempt failed, and whether another attempt may help. */
export class AttemptError extends Error {
  constructor(
    message: string,
    readonly kind: 'http' | 'auth' | 'proxy' | 'network' | 'redirect' | 'truncated' | 'disk' | 'limit' | 'certificate',
    readonly retryable: boolean,
    readonly extra: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
  }
}

/** Raised when a download was aborted (Ctrl-C); the temporary file is removed by the caller. */
export class DownloadAborted extends Error {}

export interface DownloadRequest {
  /** URL to fetch (without fragment). */
  url: string;
  /** Headers for the artifact's own origin only (credentials); dropped on a redirect to another origin. */
  originHeaders?: Readonly<Record<string, string>>;
  /** File to write; created or truncated. */
  destination: string;
  /** Digests to compute while writing. */
  algorithms: readonly Algorithm[];
  signal?: AbortSignal;
  /** Called as bytes arrive: bytes so far, and the total when the server said it. */
  onProgress?: (received: number, total: number | undefined) => void;
  /** Called before a retry, with the reason and the delay. */
  onRetry?: (attempt: number, reason: string, delayMs: number) => void;
}

export interface DownloadResult {
  size: number;
  digests: Map<Algorithm, string>;
  contentType?: string;
  /** The URL the bytes finally came from, after redirects. */
  finalUrl: string;
  attempts: number;
}

const USER_AGENT = 'hermetic (+https://github.com/hermetic)';
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function header(headers: HttpResponse['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Whether a failure is the run being stopped (Ctrl-C): its signal, not the error's name (undici
 * names other failures `AbortError` too, such as a proxy refusing a tunnel).
 */
function isAbort(signal?: AbortSignal): boolean {
  return !!signal?.aborted;
}

/**
 * `client.request` with a hard deadline for the response headers. The clients' own timeouts are
 * per silence; this one bounds the whole wait, whatever a server or proxy does (a proxy that drops
 * the CONNECT tunnel makes undici 7 reconnect forever: nodejs/undici #3897, fixed only in undici 8,
 * which needs Node 22).
 */
async function requestWithDeadline(
  client: HttpClient,
  request: Omit<HttpRequest, 'signal'>,
  signal: AbortSignal | undefined,
  deadlineMs: number,
): Promise<HttpResponse> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new AttemptError(`no response within ${Math.round(deadlineMs / 1000)} s`, 'network', true);
      controller.abort(err);
      reject(err);
    }, deadlineMs);
  });
  try {
    return await Promise.race([client.request({ ...request, signal: controller.signal }), deadline]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Sends the request (GET unless told), following redirects (bounded, no https→http downgrade, no
 * loops, credentials kept on their origin); the caller reads or dumps the final body.
 */
export async function openResponse(
  client: HttpClient,
  start: string,
  req: Pick<DownloadRequest, 'originHeaders' | 'signal'>,
  extra: Record<string, string>,
  policy: Pick<RetryPolicy, 'readTimeoutMs' | 'connectTimeoutMs' | 'maxRedirects'>,
  method: 'GET' | 'HEAD' = 'GET',
): Promise<{ res: HttpResponse; url: URL }> {
  let url = new URL(start);
  const home = url.origin;
  const visited = new Set<string>([url.href]);
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = {
      'user-agent': USER_AGENT,
      // The checksum is over the bytes the URL serves: never let a transfer encoding rewrite them.
      'accept-encoding': 'identity',
      ...(url.origin === home ? req.originHeaders : {}),
      ...extra,
    };
    const res = await requestWithDeadline(
      client,
      { url, method, headers, readTimeoutMs: policy.readTimeoutMs },
      req.signal,
      policy.connectTimeoutMs + policy.readTimeoutMs,
    );
    const location = header(res.headers, 'location');
    if (!REDIRECTS.has(res.statusCode) || !location) return { res, url };
    await res.dump();
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new AttemptError(`redirect to an invalid URL '${location}'`, 'redirect', false);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new AttemptError(`redirect to unsupported URL scheme ${next.protocol}`, 'redirect', false);
    }
    if (url.protocol === 'https:' && next.protocol === 'http:') {
      throw new AttemptError(`refused redirect from https to plain http (${next.href})`, 'redirect', false);
    }
    if (visited.has(next.href)) throw new AttemptError(`redirect loop at ${next.href}`, 'redirect', false);
    if (hop + 1 > policy.maxRedirects) throw new AttemptError(`more than ${policy.maxRedirects} redirects`, 'redirect', false);
    visited.add(next.href);
    url = next;
  }
}

/** Classifies a non-success status into an attempt error. */
function statusError(res: HttpResponse, url: URL, hadCredentials: boolean): AttemptError {
  const status = res.statusCode;
  const where = `HTTP ${status} from ${url.host}`;
  if (status === 401 || status === 403) {
    const why = hadCredentials ? 'the credentials were refused' : 'the server wants credentials';
    return new AttemptError(`${where}: ${why}`, 'auth', false, { status });
  }
  if (isRetryableStatus(status)) {
    return new AttemptError(where, 'http', true, { status, retryAfterMs: parseRetryAfter(res.headers['retry-after']) });
  }
  return new AttemptError(status === 404 ? `${where}: not found` : where, 'http', false, { status });
}

/** The error for an artifact over the size cap: what to raise, and where. */
function tooLarge(size: string, policy: RetryPolicy): AttemptError {
  return new AttemptError(
    `the artifact is ${size}, over the ${policy.maxArtifactBytes}-byte limit (raise it with the maxArtifactSize option, --max-artifact-size or ${MAX_ARTIFACT_SIZE_ENV})`,
    'limit',
    false,
  );
}

/**
 * Fails a transfer that stays below `minBytesPerSecond` on average over a whole `rateWindowMs`
 * (checked as chunks arrive; a transfer with no chunks at all is the read timeout's job).
 */
function rateGuard(policy: RetryPolicy, now: () => number = Date.now): (bytes: number) => void {
  let windowStart = now();
  let windowBytes = 0;
  return (bytes) => {
    windowBytes += bytes;
    const elapsed = now() - windowStart;
    if (elapsed < policy.rateWindowMs) return;
    const rate = (windowBytes * 1000) / elapsed;
    if (rate < policy.minBytesPerSecond) {
      throw new AttemptError(
        `too slow: ${Math.round(rate)} bytes/s over ${Math.round(elapsed / 1000)} s, below the ${policy.minBytesPerSecond} bytes/s minimum`,
        'network',
        true,
      );
    }
    windowStart = now();
    windowBytes = 0;
  };
}

/**
 * OpenSSL's and Node's codes for a server certificate that is not trusted or does not fit the host:
 * a retry gets the same certificate, so it is not retried.
 */
const CERTIFICATE_ERRORS = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

/** The code of an error or of its causes, as Node's and undici's errors carry it. */
export function errorCode(err: unknown): string | undefined {
  const e = err as { code?: string; cause?: { code?: string; cause?: { code?: string } } } | undefined;
  return e?.code ?? e?.cause?.code ?? e?.cause?.cause?.code;
}

/**
 * An attempt's failure that is not one already: a refused certificate (final), a request that
 * cannot be made at all (a TypeError, such as a URL scheme no client speaks: final), or a network
 * error (retried).
 */
function networkFailure(err: unknown): AttemptError {
  const certificate = CERTIFICATE_ERRORS.has(errorCode(err) ?? '');
  return new AttemptError(describeNetworkError(err), certificate ? 'certificate' : 'network', !certificate && !(err instanceof TypeError), { cause: err });
}

function describeNetworkError(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string } };
  const code = errorCode(err);
  const message = e.cause?.message ?? e.message ?? String(err);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/**
 * Bytes gathered before each write: writes of this size cost a fraction of one per network chunk
 * (~64 KiB), and memory stays this much per download whatever the file size.
 */
const WRITE_BUFFER_BYTES = 256 << 10;

/**
 * Write buffers of finished downloads, for the next ones. A buffer per download is 256 KiB that
 * only a garbage collection frees: 200 downloads left ~50 MiB waiting. Kept up to a run's usual
 * concurrency, so memory is bounded by how many downloads run at once, not by how many there are.
 */
const spareWriteBuffers: Buffer[] = [];
const MAX_SPARE_WRITE_BUFFERS = 16;

function takeWriteBuffer(): Buffer {
  return spareWriteBuffers.pop() ?? Buffer.allocUnsafeSlow(WRITE_BUFFER_BYTES);
}

function giveBackWriteBuffer(buffer: Buffer): void {
  if (spareWriteBuffers.length < MAX_SPARE_WRITE_BUFFERS) spareWriteBuffers.push(buffer);
}

/**
 * The file being written and what is known about it across attempts. Body chunks are gathered in
 * one fixed buffer and written at explicit offsets; `written` and the hash cover exactly the bytes
 * in the file, so a resume asks for the rest of what is on disk.
 *
 * Writes are synchronous, as curl's are: a write into the page cache takes microseconds (256 KiB
 * at ~3 GB/s), less than handing it to libuv's thread pool and back, which cost a wake-up of
 * another thread per write and twice the system CPU (A/B of the compiled CLI, medians of 6:
 * 4 x 128 MiB 1.82 -> 1.54 s, one 512 MiB file 2.20 -> 1.34 s, 200 x 1 MiB 1.25 -> 1.06 s with
 * the lazy trust context). Writing while the next buffer fills, on the thread pool, was slower.
 * A disk that blocks holds up the other downloads, as it would hold up their writes anyway.
 */
class PartialFile {
  hash: MultiHash;
  written = 0;
  /** The ETag or Last-Modified of the bytes so far, when the server lets them be resumed. */
  validator: string | undefined;
  readonly buffer = takeWriteBuffer();
  private filled = 0;

  constructor(
    private readonly fd: number,
    private readonly algorithms: readonly Algorithm[],
  ) {
    this.hash = new MultiHash(algorithms);
  }

  /** Headers that ask for the rest of the file, when there is a part worth resuming. */
  resumeHeaders(): Record<string, string> | undefined {
    return this.written > 0 && this.validator ? { range: `bytes=${this.written}-`, 'if-range': this.validator } : undefined;
  }

  /** Takes the next bytes of the body, writing whenever the buffer is full. */
  append(chunk: Buffer): void {
    if (this.filled === 0 && chunk.length >= this.buffer.length) return this.writeOut(chunk);
    for (let offset = 0; offset < chunk.length;) {
      const n = chunk.copy(this.buffer, this.filled, offset);
      this.filled += n;
      offset += n;
      if (this.filled === this.buffer.length) this.flush();
    }
  }

  /** Writes what the buffer holds. */
  flush(): void {
    if (!this.filled) return;
    this.writeOut(this.buffer.subarray(0, this.filled));
    this.filled = 0;
  }

  /** Hashes `data` (while it is written: a failed write fails the download) and appends it to the file. */
  private writeOut(data: Buffer): void {
    this.hash.update(data);
    for (let done = 0; done < data.length;) {
      done += writeSync(this.fd, data, done, data.length - done, this.written + done);
    }
    this.written += data.length;
  }

  /** Drops what was written: the next bytes are the file's first. */
  reset(): void {
    this.filled = 0;
    if (this.written === 0) return;
    ftruncateSync(this.fd, 0);
    this.hash = new MultiHash(this.algorithms);
    this.written = 0;
  }
}

/**
 * Checks a response before its body is read: a resume must continue where the file stops, a full
 * body starts the file over and must fit the cap, anything else is an attempt error. Returns the
 * file's total size when the server says it.
 */
async function acceptResponse(
  res: HttpResponse,
  url: URL,
  part: PartialFile,
  resumed: boolean,
  req: DownloadRequest,
  policy: RetryPolicy,
): Promise<number | undefined> {
  if (res.statusCode === 206 && resumed) {
    const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header(res.headers, 'content-range') ?? '');
    if (!range || Number(range[1]) !== part.written) {
      await res.dump();
      throw new AttemptError('server answered the resume with a different range', 'truncated', true);
    }
    return range[2] === '*' ? undefined : Number(range[2]);
  }
  if (res.statusCode >= 200 && res.statusCode < 300 && res.statusCode !== 206) {
    // Full body again (first attempt, server ignored Range, or the file changed): start over.
    onDisk(req, () => part.reset());
    const length = header(res.headers, 'content-length');
    const total = length === undefined ? undefined : Number(length);
    if (total !== undefined && total > policy.maxArtifactBytes) {
      const error = tooLarge(`${total} bytes (Content-Length)`, policy);
      res.cancel(error);
      throw error;
    }
    return total;
  }
  await res.dump().catch(() => undefined);
  throw statusError(res, url, !!req.originHeaders && url.origin === new URL(req.url).origin);
}

/** Runs a write, turning its failure into the attempt error that says so (not retried: the disk will not heal). */
function onDisk(req: DownloadRequest, write: () => void): void {
  try {
    write();
  } catch (err) {
    throw new AttemptError(`cannot write ${req.destination}: ${(err as Error).message}`, 'disk', false, { cause: err });
  }
}

/**
 * Streams the body into the file (hashing it as it is written), within the size cap and the
 * minimum rate. When the body is cut short, what arrived is kept, so a resume continues after it.
 */
async function receiveBody(res: HttpResponse, part: PartialFile, total: number | undefined, req: DownloadRequest, policy: RetryPolicy): Promise<void> {
  const canResume = header(res.headers, 'accept-ranges') === 'bytes' || res.statusCode === 206;
  part.validator = canResume ? (header(res.headers, 'etag') ?? header(res.headers, 'last-modified')) : undefined;
  req.onProgress?.(part.written, total);
  const checkRate = rateGuard(policy);
  let received = part.written;
  // Ctrl-C stops the body at once, even one that sends nothing.
  const onAbort = () => res.cancel(Object.assign(new Error('download aborted'), { name: 'AbortError' }));
  req.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (req.signal?.aborted) onAbort();
    // Each piece is written (or copied into the write buffer) before the client reads the next.
    await res.receive((chunk) => {
      // Counted before the bytes are written: over the cap, nothing more reaches the disk.
      if (received + chunk.length > policy.maxArtifactBytes) throw tooLarge(`over ${policy.maxArtifactBytes} bytes and still sending`, policy);
      checkRate(chunk.length);
      received += chunk.length;
      req.onProgress?.(received, total);
      onDisk(req, () => part.append(chunk));
    });
    onDisk(req, () => part.flush());
  } catch (err) {
    if (isAbort(req.signal) || err instanceof AttemptError) throw err;
    onDisk(req, () => part.flush());
    throw new AttemptError(`body cut short after ${part.written} bytes (${describeNetworkError(err)})`, 'truncated', true, { cause: err });
  } finally {
    req.signal?.removeEventListener('abort', onAbort);
  }
  if (total !== undefined && part.written !== total) {
    throw new AttemptError(`body cut short: got ${part.written} of ${total} bytes`, 'truncated', true);
  }
}

/**
 * After a failed attempt: the delay before the next one, or the failure itself (thrown) when no
 * attempt is left, it cannot help, or the server asks for a longer wait than the policy allows.
 * A part that cannot be resumed safely is dropped.
 */
async function retryDelay(failure: AttemptError, attempt: number, part: PartialFile, req: DownloadRequest, policy: RetryPolicy): Promise<number> {
  if (!failure.retryable || attempt >= policy.attempts) {
    if (attempt > 1) failure.message = `${failure.message} (after ${attempt} attempts)`;
    throw failure;
  }
  // Without a validator a resumed body could mix two versions of the file: start over.
  if (failure.kind !== 'truncated' || !part.validator) onDisk(req, () => part.reset());
  const retryAfter = failure.extra.retryAfterMs;
  if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs) {
    failure.message = `${failure.message}; the server asked to retry after ${Math.round(retryAfter / 1000)} s, more than the ${Math.round(policy.maxRetryAfterMs / 1000)} s limit`;
    throw failure;
  }
  return Math.max(backoffDelay(attempt, policy), retryAfter ?? 0);
}

/**
 * Downloads one URL into `destination`, hashing the bytes as they are written (constant memory).
 * Retries connection errors, 408, 429 and 5xx (honouring `Retry-After`) and bodies cut short, which
 * resume with `Range` when the server allows it. Never decodes `Content-Encoding`. Does not verify:
 * the caller compares the digests and decides where the file goes.
 */
export async function downloadFile(req: DownloadRequest, client: HttpClient, policy: RetryPolicy): Promise<DownloadResult> {
  // Opened on the thread pool, unlike the writes: creating a file allocates an inode, ~0.5 ms of
  // the kernel's time each in a fresh store here (100 ms of a 200-file fetch's main thread).
  const fd = await openFile(req.destination, 'w').catch((err: Error) => {
    throw new AttemptError(`cannot create ${req.destination}: ${err.message}`, 'disk', false, { cause: err });
  });
  const part = new PartialFile(fd, req.algorithms);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const resume = part.resumeHeaders();
        const { res, url } = await openResponse(client, req.url, req, resume ?? {}, policy);
        const total = await acceptResponse(res, url, part, !!resume, req, policy);
        await receiveBody(res, part, total, req, policy);
        return { size: part.written, digests: part.hash.digests(), contentType: header(res.headers, 'content-type'), finalUrl: url.href, attempts: attempt };
      } catch (err) {
        if (isAbort(req.signal)) throw new DownloadAborted('download aborted');
        const failure = err instanceof AttemptError ? err : networkFailure(err);
        const delay = await retryDelay(failure, attempt, part, req, policy);
        req.onRetry?.(attempt, failure.message, delay);
        await sleep(delay, req.signal).catch(() => {
          throw new DownloadAborted('download aborted');
        });
      }
    }
  } finally {
    closeSync(fd);
    // Every write has finished (each is synchronous): nothing refers to the buffer any more.
    giveBackWriteBuffer(part.buffer);
  }
}
