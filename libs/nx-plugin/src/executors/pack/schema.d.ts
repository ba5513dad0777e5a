/** Options of `@hermetic/nx:pack` (see schema.json). */
export interface PackExecutorSchema {
  command: string;
  cwd?: string;
  artifacts?: string[];
  enableFetchService?: 'strict' | 'permissive';
  allow?: string[];
  lockfile?: string;
  noProxy?: string;
  fetchServiceUrl?: string;
  fetchServiceProxy?: string;
  fetchServiceAuth?: string;
  fetchServiceCa?: string;
  version?: string;
  /** Serve declared artifacts already in the workspace's content store from it (default true). */
  replayFromStore?: boolean;
}
