import { artifactKeys, LOCKFILE_KEYS } from './schema';
import { LockfileVersion } from './types';

/*
 * The quick parse's structural check: whether plain lockfile data has exactly the shape the zod
 * schemas (`schema.ts`) accept, without loading zod. It only ever says yes to a shape they accept;
 * anything else (even something they would accept) sends the file to the thorough parse, which
 * decides and words every problem. A fast-check property in parse-clean-lockfile.spec.ts holds the
 * two parses to the same result on every lockfile the quick one accepts.
 */

type Mapping = Record<string, unknown>;

const isString = (v: unknown): v is string => typeof v === 'string';

function isMapping(v: unknown): v is Mapping {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Every key of `m` is one of `allowed`, and every key of `required` is present. */
function hasKeys(m: Mapping, allowed: readonly string[], required: readonly string[]): boolean {
  for (const key of Object.keys(m)) if (!allowed.includes(key)) return false;
  return required.every((key) => key in m);
}

const optionalString = (m: Mapping, key: string) => !(key in m) || isString(m[key]);

function isChecksumField(v: unknown): boolean {
  return isString(v) || (Array.isArray(v) && v.length > 0 && v.every(isString));
}

function isAuth(v: unknown): boolean {
  if (!isMapping(v) || !hasKeys(v, LOCKFILE_KEYS.auth, [])) return false;
  const { basic, bearer } = v;
  if ('basic' in v && !(isMapping(basic) && hasKeys(basic, LOCKFILE_KEYS.basic, LOCKFILE_KEYS.basic) && isString(basic.username) && isString(basic.password))) {
    return false;
  }
  return (
    !('bearer' in v) || (isMapping(bearer) && hasKeys(bearer, LOCKFILE_KEYS.bearer, ['value']) && isString(bearer.value) && optionalString(bearer, 'header'))
  );
}

function isMavenAttributes(v: unknown): boolean {
  // Loose, as the schema is: other keys are the semantic checks' business (they warn).
  return (
    isMapping(v) &&
    ['repository_url', 'group_id', 'artifact_id', 'version'].every((key) => isString(v[key])) &&
    optionalString(v, 'classifier') &&
    optionalString(v, 'type')
  );
}

function isArtifact(v: unknown, version: LockfileVersion): boolean {
  if (!isMapping(v)) return false;
  if ('auth' in v && !(version === '2.0' && isAuth(v.auth))) return false;
  if (!isChecksumField(v.checksum) || !optionalString(v, 'filename')) return false;
  if ('type' in v) {
    return v.type === 'maven' && hasKeys(v, artifactKeys('maven', version), ['checksum', 'attributes']) && isMavenAttributes(v.attributes);
  }
  return hasKeys(v, artifactKeys('url', version), ['download_url', 'checksum']) && isString(v.download_url);
}

/** The artifacts of `data` when the whole of it has the shape of a valid lockfile of `version`. */
export function cleanShapeArtifacts(data: unknown, version: LockfileVersion): unknown[] | undefined {
  if (!isMapping(data) || !hasKeys(data, LOCKFILE_KEYS.top, LOCKFILE_KEYS.top)) return undefined;
  const { metadata, artifacts } = data;
  if (!isMapping(metadata) || !hasKeys(metadata, LOCKFILE_KEYS.metadata, LOCKFILE_KEYS.metadata) || metadata.version !== version) return undefined;
  if (!Array.isArray(artifacts) || !artifacts.every((a) => isArtifact(a, version))) return undefined;
  return artifacts;
}
