import fc from 'fast-check';
import { nestingDepth } from './resource-limits';

/** Containers deep, counted the way YAML flow collections nest. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

describe('nestingDepth', () => {
  it('measures flow nesting exactly, whatever the strings hold (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), (value) => nestingDepth(JSON.stringify(value)) === depthOf(value)),
      { numRuns: 300, seed: 20261202 },
    );
  });

  it('counts block indentation and ignores comments', () => {
    expect(nestingDepth('a:\n  b:\n    c:\n      - d\n')).toBe(4);
    expect(nestingDepth('# [[[[[[\nx: "[[[["\n')).toBe(0);
  });
});
