import fc from 'fast-check';
import { HermeticError } from '../errors';
import { Failure, failureReport, indexRanges } from './failure-report';

const down = (index: number): Failure => ({
  index,
  error: new HermeticError(
    'FetchError',
    `artifacts[${index}] (f${index}.bin): cannot download http://127.0.0.1:9/f${index}.bin: not tried: http://127.0.0.1:9 took no connection for an earlier artifact`,
    { reason: 'not tried: http://127.0.0.1:9 took no connection for an earlier artifact', hints: ['check the network'] },
  ),
});
const missing = (index: number): Failure => ({
  index,
  error: new HermeticError(
    'FetchError',
    `artifacts[${index}] (f${index}.bin): cannot download http://127.0.0.1:9/f${index}.bin: HTTP 404 from 127.0.0.1:9: not found`,
    {
      reason: 'HTTP 404 from 127.0.0.1:9: not found',
      hints: [`fix the URL of artifacts[${index}] (f${index}.bin) in a.lock.yaml`],
    },
  ),
});
const mismatch = (index: number): Failure => ({
  index,
  error: new HermeticError('ChecksumVerificationFailed', `artifacts[${index}] (f${index}.bin): checksum mismatch: sha256 expected 1, got 2`),
});

/** A failure's line in full: its code and message (its hints are gathered apart). */
const full = (f: Failure) => `${f.error.code}: ${f.error.message}`;

/** The indices a range list names, e.g. `3-5, 9` -> [3, 4, 5, 9]. */
function expand(ranges: string): number[] {
  return ranges.split(', ').flatMap((part) => {
    const [from, to = from] = part.split('-').map(Number);
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
}

describe('indexRanges', () => {
  it('joins consecutive indices into ranges', () => {
    expect(indexRanges([11, 3, 4, 5, 6, 7, 9, 12, 13])).toBe('3-7, 9, 11-13');
    expect(indexRanges([0])).toBe('0');
  });

  it('names exactly the indices it was given, in ascending order, shorter than listing them', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat({ max: 500 }), { minLength: 1, maxLength: 200 }), (indices) => {
        const text = indexRanges(indices);
        expect(expand(text)).toEqual([...indices].sort((a, b) => a - b));
        expect(text.length).toBeLessThanOrEqual(indices.join(', ').length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('failureReport', () => {
  it('shows three failures of a kind in full and names the rest of that kind in one line, in lockfile order by kind', () => {
    const failures = [...Array.from({ length: 8 }, (_, i) => down(i + 8)), mismatch(5), ...Array.from({ length: 5 }, (_, i) => missing(i)), down(199)];
    const { lines, hints } = failureReport(failures);
    expect(lines).toEqual([
      full(failures[9]),
      full(failures[10]),
      full(failures[11]),
      'FetchError: 2 more failed the same way (HTTP 404 from 127.0.0.1:9: not found): artifacts[3-4]',
      'ChecksumVerificationFailed: artifacts[5] (f5.bin): checksum mismatch: sha256 expected 1, got 2',
      full(failures[0]),
      full(failures[1]),
      full(failures[2]),
      'FetchError: 6 more failed the same way (not tried: http://127.0.0.1:9 took no connection for an earlier artifact): artifacts[11-15, 199]',
    ]);
    // The hints of the failures shown; the others' are the same fix for artifacts named above.
    expect(hints).toEqual([0, 1, 2].map((i) => `fix the URL of artifacts[${i}] (f${i}.bin) in a.lock.yaml`).concat('check the network'));
  });

  it('shows a fourth of a kind in full rather than counting one', () => {
    const failures = [0, 1, 2, 3].map(missing);
    expect(failureReport(failures).lines).toEqual(failures.map(full));
    expect(failureReport([...failures, missing(4)]).lines[3]).toBe(
      'FetchError: 2 more failed the same way (HTTP 404 from 127.0.0.1:9: not found): artifacts[3-4]',
    );
  });

  it('keeps failures without a reason apart unless their messages are the same', () => {
    const { lines } = failureReport([mismatch(0), mismatch(1), mismatch(2), mismatch(3), { ...mismatch(3), index: 4 }]);
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('ChecksumVerificationFailed: artifacts[3] (f3.bin): checksum mismatch: sha256 expected 1, got 2');
  });

  it('names every failed artifact and prints at most four lines per kind', () => {
    const kinds = [down, missing, mismatch];
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ index: fc.nat({ max: 300 }), kind: fc.nat({ max: 2 }) }), { selector: (f) => f.index, maxLength: 150 }),
        (spec) => {
          const failures = spec.map(({ index, kind }) => kinds[kind](index));
          const { lines } = failureReport(failures);
          const named = lines.flatMap((l) => {
            const counted = /the same way \(.*\): artifacts\[([\d, -]+)\]$/.exec(l);
            return counted ? expand(counted[1]) : [Number(/^\w+: artifacts\[(\d+)\]/.exec(l)![1])];
          });
          expect(named.sort((a, b) => a - b)).toEqual(spec.map((f) => f.index).sort((a, b) => a - b));
          const reasonKinds = new Set(spec.filter((f) => f.kind !== 2).map((f) => f.kind)).size;
          const mismatches = spec.filter((f) => f.kind === 2).length;
          expect(lines.length).toBeLessThanOrEqual(reasonKinds * 4 + mismatches);
        },
      ),
      { numRuns: 100 },
    );
  });
});
