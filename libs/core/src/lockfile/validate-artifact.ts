import { Checksum, parseChecksum } from '../checksum/parse-checksum';
import { DiagnosticSink } from './diagnostics';
import { parseEnvTemplate, EnvTemplate } from './env-template';
import { mavenFileName, mavenUrl } from './maven';
import { AuthInput, KNOWN_MAVEN_ATTRIBUTES, MavenArtifactInput, UrlArtifactInput } from './schema';
import { checkTargetFilename, targetNameWarnings } from './target-path';
import { Artifact, AuthSpec, MavenCoordinates } from './types';
import { checkHttpUrl, lastPathSegment } from './url';
import { YamlPath } from './yaml-path';

/** What semantic validation of one artifact needs besides the artifact. */
export interface ArtifactContext {
  readonly index: number;
  readonly sink: DiagnosticSink;
  /** Environment to check auth variables against; `false` skips the check (e.g. graph construction). */
  readonly env: NodeJS.ProcessEnv | false;
}

const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * The semantic checks below run on the raw mapping even when its shape has problems (those are
 * reported by the schema), so one pass reports everything wrong with an artifact. Each check only
 * looks at fields of the right type.
 */
type Loose<T> = { [K in keyof T]?: unknown };

function checkChecksums(value: unknown, path: YamlPath, ctx: ArtifactContext): Checksum[] | undefined {
  if (!isString(value) && !(Array.isArray(value) && value.length > 0 && value.every(isString))) return undefined;
  const list: string[] = Array.isArray(value) ? value : [value];
  const out: Checksum[] = [];
  const weak: Array<{ at: YamlPath; warning: string }> = [];
  list.forEach((text, i) => {
    const at = Array.isArray(value) ? [...path, i] : path;
    const result = parseChecksum(text);
    if (!result.ok) return ctx.sink.error(at, result.message, result.fix);
    if (result.warning) weak.push({ at, warning: result.warning });
    if (out.some((c) => c.algorithm === result.checksum.algorithm)) {
      return ctx.sink.error(at, `two ${result.checksum.algorithm} checksums for one artifact`, 'keep one checksum per algorithm');
    }
    out.push(result.checksum);
  });
  // Every checksum must match, so a weak one beside a strong one weakens nothing (Maven's .sha1
  // beside a sha256 is common): only an artifact that has nothing but weak ones is warned about.
  if (weak.length === list.length) for (const { at, warning } of weak) ctx.sink.warn(at, warning);
  // A copy of exactly its length: an array grown by push has room for 17 (~1.5 MiB for 10,000 artifacts).
  return out.length === list.length ? out.slice() : undefined;
}

/**
 * An auth field's template, its variables checked against the environment. A `secret` (a password,
 * a bearer value) with no variable in it is the secret itself, written into a file that is
 * committed: accepted, as Hermeto does, with a warning.
 */
function checkTemplate(value: string, path: YamlPath, ctx: ArtifactContext, secret = false): EnvTemplate | undefined {
  let template: EnvTemplate;
  try {
    template = parseEnvTemplate(value);
  } catch (err) {
    ctx.sink.error(path, (err as Error).message);
    return undefined;
  }
  if (secret && value !== '' && template.variables.length === 0) {
    ctx.sink.warn(path, 'the secret itself is written in the lockfile, which is committed', "take it from the environment instead, e.g. '$REPO_TOKEN'");
  }
  if (ctx.env) {
    for (const name of template.variables) {
      const v = ctx.env[name];
      if (v === undefined) ctx.sink.error(path, `environment variable '${name}' referenced in auth config is not set`, `export ${name} before running`);
      else if (v === '') ctx.sink.warn(path, `environment variable '${name}' referenced in auth config is empty`);
    }
  }
  return template;
}

