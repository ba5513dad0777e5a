#!/usr/bin/env node
// Development launcher inside this repository (the published bin is the compiled src/cli/main.js).
// Runs the compiled CLI (dist/libs/core, from `npx nx run core:build`) when it is up to date with the sources, and
// the TypeScript sources through swc-node otherwise, so a stale build is never used by accident.
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const built = join(root, '..', '..', 'dist', 'libs', 'core', 'src', 'cli', 'main.js');

/** The newest mtime of the sources the build compiles (specs are not compiled: editing one does not make the build stale). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (!entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

if (existsSync(built) && statSync(built).mtimeMs >= newestSource(join(root, 'src'))) {
  require(built);
} else {
  process.env.SWC_NODE_PROJECT ??= join(root, '..', '..', 'tsconfig.base.json');
  require('@swc-node/register');
  require('../src/cli/main.ts');
}
