import { LockfileError } from '../errors';
import { DiagnosticSink } from './diagnostics';
import { MAX_NESTING, nestingDepth } from './resource-limits';
import { lockfileSchemas } from './schema';
import { Lockfile, LockfileVersion } from './types';
import { cleanShapeArtifacts } from './clean-shape';
import { allowedKeys, validateArtifacts, ValidateOptions } from './validate-artifacts';
import { yamlLibrary, YamlSource } from './yaml-source';
import { reportZodIssues } from './zod-issues';

/*
 * The thorough parse of a lockfile: the YAML document with every node's position, so that each
 * problem is reported at its line and column. Loaded only when the quick parse declines.
 */

/**
 * The lockfile's version: `valid` when it is right, and the version to check the rest of the file
 * against either way (an unquoted `1.0` means "1.0"; a missing or unknown one is read as "2.0", the
 * superset), so a wrong version is reported together with every other problem, not alone.
 * Undefined only when the document is not a mapping at all.
 */
function checkVersion(source: YamlSource, sink: DiagnosticSink): { valid: boolean; assumed: LockfileVersion } | undefined {
  const { isMap, isScalar } = yamlLibrary();
  const root = source.doc.contents;
  if (!isMap(root)) {
    sink.error([], 'a lockfile must be a mapping with metadata and artifacts', 'start with:\nmetadata:\n  version: "2.0"\nartifacts: []');
    return undefined;
  }
  const metadata = root.get('metadata', true);
  const version = isMap(metadata) ? metadata.get('version', true) : undefined;
  if (!isMap(metadata) || version === undefined) {
    sink.error(['metadata'], "missing required field 'metadata.version'", 'add:\nmetadata:\n  version: "2.0"');
    return { valid: false, assumed: '2.0' };
  }
  if (isScalar(version) && typeof version.value === 'string' && (version.value === '1.0' || version.value === '2.0')) {
    return { valid: true, assumed: version.value };
  }
  const text = source.sourceOf(['metadata', 'version']);
  const quoted = isScalar(version) && typeof version.value === 'number' && ['1', '1.0', '2', '2.0'].includes(String(text));
  sink.error(
    ['metadata', 'version'],
    quoted ? `version must be a string, got the number ${text}` : `unsupported lockfile version ${text}`,
    quoted ? `quote it: version: "${Number(text).toFixed(1)}"` : 'use version "1.0" or "2.0"',
  );
  return { valid: false, assumed: quoted && Number(text) === 1 ? '1.0' : '2.0' };
}

/** The data with the version already reported replaced by the assumed one, so the schema does not report it again. */
function withAssumedVersion(data: unknown, version: LockfileVersion): unknown {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return data;
  const d = data as Record<string, unknown>;
  const metadata = d.metadata !== null && typeof d.metadata === 'object' && !Array.isArray(d.metadata) ? d.metadata : {};
  return { ...d, metadata: { ...metadata, version } };
}

/** A lockfile problem with no place in the document (it is about the whole file). */
function fileProblem(file: string, message: string, fix: string): LockfileError {
  return new LockfileError(file, [{ severity: 'error', file, pointer: '', message, fix }]);
}

/** The YAML document of a lockfile: refused when nested absurdly deep, syntactically broken or empty. */
function readDocument(text: string, file: string): { source: YamlSource; sink: DiagnosticSink } {
  const depth = nestingDepth(text);
  if (depth > MAX_NESTING) {
    throw fileProblem(
      file,
      `the YAML nests ${depth} levels deep; a lockfile needs 4 (at most ${MAX_NESTING} are read)`,
      'this is not a lockfile: check what wrote it',
    );
  }
  const source = new YamlSource(text);
  const sink = new DiagnosticSink(file, source);
  for (const e of source.doc.errors) {
    const at = source.position(e.pos[0]);
    sink.items.push({
      severity: 'error',
      file,
      line: at.line,
      column: at.column,
      pointer: '',
      message: `YAML: ${e.message.split('\n')[0]}`,
      fix: 'fix the YAML syntax',
    });
  }
  if (sink.errorCount) throw new LockfileError(file, sink.items);
  if (source.doc.contents === null || (yamlLibrary().isScalar(source.doc.contents) && source.doc.contents.value === null)) {
    throw fileProblem(file, 'lockfile is empty', 'start with:\nmetadata:\n  version: "2.0"\nartifacts: []');
  }
  return { source, sink };
}

/** The document as plain data, with a budget on aliases (a "billion laughs" document is refused). */
function expand(source: YamlSource, file: string): unknown {
  try {
    return source.doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw fileProblem(
      file,
      `the YAML cannot be expanded: ${(err as Error).message}`,
      "remove the anchors and aliases ('&name', '*name'); a lockfile needs none",
    );
  }
}

/**
 * The artifacts of `data` once its shape is right, or the LockfileError listing what is wrong with
 * it. A shape the quick structural check accepts (`cleanShapeArtifacts`: only ever what the
 * schemas accept) needs no zod: most files that get here have a clean shape and a problem in a
 * value (a checksum, a URL, the version), and zod's load was ~55 ms of a ~140 ms error message.
 */
function checkedItems(data: unknown, version: LockfileVersion, sink: DiagnosticSink, file: string): [readonly unknown[], ValidateOptions] {
  const clean = cleanShapeArtifacts(data, version);
  if (clean) return [clean, { shapeChecked: true }];
  const top = lockfileSchemas().topLevel.safeParse(data);
  if (!top.success) {
    reportZodIssues(sink, top.error.issues, [], data, allowedKeys);
    throw new LockfileError(file, sink.items);
  }
  return [top.data.artifacts, {}];
}

/**
 * The thorough parse: the YAML document with every node's position, so each problem is reported
 * at its line and column. Throws {@link LockfileError} listing every problem; returns the lockfile
 * with warnings otherwise.
 */
export function parseWithPositions(text: string, file: string, env: NodeJS.ProcessEnv | false): Lockfile {
  const { source, sink } = readDocument(text, file);
  const checked = checkVersion(source, sink);
  if (!checked) throw new LockfileError(file, sink.items);
  const version = checked.assumed;
  const data = checked.valid ? expand(source, file) : withAssumedVersion(expand(source, file), version);
  const [items, options] = checkedItems(data, version, sink, file);
  const artifacts = validateArtifacts(items, version, sink, env, options);
  if (sink.errorCount) throw new LockfileError(file, sink.items);
  const lines = checksumLines(source, items.length);
  return { path: file, version, artifacts, warnings: sink.warnings, checksumLine: (index) => lines[index] || undefined };
}

/**
 * The line of each artifact's `checksum` (0 where unknown), so that the lockfile keeps these and
 * not the document: with positions, the document of 10,000 artifacts held ~20 MiB through the whole
 * fetch (a lockfile with one warning peaked at 113 MiB against 91 for the same without it).
 */
function checksumLines(source: YamlSource, count: number): Uint32Array {
  const lines = new Uint32Array(count);
  for (let i = 0; i < count; i++) lines[i] = source.locate(['artifacts', i, 'checksum'])?.line ?? 0;
  return lines;
}
