import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throw-away directory tree for plugin and executor tests (nrwl's TempFs is unpublished). */
export class TempWorkspace {
  readonly root = mkdtempSync(join(tmpdir(), 'hermetic-ws-'));

  write(path: string, content: string | object): string {
    const full = join(this.root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
    return full;
  }

  remove(path: string): void {
    rmSync(join(this.root, path), { recursive: true, force: true });
  }
}
