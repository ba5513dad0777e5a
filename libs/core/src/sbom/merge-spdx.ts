import { HermeticError } from '../errors';
import { SbomOptions } from './options';
import { spdxDocument } from './spdx';

/** What merging reads of an SPDX document's packages and relationships. */
interface SpdxPackage {
  SPDXID: string;
  name?: string;
  versionInfo?: string;
}
interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: string;
  relatedSpdxElement: string;
}
export interface SpdxDoc {
  spdxVersion?: unknown;
  packages?: SpdxPackage[];
  relationships?: SpdxRelationship[];
}

/** Whether a parsed file is an SPDX 2.x JSON document with the lists merging reads. */
export function isSpdx(doc: unknown): doc is Required<SpdxDoc> {
  const d = doc as SpdxDoc | null;
  return typeof d?.spdxVersion === 'string' && d.spdxVersion.startsWith('SPDX-2.') && Array.isArray(d.packages) && Array.isArray(d.relationships);
}

/**
 * Merges SPDX 2.3 documents into one, as Hermeto's `merge-sboms` does: packages united by SPDX id
 * (Hermetic's ids derive from name, version and purl, so one artifact of several projects is one
 * package, and every project's root package is the same `SPDXRef-DocumentRoot-File-`), the
 * relationships united, the packages sorted by name and version as each document sorts them (the
 * root, with no name, first).
 */
export function mergeSpdx(docs: ReadonlyArray<{ file: string; doc: unknown }>, options: SbomOptions): Record<string, unknown> {
  const packages = new Map<string, SpdxPackage>();
  const relationships = new Map<string, SpdxRelationship>();
  for (const { file, doc } of docs) {
    if (!isSpdx(doc)) {
      throw new HermeticError('InvalidInput', `${file} is not an SPDX 2.3 JSON SBOM`, {
        hints: ['merge the bom.json files written by the sbom targets in SPDX format'],
      });
    }
    for (const p of doc.packages) if (!packages.has(p.SPDXID)) packages.set(p.SPDXID, p);
    for (const r of doc.relationships) {
      const key = `${r.spdxElementId}\0${r.relationshipType}\0${r.relatedSpdxElement}`;
      if (!relationships.has(key)) relationships.set(key, r);
    }
  }
  const key = (p: SpdxPackage) => `${p.name ?? ''}\0${p.versionInfo ?? ''}`;
  const sorted = [...packages.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return spdxDocument(sorted, [...relationships.values()], options);
}
