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
  const resolved = posix.join(root, filename);
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
  return { ok: true, filename: resolved.slice(root.length + 1) };
}
