import { Diagnostic } from '../errors';
import { formatPointer, YamlPath } from './yaml-path';
import type { YamlSource } from './yaml-source';

/** Collects diagnostics for one lockfile, each placed at its line and column. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];

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

  private add(severity: Diagnostic['severity'], path: YamlPath, message: string, fix: string | undefined, options: { key?: boolean }): void {
    const at = this.source?.locate(path, options);
    this.items.push({ severity, file: this.file, line: at?.line, column: at?.column, pointer: formatPointer(path), message, fix });
  }
}
