import { HermeticError } from '../errors';
import { URL_SCHEME } from '../lockfile/url';

/** Fetch every URL starting with `from` from `to` instead (same path below it). */
export interface MirrorRule {
  from: string;
  to: string;
}

/** Host patterns: `example.com`, `*.example.com` (subdomains only), or `*` (every host). */
export interface HostRules {
  /** When given, only these hosts may be contacted. */
  allow?: readonly string[];
  /** These hosts may never be contacted; wins over `allow`. */
  block?: readonly string[];
}

/** Environment variables that add mirror and host rules to the ones in nx.json / the CLI. */
export const MIRRORS_ENV = 'HERMETIC_MIRRORS';
export const ALLOW_HOSTS_ENV = 'HERMETIC_ALLOW_HOSTS';
export const BLOCK_HOSTS_ENV = 'HERMETIC_BLOCK_HOSTS';

/** Where a mirror rule's `to` starts: the first '=' before a scheme, any scheme (so '=ftp://' is said to be one). */
const MIRROR_SEPARATOR = new RegExp(`=${URL_SCHEME.source.slice(1)}`, 'i');

/**
 * Parses `from=to` pairs separated by `;`, commas or new lines, e.g.
 * `https://repo1.maven.org/maven2/=https://nexus.corp/repository/central/`.
 */
export function parseMirrors(text: string | undefined): MirrorRule[] {
  if (!text?.trim()) return [];
  return text
    .split(/[;\n,]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.search(MIRROR_SEPARATOR);
      if (at <= 0)
        throw new HermeticError('InvalidInput', `mirror rule '${pair}' is not 'from=to'`, {
          hints: [`write e.g. ${MIRRORS_ENV}="https://repo1.maven.org/maven2/=https://nexus.example/repository/central/"`],
        });
      return checkMirror({ from: pair.slice(0, at), to: pair.slice(at + 1) });
    });
}

/** Validates a mirror rule: both sides http(s) URLs, and `/`-terminated together so paths line up. */
export function checkMirror(rule: MirrorRule): MirrorRule {
  for (const side of ['from', 'to'] as const) {
    let url: URL;
    const fix = {
      hints: ['mirror rules map one http(s) URL prefix to another, e.g. https://repo1.maven.org/maven2/=https://nexus.example/repository/central/'],
    };
    try {
      url = new URL(rule[side]);
    } catch {
      throw new HermeticError('InvalidInput', `mirror '${side}' '${rule[side]}' is not a URL`, fix);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new HermeticError('InvalidInput', `mirror '${side}' '${rule[side]}' must be http(s)`, fix);
    if (url.username || url.password) {
      throw new HermeticError('InvalidInput', `mirror '${side}' must not hold credentials`, { hints: ['put the mirror host in ~/.netrc instead'] });
    }
  }
  return { from: rule.from, to: rule.to };
}

/** Splits a comma/space separated host list (for the env variables). */
export function parseHostList(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[\s,;]+/)
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}

/** The URL to download from: the first matching mirror's rewrite, or the URL itself. */
export function rewriteUrl(url: string, mirrors: readonly MirrorRule[]): string {
  for (const m of mirrors) if (url.startsWith(m.from)) return m.to + url.slice(m.from.length);
  return url;
}

/**
 * The one host matcher of Hermetic (fetch host rules and the Fetch Service's allow rules):
 * case-insensitive; `*` alone matches every host, `*.example.com` its subdomains (not itself), and
 * elsewhere `*` matches within one label (`mirror-*.corp.example`) and `?` one character.
 */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === '*') return true;
  if (p.startsWith('*.')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  if (!/[*?]/.test(p)) return h === p;
  return labelGlob(p).test(h);
}

const labelGlobs = new Map<string, RegExp>();

/** A host pattern with `*`/`?` inside labels as a RegExp, compiled once (rules are matched per request). */
function labelGlob(pattern: string): RegExp {
  let re = labelGlobs.get(pattern);
  if (!re) {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^.]*')
      .replace(/\?/g, '[^.]');
    re = new RegExp(`^${source}$`);
    labelGlobs.set(pattern, re);
  }
  return re;
}

const matches = hostMatches;

/** Why a host may not be contacted under the rules, or undefined when it may. */
export function hostRefusal(host: string, rules: HostRules): string | undefined {
  const h = host.toLowerCase();
  const blocked = rules.block?.find((p) => matches(p, h));
  if (blocked) return `host ${h} is blocked (rule '${blocked}')`;
  if (rules.allow && rules.allow.length && !rules.allow.some((p) => matches(p, h))) return `host ${h} is not in the allowed hosts (${rules.allow.join(', ')})`;
  return undefined;
}

/**
 * A host rule as the matcher reads it: a host name or pattern, nothing more. A URL or a port in it
 * (`https://repo.corp`, `repo.corp:8443`) matched no host ever: an allow list of them refused every
 * download, a block list let everything through.
 */
function checkHostPattern(pattern: string): string {
  const withScheme = URL_SCHEME.test(pattern);
  const withPort = /^[^:[\]]+:\d*$/.test(pattern);
  if (!withScheme && !withPort && !pattern.includes('/')) return pattern;
  let host = pattern.replace(URL_SCHEME, '').split('/')[0];
  if (!host.startsWith('[')) host = host.split(':')[0];
  throw new HermeticError('InvalidInput', `host rule '${pattern}' is not a host name`, {
    hints: [`write the host alone${host ? `: '${host}'` : ''} (no scheme, port or path; '*.example.com' for its subdomains)`],
  });
}

/** Rules as written in configuration (nx.json plugin options, executor options, CLI flags). */
export interface NetworkRuleConfig {
  mirrors?: ReadonlyArray<MirrorRule>;
  allowHosts?: readonly string[];
  blockHosts?: readonly string[];
}

/**
 * Combines configured rules with the environment's (`HERMETIC_MIRRORS`, `HERMETIC_ALLOW_HOSTS`,
 * `HERMETIC_BLOCK_HOSTS`). Environment mirrors come first, so a CI runner can redirect traffic
 * without editing the workspace; host lists are merged.
 */
export function resolveNetworkRules(config: NetworkRuleConfig, env: NodeJS.ProcessEnv): { mirrors: MirrorRule[]; hosts: HostRules } {
  const allow = [...(config.allowHosts ?? []), ...parseHostList(env[ALLOW_HOSTS_ENV])].map(checkHostPattern);
  const block = [...(config.blockHosts ?? []), ...parseHostList(env[BLOCK_HOSTS_ENV])].map(checkHostPattern);
  return {
    mirrors: [...parseMirrors(env[MIRRORS_ENV]), ...(config.mirrors ?? []).map(checkMirror)],
    hosts: { ...(allow.length ? { allow } : {}), ...(block.length ? { block } : {}) },
  };
}
