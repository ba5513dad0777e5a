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

/** Text gathered before each write of `writePieces`. */
const WRITE_BATCH_CHARS = 256 << 10;

/** Writes a text given in pieces (see `jsonPieces`) in batches: never the whole text in memory at once. */
async function writePieces(path: string, pieces: Iterable<string>, mode?: number): Promise<void> {
  const file = await open(path, 'w', mode);
  try {
    let batch = '';
    for (const piece of pieces) {
      batch += piece;
      if (batch.length < WRITE_BATCH_CHARS) continue;
      await writeAll(file, batch);
      batch = '';
    }
    if (batch) await writeAll(file, batch);
  } finally {
    await file.close();
  }
}

/** Writes all of `text` (a write may take less than it is given). */
async function writeAll(file: FileHandle, text: string): Promise<void> {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length;) at += (await file.write(bytes, at)).bytesWritten;
}
