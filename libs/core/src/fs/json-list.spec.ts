import fc from 'fast-check';
import { JsonList } from './json-list';

describe('JsonList', () => {
  it('makes each element when it is read, every time, and refuses an index outside the list', () => {
    let made = 0;
    const list = new JsonList(3, (i) => ({ i, n: ++made }));
    expect(made).toBe(0);
    expect(list.at(1)).toEqual({ i: 1, n: 1 });
    expect([...list].map((e) => e.i)).toEqual([0, 1, 2]);
    expect(made).toBe(4);
    for (const bad of [-1, 3, 1.5, NaN]) expect(() => list.at(bad)).toThrow(RangeError);
  });

  it('is made from an array by reading it, and from a JsonList by being it', () => {
    const array = [1, 2];
    const list = JsonList.from(array);
    array[1] = 3;
    expect([...list]).toEqual([1, 3]);
    expect(JsonList.from(list)).toBe(list);
  });

  it('serialises as the array of its elements', () => {
    expect(JSON.stringify({ list: new JsonList(3, (i) => `${i * 2}@${i}`) })).toBe('{"list":["0@0","2@1","4@2"]}');
  });

  it('concatenates lists and arrays, empty ones anywhere, in order (property)', () => {
    const part = fc.tuple(fc.array(fc.integer(), { maxLength: 5 }), fc.boolean()).map(([a, lazy]) => (lazy ? new JsonList(a.length, (i) => a[i]) : a));
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), (parts) => {
        const all = JsonList.concat(...parts);
        const expected = parts.flatMap((p) => [...p]);
        expect(all.length).toBe(expected.length);
        expect([...all]).toEqual(expected);
        expected.forEach((x, i) => expect(all.at(i)).toBe(x));
      }),
      { numRuns: 200 },
    );
  });
});
