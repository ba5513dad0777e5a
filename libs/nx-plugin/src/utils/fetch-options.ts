import { ExecutorContext } from './devkit';
import { MirrorRule } from '@hermetic/core';
import type { HermeticPluginOptions } from '../plugins/options';

/** Options every fetch executor takes (see the executors' schema.json for descriptions and defaults). */
export interface FetchExecutorOptions {
  lockfile?: string;
  outputDir?: string;
  concurrency?: number;
  attempts?: number;
  readTimeoutMs?: number;
  /** Bytes (or `2G`, `512M`); see DEFAULT_MAX_ARTIFACT_BYTES. */
  maxArtifactSize?: number | string;
  storeDir?: string;
  linkMode?: 'hardlink' | 'copy';
  offline?: boolean;
  mirrors?: MirrorRule[];
  allowHosts?: string[];
  blockHosts?: string[];
  netrcFile?: string;
  mavenLayout?: boolean;
  verifySidecars?: boolean;
}

const PLUGIN_NAME = '@hermetic/nx';

/**
 * The `options` of this plugin's entry in nx.json, so network rules written once there apply to
 * every fetch target, inferred or explicit.
 */
export function pluginOptionsFromNxJson(context: ExecutorContext): HermeticPluginOptions {
  for (const entry of context.nxJsonConfiguration?.plugins ?? []) {
    if (typeof entry === 'object' && entry.plugin === PLUGIN_NAME) return (entry.options ?? {}) as HermeticPluginOptions;
  }
  return {};
}
