import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './run-command';

describe('runCommand', () => {
  let stderr: string;
  beforeEach(() => {
    stderr = '';
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  });
  afterEach(() => jest.restoreAllMocks());

  it('runs the command in a shell, in its folder, with the extra environment, and says nothing when it succeeds', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'hermetic-run-command-'));
    expect(await runCommand('printf %s "$PACK_EXTRA" > out.txt', cwd, { PACK_EXTRA: 'given' })).toBe(0);
    expect(readFileSync(join(cwd, 'out.txt'), 'utf8')).toBe('given');
    expect(stderr).toBe('');
  });

  it('says which command failed and with what code, which Nx does not', async () => {
    expect(await runCommand('echo packing >/dev/null; exit 3', tmpdir(), {})).toBe(3);
    expect(stderr).toMatch(/the pack command exited with code 3: echo packing >\/dev\/null; exit 3/);
  });

  it('says so when a signal stopped it, and answers 128 + its number', async () => {
    expect(await runCommand('kill -TERM $$', tmpdir(), {})).toBe(143);
    expect(stderr).toMatch(/the pack command was stopped by SIGTERM: kill -TERM \$\$/);
  });
});
