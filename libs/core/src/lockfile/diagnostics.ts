import { Diagnostic } from '../errors';
import type { Locator } from './artifact-locator';
import { formatPointer, YamlPath } from './yaml-path';
import type { YamlSource } from './yaml-source';

/**
 * Collects diagnostics for one lockfile, each placed at its line and column: by the document it is
 * made with, or later by `place` (the quick parse places warnings only once it knows there is no
 * error, which would send the file to the thorough parse anyway).
 */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];
  /** The path of each item added without a document, for `place`. */
  private readonly unplaced: Array<{ item: number; path: YamlPath; key: boolean }> = [];

  constructor(
    readonly file: string,
    readonly source?: YamlSource,
  ) {}

  error(path: YamlPath, message: string, fix?: string, options: { key?: boolean } = {}): void {
    this.add('error', path, message, fix, options);
  }

  warn(path: YamlPath, message: string, fix?: string, options: { key?: boolean } = {}): void {
    this.add('warning', path, message, fix, options);
  }

  get errorCount(): number {
    return this.items.filter((d) => d.severity === 'error').length;
  }

  get warnings(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'warning');
  }

  /** Gives the items added without a document their line and column. */
  place(locator: Locator): void {
    for (const { item, path, key } of this.unplaced.splice(0)) {
      const { severity, file, pointer, message, fix } = this.items[item];
      const at = locator.locate(path, { key });
      this.items[item] = { severity, file, line: at?.line, column: at?.column, pointer, message, fix };
    }
  }

  private add(severity: Diagnostic['severity'], path: YamlPath, message: string, fix: string | undefined, options: { key?: boolean }): void {
    if (!this.source) this.unplaced.push({ item: this.items.length, path, key: !!options.key });
    const at = this.source?.locate(path, options);
    this.items.push({ severity, file: this.file, line: at?.line, column: at?.column, pointer: formatPointer(path), message, fix });
  }
}
