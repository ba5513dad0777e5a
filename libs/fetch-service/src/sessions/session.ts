import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Algorithm, ContentStore } from '@hermetic/core';
import { identify, Inspections, INSPECTOR_IDS, resultOf } from '../inspect/inspectors';
import { ArtifactIdentity, DeclaredArtifact, InspectedRequest, InspectionContext } from '../inspect/types';
import { Redactor } from './redaction';
import { packageRequest } from '../inspect/package-locks';
import { reportedUrl } from '../url';
import { matchesPin, PackagePins } from './package-pins';
import { Secret } from './secrets';

export type Policy = 'strict' | 'permissive';

/** One transfer of an artifact, as the report lists it. */
export interface Download {
  'start-time': string;
  'end-time': string;
  method: string;
  url: string;
  address: string;
  'user-agent': string;
  'status-code': number;
  status: string;
  'content-type': string;
  'request-header': Record<string, string[]>;
  'response-header': Record<string, string[]>;
  /** Hermetic: `store` when the bytes came from the workspace's content store, not upstream. */
  'served-from'?: 'store';
}

/** An artifact of the report: one per distinct content (sha256), or one per refused/failed request. */
export interface ArtifactRecord {
  'artifact-metadata-version': '0.2';
  'request-inspection': Inspections;
  'response-inspection': Inspections;
  result: 'Approved' | 'Rejected';
  metadata: {
    type: string;
    sha1: string;
    sha256: string;
    size: number;
    name: string;
    version: string;
    vendor: string;
    description: string;
    author: string;
    license: string;
    purl?: string;
    /** The package-manager lockfile entry whose digest approved the bytes (Hermetic). */
    'pinned-by'?: string;
  };
  downloads: Download[];
}

/**
 * How long a report (or a session's end) waits for exchanges still under way. A client that has a
 * whole response sees it recorded within milliseconds; one still transferring is not the build's.
 */
export const SETTLE_LIMIT_MS = 30_000;

/** The report's metadata of an artifact: what the inspectors identified, and its content's digests. */
function artifactMetadata(id: ArtifactIdentity, content: { type: string; sha1: string; sha256: string; size: number }): ArtifactRecord['metadata'] {
  return { ...content, name: id.name, version: id.version, vendor: '', description: '', author: '', license: '', ...(id.purl ? { purl: id.purl } : {}) };
}

/** What a session is created with (see the registry, which checks the control API's request). */
export interface SessionInit {
  id: string;
  token: string;
  policy: Policy;
  timeoutS: number;
  secrets: readonly Secret[];
  declared: Map<string, DeclaredArtifact>;
  packages: PackagePins;
  /** The workspace's content store: declared artifacts already in it are served from it (replay). */
  store?: ContentStore;
  allow: readonly string[];
  spoolPath: string;
  /** More secrets to keep out of what the session writes (Hermetic's `redact-values`, e.g. lockfile credentials). */
  redactValues?: readonly string[];
  /** The clock (tests move it instead of waiting). */
  now?: () => number;
}

/** A session of the proxy: credentials, policy, what it may fetch, and what it fetched. */
export class Session implements InspectionContext {
  readonly startTime: Date;
  endTime?: Date;
  revoked = false;
  finished = false;
  readonly artifacts = new Map<string, ArtifactRecord>();
  /** URLs whose content was rejected: a strict session refuses them from then on. */
  readonly rejectedUrls = new Set<string>();
  private failures = 0;
  /** Exchanges under way: the report waits for their records. */
  private readonly recording = new Set<Promise<void>>();

  readonly id: string;
  readonly token: string;
  readonly policy: Policy;
  readonly timeoutS: number;
  readonly secrets: readonly Secret[];
  readonly declared: Map<string, DeclaredArtifact>;
  readonly packages: PackagePins;
  readonly store?: ContentStore;
  readonly allow: readonly string[];
  readonly spoolPath: string;
  /** Package metadata fetched for pinned packages (npm packuments, PyPI pages): allowed, but not artifacts. */
  readonly metadata: Array<{ url: string; package: string; 'pinned-by': string; sha256: string; size: number }> = [];
  private readonly now: () => number;

