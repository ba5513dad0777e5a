import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FetchService } from './service';

describe('FetchService.log', () => {
  it('keeps logging (to stderr, said once) when its log file can no longer be written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-fs-log-'));
    const logFile = join(dir, 'fs.log');
    const service = new FetchService({ cert: join(dir, 'ca.pem'), key: join(dir, 'ca.key'), spool: join(dir, 'spool'), logFile });
    service.log('first');
    expect(readFileSync(logFile, 'utf8')).toMatch(/ first\n$/);
    rmSync(dir, { recursive: true, force: true });
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => service.log('SIGTERM: shutting down')).not.toThrow();
      service.log('after');
      const written = stderr.mock.calls.map((c) => String(c[0]));
      expect(written.filter((w) => w.includes('cannot write its log'))).toHaveLength(1);
      expect(written.some((w) => w.endsWith(' SIGTERM: shutting down\n'))).toBe(true);
      expect(written.some((w) => w.endsWith(' after\n'))).toBe(true);
    } finally {
      stderr.mockRestore();
    }
  });
});
