import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONCURRENCY, DEFAULT_RETRY_POLICY, FETCH_SETTINGS, FetchSettingName, SettingSpec } from '@hermetic/core';
import { USAGE } from '@hermetic/core/cli/run-cli';
import type { FetchGenericOptions, FetchMavenOptions } from '../utils/fetch-options';
import type { HermeticPluginOptions } from '../plugins/options';
import { normalizeOptions } from '../plugins/options';

type Property = Record<string, unknown>;
type Schema = { properties: Record<string, Property> };
const schema = (name: string): Schema => JSON.parse(readFileSync(join(__dirname, name, 'schema.json'), 'utf8'));
const entries = Object.entries(FETCH_SETTINGS) as Array<[FetchSettingName, SettingSpec]>;

/** The schema.json property a setting of core's table must have: its JSON type, bounds, enum, default and text. */
function expectedProperty(spec: SettingSpec): Property {
  const type: Record<SettingSpec['kind'], Property> = {
    count: { type: 'integer', minimum: 1 },
    boolean: { type: 'boolean' },
    path: { type: 'string' },
    byteSize: { type: ['integer', 'string'] },
    linkMode: { type: 'string', enum: ['hardlink', 'copy'] },
    hosts: { type: 'array', items: { type: 'string' } },
    mirrors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { from: { type: 'string' }, to: { type: 'string' } },
        required: ['from', 'to'],
        additionalProperties: false,
      },
    },
  };
  // A default that a variable can replace is the resolver's to apply, not the schema's.
  const withDefault = spec.default !== undefined && spec.env?.mode !== 'fallback';
  return { ...type[spec.kind], description: spec.description, ...(withDefault ? { default: spec.default } : {}) };
}

/** Keys only: the compiler fails this file when a type and the table disagree about a name. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const mavenKeysMatch: Same<keyof FetchMavenOptions, FetchSettingName | 'lockfile' | 'outputDir' | 'lockfileDigest'> = true;
const genericKeysMatch: Same<
  keyof FetchGenericOptions,
  Exclude<FetchSettingName, 'mavenLayout' | 'verifySidecars'> | 'lockfile' | 'outputDir' | 'lockfileDigest'
> = true;
const pluginHasEverySetting: Same<Pick<HermeticPluginOptions, FetchSettingName>, { [K in FetchSettingName]?: HermeticPluginOptions[K] }> = true;

/** The settings of the executors, the plugin and the CLI agree with core's table, the one place they are declared. */
describe('fetch settings', () => {
  const generic = schema('fetch-generic');
  const maven = schema('fetch-maven');

  it('types the executors and the plugin from the table', () => {
    expect([mavenKeysMatch, genericKeysMatch, pluginHasEverySetting]).toEqual([true, true, true]);
  });

  it.each(entries)('documents %s in both fetch executors’ schema.json exactly as the table declares it', (name, spec) => {
    expect({ name, property: maven.properties[name] }).toEqual({ name, property: expectedProperty(spec) });
    if (spec.mavenOnly) expect(generic.properties[name]).toBeUndefined();
    else expect({ name, property: generic.properties[name] }).toEqual({ name, property: expectedProperty(spec) });
  });

  it('has no schema property the table and the paths do not account for', () => {
    const known = new Set([...entries.map(([name]) => name), 'lockfile', 'outputDir', 'lockfileDigest']);
    for (const s of [generic, maven]) expect(Object.keys(s.properties).filter((k) => !known.has(k as FetchSettingName))).toEqual([]);
  });

  it.each(entries)('gives %s a CLI flag and a --help line', (_name, spec) => {
    const help = USAGE.replace(/\s+/g, ' '); // lines are wrapped
    expect(help).toContain(`--${spec.flag}`);
    expect(help).toContain(spec.summary);
  });

  it('uses core’s defaults in the schemas, the plugin options and the CLI help', () => {
    for (const s of [generic, maven]) {
      expect(s.properties.concurrency.default).toBe(DEFAULT_CONCURRENCY);
      expect(s.properties.attempts.default).toBe(DEFAULT_RETRY_POLICY.attempts);
      expect(s.properties.readTimeoutMs.default).toBe(DEFAULT_RETRY_POLICY.readTimeoutMs);
    }
    expect(normalizeOptions({}).concurrency).toBe(DEFAULT_CONCURRENCY);
    expect(USAGE).toContain(`downloads at once (default ${DEFAULT_CONCURRENCY})`);
    expect(USAGE).toContain(`the first included (default ${DEFAULT_RETRY_POLICY.attempts})`);
  });
});
