import { DiagnosticSink } from './diagnostics';
import { reportDuplicates } from './duplicates';
import { artifactKeys, KNOWN_MAVEN_ATTRIBUTES, LOCKFILE_KEYS, lockfileSchemas } from './schema';
import { Artifact, LockfileVersion } from './types';
import { validateMavenArtifact, validateUrlArtifact } from './validate-artifact';
import { YamlPath } from './yaml-path';
import { reportZodIssues } from './zod-issues';

/*
 * The checks of a lockfile's artifacts on plain data, shared by the quick parse (no positions) and
 * the thorough one (which places each problem at its line).
 */

/** Allowed keys of an artifact and of its nested mappings, for "unknown field" fixes. */
function artifactKeysAt(isMaven: boolean, version: LockfileVersion): (path: YamlPath) => readonly string[] | undefined {
  const keys = artifactKeys(isMaven ? 'maven' : 'url', version);
  return (path) => (path.length === 2 ? keys : allowedKeys(path));
}

export function allowedKeys(path: YamlPath): readonly string[] | undefined {
  const last = path[path.length - 1];
  if (path.length === 0) return LOCKFILE_KEYS.top;
  if (last === 'metadata' || last === 'auth' || last === 'basic' || last === 'bearer') return LOCKFILE_KEYS[last];
  if (last === 'attributes') return KNOWN_MAVEN_ATTRIBUTES;
  return undefined;
}

/** How `validateArtifacts` runs. */
export interface ValidateOptions {
  /** The items' shape was already checked (the quick parse's clean-shape check): skip the schema. */
  shapeChecked?: boolean;
}

function validateArtifact(
  item: unknown,
  index: number,
  version: LockfileVersion,
  sink: DiagnosticSink,
  env: NodeJS.ProcessEnv | false,
  options: ValidateOptions,
): Artifact | undefined {
  const base: YamlPath = ['artifacts', index];
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    sink.error(base, 'each artifact must be a mapping', "give 'download_url' and 'checksum', or 'type: maven' with 'attributes'");
    return undefined;
  }
  const raw = item as Record<string, unknown>;
  if ('type' in raw && raw.type !== 'maven') {
    sink.error([...base, 'type'], `unknown artifact type ${JSON.stringify(raw.type)}`, "use 'type: maven', or leave 'type' out for a plain URL artifact");
    return undefined;
  }
  if (version === '1.0' && 'auth' in raw) {
    sink.error([...base, 'auth'], '\'auth\' needs lockfile version "2.0"', 'set metadata.version: "2.0"', { key: true });
  }
  const isMaven = raw.type === 'maven';
  if (isMaven && 'download_url' in raw) {
    sink.error(
      [...base, 'download_url'],
      "a Maven artifact has no 'download_url'; its URL comes from 'attributes'",
      "remove 'download_url', or remove 'type: maven' for a plain URL artifact",
      { key: true },
    );
    return undefined;
  }
  const schemas = options.shapeChecked ? undefined : lockfileSchemas().artifacts[version];
  const parsed = schemas ? (isMaven ? schemas.maven : schemas.url).safeParse(raw) : { success: true as const };
  if (!parsed.success) {
    // `auth` under "1.0" was reported above with a better fix.
    const issues = parsed.error.issues
      .map((i) => (i.code === 'unrecognized_keys' && version === '1.0' ? { ...i, keys: i.keys.filter((k) => !(k === 'auth' && i.path.length === 0)) } : i))
      .filter((i) => i.code !== 'unrecognized_keys' || i.keys.length > 0);
    reportZodIssues(sink, issues, base, raw, artifactKeysAt(isMaven, version));
  }
  // Semantic checks run even when the shape is wrong, so every problem is reported in one pass.
  const ctx = { index, sink, env };
  const artifact = isMaven ? validateMavenArtifact(raw, ctx) : validateUrlArtifact(raw, ctx);
  return parsed.success ? artifact : undefined;
}

/** Validates the artifacts of plain lockfile data into `sink`; the artifacts that passed. */
export function validateArtifacts(
  items: readonly unknown[],
  version: LockfileVersion,
  sink: DiagnosticSink,
  env: NodeJS.ProcessEnv | false,
  options: ValidateOptions = {},
): Artifact[] {
  const artifacts: Artifact[] = [];
  items.forEach((item, index) => {
    const artifact = validateArtifact(item, index, version, sink, env, options);
    if (artifact) artifacts.push(artifact);
  });
  if (!sink.errorCount) reportDuplicates(artifacts, sink);
  return artifacts;
}
