import fc from 'fast-check';
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

  it('refuses a value without a JSON text', () => {
    expect(() => [...jsonPieces(undefined)]).toThrow('no JSON text');
  });
});
