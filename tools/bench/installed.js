/**
 * Figures of the installed packages (what a user runs, not this repository's sources): start-up
 * of the `hermetic` bin against bare Node, a warm `fetch-deps` against Nx's cached no-op, and the
 * plugin's createNodes cost in a workspace of 1,000 projects with lockfiles against the same
 * workspace without the plugin.
 *
 * The built packages (`npm run build`) are packed with `npm pack` and installed, with nx, into a
 * temporary workspace with its own node_modules; their dependencies come from the npm registry.
 */
const { execFileSync, spawn, spawnSync } = require('node:child_process');
const { createHash, randomBytes } = require('node:crypto');
const { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const REPO = join(__dirname, '..', '..');
const NX_VERSION = require('nx/package.json').version;
const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS || 21);
const GRAPH_RUNS = Number(process.env.BENCH_GRAPH_RUNS || 5);
// Warm runs differ by tenths of a second, about what one run varies on a shared machine: more of them.
const WARM_RUNS = Number(process.env.BENCH_WARM_RUNS || 11);
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
const sideBySide = (runs, a, b) => roundRobin(runs, [a, b]);

/** Medians of several commands, run round-robin (each round starting one later), so none is favoured by a warm cache. */
function roundRobin(runs, fns) {
  const times = fns.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (let j = 0; j < fns.length; j++) {
      const k = (i + j) % fns.length;
      times[k].push(fns[k]());
    }
  }
  return times.map(median);
}

/** Writes a small package: `files` (name -> text) into `dir`. */
function writePackage(dir, files) {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), typeof text === 'string' ? text : JSON.stringify(text));
}

/**
 * Nx's floor under `fetch-deps`, from no-ops of the same shape: a cached task whose outputs are 100
 * files of 16 KiB (as fetch-generic's), a cached one with one file (as sbom's), and an uncached
 * `node -e 0` command after both (as the re-verification). What it costs over a cached no-op is
 * what Nx itself spends on that graph: two cache hits, their outputs restored, a process started.
 * (Its 100 files are one folder output, where fetch-generic lists each file: if anything, Nx's
 * per-output work makes the real graph dearer than this floor.)
 */
function floorTargets(root) {
  writePackage(join(root, 'tools', 'floor'), {
    'files.js': `const { mkdirSync, writeFileSync } = require('node:fs');
const { randomBytes } = require('node:crypto');
mkdirSync('dist/floor/files', { recursive: true });
for (let i = 0; i < 100; i++) writeFileSync('dist/floor/files/a' + i + '.bin', randomBytes(16 * 1024));
`,
  });
  const cached = (command, outputs, dependsOn = []) => ({ executor: 'nx:run-commands', options: { command }, cache: true, inputs: [], outputs, dependsOn });
  return {
    'floor-fetch': cached('node tools/floor/files.js', ['{workspaceRoot}/dist/floor/files']),
    'floor-sbom': cached("node -e \"require('node:fs').writeFileSync('dist/floor/bom.json', '{}')\"", ['{workspaceRoot}/dist/floor/bom.json'], ['floor-fetch']),
    floor: { executor: 'nx:run-commands', options: { command: 'node -e 0' }, cache: false, dependsOn: ['floor-fetch', 'floor-sbom'] },
  };
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

/**
 * `nx show projects`, recomputing the project graph every time (no daemon, no graph cache). Cold:
 * without Nx's workspace data (a fresh clone); warm: with what the previous run left there (Nx's
 * file map, the plugin's targets cache), as on a developer's machine.
 */
function showProjects(root, plugins, cold) {
  writeFileSync(join(root, 'nx.json'), JSON.stringify({ plugins, useDaemonProcess: false }));
  if (cold) rmSync(join(root, '.nx', 'workspace-data'), { recursive: true, force: true });
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_CACHE_PROJECT_GRAPH: 'false', CI: 'true' };
  return wall(process.execPath, [join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'show', 'projects'], { cwd: root, env });
}

/**
 * A plugin that does no work: it returns the targets Hermetic inferred (read back from its cache)
 * for the same projects. What it costs over no plugin is Nx's own cost of that many targets, the
 * floor under any plugin that infers them.
 */
function writeFloorPlugin(root) {
  writePackage(join(root, 'node_modules', 'hermetic-bench-floor'), {
    'package.json': { name: 'hermetic-bench-floor', main: 'index.js' },
    'index.js': `const { readdirSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const data = join(__dirname, '..', '..', '.nx', 'workspace-data');
const file = readdirSync(data).find((f) => f.startsWith('hermetic-targets-'));
const targets = Object.values(JSON.parse(readFileSync(join(data, file), 'utf8')));
exports.createNodesV2 = ['**/artifacts.lock.yaml', async (files) => files.map((f, i) => [f, { projects: { [dirname(f)]: { targets: targets[i % targets.length] } } }])];
`,
  });
}

function graphRow(name, withPlugin, without) {
  const pct = ((withPlugin - without) / without) * 100;
  return [name, `${withPlugin.toFixed(2)} s`, `${without.toFixed(2)} s (no plugin)`, `${pct >= 0 ? '+' : ''}${pct.toFixed(0)} % (goal <= +10 %)`, '', ''];
}

