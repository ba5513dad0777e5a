import { jsonPieces } from '../fs/json-pieces';
import { createHash } from 'node:crypto';
import { Algorithm } from '../checksum/algorithms';
import { JsonList } from '../fs/json-list';
import { ComponentList, SbomComponent } from './components';
import { namingOf, SbomOptions, timestampOf, uuidOf } from './options';
import { pythonJsonDumps } from './python-json';

const SPDX_ALGORITHMS: Partial<Record<Algorithm, string>> = {
  md5: 'MD5',
  sha1: 'SHA1',
  sha224: 'SHA224',
  sha256: 'SHA256',
  sha384: 'SHA384',
  sha512: 'SHA512',
  'sha3-256': 'SHA3-256',
  'sha3-384': 'SHA3-384',
  'sha3-512': 'SHA3-512',
  blake2b: 'BLAKE2b-512',
};

/**
 * Hermeto's package id: `SPDXRef-Package-<name>[-<version>]-<sha256 of the Python JSON of
 * {name, purl, version}>`, every character outside `[0-9A-Za-z.-]` replaced by `-`.
 */
export function spdxPackageId(c: Pick<SbomComponent, 'name' | 'version' | 'purl'>): string {
  const digest = createHash('sha256')
    .update(pythonJsonDumps({ name: c.name, purl: c.purl, version: c.version ?? null }))
    .digest('hex');
  return `SPDXRef-Package-${c.name}${c.version ? `-${c.version}` : ''}-${digest}`.replace(/[^0-9A-Za-z.-]/g, '-');
}

/** SPDX's checksums of a component (algorithms SPDX does not name are left out). */
function spdxChecksums(c: SbomComponent): Array<{ algorithm: string; checksumValue: string }> {
  return c.hashes.flatMap((h) => (SPDX_ALGORITHMS[h.algorithm] ? [{ algorithm: SPDX_ALGORITHMS[h.algorithm]!, checksumValue: h.digest }] : []));
}

/** The package of a component, with its id (see spdxPackageId) and the document's time. */
function spdxPackage(c: SbomComponent, id: string, tool: string, created: string): Record<string, unknown> {
  const checksums = spdxChecksums(c);
  return {
    SPDXID: id,
    name: c.name,
    ...(c.version !== undefined ? { versionInfo: c.version } : {}),
    externalRefs: [{ referenceLocator: c.purl, referenceType: 'purl', referenceCategory: 'PACKAGE-MANAGER' }],
    annotations: [
      { annotator: `Tool: ${tool}:backend`, annotationType: 'OTHER', comment: `${tool}:backend:generic`, annotationDate: created },
      {
        annotator: `Tool: ${tool}:jsonencoded`,
        annotationType: 'OTHER',
        comment: pythonJsonDumps({ name: `${tool}:found_by`, value: tool }),
        annotationDate: created,
      },
    ],
    downloadLocation: 'NOASSERTION',
    ...(checksums.length ? { checksums } : {}),
  };
}

/** The id of Hermeto's root package, which every other package is CONTAINed by. */
const ROOT_ID = 'SPDXRef-DocumentRoot-File-';

/** Hermeto's root package (a fresh one for each document: a reader may change what it is given). */
function rootPackage(): Record<string, unknown> {
  return { SPDXID: ROOT_ID, name: '', versionInfo: '', externalRefs: [], annotations: [], downloadLocation: 'NOASSERTION' };
}

/**
 * An SPDX 2.3 document in Hermeto's shape (root package `SPDXRef-DocumentRoot-File-`, DESCRIBES and
 * CONTAINS relationships, backend and property annotations, packages sorted by name and version),
 * with the project's name, a real document namespace, and package checksums added. One package per
 * purl (the last component with it, where the first stood). Only the packages' ids and sort keys are
 * held: each package is made as it is written.
 */
export function toSpdx(components: ComponentList, options: SbomOptions): Record<string, unknown> {
  const { tool } = namingOf(options);
  const created = timestampOf(options);
  const list = JsonList.from(components);
  // The packages in first-seen order, each from the last component with its purl (Map.set keeps
  // the first place): its index, sort key and id, in one pass.
  const byPurl = new Map<string, { index: number; key: string; id: string }>();
  let i = 0;
  for (const c of list) byPurl.set(c.purl, { index: i++, key: `${c.name}\0${c.version ?? ''}`, id: spdxPackageId(c) });
  const unique = [...byPurl.values()];
  byPurl.clear();
  // -1 is the root package (no name, no version); a stable sort keeps equal keys in first-seen order, the root first.
  const keyOf = (k: number) => (k < 0 ? '\0' : unique[k].key);
  const sorted = [-1, ...unique.keys()].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const packages = new JsonList(sorted.length, (n) =>
    sorted[n] < 0 ? rootPackage() : spdxPackage(list.at(unique[sorted[n]].index), unique[sorted[n]].id, tool, created),
  );
  const describes = { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: ROOT_ID, comment: '' };
  const relationships = JsonList.concat(
    [describes],
    new JsonList(unique.length, (k) => ({ spdxElementId: ROOT_ID, relationshipType: 'CONTAINS', relatedSpdxElement: unique[k].id, comment: '' })),
  );
  return spdxDocument(packages, relationships, options, created);
}

/**
 * The document around `packages` and `relationships`: SPDX 2.3's header, the subject's name, the
 * tool and organisation, and a namespace derived from the content (reproducible mode) or random.
 */
export function spdxDocument(
  packages: Iterable<unknown>,
  relationships: Iterable<unknown>,
  options: SbomOptions,
  created = timestampOf(options),
): Record<string, unknown> {
  const { tool, organization } = namingOf(options);
  const doc = {
    spdxVersion: 'SPDX-2.3',
    SPDXID: 'SPDXRef-DOCUMENT',
    dataLicense: 'CC0-1.0',
    name: options.subject.name,
    documentNamespace: '',
    creationInfo: { creators: [`Tool: ${tool}`, `Organization: ${organization}`], created },
    packages,
    relationships,
  };
  doc.documentNamespace = `https://spdx.org/spdxdocs/${encodeURIComponent(options.subject.name)}-${uuidOf(options, jsonPieces(doc))}`;
  return doc;
}
