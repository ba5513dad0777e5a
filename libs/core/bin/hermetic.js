#!/usr/bin/env node
// Runs the CLI from its TypeScript sources inside the workspace (a published build ships dist/).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'cli', 'main.js');
if (existsSync(built)) {
  require(built);
} else {
  process.env.SWC_NODE_PROJECT ??= join(__dirname, '..', '..', '..', 'tsconfig.base.json');
  require('@swc-node/register');
  require('../src/cli/main.ts');
}
