import fc from 'fast-check';
import { JsonList } from './json-list';
import { jsonPieces } from './json-pieces';

describe('jsonPieces (property)', () => {
  it('joins to exactly what JSON.stringify writes, compact or indented, whatever the JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.constantFrom(0, 2, 4), (value, indent) => {
        expect([...jsonPieces(value, indent)].join('')).toBe(JSON.stringify(value, null, indent));
      }),
      { numRuns: 500 },
    );
  });

  it('does the same with every array made lazy (a JsonList), whatever the JSON value', () => {
    const lazy = (v: unknown): unknown =>
      Array.isArray(v)
        ? new JsonList(v.length, (i) => lazy(v[i]))
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, lazy(x)]))
          : v;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.constantFrom(0, 2), (value, indent) => {
        expect([...jsonPieces(lazy(value), indent)].join('')).toBe(JSON.stringify(value, null, indent));
      }),
      { numRuns: 300 },
    );
  });

  it('does the same for objects with values JSON leaves out or converts (undefined, functions, Dates)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string(),
          fc.oneof(
            fc.jsonValue({ maxDepth: 3 }),
            fc.constant(undefined),
            fc.constant(() => 1),
            fc.date({ noInvalidDate: true }),
          ),
        ),
        fc.array(
          fc.oneof(
            fc.constant(undefined),
            fc.integer(),
            fc.constant(() => 1),
          ),
        ),
        fc.constantFrom(0, 2),
        (object, array, indent) => {
          const value = { object, array, nested: [{ object, array }] };
          expect([...jsonPieces(value, indent)].join('')).toBe(JSON.stringify(value, null, indent));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('jsonPieces', () => {
  it('gives an array of objects one piece per element, never the whole text', () => {
    const doc = { components: Array.from({ length: 1000 }, (_, i) => ({ name: `c${i}`, hashes: [{ alg: 'SHA-256', content: 'a'.repeat(64) }] })) };
    const parts = [...jsonPieces(doc, 2)];
    const whole = JSON.stringify(doc, null, 2);
    expect(parts.join('')).toBe(whole);
    expect(Math.max(...parts.map((p) => p.length))).toBeLessThan(200);
  });

  it('gives a long list one piece per element at any depth, inside an object written whole otherwise', () => {
    const refs = Array.from({ length: 10_000 }, (_, i) => `pkg:generic/f${i}`);
    const doc = { dependencies: [{ ref: 'p', dependsOn: refs }], annotations: [{ subjects: refs, text: 't' }], small: [{ a: [1, 2] }] };
    const parts = [...jsonPieces(doc, 2)];
    expect(parts.join('')).toBe(JSON.stringify(doc, null, 2));
    expect(Math.max(...parts.map((p) => p.length))).toBeLessThan(100);
    expect(parts).toContain('{\n      "a": [\n        1,\n        2\n      ]\n    }');
  });

  it('makes the elements of a JsonList as it writes them, and writes what JSON.stringify writes for it', () => {
    const made: number[] = [];
    const list = new JsonList(3, (i) => {
      made.push(i);
      return { i, nested: [i] };
    });
    const doc = { list, inner: [{ deep: new JsonList(2, (i) => i * 10) }] };
    const pieces = jsonPieces(doc, 2);
    const first = pieces.next().value;
    expect(made).toEqual([]);
    const text = first + [...pieces].join('');
    expect(made).toEqual([0, 1, 2]);
    expect(text).toBe(JSON.stringify(doc, null, 2));
    expect(JSON.parse(JSON.stringify(doc))).toEqual({ list: [0, 1, 2].map((i) => ({ i, nested: [i] })), inner: [{ deep: [0, 10] }] });
  });

  it('refuses a value without a JSON text', () => {
    expect(() => [...jsonPieces(undefined)]).toThrow('no JSON text');
  });
});
