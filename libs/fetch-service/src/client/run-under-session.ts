import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PinnedPackage } from '@hermetic/core';
import { FetchServiceClient } from './control-client';
import { parseReport, SessionReport } from './report';
import { sessionEnv, writeCombinedBundle } from './session-env';

export interface SessionPlan {
  client: FetchServiceClient;
  /** `host:port` of the proxy. */
  proxyAddress: string;
  /** The service's CA certificate file. */
  caPath: string;
  policy: 'strict' | 'permissive';
  declared: Array<{ url: string; checksums: string[] }>;
  /** Packages the project's package-manager lockfiles pin (Hermetic's `declared-packages`). */
  packages?: readonly PinnedPackage[];
  /** The workspace's content store (absolute): declared artifacts in it are served from it (replay). */
  storeDir?: string;
  /** Secrets the build may send (e.g. lockfile credentials): the service keeps them out of everything it writes. */
  redactValues?: string[];
  allow: string[];
  noProxy: string;
  log: (line: string) => void;
}

/** A pinned package as `POST /session` declares it. */
function packageDeclaration(p: PinnedPackage): Record<string, unknown> {
  return {
    ecosystem: p.ecosystem,
    name: p.name,
    version: p.version,
    checksums: p.checksums.map((c) => `${c.algorithm}:${c.digest}`),
    ...(p.anyOf ? { 'any-of': true } : {}),
    purl: p.purl,
    'pinned-by': p.pinnedBy,
  };
}

export interface SessionOutcome<T> {
  result?: T;
  error?: unknown;
  report?: SessionReport;
  /** Teardown problems (the build's own error, if any, is in `error`). */
  teardownErrors: string[];
}

/**
 * Opens a session, runs `work` with the session's environment, and tears the session down whatever
 * happens (success, failure, Ctrl-C): revoke the token, read the report, finish, free the spool.
 * Teardown is best-effort past the first failure, so every step is tried and every error reported,
 * and a failing teardown never hides the build's own error.
 */
export async function runUnderSession<T>(plan: SessionPlan, work: (env: Record<string, string>) => Promise<T>): Promise<SessionOutcome<T>> {
  const { id, token } = await plan.client.createSession({
    policy: plan.policy,
    'declared-artifacts': plan.declared.map((d) => ({ url: d.url, checksums: d.checksums })),
    ...(plan.packages?.length ? { 'declared-packages': plan.packages.map(packageDeclaration) } : {}),
    ...(plan.storeDir ? { 'store-dir': plan.storeDir } : {}),
    'allow-rules': plan.allow,
    ...(plan.redactValues?.length ? { 'redact-values': plan.redactValues } : {}),
  });
  plan.log(`fetch service: ${plan.policy} session ${id} opened`);
  const tmp = mkdtempSync(join(tmpdir(), 'hermetic-session-'));
  const outcome: SessionOutcome<T> = { teardownErrors: [] };
  try {
    const bundle = writeCombinedBundle(tmp, readFileSync(plan.caPath, 'utf8'));
    const env = sessionEnv(`http://${id}:${token}@${plan.proxyAddress}/`, plan.caPath, bundle, plan.noProxy);
    outcome.result = await work(env);
  } catch (err) {
    outcome.error = err;
  } finally {
    const step = async (name: string, fn: () => Promise<unknown>) => {
      try {
        return await fn();
      } catch (err) {
        outcome.teardownErrors.push(`${name}: ${(err as Error).message}`);
        return undefined;
      }
    };
    await step('revoke', () => plan.client.revoke(id, token));
    const raw = await step('report', () => plan.client.report(id));
    if (raw !== undefined) outcome.report = parseReport(raw);
    await step('finish', () => plan.client.finish(id));
    await step('free resources', () => plan.client.deleteResources(id));
    rmSync(tmp, { recursive: true, force: true });
    plan.log(`fetch service: session ${id} closed`);
  }
  return outcome;
}
