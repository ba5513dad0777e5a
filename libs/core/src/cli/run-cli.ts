import { parseArgs } from 'node:util';
import { EXIT_CODE_MEANINGS } from '../errors';
import { DEFAULT_CONCURRENCY, DEFAULT_RETRY_POLICY } from '../http/retry-policy';
import { LOCKFILE_NAME } from '../layout';

export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  signal?: AbortSignal;
  defaultStore: string;
}

/**
 * The commands, loaded only when one runs: `--help` and usage errors load nothing but Node's own
 * modules, which keeps the CLI's start-up close to bare Node's.
 */
function loadCommands(): Promise<typeof import('./commands')> {
  return import('./commands');
}

export const USAGE = `Usage: hermetic fetch-deps [options]
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
  --concurrency <n>     downloads at once (default ${DEFAULT_CONCURRENCY})
  --attempts <n>        attempts per download, the first included (default ${DEFAULT_RETRY_POLICY.attempts})
  --max-artifact-size <bytes>
                        largest artifact accepted, e.g. 2G (default $HERMETIC_MAX_ARTIFACT_SIZE or 16G)
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

Exit codes:
${EXIT_CODE_MEANINGS.map(([code, meaning]) => `  ${String(code).padStart(3)}  ${meaning}`).join('\n')}
`;

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
        'max-artifact-size': { type: 'string' },
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
  if (command === 'merge-sboms') return (await loadCommands()).mergeSboms(rest, v, io);
  if (command === 'verify' && !rest.length) return (await loadCommands()).verify(v, io);
  if (command !== 'fetch-deps' || rest.length) {
    io.stderr.write(`unknown command '${[command, ...rest].join(' ')}'\n\n${USAGE}`);
    return 2;
  }
  return (await loadCommands()).fetchDeps(v, io);
}
