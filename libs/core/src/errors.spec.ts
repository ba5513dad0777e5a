import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asKnownError, describeError, EXIT_CODES, fileSystemError, FileSystemError, HermeticError, isFileSystemError } from './errors';

/** The error a file system call throws (a real one: Node's own message, code, call and paths). */
function thrownBy(call: () => unknown): FileSystemError {
  try {
    call();
  } catch (err) {
    if (isFileSystemError(err)) return err;
    throw err;
  }
  throw new Error('the call did not fail');
}

/** Node's error as it builds it for a code this test cannot cause as root (permissions, a full disk). */
function nodeError(code: string, text: string, syscall: string, path: string): FileSystemError {
  return Object.assign(new Error(`${code}: ${text}, ${syscall} '${path}'`), { code, errno: -1, syscall, path });
}

describe('file system errors that reach the top', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hermetic-errors-'));
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');

  it('name the call, the path and the reason in words, with the fix, and no stack', () => {
    const under = fileSystemError(thrownBy(() => mkdirSync(join(file, 'out'))));
    expect(under).toMatchObject({ code: 'InvalidInput', exitCode: EXIT_CODES.InvalidInput, reason: 'ENOTDIR (mkdir)' });
    expect(under.message).toBe(`cannot create the folder ${join(file, 'out')}: not a directory (ENOTDIR)`);
    expect(under.hints).toEqual(['a file is where a folder must be: remove the file or choose another path']);
    const onto = fileSystemError(thrownBy(() => mkdirSync(file)));
    expect(onto.message).toBe(`cannot create the folder ${file}: file already exists (EEXIST)`);
    expect(onto.code).toBe('InvalidInput');
    const moved = fileSystemError(thrownBy(() => renameSync(join(dir, 'missing'), join(dir, 'b'))));
    expect(moved.message).toBe(`cannot move ${join(dir, 'missing')} to ${join(dir, 'b')}: no such file or directory (ENOENT)`);
    expect(describeError(thrownBy(() => mkdirSync(file)))).toMatch(/^InvalidInput: cannot create the folder .*\n {2}a file is where a folder must be/);
    expect(describeError(thrownBy(() => mkdirSync(file)))).not.toMatch(/\n\s+at /);
  });

  it('say what to do about permissions, read-only and full disks, as disk errors', () => {
    const denied = fileSystemError(nodeError('EACCES', 'permission denied', 'mkdir', '/srv/out'));
    expect(denied).toMatchObject({ code: 'StorageError', exitCode: EXIT_CODES.StorageError });
    expect(denied.message).toBe('cannot create the folder /srv/out: permission denied (EACCES)');
    expect(denied.hints[0]).toMatch(/^no permission there: .*--store, HERMETIC_STORE_DIR/);
    expect(fileSystemError(nodeError('EROFS', 'read-only file system', 'open', '/ro/f')).hints[0]).toMatch(/read-only/);
    expect(fileSystemError(nodeError('ENOSPC', 'no space left on device', 'write', '/full/f')).hints[0]).toMatch(/disk is full/);
  });

  it('leave other errors as they are: network calls, and errors without a code', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', syscall: 'connect' });
    expect(asKnownError(refused)).toBe(refused);
    const plain = new Error('boom');
    expect(asKnownError(plain)).toBe(plain);
    const known = new HermeticError('FetchError', 'x');
    expect(asKnownError(known)).toBe(known);
  });
});
