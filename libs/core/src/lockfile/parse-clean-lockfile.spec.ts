import fc from 'fast-check';
import { LockfileError } from '../errors';
import { parseCleanLockfile } from './parse-clean-lockfile';
import { parseLockfile } from './parse-lockfile';
import { parseWithPositions } from './parse-with-positions';

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
/** Plain scalars that YAML schemas disagree about (numbers, booleans, nulls in their many spellings). */
const tricky = fc.constantFrom(
  '1e3',
  '0x1F',
  '0o17',
  '0b101',
  '017',
  '1_000',
  '.inf',
  '-.Inf',
  '.NaN',
  'true',
  'True',
  'yes',
  'on',
  'null',
  '~',
  'Null',
  '+12',
  '12.',
  '1:20',
  '2024-01-01',
  'x y',
);
const word = fc.stringMatching(/^[a-z][a-z0-9.-]{0,10}$/);
const scalar = fc.oneof(word, tricky);
const render = (value: string, style: 'plain' | 'double' | 'single') =>
  style === 'double' ? JSON.stringify(value) : style === 'single' ? `'${value}'` : value;
const style = fc.constantFrom<'plain' | 'double' | 'single'>('plain', 'double', 'single');

/** An artifact as the lines of its mapping, without indentation (the layout adds it). */
const checksumLines = fc.oneof(
  hex(64).map((d) => [`checksum: sha256:${d}`]),
  // Weak algorithms: warnings, placed by the quick parse too.
  hex(32).map((d) => [`checksum: md5:${d}`]),
  fc.tuple(hex(40), hex(64)).map(([a, b]) => [`checksum: ["sha1:${a}", "sha256:${b}"]`]),
  fc.tuple(hex(32), hex(64)).map(([a, b]) => ['checksum:', `  - md5:${a}`, `  # strong`, `  - sha256:${b}`]),
);
const urlArtifact = fc
  .record({
    host: word,
    // A percent-escape in a derived file name is a warning.
    file: fc.oneof(
      scalar,
      word.map((w) => `${w}%41`),
    ),
    checksum: checksumLines,
    filename: fc.option(fc.tuple(scalar, style), { nil: undefined }),
    s: style,
    quotedKey: fc.boolean(),
  })
  .map((a) => [
    `${a.quotedKey ? '"download_url"' : 'download_url'}: ${render(`https://${a.host}.example/${a.file}`, a.s)}`,
    ...a.checksum,
    ...(a.filename ? [`filename: ${render(a.filename[0], a.filename[1])}`] : []),
  ]);
const mavenArtifact = fc
  .record({
    group: word,
    artifact: scalar,
    version: scalar,
    checksum: checksumLines,
    s: style,
    vs: style,
    // An attribute Hermeto does not know is a warning at its key.
    unknown: fc.option(word, { nil: undefined }),
  })
  .map((a) => [
    'type: maven',
    ...a.checksum,
    'attributes:',
    '  repository_url: https://repo.example/m2',
    `  group_id: ${render(a.group, a.s)}`,
    `  artifact_id: ${render(a.artifact, a.s)}`,
    `  version: ${render(a.version, a.vs)}`,
    ...(a.unknown ? [`  ${a.unknown}_x: 1`] : []),
  ]);
/** How the artifacts list is laid out: its indentation, and comments or blank lines between and inside items. */
const layout = fc.record({ indent: fc.constantFrom(0, 2, 4), between: fc.constantFrom('', '\n', '  # next\n', '# top\n'), inside: fc.boolean() });
const lockfileText = fc
  .record({
    version: fc.constantFrom('"1.0"', '"2.0"', "'2.0'", '2.0', '1.0', '"3.0"'),
    artifacts: fc.array(fc.oneof(urlArtifact, mavenArtifact), { maxLength: 6 }),
    layout,
    comment: fc.boolean(),
  })
  .map((l) => {
    const pad = ' '.repeat(l.layout.indent);
    const items = l.artifacts.map((lines) => {
      const [first, ...rest] = l.layout.inside ? [...lines.slice(0, 1), '# inside', ...lines.slice(1)] : lines;
      return `${pad}- ${first}\n${rest.map((line) => `${pad}  ${line}\n`).join('')}`;
    });
    return `${l.comment ? '# generated\n' : ''}metadata:\n  version: ${l.version}\nartifacts:\n${items.join(l.layout.between) || '  []\n'}`;
  });

