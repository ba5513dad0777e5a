import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HermeticError, LockfileError } from '../errors';
import { parseCleanLockfile } from './parse-clean-lockfile';
import { parseLockfile, readLockfile } from './parse-lockfile';

const SHA256 = `sha256:${'a'.repeat(64)}`;
const SHA256B = `sha256:${'b'.repeat(64)}`;
const FILE = 'proj/artifacts.lock.yaml';

function lock(artifacts: string, version = '"1.0"'): string {
  return `metadata:\n  version: ${version}\nartifacts:\n${artifacts}`;
}

/** The diagnostics of a lockfile that must fail. */
function problems(text: string, env: NodeJS.ProcessEnv = {}) {
  try {
    parseLockfile(text, FILE, { env });
  } catch (err) {
    expect(err).toBeInstanceOf(LockfileError);
    return (err as LockfileError).diagnostics.filter((d) => d.severity === 'error');
  }
  throw new Error('expected the lockfile to be rejected');
}

describe('parseLockfile: valid lockfiles', () => {
  it('reads URL and Maven artifacts of a v1.0 lockfile', () => {
    const l = parseLockfile(
      lock(`  - download_url: https://example.com/releases/tool-1.4.2.tar.gz
    checksum: ${SHA256}
    filename: tools/tool.tar.gz
  - type: maven
    checksum: ${SHA256B}
    attributes:
      repository_url: https://repo1.maven.org/maven2
      group_id: org.apache.ant
      artifact_id: ant-launcher
      version: "1.10.14"
`),
      FILE,
    );
    expect(l.version).toBe('1.0');
    expect(l.artifacts).toEqual([
      expect.objectContaining({
        kind: 'url',
        index: 0,
        filename: 'tools/tool.tar.gz',
        filenameExplicit: true,
        url: 'https://example.com/releases/tool-1.4.2.tar.gz',
      }),
      expect.objectContaining({
        kind: 'maven',
        index: 1,
        filename: 'ant-launcher-1.10.14.jar',
        url: 'https://repo1.maven.org/maven2/org/apache/ant/ant-launcher/1.10.14/ant-launcher-1.10.14.jar',
        maven: expect.objectContaining({ classifier: '', type: 'jar' }),
      }),
    ]);
    expect(l.artifacts[0].checksums).toEqual([{ algorithm: 'sha256', digest: 'a'.repeat(64), text: SHA256 }]);
  });

  it('accepts an empty artifact list', () => {
    expect(parseLockfile(lock(' []'), FILE).artifacts).toEqual([]);
  });

  it.each([
    ['https://Example.COM', 'https://example.com/', 'example.com'],
    ['HTTP://127.0.0.1:8765/x', 'http://127.0.0.1:8765/x', 'x'],
    ['https://example.com:443/x.tgz', 'https://example.com/x.tgz', 'x.tgz'],
    ['https://example.com/a b/c d.txt', 'https://example.com/a%20b/c%20d.txt', 'c%20d.txt'],
    ['https://example.com/a/../b.txt', 'https://example.com/b.txt', 'b.txt'],
    ['https://bücher.example/x', 'https://xn--bcher-kva.example/x', 'x'],
    ['https://example.com/x?a=b c', 'https://example.com/x?a=b%20c', 'x'],
    ['https://h/dir/', 'https://h/dir/', 'dir'],
    ['https://h/f.tar.gz?sig=1#frag', 'https://h/f.tar.gz?sig=1#frag', 'f.tar.gz'],
  ])('normalises %s to %s and derives %s', (written, normalised, name) => {
    const text = lock(`  - download_url: "${written}"\n    checksum: ${SHA256}\n    ${name === 'example.com' ? 'filename: example.com' : ''}\n`);
    const [a] = parseLockfile(text, FILE).artifacts;
    expect(a.url).toBe(normalised);
    expect(a.filename).toBe(name);
  });

  it('accepts several checksums as a list', () => {
    const [a] = parseLockfile(lock(`  - download_url: https://h/x\n    checksum: [${SHA256}, "sha512:${'c'.repeat(128)}"]\n`), FILE).artifacts;
    expect(a.checksums.map((c) => c.algorithm)).toEqual(['sha256', 'sha512']);
  });

  it('keeps v2 auth as templates, never as expanded secrets', () => {
    const l = parseLockfile(
      lock(
        `  - download_url: https://h/private/model.bin
    checksum: ${SHA256}
    auth: { bearer: { header: PRIVATE-TOKEN, value: "$CI_JOB_TOKEN" } }
  - download_url: https://h/private/other.bin
    checksum: ${SHA256}
    auth:
      basic: { username: "\${USER_NAME}", password: "$PASS" }
`,
        '"2.0"',
      ),
      FILE,
      { env: { CI_JOB_TOKEN: 'very-secret', USER_NAME: 'me', PASS: 'pw' } },
    );
    expect(l.artifacts[0].auth).toEqual({ scheme: 'bearer', header: 'PRIVATE-TOKEN', value: { template: '$CI_JOB_TOKEN', variables: ['CI_JOB_TOKEN'] } });
    expect(l.artifacts[1].auth).toMatchObject({ scheme: 'basic' });
    expect(JSON.stringify(l)).not.toContain('very-secret');
  });

  it('warns, without failing, about weak algorithms, empty auth variables, unknown Maven attributes and percent-escaped names', () => {
    const l = parseLockfile(
      lock(
        `  - download_url: https://h/a%20b.txt
    checksum: "sha1:${'d'.repeat(40)}"
    auth: { bearer: { value: "$EMPTY" } }
  - type: maven
    checksum: ${SHA256}
    attributes:
      repository_url: https://repo/m2
      group_id: g
      artifact_id: a
      version: "1"
      clasifier: sources
`,
        '"2.0"',
      ),
      FILE,
      { env: { EMPTY: '' } },
    );
    const messages = l.warnings.map((w) => `${w.pointer}: ${w.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^artifacts\[0\]\.checksum: sha1 is a weak algorithm/),
        expect.stringMatching(/^artifacts\[0\]\.auth\.bearer\.value: environment variable 'EMPTY'.* is empty/),
        expect.stringMatching(/^artifacts\[0\]: derived file name 'a%20b.txt' keeps its percent-escapes/),
        expect.stringMatching(/^artifacts\[1\]\.attributes\.clasifier: unknown Maven attribute/),
      ]),
    );
  });

  it('warns about a secret written into the lockfile itself (a password, a bearer value), not about a user name or a variable', () => {
    const text = lock(
      [
        `  - download_url: https://h/a\n    checksum: ${SHA256}\n    auth: { basic: { username: me, password: "hunter2" } }\n`,
        `  - download_url: https://h/b\n    checksum: ${SHA256}\n    auth: { bearer: { value: "Bearer abc123" } }\n`,
        `  - download_url: https://h/c\n    checksum: ${SHA256}\n    auth: { bearer: { value: "Bearer $TOKEN" } }\n`,
        `  - download_url: https://h/d\n    checksum: ${SHA256}\n    auth: { basic: { username: me, password: "\${PASS}" } }\n`,
      ].join(''),
      '"2.0"',
    );
    const warnings = parseLockfile(text, FILE, { env: { TOKEN: 't', PASS: 'p' } }).warnings;
    expect(warnings.map((w) => `${w.pointer}: ${w.message}`)).toEqual([
      'artifacts[0].auth.basic.password: the secret itself is written in the lockfile, which is committed',
      'artifacts[1].auth.bearer.value: the secret itself is written in the lockfile, which is committed',
    ]);
    expect(JSON.stringify(warnings)).not.toMatch(/hunter2|abc123/);
  });

  it('warns about weak checksums only where an artifact has nothing stronger (every checksum must match)', () => {
    const [md5, sha1] = [`md5:${'a'.repeat(32)}`, `sha1:${'b'.repeat(40)}`];
    const text = lock(
      [
        `  - download_url: https://h/beside-strong\n    checksum: ["${sha1}", ${SHA256}]\n`,
        `  - download_url: https://h/only-weak\n    checksum: ["${md5}", "${sha1}"]\n`,
        `  - download_url: https://h/alone\n    checksum: "${md5}"\n`,
      ].join(''),
    );
    expect(parseLockfile(text, FILE, { env: false }).warnings.map((w) => `${w.pointer}: ${w.message}`)).toEqual([
      'artifacts[1].checksum[0]: md5 is a weak algorithm; add or switch to a sha256 checksum',
      'artifacts[1].checksum[1]: sha1 is a weak algorithm; add or switch to a sha256 checksum',
      'artifacts[2].checksum: md5 is a weak algorithm; add or switch to a sha256 checksum',
    ]);
  });

  it('skips the environment check when asked (graph construction)', () => {
    const text = lock(`  - download_url: https://h/x\n    checksum: ${SHA256}\n    auth: { bearer: { value: "$UNSET_VAR" } }\n`, '"2.0"');
    expect(parseLockfile(text, FILE, { env: false }).artifacts).toHaveLength(1);
  });
});

