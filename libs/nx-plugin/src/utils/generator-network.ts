import { readNxJson, Tree } from './devkit';
import { ContentStore, defaultStoreDir, loadNetrc, MirrorRule, ProbeOptions, resolveNetworkRules } from '@hermetic/core';
import { PLUGIN_NAME } from '../generators/init/generator';

/**
 * Download settings for generators that fetch (add-artifact, update-checksums): the workspace's
 * store (so the next fetch is a store hit), and the mirror and host rules of nx.json plus the
 * environment, exactly as the fetch executors apply them.
 */
export function generatorProbeOptions(tree: Tree): Omit<ProbeOptions, 'algorithms'> {
  const entry = (readNxJson(tree)?.plugins ?? []).find((p) => typeof p === 'object' && p.plugin === PLUGIN_NAME);
  const options = (typeof entry === 'object' ? entry.options : {}) as { mirrors?: MirrorRule[]; allowHosts?: string[]; blockHosts?: string[] } | undefined;
  const rules = resolveNetworkRules({ mirrors: options?.mirrors, allowHosts: options?.allowHosts, blockHosts: options?.blockHosts }, process.env);
  return {
    store: new ContentStore(defaultStoreDir(tree.root)),
    mirrors: rules.mirrors,
    hosts: rules.hosts,
    netrc: loadNetrc(process.env),
    env: process.env,
  };
}
