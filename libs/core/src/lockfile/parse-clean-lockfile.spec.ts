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

const urlArtifact = fc
  .record({ host: word, file: scalar, digest: hex(64), filename: fc.option(fc.tuple(scalar, style), { nil: undefined }), s: style })
  .map(
    (a) =>
      `  - download_url: ${render(`https://${a.host}.example/${a.file}`, a.s)}\n    checksum: ${render(`sha256:${a.digest}`, a.s)}\n${a.filename ? `    filename: ${render(a.filename[0], a.filename[1])}\n` : ''}`,
  );
const mavenArtifact = fc
  .record({ group: word, artifact: scalar, version: scalar, digest: hex(64), s: style, vs: style })
  .map(
    (a) =>
      `  - type: maven\n    checksum: sha256:${a.digest}\n    attributes:\n      repository_url: https://repo.example/m2\n      group_id: ${render(a.group, a.s)}\n      artifact_id: ${render(a.artifact, a.s)}\n      version: ${render(a.version, a.vs)}\n`,
  );
const lockfileText = fc
  .record({
    version: fc.constantFrom('"1.0"', '"2.0"', "'2.0'", '2.0', '1.0', '"3.0"'),
    artifacts: fc.array(fc.oneof(urlArtifact, mavenArtifact), { maxLength: 6 }),
    comment: fc.boolean(),
  })
  .map((l) => `${l.comment ? '# generated\n' : ''}metadata:\n  version: ${l.version}\nartifacts:\n${l.artifacts.join('') || '  []\n'}`);

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
  it('agrees with the thorough parse on every lockfile it accepts, and leaves the rest to it', () => {
    let quick = 0;
    fc.assert(
      fc.property(lockfileText, (text) => {
        const clean = parseCleanLockfile(text, 'a.lock.yaml', false);
        if (clean === undefined) return;
        quick++;
        const { checksumLine: _line, ...data } = clean;
        expect(data).toEqual(outcome(() => parseWithPositions(text, 'a.lock.yaml', false)));
      }),
      { numRuns: 300 },
    );
    // The generator makes clean lockfiles often enough for the property to mean something.
    expect(quick).toBeGreaterThan(30);
  });

  it('gives a checksum its line on demand, as the thorough parse does', () => {
    const text = `metadata:\n  version: "1.0"\nartifacts:\n  # first\n  - download_url: https://h.example/a.bin\n\n    checksum: sha256:${'a'.repeat(64)}\n`;
    const clean = parseCleanLockfile(text, 'a.lock.yaml', false)!;
    expect(clean.checksumLine?.(0)).toBe(7);
    expect(parseWithPositions(text, 'a.lock.yaml', false).checksumLine?.(0)).toBe(7);
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
