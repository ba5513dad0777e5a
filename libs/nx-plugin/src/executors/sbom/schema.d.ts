/** Options of `@hermetic/nx:sbom` (see schema.json for the defaults). */
export interface SbomExecutorSchema {
  lockfile?: string;
  outputDir?: string;
  format?: 'cyclonedx' | 'spdx';
  reproducible?: boolean;
  naming?: 'hermetic' | 'hermeto';
  /** Also list what the project's package-manager lockfiles pin. */
  includePackageLocks?: boolean;
}
