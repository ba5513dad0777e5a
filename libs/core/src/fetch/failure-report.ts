import { HermeticError } from '../errors';

/** How many failures of one kind are shown in full, as they happen and in the final error. */
export const SHOWN_PER_KIND = 3;

/** An artifact's failure: its index in the lockfile and its error. */
export interface Failure {
  index: number;
  error: HermeticError;
}

/**
 * Failures of one kind: the same code and reason (an error without a reason is its own kind). A
 * host that is down failed each of a lockfile's 200 artifacts on it with the same words, and the
 * run printed them all: 200 lines as they happened, 200 more in the final error.
 */
export function failureKind(error: HermeticError): string {
  return error.reason === undefined ? `${error.code}\0message\0${error.message}` : `${error.code}\0${error.reason}`;
}

/** Failures grouped by kind, the kinds in the order their first failure comes in `failures`. */
function byKind(failures: readonly Failure[]): Failure[][] {
  const kinds = new Map<string, Failure[]>();
  for (const f of failures) {
    const key = failureKind(f.error);
    const same = kinds.get(key);
    if (same) same.push(f);
    else kinds.set(key, [f]);
  }
  return [...kinds.values()];
}

/**
 * Lockfile indices as short ranges, in ascending order: `3-7, 9, 11-199`. Every failed artifact is
 * still named, in a line as long as the list is fragmented.
 */
export function indexRanges(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/**
 * The failures of a run as the final error lists them, in lockfile order by kind: up to three of
 * each kind in full (four when there are four), then one line for the rest of that kind naming them
 * by index; and the hints of the failures shown (the rest's are the same fix for other artifacts).
 */
export function failureReport(failures: readonly Failure[]): { lines: string[]; hints: string[] } {
  const lines: string[] = [];
  const hints = new Set<string>();
  for (const same of byKind([...failures].sort((x, y) => x.index - y.index))) {
    // A counting line for one more would say no less than the failure itself.
    const shown = same.length === SHOWN_PER_KIND + 1 ? same.length : SHOWN_PER_KIND;
    for (const { error } of same.slice(0, shown)) {
      lines.push(`${error.code}: ${error.message.split('\n').join('\n  ')}`);
      for (const h of error.hints) hints.add(h);
    }
    const rest = same.slice(shown);
    if (rest.length) {
      const { code, reason, message } = rest[0].error;
      const why = reason ?? message.split('\n')[0];
      lines.push(`${code}: ${rest.length} more failed the same way (${why}): artifacts[${indexRanges(rest.map((f) => f.index))}]`);
    }
  }
  return { lines, hints: [...hints] };
}
