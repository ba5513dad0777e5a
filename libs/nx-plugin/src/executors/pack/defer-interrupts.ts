import { log } from '../../utils/task-log';

/**
 * Runs `work` with Ctrl-C and SIGTERM noted instead of ending this process, so a session is always
 * torn down before returning; `work` sees the signals so far (the child command gets them from the
 * terminal itself). Returns its result and whether any signal came.
 */
export async function deferInterrupts<T>(what: string, work: (interrupted: () => boolean) => Promise<T>): Promise<{ result: T; interrupted: boolean }> {
  const signals: NodeJS.Signals[] = [];
  const onSignal = (signal: NodeJS.Signals) => {
    if (!signals.length) log.warn(`${signal}: stopping the pack and ${what}`);
    signals.push(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await work(() => signals.length > 0);
    return { result, interrupted: signals.length > 0 };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
