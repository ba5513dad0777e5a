/** The plugin's package name, as nx.json's `plugins` and executors' `executor` fields name it. */
export const PLUGIN_NAME = '@hermetic/nx';

/** Where a project's fetched files go unless nx.json says otherwise (see `interpolatePath`). */
export const DEFAULT_OUTPUT_DIR = 'dist/hermetic/{projectRoot}';

/** The inferred targets' names unless the plugin options rename them. */
export const DEFAULT_TARGET_NAMES = {
  fetchDepsTargetName: 'fetch-deps',
  fetchGenericTargetName: 'fetch-generic',
  fetchMavenTargetName: 'fetch-maven',
  sbomTargetName: 'sbom',
} as const;

/** `@hermetic/nx:<name>`: how a target names one of our executors. */
export function executorName(name: 'fetch-generic' | 'fetch-maven' | 'sbom' | 'verify-deps' | 'pack' | 'merge-sboms'): string {
  return `${PLUGIN_NAME}:${name}`;
}