  constructor(init: SessionInit) {
    this.id = init.id;
    this.token = init.token;
    this.policy = init.policy;
    this.timeoutS = init.timeoutS;
    this.secrets = init.secrets;
    this.declared = init.declared;
    this.packages = init.packages;
    this.store = init.store;
    this.allow = init.allow;
    this.spoolPath = init.spoolPath;
    this.now = init.now ?? Date.now;
    this.redactor = new Redactor([...init.secrets.map((s) => s.credentials), ...(init.redactValues ?? []), init.token]);
    this.startTime = new Date(this.now());
  }

  /** Applied to everything the session writes: report, spool, log lines about it. */
  readonly redactor: Redactor;

  get live(): boolean {
    return !this.finished && !this.expired;
  }

  get expired(): boolean {
    return this.now() - this.startTime.getTime() > this.timeoutS * 1000;
  }

  /**
   * A declared URL answered with a redirect: its target is declared with the same checksums, so a
   * release download that redirects (to a CDN, a signed URL) is fetched and judged by its final bytes.
   */
  followRedirect(fromCanonical: string, toCanonical: string): void {
    const declared = this.declared.get(fromCanonical);
    if (declared && !this.declared.has(toCanonical))
      this.declared.set(toCanonical, { url: toCanonical, checksums: declared.checksums, redirectedFrom: declared.redirectedFrom ?? declared.url });
  }

  /**
   * The algorithms the proxy must compute for a request: sha1 and sha256 always, plus the declared
   * ones, for a declared URL those of the checksum files tools fetch beside it (md5, sha512), and
   * for a pinned package its lockfile's (sha512 for npm).
   */
  algorithmsFor(req: InspectedRequest): Algorithm[] {
    const entry = this.declared.get(req.canonical);
    const declared = entry?.checksums.map((c) => c.algorithm) ?? [];
    const p = this.packages.size ? packageRequest(req) : undefined;
    const pinned = p && !p.metadata ? this.packages.algorithmsOf(p.ecosystem, p.name, p.version) : [];
    return [...new Set<Algorithm>(['sha1', 'sha256', ...declared, ...pinned, ...(entry ? (['md5', 'sha512'] as const) : [])])];
  }

  /** Records package metadata an install fetched (allowed, but not an artifact of the build). */
  recordMetadata(req: InspectedRequest, of: { package: string; 'pinned-by': string }, content: { sha256: string; size: number }): void {
    this.metadata.push({ url: reportedUrl(req.url), ...of, ...content });
  }

  /** The lockfile entry whose digest the bytes of an approved package download match, if any. */
  private pinnedBy(req: InspectedRequest, digests: ReadonlyMap<string, string>): string | undefined {
    const p = this.packages.size ? packageRequest(req) : undefined;
    if (!p || p.metadata) return undefined;
    return this.packages.of(p.ecosystem, p.name, p.version).find((pin) => matchesPin(pin, digests))?.pinnedBy;
  }

  /** Digests of the approved bytes each URL delivered in this session (for its checksum files). */
  private readonly digestsByUrl = new Map<string, ReadonlyMap<string, string>>();

  noteDigests(canonical: string, digests: ReadonlyMap<string, string>): void {
    this.digestsByUrl.set(canonical, digests);
  }

  fetchedDigest(canonical: string, algorithm: string): string | undefined {
    return this.digestsByUrl.get(canonical)?.get(algorithm);
  }

