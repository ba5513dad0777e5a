import { VerifiedCache, verifiedCachePath } from './verified-cache';
import { verifyOutputs } from './verify-outputs';
import { readVerifyPlan, VerifyPlan } from './verify-plan';

/**
 * Re-verifies what a fetch wrote into `outputDir` against the lockfile at `lockfilePath`: what the
 * CLI's `verify` (every warm `fetch-deps`) and the `verify-deps` executor run. The output's
 * verified-files cache is read once and serves both the lockfile's plan and the files.
 */
export async function verifyAgainstLockfile(
  lockfilePath: string,
  outputDir: string,
  options: { displayPath: string; setting?: string; cwd?: string },
): Promise<{ lockfile: VerifyPlan; files: number; hashed: number }> {
  const verified = await VerifiedCache.open(verifiedCachePath(outputDir));
  const lockfile = await readVerifyPlan(lockfilePath, outputDir, { displayPath: options.displayPath, setting: options.setting }, verified);
  return { lockfile, ...(await verifyOutputs(lockfile, outputDir, { cwd: options.cwd, verified })) };
}