/** What a parse decided, comparable: the lockfile's data, or the error's messages. */
function outcome(parse: () => unknown): unknown {
  try {
    const { checksumLine: _line, ...rest } = parse() as { checksumLine?: unknown };
    return rest;
  } catch (err) {
    if (err instanceof LockfileError) return { error: err.message };
    throw err;
  }
}

describe('parseCleanLockfile (the quick path)', () => {
  it('agrees with the thorough parse on every lockfile it accepts (warnings and their lines too), and leaves the rest to it', () => {
    let quick = 0;
    let warned = 0;
    fc.assert(
      fc.property(lockfileText, (text) => {
        const clean = parseCleanLockfile(text, 'a.lock.yaml', false);
        if (clean === undefined) return;
        quick++;
        if (clean.warnings.length) warned++;
        const { checksumLine, ...data } = clean;
        const thorough = parseWithPositions(text, 'a.lock.yaml', false);
        expect(data).toEqual(outcome(() => thorough));
        for (const { index } of clean.artifacts) expect(checksumLine?.(index)).toBe(thorough.checksumLine?.(index));
      }),
      { numRuns: 300 },
    );
    // The generator makes clean lockfiles, and lockfiles with warnings, often enough for the property to mean something.
    expect(quick).toBeGreaterThan(30);
    expect(warned).toBeGreaterThan(30);
  });

  it('gives a checksum its line on demand, as the thorough parse does', () => {
    const text = `metadata:\n  version: "1.0"\nartifacts:\n  # first\n  - download_url: https://h.example/a.bin\n\n    checksum: sha256:${'a'.repeat(64)}\n`;
    const clean = parseCleanLockfile(text, 'a.lock.yaml', false)!;
    expect(clean.checksumLine?.(0)).toBe(7);
    expect(parseWithPositions(text, 'a.lock.yaml', false).checksumLine?.(0)).toBe(7);
  });

  it('finds a line in a file changed into an alias bomb since the parse without js-yaml expanding it', () => {
    const item = `  - download_url: https://h.example/a.bin\n    checksum: sha256:${'a'.repeat(64)}\n`;
    const clean = parseCleanLockfile(`metadata:\n  version: "1.0"\nartifacts:\n${item}`, 'a.lock.yaml', false, () =>
      [
        `a: &a [${Array(10).fill('"x"').join(', ')}]`,
        `b: &b [${Array(10).fill('*a').join(', ')}]`,
        `c: &c [${Array(10).fill('*b').join(', ')}]`,
        'metadata:\n  version: "1.0"\nartifacts:',
        item,
      ].join('\n'),
    )!;
    // The module object itself (an `import *` is a copy whose properties cannot be spied on).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = jest.spyOn(require('js-yaml') as typeof import('js-yaml'), 'load');
    try {
      expect(clean.checksumLine?.(0)).toBe(8);
      expect(load).not.toHaveBeenCalled();
    } finally {
      load.mockRestore();
    }
  });

  it('leaves anchors and aliases (and their expansion budget), duplicate keys and problems to the thorough parse', () => {
    const base = `metadata:\n  version: "1.0"\nartifacts:\n  - download_url: https://h.example/a.bin?x=1&y=2\n    checksum: sha256:${'a'.repeat(64)}\n`;
    expect(parseCleanLockfile(base, 'f', false)).toBeDefined();
    expect(parseCleanLockfile(base.replace('metadata:', 'm: &m 1\nmetadata:'), 'f', false)).toBeUndefined();
    expect(parseCleanLockfile(`${base}    checksum: sha256:${'b'.repeat(64)}\n`, 'f', false)).toBeUndefined();
    expect(parseCleanLockfile(base.replace('"1.0"', '1.0'), 'f', false)).toBeUndefined();
    expect(() => parseLockfile(base.replace('"1.0"', '1.0'), 'f', { env: false })).toThrow(/version must be a string, got the number 1.0/);
  });
});
