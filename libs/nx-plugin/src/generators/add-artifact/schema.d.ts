export interface AddArtifactGeneratorSchema {
  project: string;
  url?: string;
  maven?: string;
  repository?: string;
  filename?: string;
  algorithm?: 'sha256' | 'sha384' | 'sha512' | 'sha3-256' | 'sha3-512';
  skipFormat?: boolean;
}
