import type { NxJsonConfiguration } from './devkit';
import type { GenericFetchSettings, FetchSettingsInput } from '@hermetic/core';
import type { HermeticPluginOptions } from '../plugins/options';
import { PLUGIN_NAME } from './constants';

/** Where a fetch target's files come from and go: the project's lockfile and output directory. */
interface FetchPaths {
  /** Relative to the workspace root. */
  lockfile?: string;
  /** Relative to the workspace root; files go to `<outputDir>/deps/generic/`. */
  outputDir?: string;
  /** Set by the plugin for the cache key; not read at run time. */
  lockfileDigest?: string;
}

/** Options of `fetch-generic`: its paths and the fetch settings (core's table; see schema.json). */
export type FetchGenericOptions = FetchPaths & GenericFetchSettings;

/** Options of `fetch-maven`: those of `fetch-generic` and the Maven-only settings. */
export type FetchMavenOptions = FetchPaths & FetchSettingsInput;

/** Options either fetch executor takes. */
export type FetchExecutorOptions = FetchMavenOptions;

/**
 * The `options` of this plugin's entry in nx.json: the one place executors and generators read
 * them, so settings written once there apply to every fetch target, inferred or explicit, and to
 * the generators that download.
 */
export function pluginOptionsFromNxJson(nxJson: NxJsonConfiguration | undefined): HermeticPluginOptions {
  for (const entry of nxJson?.plugins ?? []) {
    if (typeof entry === 'object' && entry.plugin === PLUGIN_NAME) return (entry.options ?? {}) as HermeticPluginOptions;
  }
  return {};
}

/** How errors name the plugin's options. */
export const PLUGIN_OPTIONS_ORIGIN = `the ${PLUGIN_NAME} plugin options in nx.json`;