/**
 * Warm runs with the installed plugin, as a user has them: a project of 100 artifacts (16 KiB each,
 * from a loopback server) fetched once, then, round-robin, a cached no-op target of the same
 * workspace (Nx's own fixed cost), `fetch-deps` (fetch targets from the cache, the SBOM from the
 * cache, and the re-verification command), and Nx's floors for it: the same task graph of no-ops
 * (see `floorTargets`) and an uncached `node -e 0` command alone. No daemon, so Nx restores the
 * outputs every time and every file is hashed again: the worst case.
 */
async function warmInstalled(root) {
  const mirror = join(root, 'mirror');
  mkdirSync(mirror);
  const bodies = Array.from({ length: 100 }, () => randomBytes(16 * 1024));
  bodies.forEach((b, i) => writeFileSync(join(mirror, `a${i}.bin`), b));
  const serve = spawn(process.execPath, [join(__dirname, 'serve.js'), mirror], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise((resolve) => serve.stdout.once('data', (d) => resolve(String(d).trim())));
    const dir = join(root, 'apps', 'w');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'project.json'),
      JSON.stringify({
        name: 'w',
        targets: {
          baseline: { executor: 'nx:run-commands', options: { command: 'true' }, cache: true, inputs: [] },
          ...floorTargets(root),
          'node-command': { executor: 'nx:run-commands', options: { command: 'node -e 0' }, cache: false },
        },
      }),
    );
    const entries = bodies.map(
      (b, i) => `  - download_url: http://127.0.0.1:${port}/a${i}.bin\n    checksum: sha256:${createHash('sha256').update(b).digest('hex')}\n`,
    );
    writeFileSync(join(dir, 'artifacts.lock.yaml'), `metadata:\n  version: "1.0"\nartifacts:\n${entries.join('')}`);
    writeFileSync(join(root, 'nx.json'), JSON.stringify({ plugins: ['@hermetic/nx'], useDaemonProcess: false, analytics: false }));
    const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true', NX_CACHE_DIRECTORY: join(root, '.nx', 'cache') };
    const nx = (target) => () => wall(process.execPath, [join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'run', target], { cwd: root, env });
    const targets = ['w:fetch-deps', 'w:baseline', 'w:floor', 'w:node-command'];
    for (const t of targets) nx(t)();
    const [deps, base, floor, command] = roundRobin(WARM_RUNS, targets.map(nx));
    const row = (name, t) => [
      name,
      `${t.toFixed(2)} s`,
      `${base.toFixed(2)} s (Nx, cached no-op)`,
      `${t >= base ? '+' : ''}${(((t - base) / base) * 100).toFixed(0)} %`,
      '',
      '',
    ];
    const goal = row('warm fetch-deps, installed, 100 artifacts', deps);
    goal[3] += ' (goal <= +10 %)';
    return [goal, row("  Nx's floor: the same task graph of no-ops", floor), row("  Nx's floor: an uncached `node -e 0` command", command)];
  } finally {
    serve.kill();
    for (const dir of ['apps', 'tools', 'dist', '.nx']) rmSync(join(root, dir), { recursive: true, force: true });
  }
}

async function installedBench() {
  const root = mkdtempSync(join(tmpdir(), 'hermetic-bench-installed-'));
  try {
    installPackages(root);
    const bin = join(root, 'node_modules', '.bin', 'hermetic');
    writeFileSync(join(root, 'bad.lock.yaml'), 'metadata:\n  version: 1.0\nartifacts: []\n');
    const node = () => wall(process.execPath, ['-e', '0']);
    const [help, bare] = sideBySide(STARTUP_RUNS, () => wall(bin, ['--help'], { cwd: root }), node);
    const [invalid, bare2] = sideBySide(
      STARTUP_RUNS,
      () => wall(bin, ['fetch-deps', '--lockfile', 'bad.lock.yaml', '--output', 'out'], { cwd: root }, 14),
      node,
    );
    const warm = await warmInstalled(root);
    writeProjects(root);
    const graph = (cold) =>
      sideBySide(
        GRAPH_RUNS,
        () => showProjects(root, ['@hermetic/nx'], cold),
        () => showProjects(root, [], cold),
      );
    const [coldWith, coldWithout] = graph(true);
    // Warm each side's data once (they share the folder: the plugin's cache survives the other side's runs).
    showProjects(root, ['@hermetic/nx'], false);
    const [warmWith, warmWithout] = graph(false);
    writeFloorPlugin(root);
    const [floor, floorWithout] = sideBySide(
      GRAPH_RUNS,
      () => showProjects(root, ['hermetic-bench-floor'], false),
      () => showProjects(root, [], false),
    );
    const ms = (s) => `${(s * 1000).toFixed(0)} ms`;
    const plus = (a, b) => `+${((a - b) * 1000).toFixed(0)} ms`;
    return [
      ['`hermetic --help`, installed', ms(help), `${ms(bare)} (node -e 0)`, `${plus(help, bare)} (goal <= +100 ms)`, '', ''],
      ['invalid lockfile, installed', ms(invalid), `${ms(bare2)} (node -e 0)`, `${plus(invalid, bare2)} (goal <= +100 ms)`, '', ''],
      ...warm,
      graphRow(`nx show projects, ${PROJECTS} projects, warm`, warmWith, warmWithout),
      graphRow(`nx show projects, ${PROJECTS} projects, cold`, coldWith, coldWithout),
      graphRow(`  same ${PROJECTS * 4} targets from a no-work plugin (Nx's floor)`, floor, floorWithout),
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

module.exports = { installedBench };

if (require.main === module) {
  installedBench().then((rows) => rows.forEach((r) => console.log(r.slice(0, 4).join(' | '))));
}
