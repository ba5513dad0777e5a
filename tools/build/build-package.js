#!/usr/bin/env node
/**
 * Builds one lib into the package users install: `dist/libs/<lib>/`, compiled JS + `.d.ts` under
 * `src/`, the JSON assets beside them (schemas, executors.json, generators.json), and a
 * package.json whose `main`/`types`/`exports`/`bin` point at the compiled files.
 *
 * The lib's own package.json describes the published package (entry points at the compiled files)
 * and is `private`, so only this build's output can be published; this script derives it:
 *   node tools/build/build-package.js libs/core --bin hermetic=src/cli/main.ts
 *
 * Why not @nx/js:tsc: the @nx/* packages the registry serves here lag nx by a major, and a
 * mismatched @nx/js would pull a second nx into node_modules.
 */
const { spawnSync } = require('node:child_process');
const { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');
const { parseArgs } = require('node:util');
const { SOURCE_DIGEST_FILE, sourceDigest } = require('./source-digest');

const ROOT = join(__dirname, '..', '..');

/** Files that are never published: tests and test helpers. */
function isTestOnly(rel) {
  return /\.spec\.ts$/.test(rel) || /(^|\/)testing(\/|\.ts$)/.test(rel);
}

/** `./src/x.ts` → `./src/x.js`: the compiled file of a bin's source. */
function compiled(path) {
  return `./${path.replace(/^\.\//, '').replace(/\.ts$/, '.js')}`;
}

function copyAssets(srcDir, outDir) {
  for (const entry of readdirSync(srcDir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name.endsWith('.ts')) continue;
    const from = join(entry.parentPath ?? entry.path, entry.name);
    const rel = relative(srcDir, from).split('\\').join('/');
    if (isTestOnly(rel)) continue;
    mkdirSync(dirname(join(outDir, rel)), { recursive: true });
    cpSync(from, join(outDir, rel));
  }
}

/**
 * The published manifest: the lib's own, whose `main`/`types`/`exports` already name the compiled
 * files (inside this repository they resolve to nothing and the sources are used through tsconfig
 * paths), without `private` (which keeps the lib's folder itself from being published), with the
 * compiled bins and `files`. Every entry point must exist in the output.
 */
function publishedManifest(source, bins, outDir) {
  const { scripts: _scripts, devDependencies: _dev, private: _private, ...rest } = source;
  const entries = [source.main, source.types, ...Object.values(source.exports ?? {}).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e)))];
  for (const entry of entries) {
    if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) throw new Error(`${source.name}: entry ${entry} is TypeScript source; name the compiled file`);
    if (entry !== './package.json' && !existsSync(join(outDir, entry))) throw new Error(`${source.name}: entry ${entry} is not in the build output`);
  }
  const files = ['src', 'README.md', ...['executors.json', 'generators.json'].filter((f) => source[f.replace('.json', '')])];
  return {
    ...rest,
    ...(Object.keys(bins).length ? { bin: Object.fromEntries(Object.entries(bins).map(([name, file]) => [name, compiled(file)])) } : {}),
    files,
  };
}

/** The package.json that `name` resolves to from `dir`, as Node's resolution walks up: its path and version. */
function resolvedPackage(name, dir) {
  for (let at = dir; ; at = dirname(at)) {
    const manifest = join(at, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return { manifest, version: JSON.parse(readFileSync(manifest, 'utf8')).version };
    if (dirname(at) === at) return undefined;
  }
}

/**
 * Fails the build when the output, run inside this repository (the demo, the development launcher,
 * the benchmarks), would load another version of a dependency than the package declares and users
 * install: the lib's own node_modules is not on the output's resolution path, the root's is (it
 * once held js-yaml 3, hoisted for Jest, where core declares 4: different code, and esprima loaded
 * at every start). Exact pins are compared; a range is the registry's business.
 */
function checkResolvedDependencies(manifest, outDir) {
  const wrong = [];
  for (const [name, declared] of Object.entries(manifest.dependencies ?? {})) {
    if (!/^\d+\.\d+\.\d+$/.test(declared)) continue;
    const found = resolvedPackage(name, outDir);
    if (found?.version !== declared)
      wrong.push(`${name} ${declared} is declared, but ${found ? `${relative(ROOT, found.manifest)} is ${found.version}` : 'nothing is found'}`);
  }
  if (wrong.length) {
    throw new Error(
      `${manifest.name}: the build output would not run with the dependencies it declares:\n  ${wrong.join('\n  ')}\nadd each to the root package.json's dependencies at the declared version, then npm install`,
    );
  }
}

function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { bin: { type: 'string', multiple: true, default: [] } } });
  const libDir = join(ROOT, positionals[0] ?? '');
  if (!positionals[0] || !existsSync(join(libDir, 'package.json'))) {
    console.error('usage: build-package.js libs/<lib> [--bin name=src/file.ts]...');
    process.exit(64);
  }
  const outDir = join(ROOT, 'dist', relative(ROOT, libDir));
  rmSync(outDir, { recursive: true, force: true });

  // Taken before compiling: a source edited meanwhile makes the build look stale, never fresh.
  const digest = sourceDigest(join(libDir, 'src'));
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(libDir, 'tsconfig.lib.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) process.exit(tsc.status ?? 1);

  copyAssets(join(libDir, 'src'), join(outDir, 'src'));
  const source = JSON.parse(readFileSync(join(libDir, 'package.json'), 'utf8'));
  for (const file of ['README.md', 'executors.json', 'generators.json']) {
    if (existsSync(join(libDir, file))) cpSync(join(libDir, file), join(outDir, file));
  }
  const bins = Object.fromEntries(values.bin.map((b) => b.split('=')));
  for (const file of Object.values(bins)) {
    if (!existsSync(join(libDir, file))) throw new Error(`--bin names ${file}, which ${positionals[0]} does not have`);
  }
  const manifest = publishedManifest(source, bins, outDir);
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  checkResolvedDependencies(manifest, outDir);
  // Not in the package (`files` names what is published); read by the development launcher.
  writeFileSync(join(outDir, SOURCE_DIGEST_FILE), `${digest}\n`);
  console.log(`built ${relative(ROOT, outDir)}`);
}

// Run as a script (the build); required, it only lends its checks to the specs.
if (require.main === module) main();

module.exports = { checkResolvedDependencies };
