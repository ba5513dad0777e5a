/** Options of `@hermetic/nx:merge-sboms` (see schema.json for the defaults). */
export interface MergeSbomsExecutorSchema {
  output?: string;
  projects?: string[];
  sbomTargetName?: string;
  name?: string;
  reproducible?: boolean;
}