describe('parseLockfile: every problem, with line, column, pointer and fix', () => {
  it('reports all problems of a lockfile at once, in file order', () => {
    const d = problems(
      lock(`  - download_url: ftp://example.com/x
    checksum: SHA256:abc
    extra: 1
  - type: maven
    checksum: ${SHA256}
    attributes:
      repository_url: https://repo/m2
      group_id: g
      artifact_id: a
      version: 1.10
  - type: npm
`),
    );
    expect(d.map((x) => `${x.line}:${x.column} ${x.pointer}`)).toEqual([
      '4:19 artifacts[0].download_url',
      '5:15 artifacts[0].checksum',
      '6:5 artifacts[0].extra',
      '13:16 artifacts[1].attributes.version',
      '14:11 artifacts[2].type',
    ]);
    expect(d[3]).toMatchObject({ message: 'expected a string, got the number 1.10', fix: 'quote it: version: "1.10"' });
    expect(d.every((x) => x.file === FILE)).toBe(true);
  });

  it('formats the error with the file, position and fix', () => {
    expect(() => parseLockfile(lock(`  - download_url: https://h/x\n    checksum: md5:zz\n`), FILE, { env: {} })).toThrow(
      /proj\/artifacts\.lock\.yaml:5:15: artifacts\[0\]\.checksum: checksum digest 'zz' is not hex\n\s+fix: /,
    );
  });

  it('keeps an all-digit value as written in the message, never as a converted number', () => {
    const [d] = problems(lock(`  - download_url: https://h/x\n    checksum: 0001234500\n`));
    expect(d.message).toContain('0001234500');
  });

  it.each([
    ['unquoted 1.0', 'metadata:\n  version: 1.0\nartifacts: []\n', /must be a string, got the number 1.0/, /quote it: version: "1.0"/],
    ['unquoted 2', 'metadata:\n  version: 2\nartifacts: []\n', /must be a string/, /"2.0"/],
    ['unknown version', 'metadata:\n  version: "0.42"\nartifacts: []\n', /unsupported lockfile version "0.42"/, /"1.0" or "2.0"/],
    ['missing version', 'metadata: {}\nartifacts: []\n', /metadata.version/, /version: "2.0"/],
    ['missing metadata', 'artifacts: []\n', /metadata.version/, /version/],
    ['not a mapping', '- a\n- b\n', /must be a mapping/, /metadata/],
    ['null artifacts', 'metadata:\n  version: "1.0"\nartifacts:\n', /expected a list, got null/, /\[\]/],
    ['missing artifacts', 'metadata:\n  version: "1.0"\n', /missing required field 'artifacts'/, /artifacts/],
    ['unknown top-level key', 'metadata:\n  version: "1.0"\nartifacts: []\npackages: []\n', /unknown field 'packages'/, /metadata, artifacts/],
    ['YAML syntax', 'metadata:\n  version: "1.0"\nartifacts: [\n', /YAML/, /syntax/],
    ['duplicate keys', 'metadata:\n  version: "1.0"\nartifacts: []\nartifacts: []\n', /YAML: .*unique/i, /syntax/],
    ['old pre-release format', 'metadata:\n  version: "1.0"\nartifacts:\n  - target: x\n    checksums: {sha256: abc}\n', /unknown field/, /download_url/],
  ])('rejects %s', (_name, text, message, fix) => {
    const d = problems(text);
    expect(d.map((x) => x.message).join('\n')).toMatch(message);
    expect(d.map((x) => x.fix ?? '').join('\n')).toMatch(fix);
  });

  it('rejects an empty document', () => {
    expect(() => parseLockfile('# nothing\n', FILE)).toThrow(/lockfile is empty/);
  });

  it.each([
    ['type: url', `  - type: url\n    download_url: https://h/x\n    checksum: ${SHA256}\n`, /unknown artifact type "url"/],
    ['no checksum', '  - download_url: https://h/x\n', /missing required field 'checksum'/],
    ['no URL', `  - checksum: ${SHA256}\n`, /missing required field 'download_url'/],
    ['numeric filename', `  - download_url: https://h/x\n    checksum: ${SHA256}\n    filename: 42\n`, /expected a string, got the number 42/],
    ['empty checksum list', '  - download_url: https://h/x\n    checksum: []\n', /'checksum' must not be empty/],
    ['artifact not a mapping', '  - https://h/x\n', /each artifact must be a mapping/],
    ['credentials in URL', `  - download_url: http://me:pw@h/x\n    checksum: ${SHA256}\n`, /credentials in the URL/],
    ['not a URL', `  - download_url: not a url\n    checksum: ${SHA256}\n`, /not a valid absolute URL/],
    ['file URL', `  - download_url: file:///etc/passwd\n    checksum: ${SHA256}\n`, /scheme 'file' is not supported/],
    ['empty URL path', `  - download_url: https://h/\n    checksum: ${SHA256}\n`, /cannot derive a file name/],
    ['filename escape', `  - download_url: https://h/x\n    checksum: ${SHA256}\n    filename: ../../escape.txt\n`, /escapes deps\/generic/],
    ['absolute filename', `  - download_url: https://h/x\n    checksum: ${SHA256}\n    filename: /etc/passwd\n`, /is absolute/],
    ['filename "."', `  - download_url: https://h/x\n    checksum: ${SHA256}\n    filename: "."\n`, /directory itself/],
    ['two checksums of one algorithm', `  - download_url: https://h/x\n    checksum: [${SHA256}, ${SHA256B}]\n`, /two sha256 checksums/],
    ['auth in 1.0', `  - download_url: https://h/x\n    checksum: ${SHA256}\n    auth: { bearer: { value: x } }\n`, /'auth' needs lockfile version "2.0"/],
  ])('rejects an artifact with %s', (_name, artifacts, message) => {
    expect(
      problems(lock(artifacts))
        .map((x) => x.message)
        .join('\n'),
    ).toMatch(message);
  });

  it.each([
    ['SNAPSHOT version', 'version: "1.0-SNAPSHOT"', /SNAPSHOT version '1.0-SNAPSHOT' is not reproducible/],
    ['missing version (reported as such, not as a URL-form error)', '', /missing required field 'version'/],
    ['group starting with /', 'version: "1"\n      group_id: /etc', /would produce a wrong repository path/],
    ['numeric classifier', 'version: "1"\n      classifier: 7', /expected a string, got the number 7/],
  ])('rejects a Maven artifact with %s', (_name, extra, message) => {
    const text = lock(
      `  - type: maven\n    checksum: ${SHA256}\n    attributes:\n      repository_url: https://repo/m2\n      artifact_id: a\n      ${extra.includes('group_id') ? '' : 'group_id: g\n      '}${extra}\n`,
    );
    expect(
      problems(text)
        .map((x) => x.message)
        .join('\n'),
    ).toMatch(message);
  });

  it('rejects a Maven repository URL with a query, and a Maven artifact with download_url', () => {
    const text = lock(`  - type: maven
    checksum: ${SHA256}
    attributes: { repository_url: "https://repo/m2?x=1", group_id: g, artifact_id: a, version: "1" }
  - type: maven
    download_url: https://h/x
    checksum: ${SHA256}
    attributes: { repository_url: "https://repo/m2", group_id: g, artifact_id: b, version: "1" }
`);
    const m = problems(text).map((x) => x.message);
    expect(m).toEqual([expect.stringMatching(/must not have a query/), expect.stringMatching(/a Maven artifact has no 'download_url'/)]);
  });

  it('rejects v2 auth with both or neither scheme, and unset variables, naming only the variable', () => {
    const text = lock(
      `  - download_url: https://h/a
    checksum: ${SHA256}
    auth: { basic: { username: u, password: p }, bearer: { value: v } }
  - download_url: https://h/b
    checksum: ${SHA256}
    auth: {}
  - download_url: https://h/c
    checksum: ${SHA256}
    auth: { bearer: { value: "Bearer $NOT_SET" } }
  - download_url: https://h/d
    checksum: ${SHA256}
    auth: { bearer: { value: "Bearer $ bad" } }
`,
      '"2.0"',
    );
    const m = problems(text, { OTHER: 'x' }).map((x) => x.message);
    expect(m).toEqual([
      'exactly one of the auth types must be set',
      'exactly one of the auth types must be set',
      "environment variable 'NOT_SET' referenced in auth config is not set",
      expect.stringMatching(/invalid placeholder/),
    ]);
  });

  it('rejects duplicate URLs, duplicate targets, a Maven and a URL artifact with one URL, and file/directory clashes', () => {
    const text = lock(`  - download_url: https://h/x.txt
    checksum: ${SHA256}
  - download_url: https://h/x.txt
    checksum: ${SHA256B}
    filename: other.txt
  - download_url: https://h/x.txt?v=2
    checksum: ${SHA256}
  - download_url: https://repo/m2/g/a/1/a-1.jar
    checksum: ${SHA256}
  - type: maven
    checksum: ${SHA256}
    attributes: { repository_url: "https://repo/m2", group_id: g, artifact_id: a, version: "1" }
    filename: maven/a.jar
  - download_url: https://h/dir
    checksum: ${SHA256}
    filename: tools
  - download_url: https://h/tool
    checksum: ${SHA256}
    filename: tools/tool
`);
    const m = problems(text).map((x) => `${x.pointer}: ${x.message}`);
    expect(m).toEqual([
      'artifacts[1]: duplicate URL https://h/x.txt (also artifacts[0])',
      "artifacts[2]: duplicate target file 'x.txt' (also artifacts[0])",
      'artifacts[4]: duplicate URL https://repo/m2/g/a/1/a-1.jar (also artifacts[3])',
      "artifacts[6]: target 'tools/tool' is inside 'tools', the file of artifacts[5]",
    ]);
  });
});

