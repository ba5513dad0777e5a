import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import type { Dispatcher } from 'undici';
import { streamHash } from '@hermetic/core';
import { checksumFileInspector } from '../inspect/checksum-files';
import { Inspections, inspectRequest, inspectResponse, requestAllowed, resultOf, verdictNeedsContent } from '../inspect/inspectors';
import { packageMetadataOf } from '../inspect/package-locks';
import { InspectedRequest } from '../inspect/types';
import { Download, Session } from '../sessions/session';
import { secretHeader } from '../sessions/secrets';
import { canonicalUrl, reportedUrl } from '../url';
import { endToEnd, reportHeaders } from './headers';
import { NO_SPOOL, openSpool, Spool } from './spool';
import { Chunks, drained, pipelineQuietly } from './streams';

/** What an exchange needs of the proxy. */
export interface ExchangeOptions {
  upstream: Dispatcher;
  log: (line: string) => void;
  upstreamTimeoutMs?: number;
  spoolData?: boolean;
}

type Headers = Record<string, string | string[] | undefined>;

/** A response body that went through whole: what the inspectors judge. */
interface Relayed {
  digests: Map<string, string>;
  size: number;
  text?: string;
  /** Whether the last chunk was held back (a strict session's content still to judge), and the chunk. */
  holdBack: boolean;
  pending?: Buffer;
  spool: Spool;
}

/** Bytes of a response relayed in one write at most, when upstream has them waiting. */
const RELAY_BATCH_BYTES = 1 << 20;

/** The body length a response announces, if it announces a valid one. */
function declaredLength(headers: Headers): number | undefined {
  const value = headers['content-length'];
  const length = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
  return length !== undefined && Number.isSafeInteger(length) ? length : undefined;
}

/** Whether a response carries an artifact's bytes (not a HEAD, a redirect, an error or an empty answer). */
function carriesArtifact(method: string, status: number): boolean {
  return method !== 'HEAD' && status >= 200 && status < 300 && status !== 204;
}

/** The 403 text of a strict refusal: what was blocked, why, and what would allow it. */
function refusalText(session: Session, req: InspectedRequest, inspections: Inspections): string {
  const reasons = Object.entries(inspections).map(([id, i]) => `  ${id}: ${i.opinion}: ${i.reason}`);
  const origin = `${req.url.protocol}//${req.url.host}`;
  const dir = req.url.pathname.replace(/[^/]*$/, '');
  const repeat = session.rejectedUrls.has(req.canonical) ? ['  this URL already delivered content that was rejected in this session'] : [];
  return [
    `Blocked by the Hermetic fetch service (strict session ${session.id}): ${req.method} ${reportedUrl(req.url)}`,
    ...reasons,
    ...repeat,
    'To allow it, either:',
    `  - declare it in the project's artifacts.lock.yaml: download_url: "${req.url.href}" with its checksum`,
    `    (nx g @hermetic/nx:add-artifact --project <project> --url ${req.url.href})`,
    `  - or add an allow rule to the session, e.g. "${origin}${dir}**" or "${req.url.hostname}"`,
    '',
  ].join('\n');
}

/**
 * One request of a session through the proxy: refused up front (strict), or forwarded upstream,
 * streamed back (hashed and spooled on the way, never held whole), judged by the inspectors and
 * recorded in the session's report. A client that leaves ends the upstream transfer too.
 */
export class Exchange {
  private readonly started = new Date();
  private readonly inspected: InspectedRequest;
  private readonly request: Inspections;
  private readonly clientAbort = new AbortController();
  private clientGone = false;
  private delivered = 0;
  private markRecorded!: () => void;
  /** Settles when this exchange is done: recorded, or given up. */
  private readonly recorded = new Promise<void>((resolve) => (this.markRecorded = resolve));

  constructor(
    private readonly options: ExchangeOptions,
    private readonly session: Session,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly url: URL,
  ) {
    this.inspected = { method: req.method ?? 'GET', url, canonical: canonicalUrl(url) };
    this.request = inspectRequest(this.inspected, session);
    res.on('close', () => {
      if (res.writableFinished) return;
      this.clientGone = true;
      this.clientAbort.abort(new Error('the client disconnected'));
    });
  }