function checkAuth(input: unknown, base: YamlPath, ctx: ArtifactContext): AuthSpec | undefined | null {
  if (input === undefined) return undefined;
  if (input === null || typeof input !== 'object') return null;
  const auth = input as Loose<AuthInput>;
  const path = [...base, 'auth'];
  const schemes = (['basic', 'bearer'] as const).filter((k) => auth[k] !== undefined);
  if (schemes.length !== 1) {
    ctx.sink.error(path, 'exactly one of the auth types must be set', "use either 'basic: {username, password}' or 'bearer: {value, header?}'");
    return null;
  }
  if (auth.basic !== undefined) {
    const basic = (auth.basic ?? {}) as Loose<NonNullable<AuthInput['basic']>>;
    const username = isString(basic.username) ? checkTemplate(basic.username, [...path, 'basic', 'username'], ctx) : undefined;
    const password = isString(basic.password) ? checkTemplate(basic.password, [...path, 'basic', 'password'], ctx, true) : undefined;
    return username && password ? { scheme: 'basic', username, password } : null;
  }
  const bearer = (auth.bearer ?? {}) as Loose<NonNullable<AuthInput['bearer']>>;
  if (bearer.header !== undefined && !isString(bearer.header)) return null;
  const header = bearer.header ?? 'Authorization';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) {
    ctx.sink.error([...path, 'bearer', 'header'], `'${header}' is not a valid HTTP header name`);
    return null;
  }
  const value = isString(bearer.value) ? checkTemplate(bearer.value, [...path, 'bearer', 'value'], ctx, true) : undefined;
  return value ? { scheme: 'bearer', header, value } : null;
}

/** Resolves the target filename: the one written, or the derived one; undefined when invalid. */
function checkFilename(written: unknown, derived: string, base: YamlPath, ctx: ArtifactContext, deriveFrom: string): string | undefined {
  if (written !== undefined && !isString(written)) return undefined;
  const explicit = written !== undefined && written !== '';
  if (!explicit && derived === '') {
    ctx.sink.error(base, `cannot derive a file name from ${deriveFrom}`, "set 'filename'");
    return undefined;
  }
  const result = checkTargetFilename(explicit ? (written as string) : derived);
  if (!result.ok) {
    ctx.sink.error(explicit ? [...base, 'filename'] : base, result.message, result.fix);
    return undefined;
  }
  for (const warning of targetNameWarnings(result.filename)) {
    ctx.sink.warn(
      explicit ? [...base, 'filename'] : base,
      `target file name '${JSON.stringify(result.filename).slice(1, -1)}' ${warning}`,
      "set a plain 'filename'",
    );
  }
  if (!explicit && /%[0-9A-Fa-f]{2}/.test(result.filename)) {
    ctx.sink.warn(base, `derived file name '${result.filename}' keeps its percent-escapes (as Hermeto does)`, "set 'filename' to choose a readable name");
  }
  return result.filename;
}

/** Validates a URL artifact whose shape is already known to be right. */
export function validateUrlArtifact(input: Loose<UrlArtifactInput>, ctx: ArtifactContext): Artifact | undefined {
  const base: YamlPath = ['artifacts', ctx.index];
  const checksums = checkChecksums(input.checksum, [...base, 'checksum'], ctx);
  const url = isString(input.download_url) ? checkHttpUrl(input.download_url) : undefined;
  if (url && !url.ok) ctx.sink.error([...base, 'download_url'], url.message, url.fix);
  const auth = checkAuth(input.auth, base, ctx);
  const filename = url?.ok ? checkFilename(input.filename, lastPathSegment(url.url), base, ctx, `URL '${url.url.href}'`) : undefined;
  if (!checksums || !url?.ok || auth === null || filename === undefined) return undefined;
  return {
    kind: 'url',
    index: ctx.index,
    checksums,
    filename,
    filenameExplicit: !!input.filename,
    url: url.url.href,
    ...(auth ? { auth } : {}),
  };
}

const SNAPSHOT = /-SNAPSHOT$/i;
const COORDINATES = ['group_id', 'artifact_id', 'version', 'classifier', 'type'] as const;
const REQUIRED_COORDINATES: ReadonlyArray<(typeof COORDINATES)[number]> = ['group_id', 'artifact_id', 'version'];

