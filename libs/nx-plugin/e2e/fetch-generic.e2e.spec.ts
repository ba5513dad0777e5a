import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveBytes, startTestServer, TestServer } from '@hermetic/core/testing/test-server';
import { NxWorkspace } from './nx-workspace';

jest.setTimeout(180_000);

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const cached = (task: string) => new RegExp(`${task}.*\\[(local cache|remote cache|existing outputs match)`);

/** End to end with real `nx` in a temporary workspace, against a loopback server. */
describe('nx run <project>:fetch-deps', () => {
  let server: TestServer;
  let ws: NxWorkspace;
  const files = { 'a.bin': randomBytes(200_000), 'b.txt': Buffer.from('hello\n'), 'c.tgz': randomBytes(50_000), 'c2.tgz': randomBytes(51_000) };
  const out = 'dist/hermetic/apps/app/deps/generic';

  function lockfile(third: 'c.tgz' | 'c2.tgz', comment = '') {
    return `${comment}metadata:
  version: "1.0"
artifacts:
  - download_url: ${server.origin}/a.bin
    checksum: sha256:${sha256(files['a.bin'])}
  - download_url: ${server.origin}/b.txt
    checksum: sha256:${sha256(files['b.txt'])}
    filename: docs/b.txt
  - download_url: ${server.origin}/${third}
    checksum: sha256:${sha256(files[third])}
    filename: tools/c.tgz
`;
  }
  const hits = () => Object.fromEntries(Object.keys(files).map((f) => [f, server.hits(`/${f}`)]));

  beforeAll(async () => {
    server = await startTestServer();
    for (const [name, body] of Object.entries(files)) server.route(`/${name}`, serveBytes(body));
    ws = new NxWorkspace();
    ws.write('apps/app/project.json', { name: 'app', targets: {} });
    ws.write('apps/app/artifacts.lock.yaml', lockfile('c.tgz'));
  });
  afterAll(async () => {
    await server.close();
    ws.dispose();
  });

  it('shows the inferred targets in `nx show project`', async () => {
    const r = await ws.nx(['show', 'project', 'app', '--json']);
    expect(r.code).toBe(0);
    const project = JSON.parse(r.output.slice(r.output.indexOf('{')));
    expect(project.targets['fetch-generic']).toMatchObject({
      executor: '@hermetic/nx:fetch-generic',
      cache: true,
      options: expect.objectContaining({ lockfileDigest: expect.stringMatching(/^sha256:/) }),
      outputs: expect.arrayContaining([`{workspaceRoot}/${out}/tools/c.tgz`]),
    });
    // A lockfile of URL artifacts only: no fetch-maven is inferred.
    // Its re-verification is the CLI's, as a command: Nx runs it without a process of its own.
    expect(project.targets['fetch-deps']).toMatchObject({
      executor: 'nx:run-commands',
      options: { command: 'hermetic verify --lockfile apps/app/artifacts.lock.yaml --output dist/hermetic/apps/app' },
      dependsOn: ['fetch-generic', 'sbom'],
    });
    expect(project.targets['fetch-maven']).toBeUndefined();
  });

  it('fetches, then hits the cache, then restores deleted outputs without downloading', async () => {
    const first = await ws.nx(['run', 'app:fetch-deps']);
    expect(first.code).toBe(0);
    expect(first.output).toMatch(/3 files, .* 3 downloaded/);
    expect(ws.read(`${out}/a.bin`).equals(files['a.bin'])).toBe(true);
    expect(ws.read(`${out}/docs/b.txt`).equals(files['b.txt'])).toBe(true);
    expect(ws.read(`${out}/tools/c.tgz`).equals(files['c.tgz'])).toBe(true);
    expect(hits()).toEqual({ 'a.bin': 1, 'b.txt': 1, 'c.tgz': 1, 'c2.tgz': 0 });

    const second = await ws.nx(['run', 'app:fetch-deps']);
    expect(second.code).toBe(0);
    expect(second.output).toMatch(cached('app:fetch-generic'));
    expect(second.output).toMatch(/verified 3 file\(s\) against apps\/app\/artifacts\.lock\.yaml in \d+ ms/);

    ws.remove('dist');
    const third = await ws.nx(['run', 'app:fetch-deps']);
    expect(third.code).toBe(0);
    expect(third.output).toMatch(cached('app:fetch-generic'));
    expect(ws.read(`${out}/tools/c.tgz`).equals(files['c.tgz'])).toBe(true);
    expect(hits()).toEqual({ 'a.bin': 1, 'b.txt': 1, 'c.tgz': 1, 'c2.tgz': 0 });
  });

  it('re-downloads only the artifact that changed', async () => {
    ws.write('apps/app/artifacts.lock.yaml', lockfile('c2.tgz'));
    const r = await ws.nx(['run', 'app:fetch-deps']);
    expect(r.code).toBe(0);
    expect(r.output).not.toMatch(cached('app:fetch-generic'));
    expect(r.output).toMatch(/3 files, .* 1 downloaded .* 2 from store/);
    // Piped output (CI, `| tee`): every line of the task names it, so parallel tasks can be told apart.
    expect(r.output).toMatch(/^app:fetch-generic downloaded tools\/c\.tgz \(49\.8 KiB\)$/m);
    expect(hits()).toEqual({ 'a.bin': 1, 'b.txt': 1, 'c.tgz': 1, 'c2.tgz': 1 });
    expect(ws.read(`${out}/tools/c.tgz`).equals(files['c2.tgz'])).toBe(true);
  });

  it('fails a bad checksum with the file, the artifact and the fix, and leaves no file behind', async () => {
    ws.remove('dist');
    // A digest nothing in the store has, so the bytes are downloaded and compared.
    ws.write('apps/app/artifacts.lock.yaml', lockfile('c2.tgz').replace(sha256(files['c2.tgz']), 'e'.repeat(64)));
    const r = await ws.nx(['run', 'app:fetch-deps']);
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/ChecksumVerificationFailed: artifacts\[2\] \(tools\/c\.tgz\): checksum mismatch: sha256 expected e{64}, got [0-9a-f]{64}/);
    expect(r.output).toMatch(
      /update the checksum of artifacts\[2\] \(tools\/c\.tgz\) in apps\/app\/artifacts\.lock\.yaml line \d+, or run nx g @hermetic\/nx:update-checksums app --write/,
    );
    expect(existsSync(join(ws.root, out, 'tools/c.tgz'))).toBe(false);
    // Nx tells tasks FORCE_COLOR=true whether or not its output is a terminal: no escapes on a pipe.
    const errorLine = r.output.split('\n').find((line) => line.includes('ChecksumVerificationFailed'));
    expect(errorLine).toMatch(/^app:fetch-generic ChecksumVerificationFailed/);
    expect(errorLine).not.toContain('\x1b[');
  });

  it('colours the error on a terminal (a pseudo-terminal from script(1)), and honours NO_COLOR there', async () => {
    const onTerminal = (env: NodeJS.ProcessEnv) =>
      new Promise<string>((resolve) => {
        const nx = `${process.execPath} ${join(ws.root, 'node_modules/nx/dist/bin/nx.js')} run app:fetch-generic`;
        execFile('script', ['-qec', nx, '/dev/null'], { cwd: ws.root, env: ws.env({ CI: '', ...env }), timeout: 60_000 }, (_err, stdout) => resolve(stdout));
      });
    const coloured = await onTerminal({});
    expect(coloured).toContain('\x1b[1m\x1b[31mChecksumVerificationFailed: artifacts[2]');
    expect(coloured).not.toMatch(/app:fetch-generic Checksum/);
    const plain = await onTerminal({ NO_COLOR: '1' });
    expect(plain).toMatch(/ChecksumVerificationFailed: artifacts\[2\]/);
    expect(plain).not.toContain('\x1b[31mChecksum');
  });
});
