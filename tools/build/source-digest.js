/**
 * A digest of a lib's sources as the build compiles them (every file under `src/` but specs), so
 * the development launcher can tell that a build in `dist/` came from exactly the sources it sees,
 * whatever their mtimes say: a checkout gives unchanged files new mtimes, and a build that is an
 * Nx cache hit leaves the compiled files' old ones, which made the launcher fall back to the
 * sources (through swc-node, ~0.5 s a run) until a real rebuild.
 */
const { createHash } = require('node:crypto');
const { existsSync, readdirSync, readFileSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

/** The file in a build's output folder that holds the digest of the sources it was built from. */
const SOURCE_DIGEST_FILE = '.source-digest';

function sourceFiles(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (!entry.name.endsWith('.spec.ts')) out.push(path);
  }
  return out;
}

/** SHA-256 over the sorted relative paths and contents of the sources under `srcDir` (~8 ms for core's 106 files). */
function sourceDigest(srcDir) {
  const hash = createHash('sha256');
  for (const file of sourceFiles(srcDir).sort()) {
    const content = readFileSync(file);
    hash.update(`${relative(srcDir, file).split('\\').join('/')}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

/** The newest mtime of the sources under `dir` (specs are not compiled: editing one does not make a build stale). */
function newestSource(dir) {
  let newest = 0;
  for (const file of sourceFiles(dir)) newest = Math.max(newest, statSync(file).mtimeMs);
  return newest;
}

/**
 * Whether the build in `distDir` (its file `entry`) is of the sources in `srcDir`: at once when it
 * is newer than all of them (~2 ms), else when the digest it recorded is theirs (~8 ms more).
 */
function isBuildCurrent(srcDir, distDir, entry) {
  if (!existsSync(entry)) return false;
  if (statSync(entry).mtimeMs >= newestSource(srcDir)) return true;
  const recorded = join(distDir, SOURCE_DIGEST_FILE);
  return existsSync(recorded) && readFileSync(recorded, 'utf8').trim() === sourceDigest(srcDir);
}

module.exports = { SOURCE_DIGEST_FILE, isBuildCurrent, sourceDigest };
