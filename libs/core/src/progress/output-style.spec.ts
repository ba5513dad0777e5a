import fc from 'fast-check';
import { outputStyle, palette } from './output-style';

const tty = { isTTY: true, columns: 120 };
const pipe = { isTTY: false };
const inNxTask = { NX_TASK_TARGET_PROJECT: 'demo', NX_TASK_TARGET_TARGET: 'fetch-generic' };

describe('outputStyle', () => {
  it('colours and redraws on a terminal, neither on a pipe', () => {
    expect(outputStyle(tty, {})).toEqual({ live: true, color: true });
    expect(outputStyle(pipe, {})).toEqual({ live: false, color: false });
  });

  it('keeps colour but not the live display in CI on a terminal, and neither for TERM=dumb', () => {
    expect(outputStyle(tty, { CI: 'true' })).toEqual({ live: false, color: true });
    expect(outputStyle(tty, { TERM: 'dumb' })).toEqual({ live: false, color: false });
  });

  it('honours NO_COLOR over everything, FORCE_COLOR on a pipe, and FORCE_COLOR=0 on a terminal', () => {
    expect(outputStyle(tty, { NO_COLOR: '1', FORCE_COLOR: '1' }).color).toBe(false);
    expect(outputStyle(pipe, { FORCE_COLOR: '1' }).color).toBe(true);
    expect(outputStyle(pipe, { FORCE_COLOR: 'true' }).color).toBe(true);
    expect(outputStyle(tty, { FORCE_COLOR: '0' }).color).toBe(false);
    expect(outputStyle(tty, { FORCE_COLOR: 'false' }).color).toBe(false);
    // An empty NO_COLOR does not count (no-color.org), an empty FORCE_COLOR decides nothing.
    expect(outputStyle(tty, { NO_COLOR: '' }).color).toBe(true);
    expect(outputStyle(pipe, { FORCE_COLOR: '' }).color).toBe(false);
  });

  it("takes Nx's FORCE_COLOR=true for its tasks as no wish: a piped task is not coloured, a task on a pseudo-terminal is", () => {
    expect(outputStyle(pipe, { ...inNxTask, FORCE_COLOR: 'true' }).color).toBe(false);
    expect(outputStyle(tty, { ...inNxTask, FORCE_COLOR: 'true' }).color).toBe(true);
    expect(outputStyle(pipe, { ...inNxTask, FORCE_COLOR: '1' }).color).toBe(true);
  });

  it('never colours when NO_COLOR is set, and never redraws off a terminal, whatever else is set', () => {
    const value = fc.option(fc.constantFrom('', '0', '1', '2', 'true', 'false', 'dumb', 'xterm'), { nil: undefined });
    fc.assert(
      fc.property(fc.boolean(), value, value, value, value, (isTTY, force, ci, term, project) => {
        const env = { FORCE_COLOR: force, CI: ci, TERM: term, NX_TASK_TARGET_PROJECT: project };
        const style = outputStyle({ isTTY }, env);
        expect(outputStyle({ isTTY }, { ...env, NO_COLOR: '1' }).color).toBe(false);
        if (!isTTY) expect(style.live).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('palette', () => {
  it('wraps in SGR escapes only when colour is on', () => {
    expect(palette(true).red('x')).toBe('\x1b[31mx\x1b[39m');
    expect(palette(false).red('x')).toBe('x');
    expect(palette(false).bold(palette(false).yellow('y'))).toBe('y');
  });
});
