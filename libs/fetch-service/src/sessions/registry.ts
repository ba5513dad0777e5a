import { isAbsolute, join } from 'node:path';
import { Checksum, ContentStore, isAvailable, parseChecksum } from '@hermetic/core';
import { sameSecret } from '../auth';
import { DeclaredArtifact } from '../inspect/types';
import { canonicalUrl } from '../url';
import { newSessionId, newToken } from './ids';
import { parsePins } from './package-pins';
import { parseSecrets } from './secrets';
import { Policy, Session } from './session';

/** Three hours, the Go server's session lifetime. */
export const DEFAULT_SESSION_TIMEOUT_S = 3 * 60 * 60;

/** A `POST /session` body problem, answered 400 with this text. */
export class SessionRequestError extends Error {}

/** Hermetic's extension of `POST /session`: what a strict session may fetch. */
function parseDeclared(value: unknown): Map<string, DeclaredArtifact> {
  const out = new Map<string, DeclaredArtifact>();
  if (value === undefined || value === null) return out;
  if (!Array.isArray(value)) throw new SessionRequestError('declared-artifacts must be a list');
  for (const raw of value) {
    const a = raw as { url?: unknown; checksum?: unknown; checksums?: unknown };
    if (typeof a.url !== 'string') throw new SessionRequestError('declared-artifacts: missing url');
    const list: unknown[] = Array.isArray(a.checksums) ? a.checksums : [a.checksum];
    if (!list.length) throw new SessionRequestError(`declared-artifacts: no checksum for ${a.url}`);
    const checksums = list.map((c) => declaredChecksum(c, a.url as string));
    let url: URL;
    try {
      url = new URL(a.url);
    } catch {
      throw new SessionRequestError(`declared-artifacts: invalid url ${a.url}`);
    }
    const key = canonicalUrl(url);
    out.set(key, { url: key, checksums });
  }
  return out;
}

/**
 * One declared checksum, checked as a lockfile's are (core's parser: known algorithm, lower-case
 * hex of the right length) and written with the algorithm's canonical name; refused with 400
 * otherwise, so the proxy never meets an algorithm it cannot compute.
 */
function declaredChecksum(value: unknown, url: string): Checksum {
  if (typeof value !== 'string') throw new SessionRequestError(`declared-artifacts: the checksum of ${url} must be a string 'algorithm:hex'`);
  const parsed = parseChecksum(value);
  if (!parsed.ok) throw new SessionRequestError(`declared-artifacts: invalid checksum for ${url}: ${parsed.message} (${parsed.fix})`);
  if (!isAvailable(parsed.checksum.algorithm))
    throw new SessionRequestError(`declared-artifacts: ${url}: this Node cannot compute ${parsed.checksum.algorithm}`);
  return parsed.checksum;
}

/** Hermetic's `store-dir`: the workspace's content store, from which declared artifacts are replayed. */
function replayStore(value: unknown): { store?: ContentStore } {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'string' || !isAbsolute(value)) throw new SessionRequestError('store-dir must be an absolute path');
  return { store: new ContentStore(value) };
}

/** All sessions of a service: created by the control API, looked up by the proxy. */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  /** Ids of finished sessions whose spool still exists (for `DELETE /resources/{id}`). */
  readonly finishedSpools = new Map<string, string>();
  created = 0;

  constructor(
    private readonly spoolDir: string,
    private readonly permissiveAllowed: boolean,
    /** The clock sessions expire by (tests move it instead of waiting). */
    private readonly now: () => number = Date.now,
  ) {}

  create(body: Record<string, unknown>): Session {
    const policy = body.policy;
    if (policy !== 'strict' && policy !== 'permissive') throw new SessionRequestError('Invalid session policy');
    if (policy === 'permissive' && !this.permissiveAllowed) throw new SessionRequestError('Invalid session policy');
    const timeout = body.timeout === undefined ? DEFAULT_SESSION_TIMEOUT_S : Number(body.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) throw new SessionRequestError('Invalid session timeout');
    const secrets = parseSecrets(body.secrets);
    const declared = parseDeclared(body['declared-artifacts']);
    const allow = body['allow-rules'] ?? [];
    if (!Array.isArray(allow) || !allow.every((r) => typeof r === 'string' && r.length > 0))
      throw new SessionRequestError('allow-rules must be a list of host or URL patterns');
    const id = newSessionId();
    const redact = body['redact-values'] ?? [];
    if (!Array.isArray(redact) || !redact.every((v) => typeof v === 'string')) throw new SessionRequestError('redact-values must be a list of strings');
    const session = new Session({
      id,
      token: newToken(),
      policy: policy as Policy,
      timeoutS: timeout,
      secrets,
      declared,
      packages: parsePins(body['declared-packages'], (message) => new SessionRequestError(message)),
      ...replayStore(body['store-dir']),
      allow: allow as string[],
      spoolPath: join(this.spoolDir, id),
      redactValues: redact as string[],
      now: this.now,
    });
    this.sessions.set(id, session);
    this.created++;
    return session;
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /** The session a `Proxy-Authorization` header opens, if its token is valid, unrevoked and unexpired. */
  authenticate(header: string | undefined): Session | undefined {
    const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
    if (!m) return undefined;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const session = this.sessions.get(decoded.slice(0, colon));
    if (!session || colon < 0 || !sameSecret(decoded.slice(colon + 1), session.token)) return undefined;
    return session.revoked || !session.live ? undefined : session;
  }

  /**
   * Finishes and forgets a session; its spool stays until `DELETE /resources/{id}`. Returns how many
   * exchanges were still under way when it stopped waiting for them (see `Session.settled`).
   */
  async finish(session: Session): Promise<number> {
    session.finished = true;
    session.revoked = true;
    session.endTime ??= new Date();
    const underWay = await session.settled();
    await session.writeSpoolMetadata();
    this.sessions.delete(session.id);
    this.finishedSpools.set(session.id, session.spoolPath);
    return underWay;
  }

  /** Ends sessions past their timeout: finished, and their spool deleted (as the Go server does). */
  async expire(): Promise<void> {
    for (const s of [...this.sessions.values()]) {
      if (s.expired && !s.finished) {
        s.finished = true;
        s.revoked = true;
        this.sessions.delete(s.id);
        await s.deleteSpool();
      }
    }
  }

  live(): Session[] {
    return [...this.sessions.values()].filter((s) => s.live);
  }
}
