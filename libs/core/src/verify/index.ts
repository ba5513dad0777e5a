/**
 * `@hermetic/core/verify`: re-verifying fetched files, without the downloader, store or SBOM code
 * the package's main entry loads (the verify-deps task that fetch-deps runs on every warm run loads
 * only this, the lockfile parser and the errors: ~155 ms instead of ~320 ms, compiled).
 */
export { verifyOutputs } from './verify-outputs';
export { verifyFiles, FileToVerify, VerifyProblem } from './verify-files';
export { verificationSummary } from './summary';
export { readVerifyPlan, VerifyPlan, PlannedFile } from './verify-plan';
