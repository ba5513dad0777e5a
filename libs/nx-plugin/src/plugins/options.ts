/** Options of the plugin entry in `nx.json` (`{ "plugin": "@hermetic/nx", "options": { … } }`). */
export interface HermeticPluginOptions {
  /** Name of the target that runs every fetch target of a project. Default `fetch-deps`. */
  fetchDepsTargetName?: string;
  /** Name of the target that fetches the URL artifacts. Default `fetch-generic`. */
  fetchGenericTargetName?: string;
  /**
   * Output directory of a project's fetched dependencies, relative to the workspace root; files go
   * to `<outputDir>/deps/generic/`. `{projectRoot}` and `{projectName}` are replaced.
   * Default `dist/hermetic/{projectRoot}`.
   */
  outputDir?: string;
  /** Downloads in flight at once per task. Default 8. */
  concurrency?: number;
}

export type NormalizedPluginOptions = Required<HermeticPluginOptions>;

export function normalizeOptions(options: HermeticPluginOptions | undefined): NormalizedPluginOptions {
  return {
    fetchDepsTargetName: options?.fetchDepsTargetName ?? 'fetch-deps',
    fetchGenericTargetName: options?.fetchGenericTargetName ?? 'fetch-generic',
    outputDir: options?.outputDir ?? 'dist/hermetic/{projectRoot}',
    concurrency: options?.concurrency ?? 8,
  };
}
