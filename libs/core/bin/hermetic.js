#!/usr/bin/env node
// Development launcher inside this repository (the published bin is the compiled src/cli/main.js).
// Runs the compiled CLI (dist/libs/core, from `npx nx run core:build`) when it was built from the
// sources as they are (tools/build/source-digest.js: by mtimes, else by content), and the
// TypeScript sources through swc-node otherwise, so a stale build is never used by accident.
const { join } = require('node:path');
const { isBuildCurrent } = require('../../../tools/build/source-digest');

const root = join(__dirname, '..');
const dist = join(root, '..', '..', 'dist', 'libs', 'core');
const built = join(dist, 'src', 'cli', 'main.js');

if (isBuildCurrent(join(root, 'src'), dist, built)) {
  require(built);
} else {
  process.env.SWC_NODE_PROJECT ??= join(root, '..', '..', 'tsconfig.base.json');
  require('@swc-node/register');
  require('../src/cli/main.ts');
}
