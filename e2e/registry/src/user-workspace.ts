import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { run, RunResult, userEnv } from './run';

const REPO = join(__dirname, '..', '..', '..');

/** The package managers a user's workspace is tested with. */
export type PackageManager = 'npm' | 'pnpm';

/**
 * A brand-new Nx workspace as a user makes one (`npm init`, `npm i -D nx@<version>`, or the same
 * with pnpm), in a temporary folder with its own node_modules and nothing linked to this
 * repository. Only the `@hermetic` scope comes from the local registry.
 */
export class UserWorkspace {
  readonly root = mkdtempSync(join(tmpdir(), 'hermetic-user-'));
  /** Holds the user's `pnpm` (this repository's pinned one), first on PATH; nothing else. */
  private readonly toolsDir = mkdtempSync(join(tmpdir(), 'hermetic-user-tools-'));

  constructor(
    private readonly registryUrl: string,
    private readonly extraEnv: NodeJS.ProcessEnv = {},
    readonly packageManager: PackageManager = 'npm',
  ) {
    symlinkSync(join(REPO, 'node_modules', 'pnpm', 'pnpm'), join(this.toolsDir, 'pnpm'));
  }

  async create(nxVersion: string): Promise<void> {
    this.write('.npmrc', `@hermetic:registry=${this.registryUrl}\n`);
    this.write('package.json', { name: 'user-workspace', version: '0.0.0', private: true });
    this.write('nx.json', { $schema: './node_modules/nx/schemas/nx-schema.json' });
    this.write('.gitignore', 'node_modules\n');
    if (this.packageManager === 'npm') {
      await this.ok('npm', ['install', '--save-dev', '--save-exact', `nx@${nxVersion}`, '--no-audit', '--no-fund']);
      return;
    }
    // pnpm >= 11 fails an install whose dependencies have build scripts nobody approved; nx has
    // one (a post-install check Nx runs without), so this workspace lets it pass unrun.
    this.write('pnpm-workspace.yaml', 'strictDepBuilds: false\n');
    await this.ok('pnpm', ['add', '--save-dev', '--save-exact', `nx@${nxVersion}`]);
  }

  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const path = [this.toolsDir, process.env.PATH].join(delimiter);
    return userEnv({ NX_CACHE_DIRECTORY: join(this.root, '.nx', 'cache'), PATH: path, ...this.extraEnv, ...extra });
  }

  /** Runs a command in the workspace as the user's shell would. */
  exec(cmd: string, args: string[], extra: NodeJS.ProcessEnv = {}): Promise<RunResult> {
    return run(cmd, args, { cwd: this.root, env: this.env(extra) });
  }

  /** Like `exec`, but a non-zero exit fails with the command's output. */
  async ok(cmd: string, args: string[], extra: NodeJS.ProcessEnv = {}): Promise<string> {
    const r = await this.exec(cmd, args, extra);
    if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.code} in ${this.root}:\n${r.output}`);
    return r.output;
  }

  /** `npx nx …` (or `pnpm exec nx …`) from the workspace's own node_modules. */
  nx(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<string> {
    return this.packageManager === 'npm' ? this.ok('npx', ['--no-install', 'nx', ...args], extra) : this.ok('pnpm', ['exec', 'nx', ...args], extra);
  }

  write(path: string, content: string | object): void {
    const full = join(this.root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }

  read(path: string): string {
    return readFileSync(join(this.root, path), 'utf8');
  }

  json<T = Record<string, unknown>>(path: string): T {
    return JSON.parse(this.read(path)) as T;
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
    rmSync(this.toolsDir, { recursive: true, force: true });
  }
}
