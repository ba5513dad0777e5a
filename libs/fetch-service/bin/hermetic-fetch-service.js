#!/usr/bin/env node
// Starts the embedded Fetch Service from its TypeScript sources inside the workspace.
const { join } = require('node:path');

process.env.SWC_NODE_PROJECT ??= join(__dirname, '..', '..', '..', 'tsconfig.base.json');
require('@swc-node/register');
require('../src/cli.ts')
  .main(process.argv.slice(2))
  .then((code) => process.exit(code));
