import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { HermeticError } from '../errors';
import { LOCKFILE_NAME } from '../layout';
import { verificationSummary } from '../verify/summary';
import { verifyAgainstLockfile } from '../verify/verify-against-lockfile';
import { CliValues, fail, str } from './command-io';
import type { CliIo } from './run-cli';

/**
 * `hermetic verify`, in a module of its own: it is what Nx runs on every warm `fetch-deps`, so it
 * loads the verifier (and the lockfile parser when the lockfile changed, see `readVerifyPlan`) and
 * nothing of the downloader, store, settings or SBOM.
 */

/**
 * The lockfile `verify` checks against: `--lockfile`, else the one the fetch into `output` recorded
 * (when every record names the same one and it is there), else ./artifacts.lock.yaml.
 */
async function verifiedLockfile(v: CliValues, io: CliIo, output: string): Promise<string> {
  const given = str(v, 'lockfile');
  if (given) return given;
  const { readAllRecords } = await import('../fetch/fetch-record');
  const recorded = [...new Set((await readAllRecords(output)).map((r) => r.record.lockfile))];
  if (recorded.length === 1 && (await stat(resolve(io.cwd, recorded[0])).catch(() => undefined))?.isFile()) return recorded[0];
  return LOCKFILE_NAME;
}

/** `hermetic verify`: re-hashes what fetch-deps wrote against the lockfile. */
export async function verify(v: CliValues, io: CliIo): Promise<number> {
  try {
    const started = Date.now(); // not performance.now(): its first use loads perf_hooks (~2 ms)
    const given = str(v, 'output') ?? 'hermetic-output';
    const output = resolve(io.cwd, given);
    if (!(await stat(output).catch(() => undefined))?.isDirectory()) {
      // Every file would read as missing, and the hint as if an output had been altered.
      throw new HermeticError('InvalidInput', `no fetched files to verify: ${output} is not a folder`, {
        hints: [`run hermetic fetch-deps --output ${given} first, or point --output at the folder it wrote`],
      });
    }
    const lockfilePath = await verifiedLockfile(v, io, output);
    const result = await verifyAgainstLockfile(resolve(io.cwd, lockfilePath), output, { displayPath: lockfilePath, setting: '--lockfile', cwd: io.cwd });
    io.stdout.write(`${verificationSummary(result, lockfilePath, Date.now() - started)}\n`);
    return 0;
  } catch (err) {
    return fail(err, io);
  }
}