describe('parseLockfile: what an invalid lockfile loads', () => {
  /** Whether zod was loaded to report the problems of `text`, in a process of its own. */
  function loadsZod(text: string): boolean {
    const script = `
      const { parseLockfile } = require(${JSON.stringify(join(__dirname, 'parse-lockfile.ts'))});
      try { parseLockfile(${JSON.stringify(text)}, 'x.lock.yaml', { env: false }); } catch {}
      console.log(Object.keys(require.cache).some((f) => f.includes('/node_modules/zod/')));
    `;
    const r = spawnSync(process.execPath, ['-r', require.resolve('@swc-node/register'), '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, SWC_NODE_PROJECT: join(__dirname, '..', '..', '..', '..', 'tsconfig.base.json') },
    });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout.trim());
  }

  it('words a problem in a value of a well-shaped lockfile without zod, and a problem of shape with it', () => {
    const artifact = (checksum: string) => `artifacts:\n  - download_url: https://h.example/a.bin\n    checksum: ${checksum}\n`;
    expect(loadsZod(`metadata:\n  version: 1.0\n${artifact(`sha256:${'a'.repeat(64)}`)}`)).toBe(false);
    expect(loadsZod(`metadata:\n  version: "1.0"\n${artifact('sha256:abc')}`)).toBe(false);
    expect(loadsZod(`metadata:\n  version: "1.0"\n${artifact('[]')}`)).toBe(true);
  }, 60_000);
});