  async run(): Promise<void> {
    // The client may have the whole response before this exchange's end (a body with a length is
    // complete at its last byte) and ask for the report at once: the report waits for this record.
    this.session.recordingUntil(this.recorded);
    try {
      await this.exchange();
    } finally {
      this.markRecorded();
    }
  }

  private async exchange(): Promise<void> {
    if (this.refusedUpFront()) return;
    if (await this.replayFromStore()) return;
    const upstream = await this.forward();
    if (!upstream) return;
    if (this.session.declared.has(this.inspected.canonical) && !carriesArtifact(this.inspected.method, upstream.statusCode)) {
      await this.relayWithoutArtifact(upstream);
      return;
    }
    const relayed = await this.relay(upstream);
    if (relayed) await this.judge(upstream, relayed);
  }

  /** The report's record of this request's download, as it stands now. */
  private download(status: number, responseHeaders: Headers, contentType: string): Download {
    const { req, url, session } = this;
    return {
      'start-time': this.started.toISOString(),
      'end-time': new Date().toISOString(),
      method: this.inspected.method,
      url: session.redactor.url(reportedUrl(url)),
      address: `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`,
      'user-agent': String(req.headers['user-agent'] ?? ''),
      'status-code': status,
      status: `${status} ${STATUS_CODES[status] ?? ''}`.trim(),
      'content-type': contentType,
      'request-header': reportHeaders(req.headers, session.redactor),
      'response-header': reportHeaders(responseHeaders, session.redactor),
    };
  }

  /** Records a refusal by `who` (an inspector-like id) with the download as it stands. */
  private refuse(who: string, reason: string, status: number, headers: Headers = {}, contentType = ''): void {
    this.session.recordRefusal(this.inspected, this.request, { [who]: { opinion: 'Rejected', reason } }, this.download(status, headers, contentType));
  }

  private reported(): string {
    return this.session.redactor.url(reportedUrl(this.url));
  }

  /** A strict session refuses what no inspector allows (or what already delivered rejected bytes) before anything goes upstream. */
  private refusedUpFront(): boolean {
    const { session, inspected } = this;
    if (session.policy !== 'strict' || (requestAllowed(this.request) && !session.rejectedUrls.has(inspected.canonical))) return false;
    const body = refusalText(session, inspected, this.request);
    this.res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
    this.refuse('policy', 'refused by the strict session before anything went upstream', 403, {}, 'text/plain; charset=utf-8');
    this.options.log(`session ${session.id}: refused ${inspected.method} ${this.reported()}`);
    this.req.resume();
    return true;
  }

  /**
   * A declared artifact already in the workspace's content store (fetch-deps put it there) is
   * answered from it, re-verified by the store on the way, without contacting upstream: `pack`
   * then works offline. Recorded as served from the store.
   */
  private async replayFromStore(): Promise<boolean> {
    const { session, inspected } = this;
    const declared = session.declared.get(inspected.canonical);
    if (!session.store || !declared || inspected.method !== 'GET') return false;
    const found = await session.store.lookup(declared.checksums, ['sha1', 'sha256']).catch(() => undefined);
    if (found?.status !== 'hit') return false;
    const contentType = 'application/octet-stream';
    const headers = { 'content-type': contentType, 'content-length': String(found.size) };
    this.res.writeHead(200, headers);
    this.req.resume();
    await pipeline(createReadStream(found.path), this.res).catch(() => undefined);
    const response = inspectResponse(inspected, { status: 200, contentType, digests: found.digests, size: found.size }, session);
    session.recordContent(
      inspected,
      this.request,
      response,
      { sha1: found.digests.get('sha1')!, sha256: found.digests.get('sha256')!, size: found.size, type: contentType, digests: found.digests },
      { ...this.download(200, headers, contentType), 'served-from': 'store' },
    );
    session.noteDigests(inspected.canonical, found.digests);
    this.options.log(`session ${session.id}: ${this.reported()} served from the content store`);
    return true;
  }

