import { join, relative, resolve } from 'node:path';
import { HermeticError } from '../errors';
import { readAllRecords } from '../fetch/fetch-record';
import { MAVEN_DEPS_DIR } from '../fetch/maven-layout';
import { GENERIC_DEPS_DIR } from '../lockfile/target-path';
import { FileToVerify, verifyFiles } from './verify-files';
import { removeUnlisted } from './remove-unlisted';
import { VerifiedCache, verifiedCachePath } from './verified-cache';
import type { VerifyPlan } from './verify-plan';
import { checksumKey } from '../checksum/parse-checksum';

/**
 * Re-verifies a lockfile's fetched files in `outputDir` (Hermeto's `deps/generic/`, and the Maven
 * layout where one was written) against the lockfile's checksums: what a cache restored, or anyone
 * edited, is caught before a consumer uses it. A file whose identity and times are those of its last
 * verification is not hashed again (`hashed` says how many were). Files Hermetic placed there
 * before that the lockfile no longer lists are removed (`removed`, see `removeUnlisted`), when a
 * fetch record of the output names this lockfile (`lockfile.path`, relative to `cwd`). Throws a
 * `ChecksumVerificationFailed` listing every bad file; returns the number of files checked otherwise.
 */
export async function verifyOutputs(
  lockfile: VerifyPlan,
  outputDir: string,
  options: { threads?: number; cwd?: string; verified?: VerifiedCache } = {},
): Promise<{ files: number; hashed: number; removed: string[] }> {
  // Absolute: the verified-files cache is keyed by the paths, and the fetch lists what it placed so.
  outputDir = resolve(outputDir);
  const records = (await readAllRecords(outputDir)).map((r) => r.record);
  const mavenPaths = new Map<string, string>();
  for (const record of records) for (const f of record.files) if (f.mavenPath) mavenPaths.set(`${f.url}\n${f.filename}`, f.mavenPath);
  const files: FileToVerify[] = lockfile.artifacts.flatMap((a) => {
    const maven = mavenPaths.get(`${a.url}\n${a.filename}`);
    return [
      { path: join(outputDir, GENERIC_DEPS_DIR, a.filename), checksums: a.checksums },
      ...(maven ? [{ path: join(outputDir, MAVEN_DEPS_DIR, maven), checksums: a.checksums }] : []),
    ];
  });
  // Files unchanged since they were last verified are not hashed again (see VerifiedCache); not a
  // `.json`, so no reader of fetch records takes it for one.
  const cache = options.verified ?? (await VerifiedCache.open(verifiedCachePath(outputDir)));
  // One stat per file serves the cache's check and verifyFiles' choice of how to hash.
  const stats = files.map((f) => VerifiedCache.statOf(f.path));
  const stamps = files.map((f, i) => VerifiedCache.stamp(stats[i], f.checksums.map(checksumKey).join(',')));
  const toHash = files.flatMap((f, i) => (cache.isVerified(f.path, stamps[i]) ? [] : [{ ...f, size: Number(stats[i]?.size ?? 0) }]));
  const problems = await verifyFiles(toHash, options);
  const bad = new Set(problems.map((p) => p.path));
  files.forEach((f, i) => (bad.has(f.path) ? cache.forget(f.path) : cache.remember(f.path, stamps[i])));
  // Only against the lockfile the output was fetched for: a verify given another one by mistake
  // would take every fetched file for one the lockfile dropped.
  const cwd = options.cwd ?? process.cwd();
  const fetchedFor = records.some((r) => resolve(cwd, r.lockfile) === resolve(cwd, lockfile.path));
  const removed = fetchedFor ? await removeUnlisted(outputDir, new Set(files.map((f) => f.path)), cache) : [];
  await cache.save();
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
  return { files: files.length, hashed: toHash.length, removed };
}