describe('readLockfile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hermetic-lock-'));

  it('says LockfileNotFound for a missing file', async () => {
    await expect(readLockfile(join(dir, 'nope.yaml'))).rejects.toMatchObject({ code: 'LockfileNotFound', exitCode: 13 });
  });

  it('gives a clean error, not a trace, for a directory', async () => {
    const err = await readLockfile(dir).catch((e) => e);
    expect(err).toBeInstanceOf(HermeticError);
    expect(err.message).toMatch(/is not a file/);
  });

  it('says why a lockfile that is there cannot be read, and what to do, in words', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const err = await readLockfile(join(file, 'artifacts.lock.yaml')).catch((e) => e);
    expect(err).toMatchObject({ code: 'InvalidInput', exitCode: 4 });
    expect(err.message).toBe(`cannot read lockfile ${join(file, 'artifacts.lock.yaml')}: not a directory (ENOTDIR)`);
    expect(err.hints).toEqual([`make ${join(file, 'artifacts.lock.yaml')} (and the folders on its path) readable by the user that runs the build`]);
  });

  it("finds a checksum's line in the file when a message needs it, not in a copy of the text held since the parse", async () => {
    const path = join(dir, 'lines.lock.yaml');
    const body = `artifacts:\n  - download_url: https://h.example/a.bin\n    checksum: sha256:${'a'.repeat(64)}\n`;
    writeFileSync(path, `metadata:\n  version: "1.0"\n${body}`);
    const lockfile = await readLockfile(path, { env: false });
    // Edited after the parse: the line is the file's as it is now (the lockfile holds no text).
    writeFileSync(path, `# a comment\n# another\nmetadata:\n  version: "1.0"\n${body}`);
    expect(lockfile.checksumLine?.(0)).toBe(7);
    const gone = await readLockfile(path, { env: false });
    rmSync(path);
    expect(gone.checksumLine?.(0)).toBeUndefined();
  });

  it('keeps the lines of a lockfile that took the thorough parse (an anchor), and none for an index it lacks', async () => {
    const path = join(dir, 'anchored.lock.yaml');
    writeFileSync(path, `metadata: &m\n  version: "1.0"\nartifacts:\n  - download_url: https://h.example/a.bin\n    checksum: md5:${'a'.repeat(32)}\n`);
    expect(parseCleanLockfile(readFileSync(path, 'utf8'), path, false)).toBeUndefined();
    const lockfile = await readLockfile(path, { env: false });
    expect(lockfile.warnings).toHaveLength(1);
    rmSync(path);
    expect([lockfile.checksumLine?.(0), lockfile.checksumLine?.(1)]).toEqual([5, undefined]);
  });
});

