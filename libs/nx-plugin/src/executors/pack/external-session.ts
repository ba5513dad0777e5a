import { log } from '../../utils/task-log';
import { sessionEnv, writeCombinedBundle } from '@hermetic/fetch-service/client';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { externalSession } from './fetch-service-config';
import { runCommand } from './run-command';

/**
 * `CRAFT_USE_EXTERNAL_FETCH_SERVICE=1`: the command runs through the session whose proxy is in
 * `http_proxy` (someone else opened it and will close it and read its report). Returns the exit code.
 */
export async function runInExternalSession(command: string, cwd: string, noProxy: string): Promise<number> {
  const { proxyUrl, caPath } = externalSession(process.env);
  log.info(
    `Using the external fetch-service session of http_proxy (CRAFT_USE_EXTERNAL_FETCH_SERVICE=1): no session is opened or closed here, and no report is written.`,
  );
  const tmp = mkdtempSync(join(tmpdir(), 'hermetic-external-'));
  try {
    const env = sessionEnv(process.env.https_proxy ?? proxyUrl, caPath, writeCombinedBundle(tmp, readFileSync(caPath, 'utf8')), noProxy);
    env.http_proxy = proxyUrl;
    env.HTTP_PROXY = proxyUrl;
    return await runCommand(command, cwd, env);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
