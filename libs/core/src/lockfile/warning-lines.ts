import { Diagnostic, formatDiagnostic } from '../errors';

/** How many warnings of one kind are printed in full before the rest are counted. */
const SHOWN_PER_KIND = 3;

/**
 * A lockfile's warnings as lines to print: each in full up to three of the same kind (the same
 * message and fix), then one line counting the rest, with where they are. A lockfile of 10,000
 * md5-only artifacts printed 10,000 identical warnings, burying everything else in the log.
 */
export function warningLines(warnings: readonly Diagnostic[]): string[] {
  const kinds = new Map<string, Diagnostic[]>();
  for (const w of warnings) {
    const key = `${w.message}\0${w.fix ?? ''}`;
    const same = kinds.get(key);
    if (same) same.push(w);
    else kinds.set(key, [w]);
  }
  const lines: string[] = [];
  for (const same of kinds.values()) {
    lines.push(...same.slice(0, SHOWN_PER_KIND).map(formatDiagnostic));
    const rest = same.slice(SHOWN_PER_KIND);
    if (rest.length) lines.push(`${rest[0].file}: warning: ${rest.length} more like that (${where(rest)}): ${rest[0].message}`);
  }
  return lines;
}

/** Where a list of diagnostics is: its first and last line, or its first and last pointer. */
function where(list: readonly Diagnostic[]): string {
  const [first, last] = [list[0], list[list.length - 1]];
  if (first.line !== undefined && last.line !== undefined) return list.length === 1 ? `line ${first.line}` : `lines ${first.line} to ${last.line}`;
  return list.length === 1 ? first.pointer : `${first.pointer} to ${last.pointer}`;
}
