import { isAbsolute, resolve } from 'node:path';
import { HermeticError } from '../errors';
import { LinkMode } from '../fetch/materialize';
import { HostRules, MirrorRule, resolveNetworkRules } from '../fetch/url-rules';
import { loadNetrc, Netrc } from '../http/netrc';
import { parseByteSize, RetryPolicy } from '../http/retry-policy';
import { FETCH_SETTINGS, FetchSettingName, FetchSettingsInput, LINK_MODES, SettingSpec } from './fetch-settings';

/** One source of settings, most specific first in `resolveFetchSettings`' list; `from` names it in errors. */
export interface SettingsLayer {
  from: string;
  values: FetchSettingsInput | undefined;
  /** The layer is the command line: errors name the flag (`--concurrency`) rather than the option. */
  flags?: true;
}

export interface SettingsContext {
  env: NodeJS.ProcessEnv;
  /** Relative paths (store, netrc) resolve from here: the workspace root, or the CLI's directory. */
  baseDir: string;
  /** The store when neither an option nor `HERMETIC_STORE_DIR` names one. */
  defaultStoreDir: string;
}

/** Settings ready for `fetchArtifacts` (and, but for the store, for `probeArtifact`). */
export interface FetchSettings {
  concurrency: number;
  policy: Pick<RetryPolicy, 'attempts' | 'readTimeoutMs' | 'maxArtifactBytes'>;
  linkMode: LinkMode;
  offline: boolean;
  mirrors: MirrorRule[];
  hosts: HostRules;
  netrc: Netrc;
  mavenLayout: boolean;
  verifySidecars: boolean;
  /** Absolute. */
  storeDir: string;
}

/** Where a value was read: a layer, or the setting's environment variable. */
type Origin = Omit<SettingsLayer, 'values'> & { env?: true };

/** How an error names a setting: the flag, the variable, else the option and where it is written. */
function settingLabel(name: FetchSettingName, origin: Origin): string {
  if (origin.flags) return `--${FETCH_SETTINGS[name].flag}`;
  return origin.env ? origin.from : `${name} (${origin.from})`;
}

function fixHint(origin: Origin): string {
  if (origin.flags) return 'fix the command line';
  return origin.env ? `unset ${origin.from.slice(1)} or correct it` : `fix it in ${origin.from}`;
}

/** Checks one configured value against its kind; returns it (a byte size as a number). */
function check(name: FetchSettingName, layer: Origin, value: unknown): unknown {
  const invalid = (must: string) =>
    new HermeticError('InvalidInput', `${settingLabel(name, layer)} must be ${must}, got ${JSON.stringify(value)}`, {
      hints: [fixHint(layer)],
    });
  switch ((FETCH_SETTINGS[name] as SettingSpec).kind) {
    case 'count':
      if (!Number.isSafeInteger(value) || (value as number) < 1) throw invalid('a positive integer');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw invalid('true or false');
      return value;
    case 'path':
      if (typeof value !== 'string' || !value) throw invalid('a path');
      return value;
    case 'linkMode':
      if (!(LINK_MODES as readonly unknown[]).includes(value)) throw invalid(`one of ${LINK_MODES.join(', ')}`);
      return value;
    case 'byteSize':
      try {
        return parseByteSize(value as string | number, settingLabel(name, layer));
      } catch (err) {
        throw new HermeticError('InvalidInput', (err as Error).message, { hints: [fixHint(layer)] });
      }
    case 'hosts':
      if (!Array.isArray(value) || value.some((h) => typeof h !== 'string')) throw invalid('a list of host names');
      return value;
    case 'mirrors':
      if (!Array.isArray(value) || value.some((m) => typeof m?.from !== 'string' || typeof m?.to !== 'string')) {
        throw invalid('a list of { from, to } URL prefixes');
      }
      return value;
  }
}

/** The first layer's value of a setting (checked), or undefined. */
function pick<K extends FetchSettingName>(name: K, layers: readonly SettingsLayer[]): unknown {
  for (const layer of layers) {
    const value = layer.values?.[name];
    if (value !== undefined && value !== null) return check(name, layer, value);
  }
  return undefined;
}

/** A fallback variable's value, checked as the setting would be. */
function fromEnv(name: FetchSettingName, env: NodeJS.ProcessEnv): string | undefined {
  const spec: SettingSpec = FETCH_SETTINGS[name];
  const value = spec.env?.mode === 'fallback' ? env[spec.env.name] : undefined;
  return value === '' ? undefined : value;
}

function absolute(path: string, baseDir: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

/**
 * Resolves the fetch settings: for each, the first layer that sets it (a target's options before
 * the plugin's, a CLI flag before anything), else its environment variable, else the table's
 * default. List settings take the first layer's list, and their variable adds to it;
 * `HERMETIC_OFFLINE=1` forces offline. Every value is checked, and an error names the setting and
 * where it was written.
 */
export function resolveFetchSettings(layers: readonly SettingsLayer[], ctx: SettingsContext): FetchSettings {
  const value = <K extends FetchSettingName>(name: K) => pick(name, layers);
  const count = (name: 'concurrency' | 'attempts' | 'readTimeoutMs') => (value(name) as number | undefined) ?? FETCH_SETTINGS[name].default;
  const envSize = fromEnv('maxArtifactSize', ctx.env);
  const maxArtifactBytes =
    (value('maxArtifactSize') as number | undefined) ??
    (envSize === undefined ? undefined : (check('maxArtifactSize', { from: `$${FETCH_SETTINGS.maxArtifactSize.env.name}`, env: true }, envSize) as number)) ??
    parseByteSize(FETCH_SETTINGS.maxArtifactSize.default, 'maxArtifactSize')!;
  const rules = resolveNetworkRules(
    {
      mirrors: value('mirrors') as MirrorRule[] | undefined,
      allowHosts: value('allowHosts') as string[] | undefined,
      blockHosts: value('blockHosts') as string[] | undefined,
    },
    ctx.env,
  );
  const netrcFile = value('netrcFile') as string | undefined;
  return {
    concurrency: count('concurrency'),
    policy: { attempts: count('attempts'), readTimeoutMs: count('readTimeoutMs'), maxArtifactBytes },
    linkMode: (value('linkMode') as LinkMode | undefined) ?? FETCH_SETTINGS.linkMode.default,
    offline: ctx.env[FETCH_SETTINGS.offline.env.name] === '1' || ((value('offline') as boolean | undefined) ?? FETCH_SETTINGS.offline.default),
    mirrors: rules.mirrors,
    hosts: rules.hosts,
    netrc: loadNetrc(ctx.env, netrcFile === undefined ? undefined : absolute(netrcFile, ctx.baseDir)),
    mavenLayout: (value('mavenLayout') as boolean | undefined) ?? FETCH_SETTINGS.mavenLayout.default,
    verifySidecars: (value('verifySidecars') as boolean | undefined) ?? FETCH_SETTINGS.verifySidecars.default,
    storeDir: resolveStoreDir(layers, ctx),
  };
}

/** The content store alone, resolved as `resolveFetchSettings` does (for callers that need nothing else). */
export function resolveStoreDir(layers: readonly SettingsLayer[], ctx: SettingsContext): string {
  const storeDir = (pick('storeDir', layers) as string | undefined) ?? fromEnv('storeDir', ctx.env);
  return storeDir === undefined ? ctx.defaultStoreDir : absolute(storeDir, ctx.baseDir);
}
