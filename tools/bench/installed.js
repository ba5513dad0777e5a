/**
 * Figures of the installed packages (what a user runs, not this repository's sources): start-up
 * of the `hermetic` bin against bare Node, and the plugin's createNodes cost in a workspace of
 * 1,000 projects with lockfiles against the same workspace without the plugin.
 *
 * The built packages (`npm run build`) are packed with `npm pack` and installed, with nx, into a
 * temporary workspace with its own node_modules; their dependencies come from the npm registry.
 */
const { execFileSync, spawnSync } = require('node:child_process');
const { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const REPO = join(__dirname, '..', '..');
const NX_VERSION = require('nx/package.json').version;
const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS || 21);
const GRAPH_RUNS = Number(process.env.BENCH_GRAPH_RUNS || 5);
const PROJECTS = 1000;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall seconds of one command; `expect` is the exit status it must end with. */
function wall(cmd, args, opts = {}, expect = 0) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== expect) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}, expected ${expect}: ${r.stderr}`);
  return seconds;
}

/** Medians of two commands run alternately, so neither is favoured by a warm cache. */
function sideBySide(runs, a, b) {
  const [as, bs] = [[], []];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) as.push(a()), bs.push(b());
    else bs.push(b()), as.push(a());
  }
  return [median(as), median(bs)];
}

function installPackages(root) {
  const tarballs = join(root, 'tarballs');
  mkdirSync(tarballs);
  for (const lib of ['core', 'fetch-service', 'nx-plugin']) {
    execFileSync('npm', ['pack', join(REPO, 'dist', 'libs', lib), '--pack-destination', tarballs], { stdio: 'ignore' });
  }
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'bench-workspace', private: true }));
  const files = readdirSync(tarballs).map((f) => join(tarballs, f));
  execFileSync('npm', ['install', '--save-dev', `nx@${NX_VERSION}`, ...files, '--no-audit', '--no-fund'], { cwd: root, stdio: 'ignore' });
}

function writeProjects(root) {
  for (let i = 0; i < PROJECTS; i++) {
    const dir = join(root, 'apps', `p${i}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'project.json'), JSON.stringify({ name: `p${i}` }));
    writeFileSync(
      join(dir, 'artifacts.lock.yaml'),
      `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: "https://example.com/p${i}/tool.tgz"\n    checksum: "sha256:${'ab'.repeat(32)}"\n  - type: maven\n    checksum: "sha256:${'cd'.repeat(32)}"\n    attributes: { repository_url: "https://repo.example.com/maven2", group_id: "org.example", artifact_id: "lib${i}", version: "1.0.${i}" }\n`,
    );
  }
}

/** `nx show projects`, recomputing the project graph every time (no daemon, no graph cache). */
function showProjects(root, plugins) {
  writeFileSync(join(root, 'nx.json'), JSON.stringify({ plugins, useDaemonProcess: false }));
  rmSync(join(root, '.nx', 'workspace-data'), { recursive: true, force: true });
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_CACHE_PROJECT_GRAPH: 'false', CI: 'true' };
  return wall(process.execPath, [join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'show', 'projects'], { cwd: root, env });
}

async function installedBench() {
  const root = mkdtempSync(join(tmpdir(), 'hermetic-bench-installed-'));
  try {
    installPackages(root);
    const bin = join(root, 'node_modules', '.bin', 'hermetic');
    writeFileSync(join(root, 'bad.lock.yaml'), 'metadata:\n  version: 1.0\nartifacts: []\n');
    const node = () => wall(process.execPath, ['-e', '0']);
    const [help, bare] = sideBySide(STARTUP_RUNS, () => wall(bin, ['--help'], { cwd: root }), node);
    const [invalid, bare2] = sideBySide(STARTUP_RUNS, () => wall(bin, ['fetch-deps', '--lockfile', 'bad.lock.yaml', '--output', 'out'], { cwd: root }, 14), node);
    writeProjects(root);
    const [withPlugin, without] = sideBySide(GRAPH_RUNS, () => showProjects(root, ['@hermetic/nx']), () => showProjects(root, []));
    const ms = (s) => `${(s * 1000).toFixed(0)} ms`;
    const plus = (a, b) => `+${((a - b) * 1000).toFixed(0)} ms`;
    return [
      ['`hermetic --help`, installed', ms(help), `${ms(bare)} (node -e 0)`, `${plus(help, bare)} (goal <= +100 ms)`, '', ''],
      ['invalid lockfile, installed', ms(invalid), `${ms(bare2)} (node -e 0)`, `${plus(invalid, bare2)} (goal <= +100 ms)`, '', ''],
      [
        `nx show projects, ${PROJECTS} projects`,
        `${withPlugin.toFixed(2)} s`,
        `${without.toFixed(2)} s (no plugin)`,
        `${(((withPlugin - without) / without) * 100).toFixed(0)} % (goal <= +10 %)`,
        '',
        '',
      ],
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

module.exports = { installedBench };

if (require.main === module) {
  installedBench().then((rows) => rows.forEach((r) => console.log(r.slice(0, 4).join(' | '))));
}
