import { log } from '../utils/task-log';

/**
 * Silences an executor's output for a test and collects what it logs as errors (call in
 * `beforeEach`; `jest.restoreAllMocks()` in `afterEach` undoes it).
 */
export function captureErrors(): string[] {
  const errors: string[] = [];
  jest.spyOn(log, 'error').mockImplementation((m) => void errors.push(String(m)));
  jest.spyOn(log, 'info').mockImplementation(() => undefined);
  jest.spyOn(log, 'warn').mockImplementation(() => undefined);
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  return errors;
}
