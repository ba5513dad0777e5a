#!/usr/bin/env node
/**
 * `hermetic`, installed with @hermetic/nx: the core's CLI under the plugin's name too. `fetch-deps`
 * runs `hermetic verify` as a command, which finds it in node_modules/.bin; pnpm links only the
 * bins of a workspace's direct dependencies there, and users install @hermetic/nx, not the core.
 */
import '@hermetic/core/cli';
