#!/usr/bin/env node
// Development launcher inside this repository: runs the service from its TypeScript sources.
// The published package's bin is the compiled src/bin.js (see tools/build/build-package.js).
const { join } = require('node:path');

process.env.SWC_NODE_PROJECT ??= join(__dirname, '..', '..', '..', 'tsconfig.base.json');
require('@swc-node/register');
require('../src/bin.ts');
