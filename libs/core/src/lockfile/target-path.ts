import { posix } from 'node:path';

import { GENERIC_DEPS_DIR } from '../layout';

export { GENERIC_DEPS_DIR };

export type TargetCheck = { ok: true; filename: string } | { ok: false; message: string; fix: string };

/**
 * Normalises a target `filename` relative to `deps/generic/` and checks it stays inside it.
 * Accepts what Hermeto accepts (`a/../b.txt` → `b.txt`, `../generic/x` → `x`), and rejects what it
 * rejects plus its defect: a target equal to the directory itself (`.`, `a/..`).
 */
export function checkTargetFilename(filename: string): TargetCheck {
  if (filename.includes('\0')) return { ok: false, message: 'filename contains a NUL character', fix: 'remove it' };
  if (posix.isAbsolute(filename)) {
    return { ok: false, message: `filename '${filename}' is absolute`, fix: `give a path relative to ${GENERIC_DEPS_DIR}/` };
  }
  const root = `/${GENERIC_DEPS_DIR}`;
  const joined = posix.join(root, filename);
  // A trailing '/' names a folder ('./' the target folder itself, found by the property test).
  const resolved = joined.length > 1 && joined.endsWith('/') ? joined.slice(0, -1) : joined;
  if (resolved !== joined && resolved !== root) {
    return { ok: false, message: `filename '${filename}' ends with '/', so it names a folder`, fix: 'name a file, e.g. tools/tool.tar.gz' };
  }
  if (resolved === root) {
    return { ok: false, message: `filename '${filename}' names the ${GENERIC_DEPS_DIR} directory itself`, fix: 'name a file, e.g. tool.tar.gz' };
  }
  if (!resolved.startsWith(`${root}/`)) {
    return {
      ok: false,
      message: `filename '${filename}' escapes ${GENERIC_DEPS_DIR}/`,
      fix: "remove the '..' segments; targets must stay inside the output directory",
    };
  }
  const normalised = resolved.slice(root.length + 1);
  const long = normalised.split('/').find((part) => Buffer.byteLength(part) > MAX_NAME_BYTES);
  if (long !== undefined) {
    return {
      ok: false,
      message: `filename '${normalised}' has a ${long === normalised ? 'name' : 'path component'} of ${Buffer.byteLength(long)} bytes; file systems allow ${MAX_NAME_BYTES}`,
      fix: "set a shorter 'filename'",
    };
  }
  if (Buffer.byteLength(normalised) > MAX_PATH_BYTES) {
    return {
      ok: false,
      message: `filename '${normalised.slice(0, 40)}…' is ${Buffer.byteLength(normalised)} bytes long; at most ${MAX_PATH_BYTES} are allowed`,
      fix: "set a shorter 'filename'",
    };
  }
  return { ok: true, filename: normalised };
}

/** A name's limit on every common file system (ext4, XFS, btrfs, APFS, NTFS in UTF-16 aside). */
export const MAX_NAME_BYTES = 255;
/** What is left of Linux's PATH_MAX (4096) for a target, with room for the output directory above it. */
export const MAX_PATH_BYTES = 3072;

/**
 * Why a (valid) target name may still surprise: names that are legal on Linux but change or fail
 * on other systems or tools. Warnings, not errors: Hermeto accepts them too.
 */
export function targetNameWarnings(filename: string): string[] {
  const out: string[] = [];
  if (/[\r\n]/.test(filename)) out.push('contains a line break (breaks line-based tools and some file systems)');
  if (filename.includes('\\')) out.push('contains a backslash (a path separator on Windows)');
  if (filename !== filename.normalize('NFC')) out.push('is not in Unicode NFC form (macOS file systems normalise it; another name may then collide with it)');
  return out;
}
