import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { writeMergedSbom, writeSbom } from '../sbom/write-sbom';
import { verifyOutputs } from '../verify/verify-outputs';
import { parseArgs } from 'node:util';
import { describeError, EXIT_CODES, HermeticError } from '../errors';
import { fetchArtifacts } from '../fetch/fetch-artifacts';
import { readLockfile, LOCKFILE_NAME } from '../lockfile/parse-lockfile';
import { createReporter } from '../progress/reporter';
import { ContentStore } from '../store/content-store';
import { parseMirrors, resolveNetworkRules } from '../fetch/url-rules';
import { loadNetrc } from '../http/netrc';

export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  signal?: AbortSignal;
  defaultStore: string;
}

const USAGE = `Usage: hermetic fetch-deps [options]
       hermetic verify [--lockfile <path>] [--output <dir>]
       hermetic merge-sboms <bom.json>... --output <file> [--name <name>] [--reproducible]

fetch-deps downloads and verifies the artifacts of a Hermeto-format lockfile into
<output>/deps/generic/ and writes <output>/bom.json (CycloneDX 1.6, or SPDX 2.3).
verify re-hashes what fetch-deps wrote against the lockfile (e.g. after restoring it from a cache).
merge-sboms merges CycloneDX SBOMs, de-duplicating components by purl.

Options:
  --lockfile <path>     lockfile to read (default ./${LOCKFILE_NAME})
  --output <dir>        output directory (default ./hermetic-output)
  --store <dir>         content store (default $HERMETIC_STORE_DIR or ~/.cache/hermetic/store)
  --concurrency <n>     downloads at once (default 8)
  --attempts <n>        attempts per download, the first included (default 5)
  --offline             serve only from the store; never download
  --copy                copy files out of the store instead of hard-linking them
  --mirror <from=to>    download URLs starting with <from> from <to> instead (repeatable;
                        also $HERMETIC_MIRRORS); the SBOM keeps the original URLs
  --allow-host <host>   only contact these hosts, e.g. '*.corp.example' (repeatable)
  --block-host <host>   never contact these hosts (repeatable)
  --netrc <file>        credentials for hosts without lockfile auth (default $NETRC or ~/.netrc)
  --maven-layout        also write Maven artifacts as a Maven repository in <output>/deps/maven
  --verify-sidecars     compare Maven artifacts with the repository's .sha1/.sha256/.sha512 files
  --sbom-format <f>     cyclonedx (default) or spdx
  --sbom-naming <n>     hermetic (default) or hermeto: Hermeto's property and tool names
  --reproducible        byte-identical SBOMs for the same inputs (times from SOURCE_DATE_EPOCH)
  --name <name>         what the SBOM describes (default: the lockfile's folder name)
  -h, --help            show this help
`;

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new HermeticError('InvalidInput', `--${name} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value as T;
}

async function verify(v: { lockfile?: string; output?: string }, io: CliIo): Promise<number> {
  try {
    const lockfilePath = v.lockfile ?? LOCKFILE_NAME;
    const lockfile = await readLockfile(resolve(io.cwd, lockfilePath), { env: false, displayPath: lockfilePath });
    const { files } = await verifyOutputs(lockfile, resolve(io.cwd, v.output ?? 'hermetic-output'), { cwd: io.cwd });
    io.stdout.write(`verified ${files} file(s) against ${lockfilePath}\n`);
    return 0;
  } catch (err) {
    io.stderr.write(`Error: ${describeError(err)}\n`);
    return err instanceof HermeticError ? err.exitCode : EXIT_CODES.FetchError;
  }
}

async function mergeSboms(files: string[], v: { output?: string; name?: string; reproducible?: boolean }, io: CliIo): Promise<number> {
  if (!files.length || !v.output) {
    io.stderr.write(`merge-sboms needs SBOM files and --output\n\n${USAGE}`);
    return 2;
  }
  try {
    const output = resolve(io.cwd, v.output);
    const count = await writeMergedSbom(
      files.map((f) => resolve(io.cwd, f)),
      output,
      { subject: { name: v.name ?? basename(io.cwd) }, reproducible: !!v.reproducible, env: io.env },
    );
    io.stdout.write(`merged ${files.length} SBOMs, ${count} unique components: ${output}\n`);
    return 0;
  } catch (err) {
    io.stderr.write(`Error: ${describeError(err)}\n`);
    return err instanceof HermeticError ? err.exitCode : EXIT_CODES.FetchError;
  }
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new HermeticError('InvalidInput', `--${name} must be a positive integer, got '${value}'`);
  return n;
}

/** The `hermetic` command line; returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        lockfile: { type: 'string' },
        output: { type: 'string' },
        store: { type: 'string' },
        concurrency: { type: 'string' },
        attempts: { type: 'string' },
        offline: { type: 'boolean' },
        copy: { type: 'boolean' },
        mirror: { type: 'string', multiple: true },
        'allow-host': { type: 'string', multiple: true },
        'block-host': { type: 'string', multiple: true },
        netrc: { type: 'string' },
        'maven-layout': { type: 'boolean' },
        'verify-sidecars': { type: 'boolean' },
        'sbom-format': { type: 'string' },
        'sbom-naming': { type: 'string' },
        reproducible: { type: 'boolean' },
        name: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [command, ...rest] = args.positionals;
  if (args.values.help || !command) {
    (args.values.help ? io.stdout : io.stderr).write(USAGE);
    return args.values.help ? 0 : 2;
  }
  const v = args.values;
  if (command === 'merge-sboms') return mergeSboms(rest, v, io);
  if (command === 'verify' && !rest.length) return verify(v, io);
  if (command !== 'fetch-deps' || rest.length) {
    io.stderr.write(`unknown command '${[command, ...rest].join(' ')}'\n\n${USAGE}`);
    return 2;
  }
  try {
    const format = oneOf('sbom-format', v['sbom-format'], ['cyclonedx', 'spdx'] as const, 'cyclonedx');
    const naming = oneOf('sbom-naming', v['sbom-naming'], ['hermetic', 'hermeto'] as const, 'hermetic');
    const lockfilePath = v.lockfile ?? LOCKFILE_NAME;
    const output = resolve(io.cwd, v.output ?? 'hermetic-output');
    const concurrency = positiveInt('concurrency', v.concurrency, 8);
    const attempts = positiveInt('attempts', v.attempts, 5);
    const rules = resolveNetworkRules(
      { mirrors: parseMirrors((v.mirror ?? []).join(';')), allowHosts: v['allow-host'], blockHosts: v['block-host'] },
      io.env,
    );
    const netrc = loadNetrc(io.env, v.netrc ? resolve(io.cwd, v.netrc) : undefined);
    const lockfile = await readLockfile(resolve(io.cwd, lockfilePath), { env: io.env, displayPath: lockfilePath });
    const result = await fetchArtifacts(lockfile, {
      outputDir: output,
      store: new ContentStore(resolve(io.cwd, v.store ?? io.defaultStore)),
      recordName: 'cli',
      concurrency,
      policy: { attempts },
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
    io.stderr.write(`Error: ${describeError(err)}\n`);
    return err instanceof HermeticError ? err.exitCode : EXIT_CODES.FetchError;
  }
}
