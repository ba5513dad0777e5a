import { DEFAULT_CONCURRENCY } from '@hermetic/core/layout';

/** Options of the plugin entry in `nx.json` (`{ "plugin": "@hermetic/nx", "options": { … } }`). */
export interface HermeticPluginOptions {
  /** Name of the target that runs every fetch target of a project. Default `fetch-deps`. */
  fetchDepsTargetName?: string;
  /** Name of the target that fetches the URL artifacts. Default `fetch-generic`. */
  fetchGenericTargetName?: string;
  /** Name of the target that fetches the Maven artifacts. Default `fetch-maven`. */
  fetchMavenTargetName?: string;
  /** Name of the target that writes the project's SBOM. Default `sbom`. */
  sbomTargetName?: string;
  /** SBOM format: `cyclonedx` (1.6, default) or `spdx` (2.3). */
  sbomFormat?: 'cyclonedx' | 'spdx';
  /**
   * Output directory of a project's fetched dependencies, relative to the workspace root; files go
   * to `<outputDir>/deps/generic/`. `{projectRoot}` and `{projectName}` are replaced.
   * Default `dist/hermetic/{projectRoot}`.
   */
  outputDir?: string;
  /** Downloads in flight at once per task. Default 8. */
  concurrency?: number;
  /** Also write Maven artifacts as a Maven repository in `<outputDir>/deps/maven/`. Default false. */
  mavenLayout?: boolean;
  /** Cross-check Maven artifacts with the repository's .sha1/.sha256/.sha512 files. Default false. */
  verifySidecars?: boolean;
  /**
   * URL prefix rewrites applied by every fetch target (e.g. Maven Central to an internal
   * Nexus). Read by the executors at run time; `$HERMETIC_MIRRORS` adds more.
   */
  mirrors?: Array<{ from: string; to: string }>;
  /** Hosts fetch targets may contact (`*.corp.example` for subdomains); others fail before downloading. */
  allowHosts?: string[];
  /** Hosts fetch targets must never contact. */
  blockHosts?: string[];
  /** Run every `@hermetic/nx:pack` inside a Fetch Service session of this policy (a target option or `--enable-fetch-service` overrides it). */
  enableFetchService?: 'strict' | 'permissive';
  /** Allow rules every pack session gets, on top of the target's `allow`. */
  fetchServiceAllow?: string[];
}

/** The options that shape the inferred targets (network rules are read by the executors). */
export type NormalizedPluginOptions = Required<
  Omit<HermeticPluginOptions, 'mirrors' | 'allowHosts' | 'blockHosts' | 'enableFetchService' | 'fetchServiceAllow'>
>;

export function normalizeOptions(options: HermeticPluginOptions | undefined): NormalizedPluginOptions {
  return {
    fetchDepsTargetName: options?.fetchDepsTargetName ?? 'fetch-deps',
    fetchGenericTargetName: options?.fetchGenericTargetName ?? 'fetch-generic',
    fetchMavenTargetName: options?.fetchMavenTargetName ?? 'fetch-maven',
    sbomTargetName: options?.sbomTargetName ?? 'sbom',
    sbomFormat: options?.sbomFormat ?? 'cyclonedx',
    outputDir: options?.outputDir ?? 'dist/hermetic/{projectRoot}',
    concurrency: options?.concurrency ?? DEFAULT_CONCURRENCY,
    mavenLayout: options?.mavenLayout ?? false,
    verifySidecars: options?.verifySidecars ?? false,
  };
}
