/** The parts of a stream that decide how output to it should look. */
export interface StreamLike {
  isTTY?: boolean;
  columns?: number;
}

/** How to write to one stream: a live, redrawn display or plain lines; with colour or without. */
export interface OutputStyle {
  /** Redraw progress in place (a terminal a person watches), rather than one line per event. */
  live: boolean;
  /** Emit ANSI colour escapes. */
  color: boolean;
}

/**
 * Nx gives every task `FORCE_COLOR=true` unless the user set FORCE_COLOR themselves, piped or not,
 * so inside an Nx task that exact value says nothing about the user's wish: only another value
 * (`1`, `2`, `3`, `0`, `false`) is taken as theirs there.
 */
function forcedColor(env: NodeJS.ProcessEnv): boolean | undefined {
  const value = env.FORCE_COLOR;
  if (value === undefined || value === '') return undefined;
  if (value === 'true' && env.NX_TASK_TARGET_PROJECT !== undefined) return undefined;
  return value !== '0' && value !== 'false';
}

/**
 * Colour only on a terminal, unless `NO_COLOR` (any non-empty value) turns it off or `FORCE_COLOR`
 * decides; live progress only on an interactive terminal that is not a CI job. Nx's task pseudo-
 * terminals (its terminal UI, or a single streamed task) count as terminals, pipes and files not.
 */
export function outputStyle(stream: StreamLike, env: NodeJS.ProcessEnv): OutputStyle {
  const terminal = !!stream.isTTY && env.TERM !== 'dumb';
  const forced = forcedColor(env);
  return {
    live: terminal && !env.CI,
    color: env.NO_COLOR ? false : (forced ?? terminal),
  };
}

/** Text styles that are no-ops when colour is off. */
export interface Palette {
  red(text: string): string;
  yellow(text: string): string;
  bold(text: string): string;
}

const sgr = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

/** The palette for a style: ANSI escapes when it has colour, identity functions when not. */
export function palette(color: boolean): Palette {
  const plain = (text: string) => text;
  return color ? { red: sgr(31, 39), yellow: sgr(33, 39), bold: sgr(1, 22) } : { red: plain, yellow: plain, bold: plain };
}
