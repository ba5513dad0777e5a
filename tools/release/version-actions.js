/**
 * How `nx release version` reads and writes the versions of this repository's packages: the
 * `version` of each lib's package.json and the exact versions they pin of each other.
 *
 * Nx's stock implementation lives in @nx/js, which the registry here serves one major behind nx
 * (it would install a second nx); this is the part of it these three packages need.
 */
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const { VersionActions } = require('nx/release');

const COLLECTIONS = ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies'];

function readJson(tree, path) {
  return JSON.parse(tree.read(path, 'utf-8'));
}

function writeJson(tree, path, value) {
  tree.write(path, `${JSON.stringify(value, null, 2)}\n`);
}

class HermeticVersionActions extends VersionActions {
  validManifestFilenames = ['package.json'];

  manifestPath() {
    return join(this.projectGraphNode.data.root, 'package.json');
  }

  async readCurrentVersionFromSourceManifest(tree) {
    const manifestPath = this.manifestPath();
    return { currentVersion: readJson(tree, manifestPath).version, manifestPath };
  }

  async readCurrentVersionFromRegistry(tree, metadata) {
    const { name } = readJson(tree, this.manifestPath());
    const tag = metadata?.tag ?? 'latest';
    const registry = metadata?.registry ? ['--registry', metadata.registry] : [];
    try {
      const version = execFileSync('npm', ['view', `${name}@${tag}`, 'version', ...registry], { encoding: 'utf8' }).trim();
      return { currentVersion: version || null, logText: `${name}@${tag} on the registry` };
    } catch {
      return { currentVersion: null, logText: `${name}@${tag} is not on the registry yet` };
    }
  }

  async readCurrentVersionOfDependency(tree, projectGraph, dependencyProjectName) {
    const manifest = readJson(tree, this.manifestPath());
    const depName = readJson(tree, join(projectGraph.nodes[dependencyProjectName].data.root, 'package.json')).name;
    for (const collection of COLLECTIONS) {
      if (manifest[collection]?.[depName]) return { currentVersion: manifest[collection][depName], dependencyCollection: collection };
    }
    return { currentVersion: null, dependencyCollection: null };
  }

  async updateProjectVersion(tree, newVersion) {
    const logs = [];
    for (const { manifestPath } of this.manifestsToUpdate) {
      const manifest = readJson(tree, manifestPath);
      manifest.version = newVersion;
      writeJson(tree, manifestPath, manifest);
      logs.push(`✍️  New version ${newVersion} written to manifest: ${manifestPath}`);
    }
    return logs;
  }

  async updateProjectDependencies(tree, projectGraph, dependenciesToUpdate) {
    const names = Object.fromEntries(
      Object.entries(dependenciesToUpdate).map(([project, version]) => [
        readJson(tree, join(projectGraph.nodes[project].data.root, 'package.json')).name,
        version,
      ]),
    );
    const logs = [];
    for (const { manifestPath } of this.manifestsToUpdate) {
      const manifest = readJson(tree, manifestPath);
      let count = 0;
      for (const collection of COLLECTIONS) {
        for (const [name, version] of Object.entries(names)) {
          // The three packages are released together: they pin each other exactly.
          if (manifest[collection]?.[name]) {
            manifest[collection][name] = version;
            count++;
          }
        }
      }
      if (count) {
        writeJson(tree, manifestPath, manifest);
        logs.push(`✍️  Updated ${count} dependenc${count === 1 ? 'y' : 'ies'} in manifest: ${manifestPath}`);
      }
    }
    return logs;
  }
}

module.exports = HermeticVersionActions;

/** After the bump: the workspace lockfile records the libs' versions too (npm workspaces). */
module.exports.afterAllProjectsVersioned = async (cwd, { dryRun }) => {
  if (dryRun) return { changedFiles: [], deletedFiles: [] };
  execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd, stdio: 'inherit' });
  return { changedFiles: ['package-lock.json'], deletedFiles: [] };
};
