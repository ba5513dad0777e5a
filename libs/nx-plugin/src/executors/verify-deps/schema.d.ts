/** Options of `@hermetic/nx:verify-deps`. */
export interface VerifyDepsExecutorSchema {
  lockfile?: string;
  outputDir?: string;
}
