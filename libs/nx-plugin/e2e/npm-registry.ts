import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveBytes, TestServer } from '@hermetic/core/testing/test-server';

/** A package published to the loopback registry: its tarball and what npm's lockfile pins for it. */
export interface Published {
  name: string;
  version: string;
  tarball: Buffer;
  integrity: string;
  tarballPath: string;
}

/**
 * A minimal npm registry on a loopback test server: packuments (`GET /<name>`, scoped ones also as
 * `/@scope%2fname`) and tarballs, built with the real `npm pack`, so real `npm install`/`npm ci`
 * and pnpm resolve and download from it.
 */
export class NpmRegistry {
  private readonly packuments = new Map<string, { name: string; 'dist-tags': Record<string, string>; versions: Record<string, unknown> }>();
  private readonly work = mkdtempSync(join(tmpdir(), 'hermetic-npm-registry-'));

  constructor(private readonly server: TestServer) {}

  get url(): string {
    return `${this.server.origin}/`;
  }

  /** Packs and serves a package with the given dependencies (and an index.js naming it). */
  publish(name: string, version: string, dependencies: Record<string, string> = {}): Published {
    const dir = join(this.work, `${name.replace('/', '+')}-${version}`);
    mkdirSync(dir, { recursive: true });
    const manifest = { name, version, main: 'index.js', dependencies };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
    writeFileSync(join(dir, 'index.js'), `module.exports = ${JSON.stringify(`${name}@${version}`)};\n`);
    const file = execFileSync('npm', ['pack', '--silent', '--pack-destination', this.work], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop()!;
    const tarball = readFileSync(join(this.work, file));
    const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
    const tarballPath = `/${name}/-/${name.split('/').pop()}-${version}.tgz`;
    const doc = this.packuments.get(name) ?? { name, 'dist-tags': {}, versions: {} };
    doc['dist-tags'].latest = version;
    doc.versions[version] = {
      ...manifest,
      dist: { tarball: `${this.server.origin}${tarballPath}`, integrity, shasum: createHash('sha1').update(tarball).digest('hex') },
    };
    this.packuments.set(name, doc);
    const packument = () => serveBytes(Buffer.from(JSON.stringify(doc)), { headers: { 'content-type': 'application/json' } });
    for (const path of [`/${name}`, `/${name.replace('/', '%2f')}`, `/${name.replace('/', '%2F')}`]) this.server.route(path, packument());
    this.server.route(tarballPath, serveBytes(tarball));
    return { name, version, tarball, integrity, tarballPath };
  }

  /** Serves other bytes at a published tarball's URL (a registry that was tampered with). */
  tamper(p: Published): void {
    this.server.route(p.tarballPath, serveBytes(Buffer.concat([p.tarball, Buffer.from('tampered')])));
  }

  restore(p: Published): void {
    this.server.route(p.tarballPath, serveBytes(p.tarball));
  }
}
