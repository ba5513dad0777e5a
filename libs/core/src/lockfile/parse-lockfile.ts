import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { fileSystemReason, HermeticError, isFileSystemError } from '../errors';
import { LOCKFILE_NAME } from '../layout';
import { Lockfile } from './types';
import { parseCleanLockfile } from './parse-clean-lockfile';
import { parseWithPositions } from './parse-with-positions';

export { LOCKFILE_NAME };

export interface ParseLockfileOptions {
  /**
   * Environment that v2 `auth` variables must be set in (default `process.env`). `false` skips that
   * check, for callers that only need the artifact list (project graph construction).
   */
  env?: NodeJS.ProcessEnv | false;
  /** How to name the file in messages (e.g. workspace-relative); default the path read. */
  displayPath?: string;
  /** How the caller names the setting that points at the lockfile, for fixes (default "the 'lockfile' option"). */
  setting?: string;
  /**
   * Reads the text again, for a later message that needs a line (a checksum mismatch), so the
   * lockfile need not hold it (`readLockfile` reads the file). Without it the lockfile holds the text.
   */
  reread?: () => string;
}

/**
 * Parses and validates a lockfile's text. Throws {@link LockfileError} listing every problem with
 * its line and column, pointer and fix; returns the lockfile with warnings otherwise. A lockfile
 * without a problem or warning takes the quick path (see `parseCleanLockfile`), anything else the
 * thorough one, which alone decides what is wrong and where.
 */
export function parseLockfile(text: string, file: string, options: ParseLockfileOptions = {}): Lockfile {
  const env = options.env === undefined ? process.env : options.env;
  // The thorough parse (and the yaml library it loads, see yamlLibrary) only when the quick one declines.
  return parseCleanLockfile(text, file, env, options.reread) ?? parseWithPositions(text, file, env);
}

/**
 * Reads and parses a lockfile from disk. A missing file is `LockfileNotFound`, a directory or an
 * unreadable file a clear `InvalidInput`, not a stack trace.
 */
export async function readLockfile(path: string, options: ParseLockfileOptions = {}): Promise<Lockfile> {
  const file = options.displayPath ?? path;
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new HermeticError('LockfileNotFound', `lockfile not found: ${file}`, {
        hints: [`create it (see the README), or point ${options.setting ?? "the 'lockfile' option"} at an existing ${LOCKFILE_NAME}`],
      });
    }
    throw unreadable(file, err);
  }
  if (!info.isFile()) {
    throw new HermeticError('InvalidInput', `lockfile path ${file} is not a file`, { hints: [`point it at the ${LOCKFILE_NAME} file, not its directory`] });
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw unreadable(file, err);
  }
  // A message that needs a line reads the file again (see parseCleanLockfile).
  return parseLockfile(text, file, { ...options, reread: () => readFileSync(path, 'utf8') });
}

/** A lockfile that exists but cannot be read (no permission, a folder on its path that cannot be entered). */
function unreadable(file: string, err: unknown): HermeticError {
  const why = isFileSystemError(err) ? fileSystemReason(err) : (err as Error).message;
  return new HermeticError('InvalidInput', `cannot read lockfile ${file}: ${why}`, {
    hints: [`make ${file} (and the folders on its path) readable by the user that runs the build`],
    cause: err,
  });
}
