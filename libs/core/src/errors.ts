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

/** Node's error for a failed file system call: its code, the call, and the path(s) when it names them. */
export type FileSystemError = NodeJS.ErrnoException & { code: string; syscall: string; dest?: string };

/** File system calls, as Node's errors name them (a failed `connect` is a network error, not a disk's). */
const FILE_SYSTEM_CALLS = new Set([
  'access',
  'chmod',
  'close',
  'copyfile',
  'fsync',
  'ftruncate',
  'link',
  'lstat',
  'mkdir',
  'mkdtemp',
  'open',
  'opendir',
  'read',
  'readlink',
  'realpath',
  'rename',
  'rmdir',
  'scandir',
  'stat',
  'symlink',
  'unlink',
  'utime',
  'write',
]);

/** Whether `err` is Node's error for a failed file system call. */
export function isFileSystemError(err: unknown): err is FileSystemError {
  // Not `instanceof Error`: an error made in another realm (a vm context, a test sandbox) is not one.
  const e = err as Partial<FileSystemError> | null | undefined;
  return typeof e?.message === 'string' && typeof e.code === 'string' && typeof e.syscall === 'string' && FILE_SYSTEM_CALLS.has(e.syscall);
}

/** What a failed call was doing, in words. */
const DOING: Record<string, string> = {
  mkdir: 'create the folder',
  open: 'open',
  write: 'write',
  rename: 'move',
  link: 'link',
  unlink: 'remove',
  stat: 'look up',
  lstat: 'look up',
};

/** A file where a folder must be (or the other way round): the path given is wrong, not the disk. */
function wrongKind(err: FileSystemError): boolean {
  return err.code === 'ENOTDIR' || err.code === 'EISDIR' || (err.code === 'EEXIST' && err.syscall === 'mkdir');
}

/** What to do about a disk error that says nothing more precise. */
export const DISK_HINT = 'check free space and permissions of the store and output directories';

/** What to do about each code. */
const FIXES: Record<string, string> = {
  EACCES:
    'no permission there: change its permissions (or run as a user who has them), or point the output or the store (--store, HERMETIC_STORE_DIR) elsewhere',
  EPERM: 'the operation is not permitted there: change its permissions, or point the output or the store (--store, HERMETIC_STORE_DIR) elsewhere',
  EROFS: 'the file system is read-only: point the output or the store (--store, HERMETIC_STORE_DIR) at a writable one',
  ENOSPC: 'the disk is full: free space on it, or point the output or the store (--store, HERMETIC_STORE_DIR) at another disk',
  EDQUOT: 'the disk quota is used up: free space, or point the output or the store (--store, HERMETIC_STORE_DIR) elsewhere',
  ENOTDIR: 'a file is where a folder must be: remove the file or choose another path',
  EISDIR: 'a folder is where a file must be: remove the folder or choose another path',
};

/** The fix for `err`'s code (an existing file where mkdir makes a folder is a wrong kind too). */
function fixFor(err: FileSystemError): string {
  if (err.code === 'EEXIST' && err.syscall === 'mkdir') return FIXES.ENOTDIR;
  return FIXES[err.code] ?? DISK_HINT;
}

/**
 * A file system error that nothing on its way up explained (making the output folder, the store,
 * writing the SBOM) as the user's error: the call, the path, the reason in words, and the fix. It
 * was printed as Node's error with its stack, and exited as a failed download.
 */
export function fileSystemError(err: FileSystemError): HermeticError {
  return new HermeticError(wrongKind(err) ? 'InvalidInput' : 'StorageError', fileSystemFailure(err), {
    hints: [fixFor(err)],
    cause: err,
    reason: `${err.code} (${err.syscall})`,
  });
}

/** What failed, where and why, in words: `cannot create the folder /srv/out: permission denied (EACCES)`. */
export function fileSystemFailure(err: FileSystemError): string {
  const where = err.path ? ` ${err.path}${err.dest ? ` to ${err.dest}` : ''}` : '';
  return `cannot ${DOING[err.syscall] ?? err.syscall}${where}: ${fileSystemReason(err)}`;
}

/** Why a file system call failed, in words and code: `permission denied (EACCES)`. */
export function fileSystemReason(err: FileSystemError): string {
  // Node's message is `CODE: reason, call 'path'`: the reason is the part the user needs in words.
  return `${err.message.replace(/^[A-Z0-9_]+: /, '').replace(/, [a-z]+(?: '.*')?$/, '')} (${err.code})`;
}

/** `err`, or the HermeticError it stands for when it is Node's file system error. */
export function asKnownError(err: unknown): unknown {
  return isFileSystemError(err) ? fileSystemError(err) : err;
}

/** Turns anything thrown into a printable message without leaking stack traces of expected errors. */
export function describeError(err: unknown): string {
  const known = asKnownError(err);
  if (known instanceof HermeticError) return known.format();
  if (known instanceof Error) return known.stack ?? known.message;
  return String(known);
}