  /** Records a delivered response under its content's sha256 (a repeat appends a download). */
  recordContent(
    req: InspectedRequest,
    request: Inspections,
    response: Inspections,
    meta: { sha1: string; sha256: string; size: number; type: string; digests?: ReadonlyMap<string, string> },
    download: Download,
  ): ArtifactRecord {
    const existing = this.artifacts.get(meta.sha256);
    if (existing) {
      existing.downloads.push(download);
      // A later transfer may be judged differently (e.g. declared under another URL): keep both views.
      Object.assign(existing['request-inspection'], request, existing['request-inspection']);
      Object.assign(existing['response-inspection'], response, existing['response-inspection']);
      existing.result = resultOf(existing['request-inspection'], existing['response-inspection']);
      return existing;
    }
    const id = identify(req);
    const result = resultOf(request, response);
    const pinnedBy = result === 'Approved' && meta.digests ? this.pinnedBy(req, meta.digests) : undefined;
    const record: ArtifactRecord = {
      'artifact-metadata-version': '0.2',
      'request-inspection': request,
      'response-inspection': response,
      result,
      metadata: {
        ...artifactMetadata(id, { type: id.type ?? meta.type, sha1: meta.sha1, sha256: meta.sha256, size: meta.size }),
        ...(pinnedBy ? { 'pinned-by': pinnedBy } : {}),
      },
      downloads: [download],
    };
    this.artifacts.set(meta.sha256, record);
    return record;
  }

  /** Records a request that produced no content: refused by policy, or failed upstream. */
  recordRefusal(req: InspectedRequest, request: Inspections, response: Inspections, download: Download): void {
    const id = identify(req);
    this.artifacts.set(`refused:${++this.failures}`, {
      'artifact-metadata-version': '0.2',
      'request-inspection': request,
      'response-inspection': response,
      result: 'Rejected',
      metadata: artifactMetadata(id, { type: '', sha1: '', sha256: '', size: 0 }),
      downloads: [download],
    });
  }

  /**
   * Holds the report until `recorded` settles: an exchange under way. A client has the whole body
   * before the proxy has its digests and verdict (with a large body hashed on another thread, a
   * while before; replayed from the store, before the store's file is closed), and may ask for the
   * report at once: it must find the download in it. An exchange whose client left ends at once;
   * the report waits at most SETTLE_LIMIT_MS for the others.
   */
  recordingUntil(recorded: Promise<void>): void {
    this.recording.add(recorded);
    void recorded.finally(() => this.recording.delete(recorded));
  }

  /**
   * Resolves with 0 once every exchange under way is in the report, or after `limitMs` with how
   * many still are: a transfer a build left behind (a daemon still downloading after the build
   * ended) must not hold the teardown.
   */
  async settled(limitMs = SETTLE_LIMIT_MS): Promise<number> {
    if (!this.recording.size) return 0;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), limitMs)));
    try {
      while (this.recording.size) {
        if ((await Promise.race([Promise.allSettled([...this.recording]), late])) === 'late') return this.recording.size;
      }
      return 0;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The session report, in the Go server's shape. */
  report(): Record<string, unknown> {
    return this.redactor.json({
      'session-id': this.id,
      'start-time': this.startTime.toISOString(),
      'end-time': (this.endTime ?? new Date()).toISOString(),
      'spool-path': this.spoolPath,
      policy: this.policy,
      comment: 'Metadata format is unstable and may change without prior notice.',
      inspectors: INSPECTOR_IDS,
      artifacts: [...this.artifacts.values()],
      // Hermetic: what pinned packages' installs read besides the artifacts.
      ...(this.metadata.length ? { 'package-metadata': this.metadata } : {}),
    });
  }

  /** Writes `<sha256>.json` per artifact and `session.json`, as the Go server's spool has them. */
  async writeSpoolMetadata(): Promise<void> {
    // Reports say what a build fetched and from where: readable by the service's user only.
    await mkdir(this.spoolPath, { recursive: true, mode: 0o700 });
    for (const [key, a] of this.artifacts) {
      if (!key.startsWith('refused:')) await writeFile(join(this.spoolPath, `${key}.json`), JSON.stringify(this.redactor.json(a), null, 2), { mode: 0o600 });
    }
    await writeFile(join(this.spoolPath, 'session.json'), JSON.stringify(this.report(), null, 2), { mode: 0o600 });
  }

  async deleteSpool(): Promise<void> {
    await rm(this.spoolPath, { recursive: true, force: true });
  }
}
