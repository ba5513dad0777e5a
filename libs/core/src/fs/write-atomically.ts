import { randomBytes } from 'node:crypto';
import { chmod, FileHandle, mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes a file under a temporary name in the same folder, then renames it into place, so a crash
 * or a concurrent reader never sees half of it. Creates the folder; `mode` applies before the rename.
 * `data` may come in pieces (a large JSON document from `jsonPieces`): written as they come.
 */
export async function writeAtomically(path: string, data: string | Buffer | Iterable<string>, mode?: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    if (typeof data === 'string' || Buffer.isBuffer(data)) await writeFile(temp, data, mode === undefined ? undefined : { mode });
    else await writePieces(temp, data, mode);
    if (mode !== undefined) await chmod(temp, mode);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** The buffer `writePieces` fills before each write. */
const WRITE_BUFFER_BYTES = 256 << 10;

/**
 * Writes a text given in pieces (see `jsonPieces`), never the whole text in memory at once: each
 * piece is encoded into one reused buffer, written when full. (Joining pieces into a string per
 * write kept each batch's pieces alive long enough to be promoted to the old generation: ~9 MiB of
 * garbage at a time while a 12 MB SBOM was written.)
 */
async function writePieces(path: string, pieces: Iterable<string>, mode?: number): Promise<void> {
  const file = await open(path, 'w', mode);
  try {
    const buffer = Buffer.allocUnsafe(WRITE_BUFFER_BYTES);
    let used = 0;
    for (const piece of pieces) {
      // UTF-8 takes at most 3 bytes per UTF-16 unit: most pieces fit without being measured.
      const bytes = piece.length * 3 <= buffer.length - used ? 0 : Buffer.byteLength(piece);
      if (bytes > buffer.length - used) {
        await writeAll(file, buffer.subarray(0, used));
        used = 0;
      }
      if (bytes > buffer.length) await writeAll(file, Buffer.from(piece));
      else used += buffer.write(piece, used);
    }
    if (used) await writeAll(file, buffer.subarray(0, used));
  } finally {
    await file.close();
  }
}

/** Writes all of `bytes` (a write may take less than it is given). */
async function writeAll(file: FileHandle, bytes: Buffer): Promise<void> {
  for (let at = 0; at < bytes.length;) at += (await file.write(bytes, at)).bytesWritten;
}
