import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { serveBytes, slowBody, startTestServer, TestServer } from '../testing/test-server';
import { EXIT_CODES } from '../errors';
import { runCli } from './run-cli';

function stream() {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & { text: () => string };
  let out = '';
  (s as unknown as PassThrough).on('data', (d) => (out += d));
  s.text = () => out;
  return s;
}

describe('hermetic CLI', () => {
  let server: TestServer;
  const body = randomBytes(20_000);
  beforeAll(async () => {
    server = await startTestServer();
    server.route('/tool.tgz', serveBytes(body));
  });
  afterAll(() => server.close());

  /** A fresh folder with a lockfile of the server's tool.tgz. */
  function toolLockfile(): { dir: string; lock: string } {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-cli-'));
    const lock = join(dir, 'artifacts.lock.yaml');
    const digest = createHash('sha256').update(body).digest('hex');
    writeFileSync(lock, `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: ${server.origin}/tool.tgz\n    checksum: sha256:${digest}\n`);
    return { dir, lock };
  }

  async function cli(args: string[], cwd: string) {
    const stdout = stream();
    const stderr = stream();
    const code = await runCli(args, { cwd, env: { CI: '1' }, stdout, stderr, defaultStore: join(cwd, 'store') });
    return { code, out: stdout.text(), err: stderr.text() };
  }

  it('fetch-deps writes the Hermeto layout from a lockfile', async () => {
    const { dir, lock } = toolLockfile();
    const r = await cli(['fetch-deps', '--lockfile', lock, '--output', join(dir, 'out')], dir);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/downloaded tool\.tgz/);
    expect(r.out).toMatch(/1 file, 19\.5 KiB, 1 downloaded/);
    expect(readFileSync(join(dir, 'out/deps/generic/tool.tgz')).equals(body)).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'out/.build-config.json'), 'utf8'))).toEqual({ environment_variables: [], project_files: [] });
    const bom = JSON.parse(readFileSync(join(dir, 'out/bom.json'), 'utf8'));
    expect(bom).toMatchObject({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      components: [{ name: 'tool.tgz', purl: expect.stringMatching(/^pkg:generic\/tool\.tgz\?checksum=sha256:/) }],
    });
  });

  it('writes SPDX on request, reproducibly, and merges SBOMs of either format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-cli-'));
    const digest = createHash('sha256').update(body).digest('hex');
    writeFileSync(
      join(dir, 'a.lock.yaml'),
      `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: ${server.origin}/tool.tgz\n    checksum: sha256:${digest}\n`,
    );
    const spdx = await cli(['fetch-deps', '--lockfile', 'a.lock.yaml', '--output', 'spdx', '--sbom-format', 'spdx', '--reproducible', '--name', 'demo'], dir);
    expect(spdx.code).toBe(0);
    const first = readFileSync(join(dir, 'spdx/bom.json'), 'utf8');
    expect(JSON.parse(first)).toMatchObject({ spdxVersion: 'SPDX-2.3', name: 'demo' });
    await cli(['fetch-deps', '--lockfile', 'a.lock.yaml', '--output', 'spdx', '--sbom-format', 'spdx', '--reproducible', '--name', 'demo'], dir);
    expect(readFileSync(join(dir, 'spdx/bom.json'), 'utf8')).toBe(first);
    expect((await cli(['fetch-deps', '--lockfile', 'a.lock.yaml', '--sbom-format', 'xml'], dir)).err).toMatch(/--sbom-format must be one of cyclonedx, spdx/);

    await cli(['fetch-deps', '--lockfile', 'a.lock.yaml', '--output', 'one'], dir);
    await cli(['fetch-deps', '--lockfile', 'a.lock.yaml', '--output', 'two', '--name', 'other'], dir);
    const merged = await cli(['merge-sboms', 'one/bom.json', 'two/bom.json', '--output', 'all.json'], dir);
    expect(merged).toMatchObject({ code: 0, out: expect.stringMatching(/merged 2 SBOMs, 1 unique components/) });
    // SPDX documents merge into SPDX; a mix of the two formats is refused, naming each.
    await cli(['fetch-deps', '--lockfile', 'a.lock.yaml', '--output', 'spdx2', '--sbom-format', 'spdx', '--name', 'other'], dir);
    expect(await cli(['merge-sboms', 'spdx/bom.json', 'spdx2/bom.json', '--output', 'all.spdx.json'], dir)).toMatchObject({
      code: 0,
      out: expect.stringMatching(/merged 2 SBOMs, 1 unique components/),
    });
    expect(JSON.parse(readFileSync(join(dir, 'all.spdx.json'), 'utf8'))).toMatchObject({
      spdxVersion: 'SPDX-2.3',
      packages: [{ name: '' }, { name: 'tool.tgz' }],
    });
    expect(await cli(['merge-sboms', 'spdx/bom.json', 'one/bom.json', '--output', 'x.json'], dir)).toMatchObject({
      code: 4,
      err: expect.stringMatching(/cannot merge SPDX and CycloneDX SBOMs into one: .*spdx\/bom\.json SPDX, .*one\/bom\.json not/),
    });
    writeFileSync(join(dir, 'other.json'), '{"name": "not an SBOM"}');
    expect((await cli(['merge-sboms', 'other.json', '--output', 'x.json'], dir)).err).toMatch(/other\.json is neither a CycloneDX nor an SPDX JSON SBOM/);
    expect(await cli(['merge-sboms', 'three/bom.json', '--output', 'x.json'], dir)).toMatchObject({
      code: 4,
      err: expect.stringMatching(/SBOM not found: .*three\/bom\.json\n {2}run the sbom targets \(or hermetic fetch-deps\) first/),
    });
    writeFileSync(join(dir, 'torn.json'), '{"bomFormat": "Cyclo');
    expect(await cli(['merge-sboms', 'torn.json', '--output', 'x.json'], dir)).toMatchObject({
      code: 4,
      err: expect.stringMatching(/torn\.json is not JSON \(.*\)\n {2}pass the bom\.json files/),
    });
  });

  it('verify of a folder that fetch-deps never wrote says so, not that files were altered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-cli-'));
    writeFileSync(
      join(dir, 'artifacts.lock.yaml'),
      `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: ${server.origin}/tool.tgz\n    checksum: sha256:${'1'.repeat(64)}\n`,
    );
    expect(await cli(['verify', '--output', 'nowhere'], dir)).toMatchObject({
      code: 4,
      err: expect.stringMatching(/no fetched files to verify: .*nowhere is not a folder\n {2}run hermetic fetch-deps --output nowhere first/),
    });
  });

  it('verify re-hashes the output against the lockfile and names what changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-cli-'));
    writeFileSync(
      join(dir, 'artifacts.lock.yaml'),
      `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: ${server.origin}/tool.tgz\n    checksum: sha256:${createHash('sha256').update(body).digest('hex')}\n`,
    );
    expect((await cli(['fetch-deps', '--output', 'out', '--copy'], dir)).code).toBe(0);
    expect(await cli(['verify', '--output', 'out'], dir)).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^verified 1 file\(s\) against artifacts\.lock\.yaml in \d+ ms\n$/),
    });
    // Unchanged since that verification: taken from the digest cache, and the line says so.
    expect((await cli(['verify', '--output', 'out'], dir)).out).toMatch(/ in \d+ ms \(1 unchanged since their last verification\)\n$/);
    writeFileSync(join(dir, 'out/deps/generic/tool.tgz'), 'changed');
    // Run from elsewhere, verify finds the lockfile the fetch recorded in the output.
    writeFileSync(join(dir, 'lock.yaml'), readFileSync(join(dir, 'artifacts.lock.yaml')));
    expect((await cli(['fetch-deps', '--lockfile', 'lock.yaml', '--output', 'out2', '--copy'], dir)).code).toBe(0);
    expect(await cli(['verify', '--output', 'out2'], dir)).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^verified 1 file\(s\) against lock\.yaml in /),
    });
    const bad = await cli(['verify', '--output', 'out'], dir);
    expect(bad.code).toBe(10);
    expect(bad.err).toMatch(
      /ChecksumVerificationFailed: 1 fetched file\(s\) of artifacts\.lock\.yaml do not match it:\n\s+out\/deps\/generic\/tool\.tgz: sha256 expected/,
    );
  });

  it('check-urls asks every URL without downloading it, and fails naming the one that went away', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-cli-'));
    const digest = createHash('sha256').update(body).digest('hex');
    // A server that refuses HEAD gets a one-byte ranged GET instead.
    server.route('/no-head.tgz', (req, res) => (req.method === 'HEAD' ? void res.writeHead(405).end() : serveBytes(body)(req, res, 1)));
    const entries = ['/tool.tgz', '/no-head.tgz', '/gone.tgz'].map((p) => `  - download_url: ${server.origin}${p}\n    checksum: sha256:${digest}\n`).join('');
    writeFileSync(join(dir, 'artifacts.lock.yaml'), `metadata:\n  version: "1.0"\nartifacts:\n${entries}`);
    const before = server.requests.length;
    const r = await cli(['check-urls'], dir);
    expect(r.code).toBe(15);
    expect(r.out).toContain(`ok   HTTP 200  artifacts[0] (tool.tgz) ${server.origin}/tool.tgz`);
    expect(r.out).toMatch(/ok {3}HTTP 20[06] {2}artifacts\[1\] \(no-head\.tgz\)/);
    expect(r.err).toContain(`FAIL HTTP 404  artifacts[2] (gone.tgz) ${server.origin}/gone.tgz`);
    expect(r.err).toContain('1 of 3 URL(s) of artifacts.lock.yaml no longer answer');
    expect(server.requests.slice(before).map((q) => `${q.method} ${q.path}`)).toEqual(
      expect.arrayContaining(['HEAD /tool.tgz', 'HEAD /no-head.tgz', 'GET /no-head.tgz', 'HEAD /gone.tgz']),
    );
    expect(
      server.requests
        .slice(before)
        .filter((q) => q.method === 'GET')
        .every((q) => q.headers.range === 'bytes=0-0'),
    ).toBe(true);
  });

  it('prints its version, and names --lockfile when the lockfile is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-cli-'));
    const v = await cli(['--version'], dir);
    expect(v).toMatchObject({ code: 0, out: `${JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')).version}\n` });
    const missing = await cli(['fetch-deps'], dir);
    expect(missing.code).toBe(13);
    expect(missing.err).toContain('point --lockfile at an existing artifacts.lock.yaml');
  });

  it('takes mirror, host and Maven layout options', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-cli-'));
    const lock = join(dir, 'artifacts.lock.yaml');
    writeFileSync(
      lock,
      `metadata:\n  version: "1.0"\nartifacts:\n  - type: maven\n    checksum: sha256:${createHash('sha256').update(body).digest('hex')}\n    attributes: { repository_url: "https://repo.invalid/m2", group_id: g, artifact_id: tool, version: "1" }\n`,
    );
    server.route('/mirror/g/tool/1/tool-1.jar', serveBytes(body));
    const blocked = await cli(['fetch-deps', '--lockfile', lock, '--block-host', 'repo.invalid'], dir);
    expect(blocked).toMatchObject({ code: 4, err: expect.stringMatching(/host repo\.invalid is blocked/) });
    const r = await cli(
      [
        'fetch-deps',
        '--lockfile',
        lock,
        '--output',
        join(dir, 'out'),
        '--mirror',
        `https://repo.invalid/m2/=${server.origin}/mirror/`,
        '--block-host',
        'repo.invalid',
        '--maven-layout',
      ],
      dir,
    );
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(readFileSync(join(dir, 'out/deps/maven/g/tool/1/tool-1.jar')).equals(body)).toBe(true);
    expect(existsSync(join(dir, 'out/deps/maven/settings.xml'))).toBe(true);
    // The SBOM names the mirror the run used (handed over by the fetch, not read back from its record).
    const bom = JSON.parse(readFileSync(join(dir, 'out/bom.json'), 'utf8'));
    expect(bom.components[0].externalReferences).toEqual([
      { url: 'https://repo.invalid/m2/g/tool/1/tool-1.jar', type: 'distribution' },
      { url: `${server.origin}/mirror/g/tool/1/tool-1.jar`, type: 'distribution', comment: 'proxy URL' },
    ]);
  });

  it('exits with the error class code and a message naming the file and the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-cli-'));
    writeFileSync(join(dir, 'artifacts.lock.yaml'), 'metadata:\n  version: 1.0\nartifacts: []\n');
    const r = await cli(['fetch-deps', '--lockfile', join(dir, 'artifacts.lock.yaml')], dir);
    expect(r.code).toBe(14);
    expect(r.err).toMatch(/InvalidLockfileFormat: lockfile .*artifacts\.lock\.yaml has 1 problem:/);
    expect(r.err).toMatch(/fix: quote it: version: "1.0"/);
    expect(existsSync(join(dir, 'hermetic-output'))).toBe(false);
  });

  it('says plainly, without a stack, when the output or the store is a file where a folder must be', async () => {
    const { dir, lock } = toolLockfile();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    for (const output of [join(file, 'out'), file]) {
      const r = await cli(['fetch-deps', '--lockfile', lock, '--output', output], dir);
      expect(r.code).toBe(EXIT_CODES.InvalidInput);
      expect(r.err).toMatch(new RegExp(`InvalidInput: cannot create the folder ${output.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .* \\(E(NOTDIR|EXIST)\\)`));
      expect(r.err).toMatch(/a file is where a folder must be: remove the file or choose another path/);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    const r = await cli(['fetch-deps', '--lockfile', lock, '--output', join(dir, 'out'), '--store', join(file, 'store')], dir);
    expect(r.code).toBe(EXIT_CODES.InvalidInput);
    expect(r.err).toMatch(/not a directory \(ENOTDIR\)/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('says LockfileNotFound (13) and usage errors (2) plainly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-cli-'));
    expect((await cli(['fetch-deps'], dir)).code).toBe(13);
    expect(await cli(['fetch-deps', '--concurrency', '0'], dir)).toMatchObject({
      code: 4,
      err: expect.stringMatching(/--concurrency must be a positive integer/),
    });
    expect(await cli(['frobnicate'], dir)).toMatchObject({ code: 2, err: expect.stringMatching(/unknown command 'frobnicate'/) });
    expect(await cli(['--bogus'], dir)).toMatchObject({ code: 2 });
    expect(await cli(['--help'], dir)).toMatchObject({ code: 0, out: expect.stringMatching(/Usage: hermetic fetch-deps/) });
  });

  it('--help documents every exit code the CLI can return', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-cli-'));
    const { out } = await cli(['--help'], dir);
    for (const code of [0, 2, ...Object.values(EXIT_CODES)]) expect(out).toMatch(new RegExp(`^ +${code}  \\S`, 'm'));
  });

  it('on Ctrl-C (SIGINT) stops, exits 130 and leaves no partial file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-cli-'));
    const big = randomBytes(2_000_000);
    server.route('/slow.bin', slowBody(big, 100, 100));
    writeFileSync(
      join(dir, 'artifacts.lock.yaml'),
      `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: ${server.origin}/slow.bin\n    checksum: sha256:${createHash('sha256').update(big).digest('hex')}\n`,
    );
    const bin = join(__dirname, '..', '..', 'bin', 'hermetic.js');
    const child = spawn(process.execPath, [bin, 'fetch-deps', '--store', join(dir, 'store')], { cwd: dir, env: { ...process.env, CI: '1' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Interrupt once the download is under way.
    while (server.hits('/slow.bin') === 0) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(130);
    expect(stderr).toMatch(/SIGINT: stopping, removing partial files/);
    expect(stderr).toMatch(/Interrupted/);
    expect(existsSync(join(dir, 'hermetic-output', 'deps', 'generic', 'slow.bin'))).toBe(false);
    expect(readdirSync(join(dir, 'store', 'tmp'))).toEqual([]);
  }, 30_000);
});