/** Warns about attributes Hermeto does not know (a typo would otherwise be silently ignored). */
function warnUnknownAttributes(a: Record<string, unknown>, attrs: YamlPath, ctx: ArtifactContext): void {
  for (const key of Object.keys(a)) {
    if ((KNOWN_MAVEN_ATTRIBUTES as readonly string[]).includes(key)) continue;
    ctx.sink.warn([...attrs, key], `unknown Maven attribute '${key}' is ignored`, `did you mean one of: ${KNOWN_MAVEN_ATTRIBUTES.join(', ')}?`, { key: true });
  }
}

/** The repository root as a URL: http(s), with no query or fragment; undefined when it is not one. */
function checkRepositoryUrl(value: unknown, attrs: YamlPath, ctx: ArtifactContext): URL | undefined {
  if (!isString(value)) return undefined; // the schema reports it
  const repo = checkHttpUrl(value);
  if (!repo.ok) {
    ctx.sink.error([...attrs, 'repository_url'], repo.message, repo.fix);
    return undefined;
  }
  if (repo.url.search || repo.url.hash) {
    ctx.sink.error(
      [...attrs, 'repository_url'],
      'a repository URL must not have a query or fragment',
      'give the plain repository root, e.g. https://repo1.maven.org/maven2',
    );
    return undefined;
  }
  return repo.url;
}

/** Whether one coordinate can go into a repository path (present if required, not empty, no path syntax, no SNAPSHOT). */
function checkCoordinate(key: (typeof COORDINATES)[number], v: unknown, attrs: YamlPath, ctx: ArtifactContext): boolean {
  if (!isString(v)) return v === undefined && !REQUIRED_COORDINATES.includes(key); // a wrong type: the schema reports it
  if (v.trim() === '' && key !== 'classifier') {
    ctx.sink.error([...attrs, key], `'${key}' must not be empty`);
    return false;
  }
  if (v.split('/').includes('..') || v.startsWith('/') || /[\s:?#\\]/.test(v)) {
    ctx.sink.error(
      [...attrs, key],
      `'${key}' '${v}' would produce a wrong repository path`,
      "use plain Maven coordinates (no '/', '..', ':', '?', '#', '\\' or spaces)",
    );
    return false;
  }
  if (key === 'version' && SNAPSHOT.test(v)) {
    ctx.sink.error([...attrs, 'version'], `SNAPSHOT version '${v}' is not reproducible`, 'pin a released version');
    return false;
  }
  return true;
}

/** Validates a Maven artifact whose shape is already known to be right. */
export function validateMavenArtifact(input: Loose<MavenArtifactInput>, ctx: ArtifactContext): Artifact | undefined {
  const base: YamlPath = ['artifacts', ctx.index];
  const attrs: YamlPath = [...base, 'attributes'];
  const a = (input.attributes !== null && typeof input.attributes === 'object' ? input.attributes : {}) as Record<string, unknown>;
  const checksums = checkChecksums(input.checksum, [...base, 'checksum'], ctx);
  const auth = checkAuth(input.auth, base, ctx);
  warnUnknownAttributes(a, attrs, ctx);
  const repository = checkRepositoryUrl(a.repository_url, attrs, ctx);
  // Every coordinate is checked (no short-circuit), so one pass reports every problem.
  const coordinatesOk = COORDINATES.map((key) => checkCoordinate(key, a[key], attrs, ctx)).every(Boolean);
  if (!checksums || auth === null || !repository || !coordinatesOk) return undefined;

  const maven: MavenCoordinates = {
    repositoryUrl: repository.href,
    groupId: a.group_id as string,
    artifactId: a.artifact_id as string,
    version: a.version as string,
    classifier: (a.classifier as string | undefined) ?? '',
    type: (a.type as string | undefined) ?? 'jar',
  };
  const filename = checkFilename(input.filename, mavenFileName(maven), base, ctx, 'the Maven coordinates');
  if (filename === undefined) return undefined;
  return { kind: 'maven', index: ctx.index, checksums, filename, filenameExplicit: !!input.filename, url: mavenUrl(maven), maven, ...(auth ? { auth } : {}) };
}
