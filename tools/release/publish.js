#!/usr/bin/env node
/**
 * The `nx-release-publish` target of each lib (what `nx release publish` runs): publishes the
 * built package `dist/<projectRoot>` with npm. Nx passes its publish options as flags:
 *   node tools/release/publish.js libs/core [--registry=<url>] [--tag=<tag>] [--access=<a>] [--otp=<code>] [--dryRun]
 * Other flags Nx forwards (its version data, for instance) are ignored.
 */
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parseArgs } = require('node:util');

const ROOT = join(__dirname, '..', '..');

const { values, positionals } = parseArgs({
  allowPositionals: true,
  strict: false,
  options: {
    registry: { type: 'string' },
    tag: { type: 'string' },
    access: { type: 'string' },
    otp: { type: 'string' },
    dryRun: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
  },
});
const projectRoot = positionals[0];
const packageDir = join(ROOT, 'dist', projectRoot ?? '');
if (!projectRoot || !existsSync(join(packageDir, 'package.json'))) {
  console.error(`publish.js: no built package at dist/${projectRoot ?? '<projectRoot>'}; run its build target first`);
  process.exit(1);
}
const built = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const source = JSON.parse(readFileSync(join(ROOT, projectRoot, 'package.json'), 'utf8'));
if (built.version !== source.version) {
  console.error(`publish.js: dist/${projectRoot} is ${built.version} but ${projectRoot}/package.json says ${source.version}; rebuild it`);
  process.exit(1);
}
const tag = values.tag ?? (/-/.test(built.version) ? 'next' : 'latest');
const args = ['publish', packageDir, '--tag', tag];
if (values.registry) args.push('--registry', values.registry);
if (values.access) args.push('--access', values.access);
if (values.otp) args.push('--otp', values.otp);
if (values.dryRun || values['dry-run']) args.push('--dry-run');
const npm = spawnSync('npm', args, { stdio: 'inherit' });
process.exit(npm.status ?? 1);
