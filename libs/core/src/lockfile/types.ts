import { Checksum } from '../checksum/parse-checksum';
import { Diagnostic } from '../errors';
import { EnvTemplate } from './env-template';

/** Lockfile format versions Hermeto defines; "2.0" adds `auth`. */
export type LockfileVersion = '1.0' | '2.0';

/**
 * Credentials of one artifact, as templates: the secret values are only expanded from the
 * environment when a request is made, so the parsed model never holds them.
 */
export type AuthSpec =
  | { readonly scheme: 'basic'; readonly username: EnvTemplate; readonly password: EnvTemplate }
  | { readonly scheme: 'bearer'; readonly header: string; readonly value: EnvTemplate };

interface ArtifactBase {
  /** Position in the lockfile's `artifacts` list. */
  readonly index: number;
  /** Every checksum must match; at least one. */
  readonly checksums: readonly Checksum[];
  /** Target path relative to `deps/generic/`, normalised (derived when the lockfile has none). */
  readonly filename: string;
  /** Whether `filename` was written in the lockfile rather than derived. */
  readonly filenameExplicit: boolean;
  /** Normalised URL the artifact comes from, fragment included (as upstream records it). */
  readonly url: string;
  readonly auth?: AuthSpec;
}

/** A plain URL artifact (`download_url`). */
export interface UrlArtifact extends ArtifactBase {
  readonly kind: 'url';
}

/** Maven coordinates of a `type: maven` artifact. */
export interface MavenCoordinates {
  /** Normalised repository URL as written (a trailing `/` is kept if it was written). */
  readonly repositoryUrl: string;
  readonly groupId: string;
  readonly artifactId: string;
  readonly version: string;
  /** "" when absent. */
  readonly classifier: string;
  /** Maven packaging type; "jar" when absent. */
  readonly type: string;
}

/** A Maven artifact; `url` is assembled from the coordinates. */
export interface MavenArtifact extends ArtifactBase {
  readonly kind: 'maven';
  readonly maven: MavenCoordinates;
}

export type Artifact = UrlArtifact | MavenArtifact;

/** A parsed and fully validated lockfile. */
export interface Lockfile {
  /** Path of the lockfile as given. */
  readonly path: string;
  readonly version: LockfileVersion;
  readonly artifacts: readonly Artifact[];
  /** Non-fatal findings (weak algorithms, unknown Maven attributes, empty env vars). */
  readonly warnings: readonly Diagnostic[];
  /**
   * The line (1-based) of artifact `index`'s `checksum`, for messages that send the user there;
   * found on demand (a clean lockfile is parsed without positions).
   */
  readonly checksumLine?: (index: number) => number | undefined;
}
