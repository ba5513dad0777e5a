import type * as Yaml from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';

/**
 * The yaml library, loaded on first use (~35-55 ms): only the thorough parse and lockfile edits
 * need it, a clean lockfile's quick parse does not. A runtime require of the package, not of a
 * module of ours: Nx removes its TypeScript hook after loading an executor from sources, so a
 * late require of a `.ts` file fails there.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const yamlLibrary = (): typeof Yaml => require('yaml') as typeof Yaml;

import { YamlPath } from './yaml-path';

export { formatPointer, YamlPath } from './yaml-path';

/** A parsed YAML document that can say where any value of it was written. */
export class YamlSource {
  readonly doc: Document.Parsed;
  private readonly lines: LineCounter = new (yamlLibrary().LineCounter)();

  constructor(readonly text: string) {
    // The core schema keeps `sha256:…` strings as strings and reads `1.0` as a number, so type
    // checks can reject numbers in string fields as Hermeto does; duplicate keys are errors.
    this.doc = yamlLibrary().parseDocument(text, { lineCounter: this.lines, uniqueKeys: true, prettyErrors: false, schema: 'core' });
  }

  /** 1-based line and column of a character offset. */
  position(offset: number): { line: number; column: number } {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /**
   * The node at `path`, or the deepest existing ancestor when the path does not exist (so a
   * missing field is reported at the mapping that lacks it). With `key`, the key node of the last step.
   */
  nodeAt(path: YamlPath, options: { key?: boolean } = {}): Node | undefined {
    const { isMap, isPair, isScalar, isSeq } = yamlLibrary();
    let node: unknown = this.doc.contents;
    for (let i = 0; i < path.length; i++) {
      const step = path[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
        if (!pair) return node;
        if (options.key && i === path.length - 1 && isScalar(pair.key)) return pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof step === 'number' && step < node.items.length) {
        node = node.items[step];
      } else {
        break;
      }
    }
    return node as Node | undefined;
  }

  /** Where the value at `path` (or its key) starts, if known. */
  locate(path: YamlPath, options: { key?: boolean } = {}): { line: number; column: number } | undefined {
    const range = this.nodeAt(path, options)?.range;
    return range ? this.position(range[0]) : undefined;
  }

  /** The exact source text of the value at `path` (e.g. `1.0` for a number), or undefined. */
  sourceOf(path: YamlPath): string | undefined {
    const node = this.nodeAt(path);
    const range = node?.range;
    return range ? this.text.slice(range[0], range[1]).trim() : undefined;
  }
}
