import { jsonPieces } from '../fs/json-pieces';
import { createHash } from 'node:crypto';
import { Algorithm } from '../checksum/algorithms';
import { SbomComponent } from './components';
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

/**
 * An SPDX 2.3 document in Hermeto's shape (root package `SPDXRef-DocumentRoot-File-`, DESCRIBES and
 * CONTAINS relationships, backend and property annotations, packages sorted by name and version),
 * with the project's name, a real document namespace, and package checksums added.
 */
export function toSpdx(components: readonly SbomComponent[], options: SbomOptions): Record<string, unknown> {
  const { tool, organization } = namingOf(options);
  const created = timestampOf(options);
  const unique = new Map(components.map((c) => [c.purl, c]));
  const packages = [...unique.values()].map((c) => {
    const checksums = c.hashes.flatMap((h) => (SPDX_ALGORITHMS[h.algorithm] ? [{ algorithm: SPDX_ALGORITHMS[h.algorithm], checksumValue: h.digest }] : []));
    return {
      SPDXID: spdxPackageId(c),
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
  });
  const root = { SPDXID: 'SPDXRef-DocumentRoot-File-', name: '', versionInfo: '', externalRefs: [], annotations: [], downloadLocation: 'NOASSERTION' };
  const sorted = [root, ...packages].sort((a, b) => {
    const ka = `${a.name}\0${'versionInfo' in a ? (a.versionInfo ?? '') : ''}`;
    const kb = `${b.name}\0${'versionInfo' in b ? (b.versionInfo ?? '') : ''}`;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const relationships = [
    { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: root.SPDXID, comment: '' },
    ...packages.map((p) => ({ spdxElementId: root.SPDXID, relationshipType: 'CONTAINS', relatedSpdxElement: p.SPDXID, comment: '' })),
  ];
  const doc = {
    spdxVersion: 'SPDX-2.3',
    SPDXID: 'SPDXRef-DOCUMENT',
    dataLicense: 'CC0-1.0',
    name: options.subject.name,
    documentNamespace: '',
    creationInfo: { creators: [`Tool: ${tool}`, `Organization: ${organization}`], created },
    packages: sorted,
    relationships,
  };
  doc.documentNamespace = `https://spdx.org/spdxdocs/${encodeURIComponent(options.subject.name)}-${uuidOf(options, jsonPieces(doc))}`;
  return doc;
}
