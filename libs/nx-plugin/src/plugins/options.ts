import type { PluginFetchSettings } from '@hermetic/core';
import { DEFAULT_CONCURRENCY } from '@hermetic/core/layout';
import { DEFAULT_OUTPUT_DIR, DEFAULT_TARGET_NAMES } from '../utils/constants';

/**
 * Options of the plugin entry in `nx.json` (`{ "plugin": "@hermetic/nx", "options": { … } }`):
 * the fetch settings of core's table (`concurrency`, `attempts`, `mirrors`, `allowHosts`, …, see
 * `FETCH_SETTINGS`), applied to every fetch target and to the generators that download, and these.
 */
export interface HermeticPluginOptions extends PluginFetchSettings {
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
  /** The SBOM also lists what each project's package-manager lockfiles pin (they become inputs). Default false. */
  sbomIncludePackageLocks?: boolean;
  /**
   * Output directory of a project's fetched dependencies, relative to the workspace root; files go
   * to `<outputDir>/deps/generic/`. `{projectRoot}` and `{projectName}` are replaced.
   * Default `dist/hermetic/{projectRoot}`.
   */
  outputDir?: string;
  /** Run every `@hermetic/nx:pack` inside a Fetch Service session of this policy (a target option or `--enable-fetch-service` overrides it). */
  enableFetchService?: 'strict' | 'permissive';
  /** Allow rules every pack session gets, on top of the target's `allow`. */
  fetchServiceAllow?: string[];
}

/**
 * The options that shape the inferred targets. `mavenLayout` and `verifySidecars` change what a
 * fetch writes or accepts, so they are target options (part of the cache key); `concurrency` is
 * shown there for `nx show project`. Every other fetch setting is applied at run time
 * (`resolveFetchSettings`), so changing a mirror or a timeout is not a cache miss.
 */
export interface NormalizedPluginOptions {
  fetchDepsTargetName: string;
  fetchGenericTargetName: string;
  fetchMavenTargetName: string;
  sbomTargetName: string;
  sbomFormat: 'cyclonedx' | 'spdx';
  sbomIncludePackageLocks: boolean;
  outputDir: string;
  concurrency: number;
  mavenLayout: boolean;
  verifySidecars: boolean;
}

export function normalizeOptions(options: HermeticPluginOptions | undefined): NormalizedPluginOptions {
  return {
    fetchDepsTargetName: options?.fetchDepsTargetName ?? DEFAULT_TARGET_NAMES.fetchDepsTargetName,
    fetchGenericTargetName: options?.fetchGenericTargetName ?? DEFAULT_TARGET_NAMES.fetchGenericTargetName,
    fetchMavenTargetName: options?.fetchMavenTargetName ?? DEFAULT_TARGET_NAMES.fetchMavenTargetName,
    sbomTargetName: options?.sbomTargetName ?? DEFAULT_TARGET_NAMES.sbomTargetName,
    sbomFormat: options?.sbomFormat ?? 'cyclonedx',
    sbomIncludePackageLocks: options?.sbomIncludePackageLocks ?? false,
    outputDir: options?.outputDir ?? DEFAULT_OUTPUT_DIR,
    concurrency: options?.concurrency ?? DEFAULT_CONCURRENCY,
    mavenLayout: options?.mavenLayout ?? false,
    verifySidecars: options?.verifySidecars ?? false,
  };
}
