import { HermeticError } from '../errors';
import { authHeaders } from '../http/auth-headers';
import { Netrc, netrcHeaders } from '../http/netrc';
import { mavenRepositoryPath } from '../lockfile/maven';
import { Artifact, Lockfile } from '../lockfile/types';
import { wireUrl } from '../lockfile/url';
import { describe, SourcedArtifact } from './fetch-errors';
import { HostRules, hostRefusal, MirrorRule, rewriteUrl } from './url-rules';

/** One artifact ready to fetch: where its bytes come from, with which credentials, and where they go. */
export interface Planned extends SourcedArtifact {
  /** Path below `deps/maven/` when the Maven layout is on. */
  mavenPath?: string;
}

/**
 * The URL to request for `original` (a mirror's when a rule says so) and its credentials: the
 * origin's own (`originHeaders`, e.g. lockfile auth) only when the request stays on that origin,
 * never sent to a mirror elsewhere; otherwise the .netrc entry of the host actually contacted.
 */
export function sourceFor(
  original: string,
  mirrors: readonly MirrorRule[],
  originHeaders: () => Record<string, string> | undefined,
  netrc: Netrc | undefined,
): { url: string; headers?: Record<string, string> } {
  const url = rewriteUrl(original, mirrors);
  const target = new URL(url);
  const own = target.origin === new URL(original).origin ? originHeaders() : undefined;
  const headers = own ?? (netrc ? netrcHeaders(netrc, target.hostname) : undefined);
  return { url, ...(headers ? { headers } : {}) };
}

/** Where each artifact is downloaded from, with which credentials, and its Maven layout path. */
export function plan(
  lockfile: Lockfile,
  artifacts: readonly Artifact[],
  settings: { mirrors: readonly MirrorRule[]; netrc?: Netrc; env: NodeJS.ProcessEnv; mavenLayout?: boolean },
): Planned[] {
  return artifacts.map((artifact) => {
    const lockfileAuth = () => {
      try {
        return authHeaders(artifact.auth, settings.env);
      } catch (err) {
        throw new HermeticError('InvalidLockfileFormat', `${lockfile.path}: ${describe(artifact)}: ${(err as Error).message}`, {
          hints: ['export the variable before running'],
        });
      }
    };
    const source = sourceFor(wireUrl(artifact.url), settings.mirrors, lockfileAuth, settings.netrc);
    const mavenPath = settings.mavenLayout && artifact.kind === 'maven' ? mavenRepositoryPath(artifact.maven) : undefined;
    return { artifact, ...source, ...(mavenPath ? { mavenPath } : {}) };
  });
}

/** Refuses, before any download, artifacts whose host the allow/block rules forbid. */
export function checkHosts(lockfile: Lockfile, planned: readonly Planned[], rules: HostRules | undefined): void {
  if (!rules?.allow?.length && !rules?.block?.length) return;
  const refused = planned.flatMap((p) => {
    const why = hostRefusal(new URL(p.url).hostname, rules);
    return why ? [`${describe(p.artifact)} ${p.url}: ${why}`] : [];
  });
  if (refused.length) {
    throw new HermeticError('InvalidInput', `${lockfile.path}: ${refused.length} artifact(s) would contact a forbidden host:\n  ${refused.join('\n  ')}`, {
      hints: ['add a mirror rule that moves them to an allowed host, or change the allow/block host rules'],
    });
  }
}
