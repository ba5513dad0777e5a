import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HermeticError } from '../errors';
import { DEFAULT_RETRY_POLICY } from '../http/retry-policy';
import { settingsFromFlags } from './cli-flags';
import { FETCH_SETTINGS } from './fetch-settings';
import { resolveFetchSettings, SettingsLayer } from './resolve-fetch-settings';

const base = { env: {}, baseDir: '/ws', defaultStoreDir: '/ws/.nx/hermetic/store' };
const resolveWith = (layers: SettingsLayer[], env: NodeJS.ProcessEnv = {}) => resolveFetchSettings(layers, { ...base, env });
const error = (f: () => unknown): HermeticError => {
  try {
    f();
  } catch (err) {
    return err as HermeticError;
  }
  throw new Error('expected an error');
};

describe('resolveFetchSettings', () => {
  it('gives the table’s defaults when nothing is set', () => {
    const s = resolveWith([]);
    expect(s).toMatchObject({
      concurrency: FETCH_SETTINGS.concurrency.default,
      policy: { attempts: DEFAULT_RETRY_POLICY.attempts, readTimeoutMs: DEFAULT_RETRY_POLICY.readTimeoutMs, maxArtifactBytes: 16 * 1024 ** 3 },
      linkMode: 'hardlink',
      offline: false,
      mirrors: [],
      hosts: {},
      mavenLayout: false,
      verifySidecars: false,
      storeDir: '/ws/.nx/hermetic/store',
    });
  });

  it('takes each setting from the first layer that sets it', () => {
    const s = resolveWith([
      { from: 'target', values: { concurrency: 2, storeDir: 'cache/store' } },
      { from: 'plugin', values: { concurrency: 16, attempts: 9, allowHosts: ['*.corp.example'], mavenLayout: true } },
    ]);
    expect(s).toMatchObject({ concurrency: 2, policy: { attempts: 9 }, hosts: { allow: ['*.corp.example'] }, mavenLayout: true, storeDir: '/ws/cache/store' });
  });

  it('applies the environment as the table says: fallback, adds, enables', () => {
    const env = {
      HERMETIC_MAX_ARTIFACT_SIZE: '64K',
      HERMETIC_STORE_DIR: '/elsewhere',
      HERMETIC_OFFLINE: '1',
      HERMETIC_ALLOW_HOSTS: 'ci.example',
      HERMETIC_MIRRORS: 'https://a.example/=https://b.example/',
    };
    const s = resolveWith([{ from: 'plugin', values: { allowHosts: ['repo.example'], offline: false } }], env);
    expect(s).toMatchObject({
      policy: { maxArtifactBytes: 65536 },
      storeDir: '/elsewhere',
      offline: true,
      hosts: { allow: ['repo.example', 'ci.example'] },
      mirrors: [{ from: 'https://a.example/', to: 'https://b.example/' }],
    });
    // An option wins over a fallback variable.
    expect(resolveWith([{ from: 'target', values: { maxArtifactSize: '1M', storeDir: '/s' } }], env)).toMatchObject({
      policy: { maxArtifactBytes: 1024 ** 2 },
      storeDir: '/s',
    });
  });

  it('names the setting and where it was written when a value is wrong', () => {
    expect(error(() => resolveWith([{ from: 'the options of web:fetch-generic', values: { concurrency: 0 } }]))).toMatchObject({
      code: 'InvalidInput',
      message: 'concurrency (the options of web:fetch-generic) must be a positive integer, got 0',
      hints: ['fix it in the options of web:fetch-generic'],
    });
    expect(error(() => resolveWith([{ from: 'nx.json', values: { linkMode: 'symlink' as never } }])).message).toBe(
      'linkMode (nx.json) must be one of hardlink, copy, got "symlink"',
    );
    expect(error(() => resolveWith([{ from: 'nx.json', values: { mirrors: [{ from: 'x' }] as never } }])).message).toMatch(
      /^mirrors \(nx.json\) must be a list/,
    );
    expect(error(() => resolveWith([], { HERMETIC_MAX_ARTIFACT_SIZE: 'lots' }))).toMatchObject({
      message: expect.stringMatching(/^\$HERMETIC_MAX_ARTIFACT_SIZE must be a positive number of bytes/),
      hints: ['unset HERMETIC_MAX_ARTIFACT_SIZE or correct it'],
    });
  });

  it('reads the flags of the command line, and names them in errors', () => {
    const flags = settingsFromFlags({ concurrency: '3', mirror: ['https://a.example/=https://b.example/'], copy: true, 'read-timeout': '500' });
    expect(flags).toEqual({ concurrency: 3, mirrors: [{ from: 'https://a.example/', to: 'https://b.example/' }], linkMode: 'copy', readTimeoutMs: 500 });
    const cli = (values: Record<string, string | boolean>) => resolveWith([{ from: 'the command line', values: settingsFromFlags(values), flags: true }]);
    expect(error(() => cli({ attempts: 'many' })).message).toBe('--attempts must be a positive integer, got "many"');
    expect(error(() => cli({ 'link-mode': 'move' })).message).toBe('--link-mode must be one of hardlink, copy, got "move"');
  });

  it('reads the netrc file a setting names, relative to the base directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-settings-'));
    writeFileSync(join(dir, 'creds'), 'machine repo.example login u password p\n');
    const s = resolveFetchSettings([{ from: 'target', values: { netrcFile: 'creds' } }], { ...base, baseDir: dir });
    expect([...s.netrc.machines.keys()]).toEqual(['repo.example']);
  });
});