describe('target names the file system would refuse or confuse', () => {
  const lock = (entries: string) => `metadata:\n  version: "1.0"\nartifacts:\n${entries}`;
  const entry = (url: string, filename: string) =>
    `  - download_url: "${url}"\n    checksum: "sha256:${'a'.repeat(64)}"\n    filename: ${JSON.stringify(filename)}\n`;

  it('rejects an over-long filename before any download (exit 14), naming the field', () => {
    const err = (() => {
      try {
        parseLockfile(lock(entry('https://e.com/x', 'x'.repeat(300))), 'p/artifacts.lock.yaml', { env: {} });
      } catch (e) {
        return e as HermeticError;
      }
      throw new Error('accepted');
    })();
    expect(err.exitCode).toBe(14);
    expect(err.message).toMatch(/artifacts\[0\]\.filename: filename 'x+' has a name of 300 bytes; file systems allow 255/);
  });

  it('rejects an over-long name derived from a URL too', () => {
    expect(() =>
      parseLockfile(lock(`  - download_url: "https://e.com/${'y'.repeat(300)}"\n    checksum: "sha256:${'a'.repeat(64)}"\n`), 'p/artifacts.lock.yaml', {
        env: {},
      }),
    ).toThrow(/300 bytes/);
  });

  it('warns when names differ only by case or Unicode normalisation, or hold a line break or a backslash', () => {
    const l = parseLockfile(
      lock(
        entry('https://e.com/1', 'Tool.tgz') +
          entry('https://e.com/2', 'tool.tgz') +
          entry('https://e.com/3', 'caf\u00e9') +
          entry('https://e.com/4', 'cafe\u0301') +
          entry('https://e.com/5', 'a\\\\b'),
      ),
      'p/artifacts.lock.yaml',
      { env: {} },
    );
    const messages = l.warnings.map((w) => w.message).join('\n');
    expect(messages).toMatch(/'tool\.tgz' differs from 'Tool\.tgz' \(artifacts\[0\]\) only by case/);
    expect(messages).toMatch(/differs from 'café' \(artifacts\[2\]\) only by case or Unicode normalisation/);
    expect(messages).toMatch(/not in Unicode NFC form/);
    expect(messages).toMatch(/backslash/);
  });
});

