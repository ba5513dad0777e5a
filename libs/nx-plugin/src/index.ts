/**
 * @hermetic/nx: registers inferred targets for every `artifacts.lock.yaml` (see `plugins/plugin.ts`)
 * and provides the executors they run.
 */
export { createNodes, createNodesV2, HermeticPluginOptions } from './plugins/plugin';
