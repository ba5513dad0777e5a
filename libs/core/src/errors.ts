/**
 * Error classes of Hermetic. Each carries a stable machine-readable `code` (the class names Hermeto
 * uses, so logs and JSON results stay recognisable to people coming from it) and the exit code the
 * `hermetic` CLI uses for it. Messages say what is wrong, where, and how to fix it.
 */

/** Exit codes by error code; the numbers follow Hermeto's CLI where it has the same class. */
export const EXIT_CODES = {
  PathOutsideRoot: 3,
  InvalidInput: 4,
  PackageRejected: 5,
  ChecksumVerificationFailed: 10,
  LockfileNotFound: 13,
  InvalidLockfileFormat: 14,
  FetchError: 15,
  AuthenticationFailed: 16,
  OfflineMiss: 17,
  StorageError: 74,
  Interrupted: 130,
} as const;

export type ErrorCode = keyof typeof EXIT_CODES;

/** What each exit code means, for `--help` and the README (2 is the CLI's usage error). */
export const EXIT_CODE_MEANINGS: ReadonlyArray<[number, string]> = [
  [0, 'success'],
  [2, 'usage: an unknown command or option'],
  [EXIT_CODES.PathOutsideRoot, 'a path would leave the output directory (a symlink, or an option pointing outside)'],
  [EXIT_CODES.InvalidInput, 'an invalid option or environment value, or a file where a folder must be'],
  [EXIT_CODES.PackageRejected, 'a strict Fetch Service session rejected a download'],
  [EXIT_CODES.ChecksumVerificationFailed, 'downloaded or fetched bytes do not match the lockfile'],
  [EXIT_CODES.LockfileNotFound, 'the lockfile does not exist'],
  [EXIT_CODES.InvalidLockfileFormat, 'the lockfile is invalid (every problem is listed)'],
  [EXIT_CODES.FetchError, 'a download failed (unreachable host, HTTP error, too large, too slow)'],
  [EXIT_CODES.AuthenticationFailed, 'the server refused the credentials (HTTP 401/403)'],
  [EXIT_CODES.OfflineMiss, 'offline, and an artifact is not in the store'],
  [EXIT_CODES.StorageError, 'a disk error: full, read-only, or no permission'],
  [EXIT_CODES.Interrupted, 'interrupted (Ctrl-C or SIGTERM); nothing partial is left behind'],
];

/** Base class of every error Hermetic raises on purpose. */
export class HermeticError extends Error {
  readonly code: ErrorCode;
  /** Lines telling the user how to fix the problem; printed indented under the message. */
  readonly hints: readonly string[];
  /**
   * What went wrong, without naming the artifact (e.g. `HTTP 404 from host: not found`): errors of
   * one artifact each with the same code and reason failed the same way, and are reported together.
   */
  readonly reason?: string;

  constructor(code: ErrorCode, message: string, options: { hints?: readonly string[]; cause?: unknown; reason?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = code;
    this.code = code;
    this.hints = options.hints ?? [];
    if (options.reason !== undefined) this.reason = options.reason;
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }

  /** `Code: message` followed by indented hints, as printed by the CLI and the executors. */
  format(): string {
    return [`${this.code}: ${this.message}`, ...this.hints.map((h) => `  ${h}`)].join('\n');
  }
}

/** Where in a lockfile a problem is, and what it is. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  /** Path of the lockfile as given by the user. */
  file: string;
  /** 1-based line and column of the offending node, when known. */
  line?: number;
  column?: number;
  /** A JSONPath-like pointer such as `artifacts[2].attributes.version`. */
  pointer: string;
  message: string;
  /** How to fix it. */
  fix?: string;
}

/** Formats one diagnostic as `file:line:col: pointer: message (fix)`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line === undefined ? d.file : `${d.file}:${d.line}:${d.column ?? 1}`;
  const head = `${where}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.pointer ? `${d.pointer}: ` : ''}${d.message}`;
  return d.fix ? `${head}\n    fix: ${d.fix}` : head;
}

/** A lockfile with one or more problems; all of them are listed, not only the first. */
export class LockfileError extends HermeticError {
  readonly diagnostics: readonly Diagnostic[];

  constructor(file: string, unsorted: readonly Diagnostic[], code: ErrorCode = 'InvalidLockfileFormat') {
    // In file order, so the list reads top to bottom like the lockfile.
    const diagnostics = [...unsorted].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const count = errors.length === 1 ? '1 problem' : `${errors.length} problems`;
    super(code, `lockfile ${file} has ${count}:\n${errors.map((d) => `  ${formatDiagnostic(d)}`).join('\n')}`);
    this.diagnostics = diagnostics;
  }

  override format(): string {
    return `${this.code}: ${this.message}`;
  }
}

/** Turns anything thrown into a printable message without leaking stack traces of expected errors. */
export function describeError(err: unknown): string {
  if (err instanceof HermeticError) return err.format();
  if (err instanceof Error) return err.stack ?? err.message;
  return String(err);
}
