/**
 * `@hermetic/core/verify`: re-verifying fetched files, without the downloader, store or SBOM code
 * the package's main entry loads: the `verify-deps` executor loads only this and the errors (and
 * the lockfile parser when the lockfile changed, see `readVerifyPlan`), as the CLI's `verify` does.
 */
export { verifyOutputs } from './verify-outputs';
export { verifyAgainstLockfile } from './verify-against-lockfile';
export { verifyFiles, FileToVerify, VerifyProblem } from './verify-files';
export { verificationSummary } from './summary';
export { readVerifyPlan, VerifyPlan, PlannedFile } from './verify-plan';
export { fileIdentity } from './verified-cache';
