import { isDeepStrictEqual } from 'node:util';
import type { YamlPath } from './yaml-path';
import { YamlSource } from './yaml-source';

/** Something that can say where the value at a path (or its key) was written. */
export interface Locator {
  locate(path: YamlPath, options?: { key?: boolean }): { line: number; column: number } | undefined;
}

/** Where one item of the `artifacts` list starts: its character offset and 1-based line. */
interface ItemStart {
  offset: number;
  line: number;
}

/** A line that holds nothing: blank, or only a comment. */
const EMPTY_LINE = /^[ \t]*(#.*)?$/;
/** The root mapping's `artifacts` key, starting a block sequence (nothing after the colon but a comment). */
const ARTIFACTS_KEY = /^artifacts[ \t]*:[ \t]*(#.*)?$/;

/**
 * Where the items of a block-style `artifacts` list start, with one more entry where the list
 * ends; undefined when the text is laid out otherwise (a flow list, a quoted key…). Only the
 * layout is read here; whether each item really is the artifact found is checked when it is parsed.
 */
function findItemStarts(text: string): ItemStart[] | undefined {
  const starts: ItemStart[] = [];
  let inList = false;
  let indent = -1;
  let line = 1;
  for (let offset = 0; offset < text.length; line++) {
    const eol = text.indexOf('\n', offset);
    const end = eol === -1 ? text.length : eol;
    const content = text.slice(offset, end).replace(/\r$/, '');
    if (!inList) {
      inList = ARTIFACTS_KEY.test(content);
    } else if (!EMPTY_LINE.test(content)) {
      const spaces = content.length - content.trimStart().length;
      const startsItem = content[spaces] === '-' && (content.length === spaces + 1 || content[spaces + 1] === ' ');
      if (indent === -1) {
        if (!startsItem || content[0] === '\t') return undefined;
        indent = spaces;
      }
      if (spaces === indent && startsItem) starts.push({ offset, line });
      // Less indented, or at the list's indent without a dash: the list is over.
      else if (spaces <= indent) return [...starts, { offset, line }];
    }
    offset = end + 1;
  }
  return inList && indent !== -1 ? [...starts, { offset: text.length, line }] : undefined;
}

/**
 * Says where values under `artifacts[i]` were written without parsing the whole document with
 * positions: that parse of 10,000 artifacts peaks at ~110 MiB, for a lockfile whose only news is
 * a warning or two (a weak md5 checksum). The text of item `i` alone is parsed with positions, and
 * used only when it reads as exactly the artifact the whole document's parse (`artifacts`, from
 * js-yaml) has at `i`; any other layout or path falls back to the whole document, parsed once.
 */
export class ArtifactLocator implements Locator {
  private starts?: ItemStart[] | null;
  /** The last item parsed: warnings come in document order, several per item at times. */
  private item?: { index: number; source: YamlSource };
  private whole?: YamlSource;

  constructor(
    private readonly text: string,
    private readonly artifacts: readonly unknown[],
  ) {}

  locate(path: YamlPath, options: { key?: boolean } = {}): { line: number; column: number } | undefined {
    const [top, index] = path;
    const source = top === 'artifacts' && typeof index === 'number' ? this.itemSource(index) : undefined;
    if (!source) return (this.whole ??= new YamlSource(this.text)).locate(path, options);
    const at = source.locate([0, ...path.slice(2)], options);
    // The item's text starts at the beginning of its line: columns are the document's already.
    return at && { line: at.line + this.starts![index as number].line - 1, column: at.column };
  }

  /** Item `index` parsed on its own, or undefined when it is not the artifact at `index`. */
  private itemSource(index: number): YamlSource | undefined {
    if (this.item?.index === index) return this.item.source;
    if (this.starts === undefined) {
      const starts = findItemStarts(this.text);
      this.starts = starts && starts.length === this.artifacts.length + 1 ? starts : null;
    }
    if (!this.starts || index >= this.artifacts.length) return undefined;
    const source = new YamlSource(this.text.slice(this.starts[index].offset, this.starts[index + 1].offset));
    if (source.doc.errors.length || !isDeepStrictEqual(source.doc.toJS(), [this.artifacts[index]])) {
      // The list is not split where this reading of the layout thought: the whole document from now on.
      this.starts = null;
      return undefined;
    }
    this.item = { index, source };
    return source;
  }
}
