import type { z } from 'zod';
import { DiagnosticSink } from './diagnostics';
import { YamlPath } from './yaml-path';
import type { YamlSource } from './yaml-source';

/** Allowed keys per kind of mapping, for "unknown field" fixes. */
export interface AllowedKeys {
  (path: YamlPath): readonly string[] | undefined;
}

function describeValue(source: YamlSource | undefined, path: YamlPath, value: unknown): string {
  const text = source?.sourceOf(path);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `the ${typeof value} ${text ?? String(value)}`;
}

function valueAt(root: unknown, path: YamlPath): unknown {
  let node: unknown = root;
  for (const step of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node;
}

/**
 * Reports zod issues as lockfile diagnostics with plain wording and a fix, instead of zod's
 * internal vocabulary. `base` is where the validated value sits in the document.
 */
export function reportZodIssues(sink: DiagnosticSink, issues: readonly z.core.$ZodIssue[], base: YamlPath, input: unknown, allowedKeys: AllowedKeys): void {
  for (const issue of issues) {
    const rel = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const path = [...base, ...rel];
    const value = valueAt(input, rel);
    const field = rel.length ? String(rel[rel.length - 1]) : '';
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const allowed = allowedKeys([...base, ...rel]);
          sink.error([...path, key], `unknown field '${key}'`, allowed ? `remove it or use one of: ${allowed.join(', ')}` : 'remove it', { key: true });
        }
        break;
      case 'invalid_type':
        if (value === undefined) {
          sink.error(path, `missing required field '${field}'`, `add '${field}'`);
        } else if (issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
          const text = sink.source?.sourceOf(path) ?? String(value);
          sink.error(path, `expected a string, got ${describeValue(sink.source, path, value)}`, `quote it: ${field}: "${text}"`);
        } else {
          const expected = issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`;
          sink.error(
            path,
            `expected ${expected}, got ${describeValue(sink.source, path, value)}`,
            issue.expected === 'array' ? 'use [] for an empty list' : undefined,
          );
        }
        break;
      case 'invalid_union':
        // Only the checksum field is a union: a string or a list of strings.
        if (value === undefined) {
          sink.error(path, `missing required field '${field}'`, `add '${field}: "sha256:<hex>"'`);
          break;
        }
        sink.error(path, `expected 'algorithm:hash' or a list of them, got ${describeValue(sink.source, path, value)}`, 'write e.g. checksum: "sha256:<hex>"');
        break;
      case 'too_small':
        sink.error(path, `'${field}' must not be empty`, field === 'checksum' ? 'give at least one checksum' : undefined);
        break;
      case 'invalid_value':
        sink.error(path, `'${field}' must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(sink.source, path, value)}`);
        break;
      default:
        sink.error(path, issue.message);
    }
  }
}
