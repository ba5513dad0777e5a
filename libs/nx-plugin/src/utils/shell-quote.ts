/** Characters a POSIX shell and Windows' cmd both take literally in a word (cmd reads `%`, `,` and `=` too). */
const PLAIN_WORD = /^[\w@+:./-]+$/;

/**
 * One word of a command line that Nx's `run-commands` hands to a shell: as it is when that is safe,
 * else in double quotes (which both shells read), with the characters a POSIX shell still expands
 * inside them escaped. Paths of ordinary workspaces come out unchanged, so targets stay readable.
 */
export function shellWord(word: string): string {
  if (PLAIN_WORD.test(word)) return word;
  return `"${word.replace(/["\\$`]/g, (c) => `\\${c}`)}"`;
}
