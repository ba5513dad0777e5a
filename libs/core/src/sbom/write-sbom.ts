import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJsonFile } from '../fs/parse-json';
import { writeAtomically } from '../fs/write-atomically';
import { checksumKey } from '../checksum/parse-checksum';
import { HermeticError } from '../errors';
import { mirrorsUsed, readAllRecords } from '../fetch/fetch-record';
import { JsonList } from '../fs/json-list';
import { Lockfile } from '../lockfile/types';
import { lockfileComponents, packageComponents } from './components';
import type { PinnedPackage } from '../package-locks/types';
import { CycloneDxBom, sbomPieces, toCycloneDx } from './cyclonedx';
import { mergeCycloneDx } from './merge';
import { isSpdx, mergeSpdx } from './merge-spdx';
import { SbomOptions } from './options';
import { toSpdx } from './spdx';

export type SbomFormat = 'cyclonedx' | 'spdx';

/** Where an output directory's SBOM goes, as Hermeto names it (for both formats). */
export function sbomPath(outputDir: string): string {
  return join(outputDir, 'bom.json');
}

/**
 * Checks that every artifact of the lockfile was fetched and verified into `outputDir` (by any
 * fetch target: their records say so), and returns the mirror URLs they came from.
 */
async function fetchedArtifacts(lockfile: Lockfile, outputDir: string): Promise<Map<string, string>> {
  const records = (await readAllRecords(outputDir)).map((r) => r.record);
  const fetched = new Set<string>();
  for (const record of records) for (const f of record.files) fetched.add(`${f.url}\n${f.filename}\n${f.checksums.join(',')}`);
  const missing = lockfile.artifacts.filter((a) => !fetched.has(`${a.url}\n${a.filename}\n${a.checksums.map(checksumKey).join(',')}`));
  if (missing.length) {
    throw new HermeticError(
      'InvalidInput',
      `the SBOM of ${lockfile.path} needs its artifacts fetched and verified first; missing in ${outputDir}: ${missing.map((a) => `artifacts[${a.index}] (${a.filename})`).join(', ')}`,
      {
        hints: ['run the fetch targets first (nx run <project>:fetch-deps, or hermetic fetch-deps)'],
      },
    );
  }
  return mirrorsUsed(records);
}

/**
 * Writes `<outputDir>/bom.json` for a lockfile whose artifacts were fetched into `outputDir`:
 * CycloneDX 1.6 (default) or SPDX 2.3, 2-space JSON without trailing newline, written atomically.
 * `packages` (from package-manager lockfiles) are added as library components. The output
 * directory's fetch records must show every artifact fetched and verified, unless `fetchedJustNow`
 * gives the mirrors used by a fetch of this very lockfile that just succeeded in this process (the
 * CLI's fetch-deps): reading its record of 10,000 files back costs ~9 MiB at the run's peak.
 */
export async function writeSbom(
  lockfile: Lockfile,
  outputDir: string,
  format: SbomFormat,
  options: SbomOptions & { packages?: readonly PinnedPackage[]; fetchedJustNow?: { mirrorsUsed: ReadonlyMap<string, string> } },
): Promise<string> {
  const fetchedFrom = options.fetchedJustNow?.mirrorsUsed ?? (await fetchedArtifacts(lockfile, outputDir));
  const components = JsonList.concat(lockfileComponents(lockfile, fetchedFrom), packageComponents(options.packages ?? []));
  const doc = format === 'spdx' ? toSpdx(components, options) : toCycloneDx(components, options);
  const path = sbomPath(outputDir);
  await writeAtomically(path, sbomPieces(doc));
  return path;
}

/**
 * Merges SBOM files into `output`, in their format: CycloneDX (`mergeCycloneDx`) or SPDX
 * (`mergeSpdx`), never a mix. Returns the number of unique components (packages).
 */
export async function writeMergedSbom(files: readonly string[], output: string, options: SbomOptions): Promise<number> {
  const boms: Array<{ file: string; bom: CycloneDxBom }> = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch((err: unknown) => {
      // A file that is not there yet is the usual case (the sbom targets did not run); other file
      // system errors are worded where they reach the user (describeError).
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      throw new HermeticError('InvalidInput', `SBOM not found: ${file}`, { hints: ['run the sbom targets (or hermetic fetch-deps) first, or fix the path'] });
    });
    const bom = parseJsonFile(text, file, 'pass the bom.json files that the sbom targets (or hermetic fetch-deps) write') as CycloneDxBom;
    boms.push({ file, bom });
  }
  const neither = boms.find((b) => b.bom?.bomFormat !== 'CycloneDX' && !isSpdx(b.bom));
  if (neither) {
    throw new HermeticError('InvalidInput', `${neither.file} is neither a CycloneDX nor an SPDX JSON SBOM`, {
      hints: ['merge the bom.json files that the sbom targets (or hermetic fetch-deps) write'],
    });
  }
  const spdx = boms.filter((b) => isSpdx(b.bom));
  if (spdx.length && spdx.length < boms.length) {
    const names = (list: typeof boms) => list.map((b) => b.file).join(', ');
    throw new HermeticError(
      'InvalidInput',
      `cannot merge SPDX and CycloneDX SBOMs into one: ${names(spdx)} SPDX, ${names(boms.filter((b) => !isSpdx(b.bom)))} not`,
      {
        hints: ['give every project the same SBOM format (the sbomFormat option), or merge each format apart'],
      },
    );
  }
  if (spdx.length) {
    const merged = mergeSpdx(
      boms.map((b) => ({ file: b.file, doc: b.bom })),
      options,
    );
    await writeAtomically(output, sbomPieces(merged));
    // The packages no relationship DESCRIBES: the artifacts, not the roots.
    const described = new Set(
      (merged.relationships as Array<{ relationshipType: string; relatedSpdxElement: string }>)
        .filter((r) => r.relationshipType === 'DESCRIBES')
        .map((r) => r.relatedSpdxElement),
    );
    return (merged.packages as Array<{ SPDXID: string }>).filter((p) => !described.has(p.SPDXID)).length;
  }
  const merged = mergeCycloneDx(boms, options);
  await writeAtomically(output, sbomPieces(merged));
  return merged.components.filter((c) => c.type !== 'application').length;
}
