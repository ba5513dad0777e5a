import { PassThrough } from 'node:stream';
import { createTaskLog } from './task-log';

/** A stream that records what is written, posing as a terminal or a pipe. */
function stream(isTTY: boolean): NodeJS.WriteStream & { text(): string } {
  const chunks: Buffer[] = [];
  const s = new PassThrough() as unknown as NodeJS.WriteStream & { text(): string };
  Object.assign(s, { isTTY, columns: 100, text: () => Buffer.concat(chunks).toString() });
  (s as unknown as PassThrough).on('data', (c: Buffer) => chunks.push(c));
  return s;
}

const nxTask = { NX_TASK_TARGET_PROJECT: 'demo', NX_TASK_TARGET_TARGET: 'fetch-generic', FORCE_COLOR: 'true' };

describe('createTaskLog', () => {
  it('prefixes every plain line of an Nx task with the task, and does not colour a pipe despite Nx setting FORCE_COLOR=true', () => {
    const io = { stdout: stream(false), stderr: stream(false), env: { ...nxTask } };
    const log = createTaskLog(io);
    log.info('verified files are in dist');
    log.error('ChecksumVerificationFailed: artifacts[0]\n  fix: update it');
    const reporter = log.reporter();
    reporter.done('a.bin', 'download', 2048);
    expect(io.stdout.text()).toBe('demo:fetch-generic verified files are in dist\ndemo:fetch-generic downloaded a.bin (2.00 KiB)\n');
    expect(io.stderr.text()).toBe('demo:fetch-generic ChecksumVerificationFailed: artifacts[0]\ndemo:fetch-generic   fix: update it\n');
  });

  it('colours errors and warnings on a terminal, without a prefix (Nx gives each task its own pane there)', () => {
    const io = { stdout: stream(true), stderr: stream(true), env: { ...nxTask } };
    const log = createTaskLog(io);
    log.error('bad');
    log.warn('careful');
    expect(io.stderr.text()).toBe('\x1b[1m\x1b[31mbad\x1b[39m\x1b[22m\n\x1b[33mcareful\x1b[39m\n');
  });

  it('honours NO_COLOR on a terminal and FORCE_COLOR=1 on a pipe', () => {
    const noColor = { stdout: stream(true), stderr: stream(true), env: { ...nxTask, NO_COLOR: '1' } };
    createTaskLog(noColor).error('bad');
    expect(noColor.stderr.text()).toBe('bad\n');
    const forced = { stdout: stream(false), stderr: stream(false), env: { ...nxTask, FORCE_COLOR: '1' } };
    createTaskLog(forced).error('bad');
    expect(forced.stderr.text()).toBe('demo:fetch-generic \x1b[1m\x1b[31mbad\x1b[39m\x1b[22m\n');
  });

  it('leaves lines alone outside Nx and when Nx prefixes them itself', () => {
    for (const env of [{}, { ...nxTask, NX_PREFIX_OUTPUT: 'true' }]) {
      const io = { stdout: stream(false), stderr: stream(false), env };
      createTaskLog(io).info('hello');
      expect(io.stdout.text()).toBe('hello\n');
    }
  });
});
