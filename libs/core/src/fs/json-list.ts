/**
 * A JSON array whose elements are made when they are read, not held: `jsonPieces` writes it element
 * by element, each made, written and dropped in turn, so a document with 10,000 components never
 * holds them all (they were the peak of a large fetch's SBOM). `JSON.stringify` sees the whole array
 * (through `toJSON`), so both give the same text. Reading an element twice makes it twice: `make`
 * must give the same element for the same index every time.
 */
export class JsonList<T> implements Iterable<T> {
  constructor(
    /** How many elements the array has. */
    readonly length: number,
    private readonly make: (index: number) => T,
  ) {}

  /** The element at `index` (0 to length - 1), made now. */
  at(index: number): T {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) throw new RangeError(`no element ${index} in a list of ${this.length}`);
    return this.make(index);
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.make(i);
  }

  /** All the elements, as `JSON.stringify` needs them. */
  toJSON(): T[] {
    return [...this];
  }

  /** `list` as a JsonList: itself, or one that reads an array's elements (not a copy). */
  static from<T>(list: JsonList<T> | readonly T[]): JsonList<T> {
    return list instanceof JsonList ? list : new JsonList(list.length, (i) => list[i]);
  }

  /** One list of all the elements of `lists`, in order. */
  static concat<T>(...lists: ReadonlyArray<JsonList<T> | readonly T[]>): JsonList<T> {
    const starts: number[] = [];
    let length = 0;
    for (const list of lists) {
      starts.push(length);
      length += list.length;
    }
    return new JsonList(length, (i) => {
      let k = lists.length - 1;
      while (starts[k] > i) k--;
      const list = lists[k];
      return list instanceof JsonList ? list.at(i - starts[k]) : list[i - starts[k]];
    });
  }
}
