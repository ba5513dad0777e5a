import { spawn } from 'node:child_process';
import { log } from '../../utils/task-log';

/**
 * Runs a shell command with extra environment, forwarding SIGINT/SIGTERM to it. Resolves to its exit
 * code (128 + signal number when it was killed); a failure is said with the command, since Nx
 * says only that the task failed.
 */
export function runCommand(command: string, cwd: string, env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { cwd, env: { ...process.env, ...env }, stdio: 'inherit', shell: true });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const done = () => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
    };
    child.on('error', (err) => {
      done();
      reject(err);
    });
    child.on('exit', (code, signal) => {
      done();
      if (code) log.error(`the pack command exited with code ${code}: ${command}`);
      else if (signal) log.error(`the pack command was stopped by ${signal}: ${command}`);
      resolve(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1));
    });
  });
}
