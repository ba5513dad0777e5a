export interface SbomGeneratorSchema {
  project: string;
  format?: 'cyclonedx' | 'spdx';
  path?: string;
  naming?: 'hermetic' | 'hermeto';
}
