import { jsonPieces } from '../fs/json-pieces';
import { JsonList } from '../fs/json-list';
import { Algorithm } from '../checksum/algorithms';
import { ComponentList, SbomComponent } from './components';
import { namingOf, SbomOptions, timestampOf, uuidOf } from './options';

/** CycloneDX's names for the algorithms it knows (sha224 and blake2s have none, so they are left out). */
const CDX_ALGORITHMS: Partial<Record<Algorithm, string>> = {
  md5: 'MD5',
  sha1: 'SHA-1',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
  'sha3-256': 'SHA3-256',
  'sha3-384': 'SHA3-384',
  'sha3-512': 'SHA3-512',
  blake2b: 'BLAKE2b-512',
};

/** A CycloneDX BOM as read from a file (or merged from such). */
export type CycloneDxBom = Record<string, unknown> & { components: CycloneDxComponent[] };
/** A CycloneDX BOM as made here: its components made as they are written (JSON.stringify sees an array). */
export type CycloneDxDocument = Record<string, unknown> & { components: JsonList<CycloneDxComponent> };
export type CycloneDxComponent = Record<string, unknown> & { 'bom-ref': string; purl?: string };

/** The bom-ref of a project (or workspace) component. */
export function subjectRef(name: string): string {
  return `nx-project:${name}`;
}

/**
 * A component with Hermeto's shape and key order (so purls, names and references match), plus the
 * proper CycloneDX `hashes`, and the mirror actually used as a second distribution reference.
 */
export function cycloneDxComponent(c: SbomComponent, options: SbomOptions): CycloneDxComponent {
  const { tool } = namingOf(options);
  const hashes = c.hashes.flatMap((h) => (CDX_ALGORITHMS[h.algorithm] ? [{ alg: CDX_ALGORITHMS[h.algorithm], content: h.digest }] : []));
  return {
    'bom-ref': c.purl,
    name: c.name,
    purl: c.purl,
    ...(c.version !== undefined ? { version: c.version } : {}),
    properties: [{ name: `${tool}:found_by`, value: tool }, ...(c.pinnedBy ? [{ name: `${tool}:pinned_by`, value: c.pinnedBy }] : [])],
    type: c.type,
    externalReferences: [
      ...(c.url ? [{ url: c.url, type: 'distribution' }] : []),
      ...(c.fetchedFrom ? [{ url: c.fetchedFrom, type: 'distribution', comment: 'proxy URL' }] : []),
    ],
    ...(hashes.length ? { hashes } : {}),
  };
}

/** Sorts by purl and keeps one component per purl (merging nothing else: the purl carries the checksum). */
export function dedupeByPurl<T extends CycloneDxComponent>(components: readonly T[]): T[] {
  return firstOfEachSorted(components.map((c) => c['bom-ref'])).map((i) => components[i]);
}

/** The index of the first occurrence of each key, in the keys' order (UTF-16 code units, as `<`). */
function firstOfEachSorted(keys: readonly string[]): number[] {
  const first = new Map<string, number>();
  keys.forEach((key, i) => {
    if (!first.has(key)) first.set(key, i);
  });
  return [...first.values()].sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
}

/**
 * A CycloneDX 1.6 BOM of one project: its components as Hermeto writes them, the project as
 * `metadata.component`, its dependency edges, and the backend annotation. JSON text with a 2-space
 * indent and no trailing newline, as Hermeto writes `bom.json`.
 */
export function toCycloneDx(components: ComponentList, options: SbomOptions): CycloneDxDocument {
  const { tool, organization } = namingOf(options);
  const timestamp = timestampOf(options);
  // One component per purl, in purl order. Only the purls are held (they are the references too):
  // each component is made again as it is written.
  const list = JsonList.from(components);
  const purls = Array.from(list, (c) => c.purl);
  const order = firstOfEachSorted(purls);
  const refs = order.map((i) => purls[i]);
  const comps = new JsonList(order.length, (k) => cycloneDxComponent(list.at(order[k]), options));
  const subject = {
    'bom-ref': subjectRef(options.subject.name),
    type: 'application',
    name: options.subject.name,
    ...(options.subject.version ? { version: options.subject.version } : {}),
  };
  const body = {
    bomFormat: 'CycloneDX',
    ...(refs.length
      ? { annotations: [{ subjects: refs, annotator: { organization: { name: organization } }, timestamp, text: `${tool}:backend:generic` }] }
      : {}),
    components: comps,
    dependencies: [{ ref: subject['bom-ref'], dependsOn: refs }],
    metadata: {
      ...(options.reproducible ? {} : { timestamp }),
      tools: [{ vendor: organization, name: tool }],
      component: subject,
    },
    specVersion: '1.6',
    version: 1,
  };
  return { ...body, serialNumber: `urn:uuid:${uuidOf(options, jsonPieces(body))}` };
}

/** Serialises like Hermeto: 2-space indent, no trailing newline. */
export function serializeSbom(doc: unknown): string {
  return JSON.stringify(doc, null, 2);
}

/** The same text in pieces (one per component), for writing a large SBOM without holding its text. */
export function sbomPieces(doc: unknown): Iterable<string> {
  return jsonPieces(doc, 2);
}
