import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONCURRENCY, DEFAULT_RETRY_POLICY } from '@hermetic/core';
import { USAGE } from '@hermetic/core/cli/run-cli';
import { FetchExecutorOptions } from '../utils/fetch-options';
import { normalizeOptions } from '../plugins/options';

type Schema = { properties: Record<string, { default?: unknown; type?: unknown; description?: string }> };
const schema = (name: string): Schema => JSON.parse(readFileSync(join(__dirname, name, 'schema.json'), 'utf8'));

/** The options every fetch executor takes, as its TypeScript type names them (checked to be complete below). */
const FETCH_OPTIONS: Record<keyof FetchExecutorOptions, true> = {
  lockfile: true,
  outputDir: true,
  concurrency: true,
  attempts: true,
  readTimeoutMs: true,
  maxArtifactSize: true,
  storeDir: true,
  linkMode: true,
  offline: true,
  mirrors: true,
  allowHosts: true,
  blockHosts: true,
  netrcFile: true,
  mavenLayout: true,
  verifySidecars: true,
};

/** The settings of the executors, the plugin and the CLI agree: one default for each, written once. */
describe('fetch settings', () => {
  const generic = schema('fetch-generic');
  const maven = schema('fetch-maven');

  it('both fetch executors document every option of their type, with the same definition', () => {
    const mavenOnly = ['mavenLayout', 'verifySidecars'];
    for (const name of Object.keys(FETCH_OPTIONS)) {
      expect({ name, inMaven: name in maven.properties }).toEqual({ name, inMaven: true });
      if (!mavenOnly.includes(name)) expect({ name, same: generic.properties[name] }).toEqual({ name, same: maven.properties[name] });
    }
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
