import { randomBytes } from 'node:crypto';
import { createWriteStream, WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';

/** Where a response's bytes are kept while they stream through, until their digest names them. */
export interface Spool {
  stream?: WriteStream;
  keep: (sha256: string) => Promise<void>;
  discard: () => Promise<void>;
}

export const NO_SPOOL: Spool = { keep: async () => undefined, discard: async () => undefined };

/** A spool file for one response: `<spool>/<id>/<sha256>.data` once the digest is known. */
export async function openSpool(dir: string): Promise<Spool> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.incoming-${randomBytes(6).toString('hex')}`);
  const stream = createWriteStream(temp, { mode: 0o600 });
  const closed = async () => {
    if (!stream.closed) {
      stream.end();
      await once(stream, 'close');
    }
  };
  return {
    stream,
    keep: async (sha256) => {
      await closed();
      await rename(temp, join(dir, `${sha256}.data`));
    },
    discard: async () => {
      await closed();
      await rm(temp, { force: true });
    },
  };
}
