/** Options of `@hermetic/nx:fetch-generic` (see schema.json for the defaults). */
export interface FetchGenericExecutorSchema {
  lockfile?: string;
  outputDir?: string;
  concurrency?: number;
  attempts?: number;
  readTimeoutMs?: number;
  storeDir?: string;
  linkMode?: 'hardlink' | 'copy';
  offline?: boolean;
}
