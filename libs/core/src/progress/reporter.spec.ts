import { PassThrough } from 'node:stream';
import { createReporter } from './reporter';

function terminal(columns: number | undefined, isTTY = true): NodeJS.WriteStream & { text(): string } {
  const chunks: Buffer[] = [];
  const s = new PassThrough() as unknown as NodeJS.WriteStream & { text(): string };
  Object.assign(s, { isTTY, columns, text: () => Buffer.concat(chunks).toString() });
  (s as unknown as PassThrough).on('data', (c: Buffer) => chunks.push(c));
  return s;
}

const ESC = '\x1b';
const visibleLines = (text: string) => text.split('\n').map((line) => line.replace(new RegExp(`${ESC}\\[[0-9;]*[A-Za-z]`, 'g'), ''));

describe('createReporter', () => {
  const longName = `${'very-long-artifact-name-'.repeat(8)}.tar.gz`;

  it('redraws live lines that never wrap, even when the pseudo-terminal reports more columns than the pane shows', () => {
    for (const columns of [undefined, 0, 60, 160, 300]) {
      const out = terminal(columns);
      const reporter = createReporter(out, {});
      reporter.start(longName, 10_000_000);
      reporter.progress(longName, 5_000_000, 10_000_000);
      for (const line of visibleLines(out.text())) expect(line.length).toBeLessThanOrEqual(Math.max(40, Math.min(96, (columns || 96) - 1)));
      expect(out.text()).toContain('very-long-artifact-name-');
    }
  });

  it('writes one plain line per file with the prefix off a terminal, FAILED in red only when colour is forced', () => {
    const out = terminal(100, false);
    const reporter = createReporter(out, {}, { linePrefix: 'demo:fetch-generic ' });
    reporter.start('a.bin', 10);
    reporter.progress('a.bin', 5, 10);
    reporter.done('a.bin', 'download', 10);
    reporter.failed('b.bin', 'checksum mismatch\nmore');
    expect(out.text()).toBe('demo:fetch-generic downloaded a.bin (10 B)\ndemo:fetch-generic FAILED b.bin: checksum mismatch\n');
    const forced = terminal(100, false);
    createReporter(forced, { FORCE_COLOR: '1' }).failed('b.bin', 'checksum mismatch');
    expect(forced.text()).toBe(`${ESC}[31mFAILED b.bin: checksum mismatch${ESC}[39m\n`);
  });
});
