/**
 * Limits that keep a hostile or broken lockfile from exhausting the process: a lockfile nests four
 * levels deep, so anything far deeper is refused before the YAML parser recurses into it (a few KB
 * of `[[[[…` once overflowed the stack deep enough to abort V8), and aliases may not expand into
 * more than the yaml library's alias budget (a "billion laughs" document).
 */
export const MAX_NESTING = 32;

/**
 * The deepest nesting of flow collections (`[`, `{`) and block indentation in `text`, found with a
 * single pass over the characters (quoted scalars and comments skipped), so it cannot recurse.
 */
export function nestingDepth(text: string): number {
  let flow = 0;
  let deepest = 0;
  let quote: '"' | "'" | undefined;
  let comment = false;
  let lineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') {
      comment = false;
      lineStart = true;
      indent = 0;
      continue;
    }
    if (comment) continue;
    if (lineStart) {
      if (ch === ' ' || ch === '-') {
        indent++;
        continue;
      }
      lineStart = false;
      // Block nesting: two columns a level is the narrowest YAML allows in practice.
      deepest = Math.max(deepest, Math.floor(indent / 2));
    }
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]))) comment = true;
    else if (ch === '[' || ch === '{') deepest = Math.max(deepest, ++flow);
    else if ((ch === ']' || ch === '}') && flow > 0) flow--;
  }
  return deepest;
}