  /** Sends the request upstream (with the session's secret for the URL, if any); undefined when it failed (answered and recorded). */
  private async forward(): Promise<Dispatcher.ResponseData | undefined> {
    const { req, url, inspected } = this;
    const headers = endToEnd(req.headers);
    headers.host = url.host;
    const secret = secretHeader(this.session.secrets, url);
    if (secret) headers.authorization = secret;
    const hasBody =
      !['GET', 'HEAD', 'OPTIONS'].includes(inspected.method) || req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    try {
      return await this.options.upstream.request({
        signal: this.clientAbort.signal,
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: inspected.method as Dispatcher.HttpMethod,
        headers,
        body: hasBody ? req : undefined,
        headersTimeout: this.options.upstreamTimeoutMs ?? 60_000,
        bodyTimeout: this.options.upstreamTimeoutMs ?? 60_000,
      });
    } catch (err) {
      if (this.clientGone) {
        this.refuse('client', 'the client disconnected before the response: nothing was fetched', 499);
        return undefined;
      }
      const message = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
      if (!this.res.headersSent) this.res.writeHead(502, { 'content-type': 'text/plain' }).end(`502 upstream failed: ${message}\n`);
      this.refuse('upstream', `upstream failed: ${message}`, 502, {}, 'text/plain');
      return undefined;
    }
  }

  /**
   * Passes on a declared URL's answer that holds no artifact: a redirect (whose target becomes
   * declared with the same checksums), a HEAD, a 304 or an error. Nothing is judged, so nothing is
   * refused for later; an error is reported, since the build will miss the artifact.
   */
  private async relayWithoutArtifact(upstream: Dispatcher.ResponseData): Promise<void> {
    const { session, inspected } = this;
    const status = upstream.statusCode;
    const location = upstream.headers.location;
    if (status >= 300 && status < 400 && typeof location === 'string') {
      try {
        session.followRedirect(inspected.canonical, canonicalUrl(new URL(location, this.url)));
      } catch {
        // An unusable Location: the client's next request (if any) is judged on its own.
      }
    }
    this.res.writeHead(status, endToEnd(upstream.headers));
    await pipelineQuietly(upstream.body, this.res);
    if (status >= 400) {
      this.session.recordRefusal(
        inspected,
        this.request,
        { lockfile: { opinion: 'Rejected', reason: `upstream answered HTTP ${status} for the declared URL` } },
        this.download(status, upstream.headers, String(upstream.headers['content-type'] ?? '')),
      );
    } else {
      this.options.log(
        `session ${session.id}: ${inspected.method} ${this.reported()}: HTTP ${status}, no artifact${location ? ` (redirect to ${session.redactor.url(String(location))})` : ''}`,
      );
    }
  }

  /**
   * Streams the body to the client, hashing and spooling it; a strict session holds the last chunk
   * back until the content is judged, so rejected bytes of a declared artifact never reach the
   * client whole. Undefined when the client or upstream failed midway (recorded).
   */
  private async relay(upstream: Dispatcher.ResponseData): Promise<Relayed | undefined> {
    const { session, inspected, res } = this;
    // A large body is hashed on another core while this thread relays it.
    const hash = streamHash(session.algorithmsFor(inspected), declaredLength(upstream.headers));
    const spool = this.options.spoolData ? await openSpool(session.spoolPath) : NO_SPOOL;
    const holdBack = session.policy === 'strict' && verdictNeedsContent(inspected, session);
    // A checksum file is judged by what it says: keep the start of it (they are a line long).
    const wantsText = !!checksumFileInspector.request(inspected, session);
    let text = '';
    let pending: Buffer | undefined;
    let digests: Map<string, string>;
    res.writeHead(upstream.statusCode, endToEnd(upstream.headers));
    try {
      const body = new Chunks(upstream.body);
      for await (const chunk of body) {
        const hashing = hash.update(chunk);
        if (wantsText && text.length < 4096) text += chunk.subarray(0, 4096 - text.length).toString('latin1');
        if (spool.stream && !spool.stream.write(chunk)) await once(spool.stream, 'drain');
        const out = holdBack ? pending : chunk;
        if (holdBack) pending = chunk;
        if (out && !this.clientGone) {
          this.delivered += out.length;
          // Chunks already waiting upstream go out together (one TLS record run, one syscall):
          // the last of them, or 1 MiB, sends the lot.
          if (!res.writableCorked) res.cork();
          res.write(out);
          if (body.waiting === 0 || res.writableLength >= RELAY_BATCH_BYTES) {
            res.uncork();
            if (res.writableNeedDrain) await drained(res);
          }
        }
        // Left while this chunk was on its way: stop reading upstream now.
        if (this.clientGone) throw new Error('the client disconnected');
        // The hashing thread is 4 MiB behind: let it catch up before reading more.
        if (hashing) await hashing;
      }
      digests = await hash.digests();
    } catch (err) {
      hash.discard();
      await spool.discard();
      this.bodyFailed(upstream, err as Error);
      return undefined;
    }
    return { digests, size: hash.size, ...(wantsText ? { text } : {}), holdBack, pending, spool };
  }

