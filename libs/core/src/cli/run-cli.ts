import { parseArgs } from 'node:util';
import { EXIT_CODE_MEANINGS } from '../errors';
import { LOCKFILE_NAME } from '../layout';
import { packageVersion } from '../package-version';
import { cliHelp, cliParseOptions, ExtraFlag } from '../settings/cli-flags';

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

/** The flags that are not fetch settings (those come from the settings table): paths first, SBOM after. */
const PATH_FLAGS: readonly ExtraFlag[] = [
  { flag: 'lockfile', arg: '<path>', summary: `lockfile to read (default ./${LOCKFILE_NAME})` },
  { flag: 'output', arg: '<dir>', summary: 'output directory (default ./hermetic-output)' },
];
const SBOM_FLAGS: readonly ExtraFlag[] = [
  { flag: 'sbom-format', arg: '<f>', summary: 'cyclonedx (default) or spdx' },
  { flag: 'sbom-naming', arg: '<n>', summary: "hermetic (default) or hermeto: Hermeto's property and tool names" },
  { flag: 'reproducible', summary: 'byte-identical SBOMs for the same inputs (times from SOURCE_DATE_EPOCH)' },
  { flag: 'name', arg: '<name>', summary: "what the SBOM describes (default: the lockfile's folder name)" },
  { flag: 'version', short: 'v', summary: "print Hermetic's version" },
  { flag: 'help', short: 'h', summary: 'show this help' },
];

export const USAGE = `Usage: hermetic fetch-deps [options]
       hermetic verify [--lockfile <path>] [--output <dir>]
       hermetic check-urls [--lockfile <path>]
       hermetic merge-sboms <bom.json>... --output <file> [--name <name>] [--reproducible]

fetch-deps downloads and verifies the artifacts of a Hermeto-format lockfile into
<output>/deps/generic/ and writes <output>/bom.json (CycloneDX 1.6, or SPDX 2.3).
verify re-hashes what fetch-deps wrote against the lockfile (e.g. after restoring it from a cache),
and removes the files an earlier fetch placed in <output>/deps/ that the lockfile no longer lists.
check-urls asks every URL of the lockfile upstream (HEAD, nothing downloaded) and fails on any that
no longer answers: a URL that went away still passes where its file is in a store, for a scheduled job.
merge-sboms merges CycloneDX SBOMs (components de-duplicated by purl) or SPDX ones (packages by id).

Options:
${cliHelp(PATH_FLAGS, SBOM_FLAGS)}

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
      options: cliParseOptions([...PATH_FLAGS, ...SBOM_FLAGS]),
    });
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.values.version) {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const [command, ...rest] = args.positionals;
  if (args.values.help || !command) {
    (args.values.help ? io.stdout : io.stderr).write(USAGE);
    return args.values.help ? 0 : 2;
  }
  const v = args.values;
  if (command === 'merge-sboms') return (await loadCommands()).mergeSboms(rest, v, io);
  if (command === 'verify' && !rest.length) return (await import('./verify-command')).verify(v, io);
  if (command === 'check-urls' && !rest.length) return (await loadCommands()).checkUrls(v, io);
  if (command !== 'fetch-deps' || rest.length) {
    io.stderr.write(`unknown command '${[command, ...rest].join(' ')}'\n\n${USAGE}`);
    return 2;
  }
  return (await loadCommands()).fetchDeps(v, io);
}
