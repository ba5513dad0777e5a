import { join, relative } from 'node:path';
import { HermeticError } from '../errors';
import { readAllRecords } from '../fetch/fetch-record';
import { MAVEN_DEPS_DIR } from '../fetch/maven-layout';
import { GENERIC_DEPS_DIR } from '../lockfile/target-path';
import { Lockfile } from '../lockfile/types';
import { FileToVerify, verifyFiles } from './verify-files';

/**
 * Re-verifies a lockfile's fetched files in `outputDir` (Hermeto's `deps/generic/`, and the Maven
 * layout where one was written) against the lockfile's checksums: what a cache restored, or anyone
 * edited, is caught before a consumer uses it. Throws a `ChecksumVerificationFailed` listing every
 * bad file; returns the number of files checked otherwise.
 */
export async function verifyOutputs(lockfile: Lockfile, outputDir: string, options: { threads?: number; cwd?: string } = {}): Promise<{ files: number }> {
  const mavenPaths = new Map<string, string>();
  for (const { record } of await readAllRecords(outputDir))
    for (const f of record.files) if (f.mavenPath) mavenPaths.set(`${f.url}\n${f.filename}`, f.mavenPath);
  const files: FileToVerify[] = lockfile.artifacts.flatMap((a) => {
    const maven = mavenPaths.get(`${a.url}\n${a.filename}`);
    return [
      { path: join(outputDir, GENERIC_DEPS_DIR, a.filename), checksums: a.checksums },
      ...(maven ? [{ path: join(outputDir, MAVEN_DEPS_DIR, maven), checksums: a.checksums }] : []),
    ];
  });
  const problems = await verifyFiles(files, options);
  if (problems.length) {
    const show = (p: string) => (options.cwd ? relative(options.cwd, p) : p);
    throw new HermeticError(
      'ChecksumVerificationFailed',
      `${problems.length} fetched file(s) of ${lockfile.path} do not match it:\n${problems.map((p) => `  ${show(p.path)}: ${p.problem === 'missing' ? `missing (${p.detail})` : p.detail}`).join('\n')}`,
      {
        hints: [
          'a cache entry or an output was altered: they are not used. Re-fetch with --skip-nx-cache (the store re-verifies what it serves), and check who writes into the output directory',
        ],
      },
    );
  }
  return { files: files.length };
}