  /** Records a body cut short: by the client (what was delivered is a part, never a whole download) or upstream. */
  private bodyFailed(upstream: Dispatcher.ResponseData, err: Error): void {
    const contentType = String(upstream.headers['content-type'] ?? '');
    if (this.clientGone) {
      upstream.body.on('error', () => undefined).destroy();
      const total = upstream.headers['content-length'] ?? 'an unknown number of';
      this.refuse(
        'client',
        `the client disconnected after ${this.delivered} of ${total} bytes: the rest was not fetched`,
        upstream.statusCode,
        upstream.headers,
        contentType,
      );
      this.options.log(`session ${this.session.id}: client left ${this.reported()} after ${this.delivered} bytes; upstream aborted`);
      return;
    }
    this.options.log(`session ${this.session.id}: ${this.reported()}: upstream body failed: ${this.session.redactor.text(err.message)}`);
    this.res.destroy();
    this.refuse('upstream', `upstream body failed: ${err.message}`, upstream.statusCode, upstream.headers, contentType);
  }

  /** Judges the whole response, records it, keeps its spooled bytes, and ends or cuts the client's response. */
  private async judge(upstream: Dispatcher.ResponseData, body: Relayed): Promise<void> {
    const { session, inspected } = this;
    const contentType = String(upstream.headers['content-type'] ?? '');
    const { digests, size } = body;
    const response = inspectResponse(
      inspected,
      { status: upstream.statusCode, contentType, digests, size, ...(body.text !== undefined ? { text: body.text } : {}) },
      session,
    );
    const metadataOf = packageMetadataOf(inspected, session);
    if (metadataOf && resultOf(this.request, response) === 'Approved') {
      // A pinned package's or declared artifact's metadata: allowed and reported, but not an artifact of the build.
      session.recordMetadata(inspected, metadataOf, { sha256: digests.get('sha256')!, size });
      await body.spool.discard();
      if (!this.clientGone) this.res.end(body.pending);
      return;
    }
    const record = session.recordContent(
      inspected,
      this.request,
      response,
      { sha1: digests.get('sha1')!, sha256: digests.get('sha256')!, size, type: contentType, digests },
      this.download(upstream.statusCode, upstream.headers, contentType),
    );
    await body.spool.keep(digests.get('sha256')!);
    if (record.result === 'Approved') session.noteDigests(inspected.canonical, digests);
    // Only bytes judged and refused make a URL refused for the rest of the session.
    if (record.result === 'Rejected' && response.lockfile?.opinion === 'Rejected') session.rejectedUrls.add(inspected.canonical);
    const rejections = Object.values(response).filter((i) => i.opinion === 'Rejected');
    if (body.holdBack && rejections.length) {
      this.options.log(
        `session ${session.id}: cut off ${this.reported()}: ${Object.values(response)
          .map((i) => i.reason)
          .join('; ')}`,
      );
      this.res.destroy();
      return;
    }
    if (!this.clientGone) this.res.end(body.pending);
  }
}
