import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomically } from '../fs/write-atomically';
import { checksumKey } from '../checksum/parse-checksum';
import { HermeticError } from '../errors';
import { FetchRecord, readAllRecords } from '../fetch/fetch-record';
import { Lockfile } from '../lockfile/types';
import { lockfileComponents, packageComponents } from './components';
import type { PinnedPackage } from '../package-locks/types';
import { CycloneDxBom, sbomPieces, toCycloneDx } from './cyclonedx';
import { mergeCycloneDx } from './merge';
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
  const records: FetchRecord[] = (await readAllRecords(outputDir)).map((r) => r.record);
  const fetched = new Map(records.flatMap((r) => r.files.map((f) => [`${f.url}\n${f.filename}\n${f.checksums.join(',')}`, f] as const)));
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
  return new Map(records.flatMap((r) => r.files.flatMap((f) => (f.fetchedFrom ? [[f.url, f.fetchedFrom] as const] : []))));
}

/**
 * Writes `<outputDir>/bom.json` for a lockfile whose artifacts were fetched into `outputDir`:
 * CycloneDX 1.6 (default) or SPDX 2.3, 2-space JSON without trailing newline, written atomically.
 * `packages` (from package-manager lockfiles) are added as library components.
 */
export async function writeSbom(
  lockfile: Lockfile,
  outputDir: string,
  format: SbomFormat,
  options: SbomOptions & { packages?: readonly PinnedPackage[] },
): Promise<string> {
  const fetchedFrom = await fetchedArtifacts(lockfile, outputDir);
  const components = [...lockfileComponents(lockfile, fetchedFrom), ...packageComponents(options.packages ?? [])];
  const doc = format === 'spdx' ? toSpdx(components, options) : toCycloneDx(components, options);
  const path = sbomPath(outputDir);
  await writeAtomically(path, sbomPieces(doc));
  return path;
}

/** Merges CycloneDX SBOM files into `output`; returns the number of unique components. */
export async function writeMergedSbom(files: readonly string[], output: string, options: SbomOptions): Promise<number> {
  const boms: Array<{ file: string; bom: CycloneDxBom }> = [];
  for (const file of files) {
    let bom: CycloneDxBom;
    try {
      bom = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      throw new HermeticError('InvalidInput', `cannot read SBOM ${file}: ${(err as Error).message}`, { hints: ['run the sbom targets first'] });
    }
    boms.push({ file, bom });
  }
  const merged = mergeCycloneDx(boms, options);
  await writeAtomically(output, sbomPieces(merged));
  return merged.components.filter((c) => c.type !== 'application').length;
}
