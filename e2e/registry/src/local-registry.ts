import { ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run';
import { freePort } from '@hermetic/core/testing/test-server';

const REPO = join(__dirname, '..', '..', '..');

/** The packages users install, in dependency order. */
export const PACKAGES = [
  { lib: 'core', name: '@hermetic/core' },
  { lib: 'fetch-service', name: '@hermetic/fetch-service' },
  { lib: 'nx-plugin', name: '@hermetic/nx' },
] as const;

/**
 * A verdaccio registry on 127.0.0.1 that holds only `@hermetic/*` (no uplinks): a workspace that
 * sends just that scope here (`@hermetic:registry=` in its .npmrc) takes everything else from its
 * usual registry, as a user's does.
 */
export class LocalRegistry {
  readonly dir = mkdtempSync(join(tmpdir(), 'hermetic-registry-'));
  url = '';
  private process?: ChildProcess;
  private log = '';

  async start(): Promise<void> {
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}/`;
    const config = join(this.dir, 'config.yaml');
    writeFileSync(
      config,
      [
        `storage: ${join(this.dir, 'storage')}`,
        'auth:',
        '  htpasswd:',
        `    file: ${join(this.dir, 'htpasswd')}`,
        'uplinks: {}',
        'packages:',
        "  '@hermetic/*':",
        '    access: $all',
        '    publish: $all',
        '    unpublish: $all',
        "  '**':",
        '    access: $all',
        'log: { type: stdout, format: pretty, level: warn }',
        '',
      ].join('\n'),
    );
    const bin = join(REPO, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
    const child = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    child.stdout?.on('data', (d) => (this.log += d));
    child.stderr?.on('data', (d) => (this.log += d));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}:\n${this.log}`);
      try {
        const res = await fetch(`${this.url}-/ping`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`verdaccio did not answer on ${this.url} within 30 s:\n${this.log}`);
  }

  /**
   * Publishes the built packages (`dist/libs/*`) under `version`, pinning each other to it as
   * `nx release version` would, with npm's own `publish` against this registry only.
   */
  async publishBuilt(version: string): Promise<void> {
    const npmrc = join(this.dir, 'publish.npmrc');
    const host = this.url.replace(/^http:/, '');
    // verdaccio lets anyone publish here ($all), but npm will not publish without a token.
    writeFileSync(npmrc, `registry=${this.url}\n${host}:_authToken=e2e-local-registry\n`);
    for (const { lib } of PACKAGES) {
      const staged = join(this.dir, 'staged', lib);
      cpSync(join(REPO, 'dist', 'libs', lib), staged, { recursive: true });
      const manifestPath = join(staged, 'package.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      manifest.version = version;
      for (const { name } of PACKAGES) if (manifest.dependencies?.[name]) manifest.dependencies[name] = version;
      writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
      const r = await run('npm', ['publish', staged, '--userconfig', npmrc, '--registry', this.url, '--tag', 'latest', '--no-provenance'], { cwd: this.dir });
      if (r.code !== 0) throw new Error(`npm publish ${lib} failed:\n${r.output}\n${this.log}`);
    }
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
