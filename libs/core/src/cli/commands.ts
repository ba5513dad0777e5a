import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { describeError, EXIT_CODES, HermeticError } from '../errors';
import { LOCKFILE_NAME } from '../layout';
import { DEFAULT_CONCURRENCY, DEFAULT_RETRY_POLICY, parseByteSize } from '../http/retry-policy';
import { readLockfile } from '../lockfile/parse-lockfile';
import type { CliIo } from './run-cli';
import { USAGE } from './run-cli';

/**
 * The `hermetic` commands. Each reads and checks its lockfile before it loads the downloader, the
 * store or the SBOM writer, so a bad lockfile is reported at the cost of parsing it.
 */

/** The options `runCli` parsed (names as on the command line). */
export interface CliValues {
  lockfile?: string;
  output?: string;
  store?: string;
  concurrency?: string;
  attempts?: string;
  'max-artifact-size'?: string;
  offline?: boolean;
  copy?: boolean;
  mirror?: string[];
  'allow-host'?: string[];
  'block-host'?: string[];
  netrc?: string;
  'maven-layout'?: boolean;
  'verify-sidecars'?: boolean;
  'sbom-format'?: string;
  'sbom-naming'?: string;
  reproducible?: boolean;
  name?: string;
}

function fail(err: unknown, io: CliIo): number {
  io.stderr.write(`Error: ${describeError(err)}\n`);
  return err instanceof HermeticError ? err.exitCode : EXIT_CODES.FetchError;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new HermeticError('InvalidInput', `--${name} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

/** `hermetic verify`: re-hashes what fetch-deps wrote against the lockfile. */
export async function verify(v: CliValues, io: CliIo): Promise<number> {
  try {
    const lockfilePath = v.lockfile ?? LOCKFILE_NAME;
    const lockfile = await readLockfile(resolve(io.cwd, lockfilePath), { env: false, displayPath: lockfilePath });
    const { verifyOutputs } = await import('../verify/verify-outputs');
    const { files } = await verifyOutputs(lockfile, resolve(io.cwd, v.output ?? 'hermetic-output'), { cwd: io.cwd });
    io.stdout.write(`verified ${files} file(s) against ${lockfilePath}\n`);
    return 0;
  } catch (err) {
    return fail(err, io);
  }
}

/** `hermetic merge-sboms`: one CycloneDX SBOM from several. */
export async function mergeSboms(files: string[], v: CliValues, io: CliIo): Promise<number> {
  if (!files.length || !v.output) {
    io.stderr.write(`merge-sboms needs SBOM files and --output\n\n${USAGE}`);
    return 2;
  }
  try {
    const output = resolve(io.cwd, v.output);
    const { writeMergedSbom } = await import('../sbom/write-sbom');
    const count = await writeMergedSbom(
      files.map((f) => resolve(io.cwd, f)),
      output,
      { subject: { name: v.name ?? basename(io.cwd) }, reproducible: !!v.reproducible, env: io.env },
    );
    io.stdout.write(`merged ${files.length} SBOMs, ${count} unique components: ${output}\n`);
    return 0;
  } catch (err) {
    return fail(err, io);
  }
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new HermeticError('InvalidInput', `--${name} must be a positive integer, got '${value}'`);
  return n;
}

function byteSize(name: string, value: string | undefined): number | undefined {
  try {
    return parseByteSize(value, `--${name}`);
  } catch (err) {
    throw new HermeticError('InvalidInput', (err as Error).message);
  }
}

/** `hermetic fetch-deps`: lockfile → store → <output>/deps/generic/, then the SBOM. */
export async function fetchDeps(v: CliValues, io: CliIo): Promise<number> {
  try {
    const format = oneOf('sbom-format', v['sbom-format'], ['cyclonedx', 'spdx'] as const, 'cyclonedx');
    const naming = oneOf('sbom-naming', v['sbom-naming'], ['hermetic', 'hermeto'] as const, 'hermetic');
    const lockfilePath = v.lockfile ?? LOCKFILE_NAME;
    const output = resolve(io.cwd, v.output ?? 'hermetic-output');
    const concurrency = positiveInt('concurrency', v.concurrency, DEFAULT_CONCURRENCY);
    const attempts = positiveInt('attempts', v.attempts, DEFAULT_RETRY_POLICY.attempts);
    const maxArtifactBytes = byteSize('max-artifact-size', v['max-artifact-size']);
    const lockfile = await readLockfile(resolve(io.cwd, lockfilePath), { env: io.env, displayPath: lockfilePath });
    const [{ fetchArtifacts }, { ContentStore }, { createReporter }, { parseMirrors, resolveNetworkRules }, { loadNetrc }, { writeSbom }] = await Promise.all([
      import('../fetch/fetch-artifacts'),
      import('../store/content-store'),
      import('../progress/reporter'),
      import('../fetch/url-rules'),
      import('../http/netrc'),
      import('../sbom/write-sbom'),
    ]);
    const rules = resolveNetworkRules({ mirrors: parseMirrors((v.mirror ?? []).join(';')), allowHosts: v['allow-host'], blockHosts: v['block-host'] }, io.env);
    const netrc = loadNetrc(io.env, v.netrc ? resolve(io.cwd, v.netrc) : undefined);
    const result = await fetchArtifacts(lockfile, {
      outputDir: output,
      store: new ContentStore(resolve(io.cwd, v.store ?? io.defaultStore)),
      recordName: 'cli',
      concurrency,
      policy: { attempts, ...(maxArtifactBytes ? { maxArtifactBytes } : {}) },
      offline: !!v.offline || io.env.HERMETIC_OFFLINE === '1',
      linkMode: v.copy ? 'copy' : 'hardlink',
      mirrors: rules.mirrors,
      hosts: rules.hosts,
      netrc,
      mavenLayout: !!v['maven-layout'],
      verifySidecars: !!v['verify-sidecars'],
      env: io.env,
      reporter: createReporter(io.stdout, io.env),
      signal: io.signal,
    });
    // Hermeto writes this beside deps/; generic artifacts contribute no variables or project files.
    await mkdir(output, { recursive: true });
    await writeFile(join(output, '.build-config.json'), JSON.stringify({ environment_variables: [], project_files: [] }, null, 2));
    const name = v.name ?? basename(dirname(resolve(io.cwd, lockfilePath)));
    const sbom = await writeSbom(lockfile, output, format, { subject: { name }, reproducible: !!v.reproducible, naming, env: io.env });
    io.stdout.write(`SBOM (${format === 'spdx' ? 'SPDX 2.3' : 'CycloneDX 1.6'}): ${sbom}\n`);
    if (result.removed.length) io.stdout.write(`removed ${result.removed.length} file(s) no longer in the lockfile\n`);
    return 0;
  } catch (err) {
    return fail(err, io);
  }
}
