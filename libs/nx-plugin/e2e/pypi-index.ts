import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serveBytes, TestServer } from '@hermetic/core/testing/test-server';

/** Builds a minimal pure-Python wheel (a module and its dist-info with a correct RECORD) with Python's zipfile. */
const BUILD_WHEEL = `
import base64, hashlib, sys, zipfile
name, version, out = sys.argv[1], sys.argv[2], sys.argv[3]
mod = name.replace('-', '_')
files = {
  f'{mod}/__init__.py': f'VERSION = "{version}"\\n',
  f'{mod}-{version}.dist-info/METADATA': f'Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n',
  f'{mod}-{version}.dist-info/WHEEL': 'Wheel-Version: 1.0\\nGenerator: hermetic-e2e\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n',
}
record = ''.join(f"{p},sha256={base64.urlsafe_b64encode(hashlib.sha256(c.encode()).digest()).decode().rstrip('=')},{len(c.encode())}\\n" for p, c in files.items())
files[f'{mod}-{version}.dist-info/RECORD'] = record + f'{mod}-{version}.dist-info/RECORD,,\\n'
with zipfile.ZipFile(out, 'w') as z:
  for p, c in files.items():
    info = zipfile.ZipInfo(p, date_time=(2020, 1, 1, 0, 0, 0))
    z.writestr(info, c)
`;

/** A wheel served by the loopback index. */
export interface Wheel {
  file: string;
  bytes: Buffer;
  sha256: string;
  path: string;
}

/** A PyPI "simple" index (PEP 503) on a loopback test server, serving wheels built here. */
export class PypiIndex {
  private readonly work = mkdtempSync(join(tmpdir(), 'hermetic-pypi-'));

  constructor(private readonly server: TestServer) {}

  get url(): string {
    return `${this.server.origin}/simple/`;
  }

  async publish(name: string, version: string): Promise<Wheel> {
    const file = `${name.replace(/-/g, '_')}-${version}-py3-none-any.whl`;
    await promisify(execFile)('python3', ['-c', BUILD_WHEEL, name, version, join(this.work, file)]);
    const bytes = readFileSync(join(this.work, file));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = `/packages/${file}`;
    this.server.route(path, serveBytes(bytes));
    const page = `<!DOCTYPE html><html><body><a href="${path}#sha256=${sha256}">${file}</a></body></html>`;
    this.server.route(`/simple/${name}/`, serveBytes(Buffer.from(page), { headers: { 'content-type': 'text/html' } }));
    return { file, bytes, sha256, path };
  }

  tamper(w: Wheel): void {
    this.server.route(w.path, serveBytes(Buffer.concat([w.bytes, Buffer.from('tampered')])));
  }

  restore(w: Wheel): void {
    this.server.route(w.path, serveBytes(w.bytes));
  }
}
