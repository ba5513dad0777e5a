import { readNxJson, Tree } from './devkit';
import { ContentStore, defaultStoreDir, ProbeOptions, resolveFetchSettings } from '@hermetic/core';
import { PLUGIN_OPTIONS_ORIGIN, pluginOptionsFromNxJson } from './fetch-options';

/**
 * Download settings for generators that fetch (add-artifact, update-checksums): the plugin's
 * settings in nx.json and the environment, resolved exactly as the fetch executors resolve them,
 * and the workspace's store (so the next fetch is a store hit).
 */
export function generatorProbeOptions(tree: Tree): Omit<ProbeOptions, 'algorithms'> {
  const settings = resolveFetchSettings([{ from: PLUGIN_OPTIONS_ORIGIN, values: pluginOptionsFromNxJson(readNxJson(tree) ?? undefined) }], {
    env: process.env,
    baseDir: tree.root,
    defaultStoreDir: defaultStoreDir(tree.root),
  });
  return {
    store: new ContentStore(settings.storeDir),
    mirrors: settings.mirrors,
    hosts: settings.hosts,
    netrc: settings.netrc,
    policy: settings.policy,
    env: process.env,
  };
}
