/** Options of `@hermetic/nx:lock-from-report`. */
export interface LockFromReportGeneratorSchema {
  project: string;
  /** The session report to read; default: the one the project's last `pack` kept. */
  report?: string;
  skipFormat?: boolean;
}
