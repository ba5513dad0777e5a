import { jsonPieces } from '../fs/json-pieces';
import { Algorithm } from '../checksum/algorithms';
import { SbomComponent } from './components';
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

export type CycloneDxBom = Record<string, unknown> & { components: CycloneDxComponent[] };
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
  const byRef = new Map<string, T>();
  for (const c of components) if (!byRef.has(c['bom-ref'])) byRef.set(c['bom-ref'], c);
  return [...byRef.values()].sort((a, b) => (a['bom-ref'] < b['bom-ref'] ? -1 : a['bom-ref'] > b['bom-ref'] ? 1 : 0));
}

/**
 * A CycloneDX 1.6 BOM of one project: its components as Hermeto writes them, the project as
 * `metadata.component`, its dependency edges, and the backend annotation. JSON text with a 2-space
 * indent and no trailing newline, as Hermeto writes `bom.json`.
 */
export function toCycloneDx(components: readonly SbomComponent[], options: SbomOptions): CycloneDxBom {
  const { tool, organization } = namingOf(options);
  const timestamp = timestampOf(options);
  const comps = dedupeByPurl(components.map((c) => cycloneDxComponent(c, options)));
  const refs = comps.map((c) => c['bom-ref']);
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
