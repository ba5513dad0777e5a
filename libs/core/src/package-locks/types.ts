import type { Checksum } from '../checksum/parse-checksum';

/** The package ecosystems whose lockfiles pin downloads by digest. */
export type Ecosystem = 'npm' | 'pypi';

/** A package a package manager's lockfile pins: what may be downloaded, and the bytes it must have. */
export interface PinnedPackage {
  ecosystem: Ecosystem;
  /** npm: `name` or `@scope/name`; PyPI: the normalized project name (PEP 503). */
  name: string;
  version: string;
  /** The archive URL the lockfile records, when it records one. */
  url?: string;
  /** Every one must match the downloaded bytes (a pip requirement lists alternatives: see `anyOf`). */
  checksums: Checksum[];
  /** pip's `--hash` options are alternatives (one per wheel/sdist): any one matching approves. */
  anyOf?: true;
  /** `pkg:npm/%40scope/name@1.2.3`, `pkg:pypi/name@1.2.3`. */
  purl: string;
  /** `<lockfile>: <entry>`, for reports and messages. */
  pinnedBy: string;
}

/** What reading a package lockfile found: its pins, and what it could not use (said, never silent). */
export interface PackageLockRead {
  file: string;
  packages: PinnedPackage[];
  warnings: string[];
}
