import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@hermetic/core/testing/test-server';
import { ensureEmbeddedService, FetchServiceClient } from '@hermetic/fetch-service/client';

/** An embedded Fetch Service of one test file: free ports, its own folder, and the environment that points `pack` at it. */
export interface E2eFetchService {
  client: FetchServiceClient;
  /** For `nx` runs: where `pack` finds this service. */
  env: NodeJS.ProcessEnv;
  /** The service outlives builds by design (idle shutdown): stop this one now. */
  stop(): void;
}

export async function startE2eFetchService(): Promise<E2eFetchService> {
  const serviceDir = mkdtempSync(join(tmpdir(), 'hermetic-e2e-fs-'));
  const [control, proxy] = [await freePort(), await freePort()];
  const env = {
    HERMETIC_FETCH_SERVICE_CONTROL_PORT: String(control),
    HERMETIC_FETCH_SERVICE_PROXY_PORT: String(proxy),
    HERMETIC_FETCH_SERVICE_DIR: serviceDir,
    FETCH_SERVICE_AUTH: 'e2e:e2e',
  };
  // Started here so every test can use it alone (a managed pack would start or reuse it too).
  const { client } = await ensureEmbeddedService({ controlPort: control, proxyPort: proxy, configDir: serviceDir, auth: 'e2e:e2e', idleShutdownS: 120 });
  return { client, env, stop: () => void spawn('pkill', ['-f', '--', `--config=${serviceDir}`]) };
}
