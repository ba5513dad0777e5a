import { JsonList } from './json-list';

/**
 * Arrays and objects this deep or deeper are written whole (one `JSON.stringify` each) unless they
 * hold a long list; shallower ones entry by entry. Depth 2 is an SBOM's components or a record's
 * files: one piece per entry.
 */
const WHOLE_FROM_DEPTH = 2;

/** A list longer than this is never inside a piece: an SBOM's 10,000 references are one line each. */
const LONG_LIST = 64;

/**
 * Whether `v` (an array or object, after `toJSON`) is written in one piece: deep enough, and neither
 * a long list nor holding one as its own value (the SBOM's `{ ref, dependsOn: [10,000 refs] }`,
 * written whole, was a 2 MB string and its indented copy).
 */
function isWrittenWhole(v: object, depth: number): boolean {
  if (depth < WHOLE_FROM_DEPTH || isLongList(v)) return false;
  for (const value of Object.values(v)) if (isLongList(value)) return false;
  return true;
}

function isLongList(v: unknown): boolean {
  return v instanceof JsonList || (Array.isArray(v) && v.length > LONG_LIST);
}

/**
 * The text of `JSON.stringify(value, null, indent)` (indent 0: compact), in pieces that together
 * are exactly that text: the outer arrays and objects are given entry by entry, so the text of a
 * document with 10,000 components is never one string (it was the peak of a large fetch: the SBOM
 * text, its compact twin for the reproducible id, and the Buffer written). Plain JSON data only:
 * values with `toJSON` (Dates) are converted as JSON.stringify converts them, except a `JsonList`
 * given entry by entry: each of its elements is made as it is written.
 */
export function* jsonPieces(value: unknown, indent = 0): Generator<string> {
  const v = jsonValue(value, '');
  if (isOmitted(v)) throw new TypeError('no JSON text for undefined, a function or a symbol');
  yield* pieces(v, indent ? ' '.repeat(indent) : '', 0);
}

/** The pieces of `v` (already through its `toJSON`) nested at `depth`. */
function* pieces(v: unknown, gap: string, depth: number): Generator<string> {
  if (v === null || typeof v !== 'object' || isWrittenWhole(v, depth)) {
    const text = JSON.stringify(v, null, gap);
    // Nested at `depth`: each line after the first goes in by that many gaps (a JSON text has no raw line break in a string).
    yield gap && depth && text.includes('\n') ? text.replace(/\n/g, `\n${gap.repeat(depth)}`) : text;
    return;
  }
  const inner = `\n${gap.repeat(depth + 1)}`;
  const close = gap ? `\n${gap.repeat(depth)}` : '';
  const comma = gap ? `,${inner}` : ',';
  if (Array.isArray(v) || v instanceof JsonList) {
    if (!v.length) return yield '[]';
    let i = 0;
    for (const element of v as Iterable<unknown>) {
      yield i ? comma : gap ? `[${inner}` : '[';
      // As JSON.stringify: what has no JSON form is null in an array.
      const item = jsonValue(element, String(i++));
      yield* isOmitted(item) ? ['null'] : pieces(item, gap, depth + 1);
    }
    return yield `${close}]`;
  }
  let first = true;
  for (const [k, entry] of Object.entries(v)) {
    const item = jsonValue(entry, k);
    if (isOmitted(item)) continue;
    yield first ? (gap ? `{${inner}` : '{') : comma;
    first = false;
    yield `${JSON.stringify(k)}:${gap ? ' ' : ''}`;
    yield* pieces(item, gap, depth + 1);
  }
  yield first ? '{}' : `${close}}`;
}

/** A value as JSON.stringify sees it: after its `toJSON`, if it has one (a JsonList stays lazy). */
function jsonValue(value: unknown, key: string): unknown {
  if (value instanceof JsonList) return value;
  const toJSON = (value as { toJSON?: (key: string) => unknown } | null)?.toJSON;
  return typeof toJSON === 'function' ? toJSON.call(value, key) : value;
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
