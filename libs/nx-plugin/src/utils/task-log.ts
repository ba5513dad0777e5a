import { createReporter, outputStyle, palette, ProgressReporter } from '@hermetic/core/progress';

/**
 * What executors print, instead of Nx's `logger`: Nx's logger colours every warning and error, and
 * Nx tells every task FORCE_COLOR=true, so escapes reached CI logs and pipes. Here colour follows
 * the stream (see `outputStyle`), and in plain-line mode each line names its task, because Nx
 * streams the output of tasks that run side by side (fetch-generic and fetch-maven) interleaved.
 */
export interface TaskLog {
  info(text: string): void;
  warn(text: string): void;
  error(text: string): void;
  /** The download progress display for this task's stdout. */
  reporter(): ProgressReporter;
}

interface TaskIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/**
 * `demo:fetch-generic ` for plain lines of an Nx task; nothing on a terminal (Nx gives each task
 * its own pane or stream there), outside Nx, or when Nx already prefixes (`NX_PREFIX_OUTPUT`).
 */
export function linePrefix(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): string {
  const project = env.NX_TASK_TARGET_PROJECT;
  const target = env.NX_TASK_TARGET_TARGET;
  if (!project || !target || env.NX_PREFIX_OUTPUT === 'true' || outputStyle(stream, env).live) return '';
  return `${project}:${target} `;
}

/** A log writing to the given streams (the process's by default). */
export function createTaskLog(io: TaskIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }): TaskLog {
  const write = (stream: NodeJS.WriteStream, style: (text: string) => string, text: string) => {
    const prefix = linePrefix(stream, io.env);
    stream.write(
      `${text
        .split('\n')
        .map((line) => `${prefix}${style(line)}`)
        .join('\n')}\n`,
    );
  };
  const paint = () => palette(outputStyle(io.stderr, io.env).color);
  return {
    info: (text) => write(io.stdout, (line) => line, text),
    warn: (text) => write(io.stderr, paint().yellow, text),
    error: (text) => {
      const { bold, red } = paint();
      write(io.stderr, (line) => bold(red(line)), text);
    },
    reporter: () => createReporter(io.stdout, io.env, { linePrefix: linePrefix(io.stdout, io.env) }),
  };
}

/** The log of the running task. */
export const log: TaskLog = createTaskLog();