describe('lockfiles that would exhaust the process', () => {
  const reject = (text: string) => {
    try {
      parseLockfile(text, 'p/artifacts.lock.yaml', { env: {} });
    } catch (e) {
      return e as HermeticError;
    }
    throw new Error('accepted');
  };

  it('refuses deep nesting before parsing it (exit 14, one line)', () => {
    const deep = `${'['.repeat(900)}${']'.repeat(900)}`;
    const err = reject(`metadata:\n  version: "1.0"\nartifacts:\n  - ${deep}\n  - ${deep}\n`);
    expect(err.exitCode).toBe(14);
    expect(err.message).toMatch(/the YAML nests 900 levels deep/);
  });

  it('refuses an alias bomb with exit 14 and no stack trace', () => {
    let bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n';
    const names = 'abcdefghijkl';
    for (let i = 1; i < names.length; i++)
      bomb += `${names[i]}: &${names[i]} [${Array(9)
        .fill(`*${names[i - 1]}`)
        .join(',')}]\n`;
    const err = reject(`metadata:\n  version: "1.0"\nartifacts: []\n${bomb}`);
    expect(err.exitCode).toBe(14);
    expect(err.message).toMatch(/the YAML cannot be expanded: .*alias/i);
  });

  it('still reads the nesting of a real lockfile, comments and quoted brackets included', () => {
    const l = parseLockfile(
      `# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\nmetadata: {version: "2.0"}\nartifacts:\n  - download_url: "https://e.com/[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x"\n    checksum: ["sha256:${'a'.repeat(64)}"]\n    filename: x\n`,
      'p/artifacts.lock.yaml',
      { env: {} },
    );
    expect(l.artifacts).toHaveLength(1);
  });
});

describe('parseLockfile: one pass', () => {
  it('reports an unquoted version together with every other problem of the file', () => {
    const found = problems(
      `metadata:\n  version: 1.0\nartifacts:\n  - download_url: https://example.com/a.tgz\n    checksum: SHA256:ABC\n  - download_url: ftp://example.com/b.tgz\n    checksum: ${SHA256}\n    auth: { bearer: { value: x } }\n`,
    );
    expect(found.map((d) => `${d.pointer}: ${d.message}`)).toEqual([
      'metadata.version: version must be a string, got the number 1.0',
      expect.stringMatching(/^artifacts\[0\]\.checksum: checksum 'SHA256:ABC' has 3 problems/),
      expect.stringMatching(/^artifacts\[1\]\.download_url: .*ftp/),
      'artifacts[1].auth: \'auth\' needs lockfile version "2.0"',
    ]);
  });

  it('reads the rest of a file with a missing version as 2.0, and still rejects it', () => {
    const found = problems(`metadata: {}\nartifacts:\n  - download_url: https://example.com/a.tgz\n    checksum: sha256:zz\n`);
    expect(found.map((d) => d.pointer)).toEqual(['metadata', 'artifacts[0].checksum']);
  });
});
