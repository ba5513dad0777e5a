import { execFile } from 'node:child_process';

export interface RunResult {
  code: number;
  output: string;
}

/**
 * The environment a user's shell would give a command: without what `npm test`, Nx or Jest set
 * for this repository (npm_config_*, NX_* task variables, Hermetic's own settings), which would
 * otherwise steer the user's npm and nx towards this repository.
 */
export function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|NX_|HERMETIC_|JEST_|INIT_CWD$|NODE_OPTIONS$|FORCE_COLOR$|FETCH_SERVICE_AUTH$|CRAFT_)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', ...extra };
}

/** Output as text: Nx colours it even when it is not a terminal (CI=true). */
function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

/** Runs a command without blocking the event loop (the test's servers live in this process). */
export function run(cmd: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd: options.cwd, env: options.env ?? userEnv(), maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 300_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) || 1 : 0, output: stripAnsi(`${stdout}${stderr}`) }),
    );
  });
}
