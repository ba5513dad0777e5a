import type { Checksum } from '@hermetic/core';
import type { PackagePins } from '../sessions/package-pins';
/** An inspector's verdict, as the report writes it. */
export type Opinion = 'Pending' | 'Unknown' | 'Rejected' | 'Approved';

export interface Inspection {
  opinion: Opinion;
  reason: string;
}

/** What inspectors can tell about an artifact; empty strings where unknown (the report keeps every key). */
export interface ArtifactIdentity {
  name: string;
  version: string;
  purl?: string;
  /** A more precise type than the Content-Type, when the format is known. */
  type?: string;
}

/** A request as inspectors see it. */
export interface InspectedRequest {
  method: string;
  url: URL;
  /** With explicit port, e.g. `https://host:443/x`. */
  canonical: string;
}

/** A finished response as inspectors see it. */
export interface InspectedResponse {
  status: number;
  contentType: string;
  digests: ReadonlyMap<string, string>;
  size: number;
  /** The start of a small text body (checksum files), when an inspector needs to read it. */
  text?: string;
}

/** Declared by the session's creator: a URL that may be downloaded if its bytes match. */
export interface DeclaredArtifact {
  url: string;
  /** Checksums parsed and validated by core's parser; all must match. */
  checksums: readonly Checksum[];
  /** Set when the URL is declared because a declared URL redirected to it. */
  redirectedFrom?: string;
}

/** The session knowledge inspectors use. */
export interface InspectionContext {
  declared: ReadonlyMap<string, DeclaredArtifact>;
  /** Packages the project's package-manager lockfiles pin. */
  packages: PackagePins;
  allow: readonly string[];
  /** The digest the proxy computed for a URL's verified bytes earlier in the session, if any. */
  fetchedDigest(canonical: string, algorithm: string): string | undefined;
}

/**
 * One inspector: it may have an opinion on the request (before anything goes upstream) and on the
 * response (once its digest is known), and may identify the artifact.
 */
export interface Inspector {
  id: string;
  request(req: InspectedRequest, ctx: InspectionContext): Inspection | undefined;
  response(req: InspectedRequest, res: InspectedResponse, ctx: InspectionContext): Inspection | undefined;
  identify?(req: InspectedRequest): ArtifactIdentity | undefined;
}
