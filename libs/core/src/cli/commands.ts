import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { EXIT_CODES, HermeticError } from '../errors';
import { LOCKFILE_NAME } from '../layout';
import { resolveFetchSettings } from '../settings/resolve-fetch-settings';
import { settingsFromFlags } from '../settings/cli-flags';
import { readLockfile } from '../lockfile/parse-lockfile';
import { CliValues, fail, str } from './command-io';
import type { CliIo } from './run-cli';
import { USAGE } from './run-cli';

/**
 * The `hermetic` commands. Each reads and checks its lockfile before it loads the downloader, the
 * store or the SBOM writer, so a bad lockfile is reported at the cost of parsing it.
 */

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new HermeticError('InvalidInput', `--${name} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/** `hermetic check-urls`: every URL of the lockfile still answers upstream (nothing downloaded). */
export async function checkUrls(v: CliValues, io: CliIo): Promise<number> {
  try {
    const settings = resolveFetchSettings([{ from: 'the command line', values: settingsFromFlags(v), flags: true }], {
      env: io.env,
      baseDir: io.cwd,
      defaultStoreDir: resolve(io.cwd, io.defaultStore),
    });
    const lockfilePath = str(v, 'lockfile') ?? LOCKFILE_NAME;
    const lockfile = await readLockfile(resolve(io.cwd, lockfilePath), { env: io.env, displayPath: lockfilePath, setting: '--lockfile' });
    const { checkUrls: check } = await import('../fetch/check-urls');
    const results = await check(lockfile, { mirrors: settings.mirrors, netrc: settings.netrc, env: io.env, concurrency: settings.concurrency });
    for (const r of results) (r.ok ? io.stdout : io.stderr).write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.status.padEnd(9)} ${r.artifact} ${r.url}\n`);
    const failed = results.filter((r) => !r.ok).length;
    if (!failed) {
      io.stdout.write(`all ${results.length} URL(s) of ${lockfilePath} answer\n`);
      return 0;
    }
    io.stderr.write(
      `Error: ${failed} of ${results.length} URL(s) of ${lockfilePath} no longer answer; a fresh machine cannot fetch them (fix the URL or mirror it)\n`,
    );
    return EXIT_CODES.FetchError;
  } catch (err) {
    return fail(err, io);
  }
}

/** `hermetic merge-sboms`: one CycloneDX SBOM from several. */
export async function mergeSboms(files: string[], v: CliValues, io: CliIo): Promise<number> {
  const out = str(v, 'output');
  if (!files.length || !out) {
    io.stderr.write(`merge-sboms needs SBOM files and --output\n\n${USAGE}`);
    return 2;
  }
  try {
    const output = resolve(io.cwd, out);
    const { writeMergedSbom } = await import('../sbom/write-sbom');
    const count = await writeMergedSbom(
      files.map((f) => resolve(io.cwd, f)),
      output,
      { subject: { name: str(v, 'name') ?? basename(io.cwd) }, reproducible: !!v.reproducible, env: io.env },
    );
    io.stdout.write(`merged ${files.length} SBOMs, ${count} unique components: ${output}\n`);
    return 0;
  } catch (err) {
    return fail(err, io);
  }
}

/** `hermetic fetch-deps`: lockfile → store → <output>/deps/generic/, then the SBOM. */
export async function fetchDeps(v: CliValues, io: CliIo): Promise<number> {
  try {
    const format = oneOf('sbom-format', str(v, 'sbom-format'), ['cyclonedx', 'spdx'] as const, 'cyclonedx');
    const naming = oneOf('sbom-naming', str(v, 'sbom-naming'), ['hermetic', 'hermeto'] as const, 'hermetic');
    const lockfilePath = str(v, 'lockfile') ?? LOCKFILE_NAME;
    const output = resolve(io.cwd, str(v, 'output') ?? 'hermetic-output');
    const settings = resolveFetchSettings([{ from: 'the command line', values: settingsFromFlags(v), flags: true }], {
      env: io.env,
      baseDir: io.cwd,
      defaultStoreDir: resolve(io.cwd, io.defaultStore),
    });
    const lockfile = await readLockfile(resolve(io.cwd, lockfilePath), { env: io.env, displayPath: lockfilePath, setting: '--lockfile' });
    const [{ fetchArtifacts }, { mirrorsUsed }, { ContentStore }, { createReporter }, { writeSbom }] = await Promise.all([
      import('../fetch/fetch-artifacts'),
      import('../fetch/fetch-record'),
      import('../store/content-store'),
      import('../progress/reporter'),
      import('../sbom/write-sbom'),
    ]);
    const { storeDir, ...fetchSettings } = settings;
    // Only what the SBOM needs of the run's record is kept: the record (a line per file) must not live through the SBOM.
    const { removed, ...fetchedJustNow } = await fetchArtifacts(lockfile, {
      ...fetchSettings,
      outputDir: output,
      store: new ContentStore(storeDir),
      recordName: 'cli',
      env: io.env,
      reporter: createReporter(io.stdout, io.env),
      signal: io.signal,
    }).then(({ removed, record }) => ({ removed, mirrorsUsed: mirrorsUsed([record]) }));
    // Hermeto writes this beside deps/; generic artifacts contribute no variables or project files.
    await mkdir(output, { recursive: true });
    await writeFile(join(output, '.build-config.json'), JSON.stringify({ environment_variables: [], project_files: [] }, null, 2));
    const name = str(v, 'name') ?? basename(dirname(resolve(io.cwd, lockfilePath)));
    const sbom = await writeSbom(lockfile, output, format, {
      subject: { name },
      reproducible: !!v.reproducible,
      naming,
      env: io.env,
      fetchedJustNow,
    });
    io.stdout.write(`SBOM (${format === 'spdx' ? 'SPDX 2.3' : 'CycloneDX 1.6'}): ${sbom}\n`);
    if (removed.length) io.stdout.write(`removed ${removed.length} file(s) no longer in the lockfile\n`);
    return 0;
  } catch (err) {
    return fail(err, io);
  }
}
