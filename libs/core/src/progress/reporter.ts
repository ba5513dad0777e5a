import { formatBytes, formatDuration, formatRate } from './format';
import { outputStyle, Palette, palette } from './output-style';

/** What a run did, for the closing summary and for callers (executors return it). */
export interface FetchSummary {
  files: number;
  downloaded: number;
  fromStore: number;
  failed: number;
  bytes: number;
  bytesDownloaded: number;
  durationMs: number;
}

/** Receives progress events of a fetch run. */
export interface ProgressReporter {
  start(name: string, total: number | undefined): void;
  progress(name: string, received: number, total: number | undefined): void;
  done(name: string, servedFrom: 'download' | 'store', size: number): void;
  retry(name: string, attempt: number, reason: string, delayMs: number): void;
  failed(name: string, message: string): void;
  warn(message: string): void;
  summary(s: FetchSummary): void;
}

export type Write = (line: string) => void;

export function formatSummary(s: FetchSummary): string {
  const parts = [
    `${s.files} file${s.files === 1 ? '' : 's'}, ${formatBytes(s.bytes)}`,
    `${s.downloaded} downloaded (${formatBytes(s.bytesDownloaded)})`,
    `${s.fromStore} from store`,
  ];
  if (s.failed) parts.push(`${s.failed} failed`);
  return `${parts.join(', ')} in ${formatDuration(s.durationMs)}${s.bytesDownloaded ? ` at ${formatRate(s.bytesDownloaded, s.durationMs)}` : ''}`;
}

/** One line per finished file: for CI logs and anything that is not a terminal. */
export class LineReporter implements ProgressReporter {
  constructor(
    private readonly write: Write,
    private readonly paint: Palette = palette(false),
  ) {}
  start(): void {}
  progress(): void {}
  done(name: string, servedFrom: 'download' | 'store', size: number): void {
    this.write(`${servedFrom === 'store' ? 'from store' : 'downloaded'} ${name} (${formatBytes(size)})`);
  }
  retry(name: string, attempt: number, reason: string, delayMs: number): void {
    this.write(`retrying ${name} in ${formatDuration(delayMs)} after attempt ${attempt}: ${reason}`);
  }
  failed(name: string, message: string): void {
    this.write(this.paint.red(`FAILED ${name}: ${message.split('\n')[0]}`));
  }
  warn(message: string): void {
    this.write(this.paint.yellow(message));
  }
  summary(s: FetchSummary): void {
    this.write(formatSummary(s));
  }
}

/** Widest live line: fits the task pane of Nx's terminal UI on a 160-column terminal. */
const LIVE_LINE_MAX = 96;

interface Live {
  received: number;
  total?: number;
  started: number;
}

/**
 * A live display for terminals: one line per active download (bytes, total, rate) and a total line,
 * redrawn at most ten times a second; finished files scroll above it as plain lines.
 */
export class TerminalReporter implements ProgressReporter {
  private readonly live = new Map<string, Live>();
  private drawn = 0;
  private lastDraw = 0;
  private doneBytes = 0;
  private readonly begun = Date.now();

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly paint: Palette = palette(false),
  ) {}

  private clear(): void {
    if (this.drawn) this.out.write(`\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }

  private draw(force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.clear();
    // A redrawn line must not wrap, or the cursor-up count is wrong. Nx's terminal UI shows a task in
    // a pane narrower than the terminal size its pseudo-terminal reports, hence the cap.
    const width = Math.max(40, Math.min(LIVE_LINE_MAX, (this.out.columns ?? LIVE_LINE_MAX) - 1));
    const lines: string[] = [];
    let active = 0;
    for (const [name, l] of [...this.live].slice(0, 8)) {
      const of = l.total ? ` / ${formatBytes(l.total)}` : '';
      const pct = l.total ? ` ${Math.floor((l.received / l.total) * 100)}%` : '';
      lines.push(`  ${name} ${formatBytes(l.received)}${of}${pct} ${formatRate(l.received, now - l.started)}`.slice(0, width));
    }
    for (const l of this.live.values()) active += l.received;
    if (this.live.size)
      lines.push(
        `  total ${formatBytes(this.doneBytes + active)} at ${formatRate(this.doneBytes + active, now - this.begun)}, ${this.live.size} active`.slice(0, width),
      );
    if (lines.length) this.out.write(`${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }

  private above(line: string): void {
    this.clear();
    this.out.write(`${line}\n`);
    this.draw(true);
  }

  start(name: string, total: number | undefined): void {
    this.live.set(name, { received: 0, total, started: Date.now() });
    this.draw();
  }
  progress(name: string, received: number, total: number | undefined): void {
    const l = this.live.get(name);
    if (!l) return;
    l.received = received;
    l.total = total ?? l.total;
    this.draw();
  }
  done(name: string, servedFrom: 'download' | 'store', size: number): void {
    this.live.delete(name);
    this.doneBytes += size;
    this.above(`${servedFrom === 'store' ? 'from store' : 'downloaded'} ${name} (${formatBytes(size)})`);
  }
  retry(name: string, attempt: number, reason: string, delayMs: number): void {
    this.above(`retrying ${name} in ${formatDuration(delayMs)} after attempt ${attempt}: ${reason}`);
  }
  failed(name: string, message: string): void {
    this.live.delete(name);
    this.above(this.paint.red(`FAILED ${name}: ${message.split('\n')[0]}`));
  }
  warn(message: string): void {
    this.above(this.paint.yellow(message));
  }
  summary(s: FetchSummary): void {
    this.clear();
    this.out.write(`${formatSummary(s)}\n`);
  }
}

/** Reports nothing (library use, tests). */
export const silentReporter: ProgressReporter = {
  start() {},
  progress() {},
  done() {},
  retry() {},
  failed() {},
  warn() {},
  summary() {},
};

/**
 * The live display on an interactive terminal, plain lines in CI or when output is piped (each
 * starting with `linePrefix`, so that lines of tasks running side by side can be told apart).
 */
export function createReporter(
  stream: NodeJS.WriteStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
  options: { linePrefix?: string } = {},
): ProgressReporter {
  const style = outputStyle(stream, env);
  const paint = palette(style.color);
  const prefix = options.linePrefix ?? '';
  return style.live ? new TerminalReporter(stream, paint) : new LineReporter((line) => stream.write(`${prefix}${line}\n`), paint);
}
