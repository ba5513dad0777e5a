import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { shellWord } from './shell-quote';

/** What `sh` makes of a command line's words: one argument per line, read back. */
function shellArgs(words: string[]): string[] {
  const script = `for a in ${words.join(' ')}; do printf '%s\\0' "$a"; done`;
  return execFileSync('sh', ['-c', script], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

describe('shellWord', () => {
  it('leaves ordinary paths as they are', () => {
    expect(shellWord('apps/demo/artifacts.lock.yaml')).toBe('apps/demo/artifacts.lock.yaml');
    expect(shellWord('dist/hermetic/libs/@scope_x-1.0')).toBe('dist/hermetic/libs/@scope_x-1.0');
  });

  it('quotes what a shell would split or expand', () => {
    expect(shellWord('my apps/a b')).toBe('"my apps/a b"');
    expect(shellWord('$HOME/`x`/"q"\\')).toBe('"\\$HOME/\\`x\\`/\\"q\\"\\\\"');
  });

  it('is read back by sh as exactly the word it was given (fast-check)', () => {
    // Words of the characters a shell treats specially (no NUL: no path holds one). Unquoted, any
    // of them would split the word or expand it, and the list read back would differ.
    const word = fc.string({ unit: fc.constantFrom(...'ab /.-_$`"\\\'*?[]{}()!#~&|;<>:=%@+,\t'.split('')), minLength: 1, maxLength: 24 });
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), (words) => {
        expect(shellArgs(words.map(shellWord))).toEqual(words);
      }),
      { numRuns: 60 },
    );
  });
});
