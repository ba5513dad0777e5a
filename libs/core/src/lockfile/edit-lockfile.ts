import type { Document, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { HermeticError } from '../errors';
import { mavenFileName, mavenUrl } from './maven';
import { parseLockfile } from './parse-lockfile';
import { checkTargetFilename } from './target-path';
import { Lockfile, MavenCoordinates } from './types';
import { lastPathSegment } from './url';
// The yaml library is loaded by the first edit, not by every reader of the lockfile entry point.
import { yamlLibrary } from './yaml-source';

/** An artifact to add to a lockfile, with the checksum already computed. */
export type NewArtifact =
  { kind: 'url'; url: string; checksum: string; filename?: string } | ({ kind: 'maven'; checksum: string; filename?: string } & MavenCoordinates);

/** A double-quoted scalar: how versions, checksums and URLs are always written (never read as numbers). */
function quoted(value: string): Scalar {
  const { Scalar } = yamlLibrary();
  const s = new Scalar(value);
  s.type = Scalar.QUOTE_DOUBLE;
  return s;
}

function entryNode(doc: Document, a: NewArtifact): YAMLMap {
  const map = doc.createNode({}) as YAMLMap;
  if (a.kind === 'url') {
    map.set('download_url', quoted(a.url));
    map.set('checksum', quoted(a.checksum));
    if (a.filename) map.set('filename', quoted(a.filename));
    return map;
  }
  map.set('type', 'maven');
  map.set('checksum', quoted(a.checksum));
  if (a.filename) map.set('filename', quoted(a.filename));
  const attrs = doc.createNode({}) as YAMLMap;
  attrs.set('repository_url', quoted(a.repositoryUrl));
  attrs.set('group_id', quoted(a.groupId));
  attrs.set('artifact_id', quoted(a.artifactId));
  attrs.set('version', quoted(a.version));
  if (a.classifier) attrs.set('classifier', quoted(a.classifier));
  if (a.type && a.type !== 'jar') attrs.set('type', quoted(a.type));
  map.set('attributes', attrs);
  return map;
}

const NEW_LOCKFILE = `# Dependencies of this project, in Hermeto's generic lockfile format (artifacts.lock.yaml).
# Add entries with: nx g @hermetic/nx:add-artifact --project <project> --url <url>
metadata:
  version: "1.0"
artifacts: []
`;

/**
 * Checks, before anything is downloaded, that a lockfile (or a new one) can take the artifact:
 * neither its URL nor its target file is there already. Returns the parsed lockfile and the URL.
 */
export function checkCanAdd(text: string | undefined, file: string, artifact: NewArtifact): { current: Lockfile; url: string } {
  const current = parseLockfile(text ?? NEW_LOCKFILE, file, { env: false });
  const url = artifact.kind === 'url' ? new URL(artifact.url).href : mavenUrl(artifact);
  const sameUrl = current.artifacts.find((a) => a.url === url);
  if (sameUrl) {
    throw new HermeticError('InvalidInput', `${file} already has ${url} as artifacts[${sameUrl.index}] (${sameUrl.filename})`, {
      hints: ['use update-checksums to refresh its checksum, or remove that entry first'],
    });
  }
  const written = artifact.filename ? checkTargetFilename(artifact.filename) : undefined;
  if (written && !written.ok) throw new HermeticError('InvalidInput', `--filename: ${written.message}`, { hints: [written.fix] });
  const filename = written?.ok ? written.filename : artifact.kind === 'url' ? lastPathSegment(new URL(url)) : mavenFileName(artifact);
  const sameTarget = current.artifacts.find((a) => a.filename === filename);
  if (sameTarget) {
    throw new HermeticError('InvalidInput', `${file} already writes ${filename} (artifacts[${sameTarget.index}], ${sameTarget.url})`, {
      hints: ['pass --filename to choose another target'],
    });
  }
  return { current, url };
}

/**
 * Adds an artifact to a lockfile's text (or to a new lockfile), keeping every existing comment and
 * format. The entry goes where it keeps the list sorted by URL when it already is, else at the end,
 * with `comment` above it. Refuses a URL or target that the lockfile already has, and re-validates
 * the result, so what is written always parses.
 */
export function addArtifactToLockfile(text: string | undefined, file: string, artifact: NewArtifact, comment?: string): string {
  const source = text ?? NEW_LOCKFILE;
  const { current, url } = checkCanAdd(text, file, artifact);
  const { isSeq, parseDocument, YAMLSeq } = yamlLibrary();
  const doc = parseDocument(source);
  let list = doc.get('artifacts', true);
  if (!isSeq(list)) {
    list = new YAMLSeq();
    doc.set('artifacts', list);
  }
  const seq = list as YAMLSeq;
  seq.flow = false;
  const node = entryNode(doc, artifact);
  if (comment) node.commentBefore = ` ${comment}`;
  const urls = current.artifacts.map((a) => a.url);
  const sorted = urls.every((u, i) => i === 0 || urls[i - 1] <= u);
  const at = sorted ? urls.filter((u) => u < url).length : urls.length;
  if (at === 0 && seq.items.length && seq.commentBefore) {
    // The parser files the first item's comment on the list itself: keep it with its item.
    const first = seq.items[0] as YAMLMap;
    first.commentBefore = first.commentBefore ? `${seq.commentBefore}\n${first.commentBefore}` : seq.commentBefore;
    seq.commentBefore = undefined;
  }
  seq.items.splice(at, 0, node);
  const out = doc.toString({ lineWidth: 0 });
  // Re-validate: a duplicate target or a bad field must not reach the file.
  parseLockfile(out, file, { env: false });
  return out;
}

/**
 * Replaces the checksums of artifacts (by index) in a lockfile's text, keeping its formatting and
 * comments; a list stays a list, a single value stays a single value.
 */
export function setChecksums(text: string, file: string, updates: ReadonlyMap<number, readonly string[]>): string {
  const { isMap, isSeq, parseDocument } = yamlLibrary();
  const doc = parseDocument(text);
  const list = doc.get('artifacts', true);
  if (!isSeq(list)) throw new HermeticError('InvalidLockfileFormat', `${file} has no artifacts list`);
  for (const [index, checksums] of updates) {
    const item = list.items[index];
    if (!isMap(item)) throw new HermeticError('InvalidLockfileFormat', `${file}: artifacts[${index}] is not a mapping`);
    const value = checksums.length === 1 ? quoted(checksums[0]) : doc.createNode(checksums.map(quoted));
    item.set('checksum', value);
  }
  const out = doc.toString({ lineWidth: 0 });
  parseLockfile(out, file, { env: false });
  return out;
}
