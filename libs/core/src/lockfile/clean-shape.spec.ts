import fc from 'fast-check';
import { cleanShapeArtifacts } from './clean-shape';
import { lockfileSchemas } from './schema';
import { LockfileVersion } from './types';

type Doc = Record<string, unknown>;

const text = fc.string({ maxLength: 8 });
/** Any value a YAML field could hold, right type or not. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  text,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(text, { maxLength: 2 }),
  fc.constant([]),
  fc.dictionary(fc.constantFrom('username', 'password', 'header', 'value', 'x'), text, { maxKeys: 3 }),
);

/**
 * A field's value: right (mostly), or, when `broken`, sometimes anything at all. Fields are
 * sometimes left out, and mappings sometimes get a key nobody knows.
 */
const fieldOf = <T>(right: fc.Arbitrary<T>, broken: boolean) =>
  broken ? fc.oneof({ weight: 15, arbitrary: right }, { weight: 1, arbitrary: anyValue }) : right;
function mapping(fields: Record<string, fc.Arbitrary<unknown>>, required: string[], broken: boolean): fc.Arbitrary<unknown> {
  const record = fc.record(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, fieldOf(v, broken)])), { requiredKeys: required });
  if (!broken) return record;
  const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 15, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
  const damaged = fc
    .tuple(record, rarely(fc.tuple(fc.constantFrom('x', 'type', 'auth', 'download_url', 'attributes'), anyValue)), rarely(fc.constantFrom(...required, 'none')))
    .map(([m, extra, missing]) => {
      const out: Doc = { ...(m as Doc) };
      if (extra) out[extra[0]] = extra[1];
      if (missing) delete out[missing];
      return out;
    });
  return fc.oneof({ weight: 30, arbitrary: damaged }, { weight: 1, arbitrary: anyValue });
}

function artifactOf(broken: boolean): fc.Arbitrary<unknown> {
  const checksum = fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 3 }));
  const auth = mapping(
    {
      basic: mapping({ username: text, password: text }, ['username', 'password'], broken),
      bearer: mapping({ header: text, value: text }, ['value'], broken),
    },
    [],
    broken,
  );
  const url = mapping({ download_url: text, checksum, filename: text, auth }, ['download_url', 'checksum'], broken);
  const attributes = mapping(
    { repository_url: text, group_id: text, artifact_id: text, version: text, classifier: text, type: text, extra: text },
    ['repository_url', 'group_id', 'artifact_id', 'version'],
    broken,
  );
  const maven = mapping({ type: fc.constant('maven'), checksum, filename: text, auth, attributes }, ['type', 'checksum', 'attributes'], broken);
  return fc.oneof(url, maven);
}

const version = fc.constantFrom<LockfileVersion>('1.0', '2.0');
const lockfile = (v: LockfileVersion, broken: boolean): fc.Arbitrary<unknown> =>
  mapping(
    { metadata: mapping({ version: fc.constant(v) }, ['version'], broken), artifacts: fc.array(artifactOf(broken), { maxLength: 3 }) },
    ['metadata', 'artifacts'],
    broken,
  );

/** Whether the zod schemas (what the thorough parse applies) accept the whole document. */
function schemasAccept(doc: unknown, v: LockfileVersion): boolean {
  const { topLevel, artifacts } = lockfileSchemas();
  const top = topLevel.safeParse(doc);
  if (!top.success || top.data.metadata.version !== v) return false;
  return top.data.artifacts.every((a) => {
    const kind = a !== null && typeof a === 'object' && 'type' in a ? 'maven' : 'url';
    return artifacts[v][kind].safeParse(a).success;
  });
}

describe('cleanShapeArtifacts (the quick parse without zod)', () => {
  it('accepts only what the schemas accept, whatever is broken (property)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        version.chain((v) => fc.tuple(fc.constant(v), lockfile(v, true))),
        ([v, doc]) => {
          if (cleanShapeArtifacts(doc, v) === undefined) return;
          accepted++;
          expect(schemasAccept(doc, v)).toBe(true);
        },
      ),
      { numRuns: 1000, seed: 20261202 },
    );
    // Enough broken-but-accepted and clean documents for the property to mean something.
    expect(accepted).toBeGreaterThan(100);
  });

  it('accepts every valid shape, so clean lockfiles keep the quick path (property)', () => {
    fc.assert(
      fc.property(
        version.chain((v) => fc.tuple(fc.constant(v), lockfile(v, false))),
        ([v, doc]) => {
          // "auth" is a "2.0" field: under "1.0" the schemas refuse it too.
          expect(cleanShapeArtifacts(doc, v) !== undefined).toBe(schemasAccept(doc, v));
        },
      ),
      { numRuns: 300, seed: 20261202 },
    );
  });

  it('refuses a version other than the one it checks for, and a top level with more than it expects', () => {
    expect(cleanShapeArtifacts({ metadata: { version: '2.0' }, artifacts: [] }, '1.0')).toBeUndefined();
    expect(cleanShapeArtifacts({ metadata: { version: '1.0' }, artifacts: [], extra: 1 }, '1.0')).toBeUndefined();
    expect(cleanShapeArtifacts({ metadata: { version: '1.0' }, artifacts: [] }, '1.0')).toEqual([]);
  });
});
