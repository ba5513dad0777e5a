import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dispatcher, request } from 'undici';
import { TEST_CERT_PATH } from '@hermetic/core/testing/test-server';
import { FetchService, FetchServiceOptions } from './service';

export const AUTH = 'craft:craft';

/** A running embedded service on free loopback ports, with a client for its control API. */
export async function startService(options: Partial<FetchServiceOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hermetic-fs-'));
  const logs: string[] = [];
  const service = new FetchService({
    controlPort: 0,
    proxyPort: 0,
    cert: join(dir, 'ca.pem'),
    key: join(dir, 'ca.key.pem'),
    spool: join(dir, 'spool'),
    permissiveMode: true,
    auth: AUTH,
    // Upstream test origins use the test certificate.
    env: { NODE_EXTRA_CA_CERTS: TEST_CERT_PATH },
    ...options,
  });
  // Keep the log in memory for assertions instead of printing it.
  (service as unknown as { log: (l: string) => void }).log = (l) => void logs.push(l);
  await service.start();
  const control = async (method: string, path: string, body?: unknown, auth: string | null = AUTH) => {
    // undici's request, not fetch: craft-application sends a body with GET, and so must the tests.
    const res = await request(`${service.controlUrl}${path}`, {
      method: method as Dispatcher.HttpMethod,
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.body.text();
    const status = res.statusCode;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status, text, json: json as Record<string, unknown> & { id: string; token: string } };
  };
  const session = async (body: Record<string, unknown>) => {
    const r = await control('POST', '/session', body);
    if (r.status !== 200) throw new Error(`POST /session: ${r.status} ${r.text}`);
    return { id: r.json.id, token: r.json.token, proxy: `http://${r.json.id}:${r.json.token}@${service.proxyAddress}` };
  };
  /** Revoke, read the report, finish: the craft teardown order. */
  const teardown = async (s: { id: string; token: string }) => {
    await control('DELETE', `/session/${s.id}/token`, { token: s.token });
    const report = await control('GET', `/session/${s.id}`, {});
    await control('DELETE', `/session/${s.id}`);
    return report.json as unknown as { artifacts: Array<Record<string, any>>; policy: string };
  };
  return { service, dir, logs, control, session, teardown, caPath: join(dir, 'ca.pem') };
}

/** Runs a command without blocking the event loop (test servers live in this process). */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}
