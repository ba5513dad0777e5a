import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const REPO = join(__dirname, '..', '..', '..');

/**
 * A real Nx workspace in a temporary folder that uses Hermetic from source the way this repository
 * does: the libs are copied in (specs left out), node_modules is linked, and nx.json registers the
 * plugin by package name. No network, no registry.
 */
export class NxWorkspace {
  readonly root = mkdtempSync(join(tmpdir(), 'hermetic-e2e-'));

  /** `pluginOptions: false` leaves the plugin unregistered (for the init generator to do it). */
  constructor(pluginOptions: object | false = {}) {
    for (const lib of ['core', 'nx-plugin', 'fetch-service']) {
      cpSync(join(REPO, 'libs', lib), join(this.root, 'libs', lib), {
        recursive: true,
        filter: (src) => !src.endsWith('.spec.ts') && !src.includes(`${lib}/e2e`) && !src.includes('node_modules'),
      });
    }
    for (const f of ['package.json', 'package-lock.json', 'tsconfig.base.json']) cpSync(join(REPO, f), join(this.root, f));
    symlinkSync(join(REPO, 'node_modules'), join(this.root, 'node_modules'), 'dir');
    // analytics: false, or Nx asks about it on a terminal (the pseudo-terminal tests).
    this.write('nx.json', {
      ...(pluginOptions ? { plugins: [{ plugin: '@hermetic/nx', options: pluginOptions }] } : {}),
      useDaemonProcess: false,
      analytics: false,
    });
    this.write('.gitignore', 'dist\n.nx\n');
  }

  write(path: string, content: string | object): void {
    const full = join(this.root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }

  read(path: string): Buffer {
    return readFileSync(join(this.root, path));
  }

  remove(path: string): void {
    rmSync(join(this.root, path), { recursive: true, force: true });
  }

  /**
   * Runs the workspace's `nx` asynchronously (test servers live in this process, so the event
   * loop must keep running) and returns its combined output and exit code.
   */
  nx(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [join(this.root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), ...args],
        {
          cwd: this.root,
          env: this.env(env),
          maxBuffer: 16 * 1024 * 1024,
          timeout: 120_000,
        },
        (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
      );
    });
  }

  /**
   * The environment of an `nx` run in this workspace: no daemon, cloud or TUI, its own Nx cache
   * (Nx 24 shares one between checkouts by default) and its own store, plus `extra`.
   */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      ...process.env,
      NX_DAEMON: 'false',
      NX_NO_CLOUD: 'true',
      NX_TUI: 'false',
      CI: 'true',
      HERMETIC_STORE_DIR: '',
      NX_CACHE_DIRECTORY: join(this.root, '.nx', 'cache'),
      ...extra,
    };
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
