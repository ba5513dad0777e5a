import type { MirrorRule } from '../fetch/url-rules';

/**
 * Every setting of a fetch, declared once. The CLI builds its flags and `--help` from this table,
 * the Nx plugin derives its option types from it, a spec checks both executors' schema.json
 * against it, and `resolveFetchSettings` applies it (layers, environment, defaults, validation) for
 * the CLI, the executors and the generators alike.
 */

/** How a setting's value is written and checked. */
export type SettingKind = 'count' | 'boolean' | 'path' | 'byteSize' | 'hosts' | 'mirrors' | 'linkMode';

/** What a setting's environment variable does when it is set. */
export type EnvMode =
  /** used when no option gives a value */
  | 'fallback'
  /** its entries are added to the option's */
  | 'adds'
  /** `1` turns the setting on whatever the options say */
  | 'enables';

/** One row of the table. */
export interface SettingSpec {
  kind: SettingKind;
  /** The CLI flag, without `--`; repeatable for the list kinds. */
  flag: string;
  /** The placeholder `--help` shows after the flag. */
  arg?: string;
  /** The value when no option and no environment variable gives one. */
  default?: number | boolean | string;
  /** How `--help` states the default when it depends on where Hermetic runs (the CLI's own). */
  cliDefault?: string;
  env?: { name: string; mode: EnvMode };
  /** One line for `--help`. */
  summary: string;
  /** The executors' schema.json description (the Nx user's documentation), word for word. */
  description: string;
  /** Also an option of the plugin in nx.json, for every fetch target of the workspace. */
  plugin: boolean;
  /** Only `fetch-maven` (and the CLI) take it. */
  mavenOnly?: true;
}

export const LINK_MODES = ['hardlink', 'copy'] as const;

export const FETCH_SETTINGS = {
  concurrency: {
    kind: 'count',
    flag: 'concurrency',
    arg: '<n>',
    default: 8,
    summary: 'downloads at once',
    description: 'Downloads in flight at once.',
    plugin: true,
  },
  attempts: {
    kind: 'count',
    flag: 'attempts',
    arg: '<n>',
    default: 5,
    summary: 'attempts per download, the first included',
    description: 'Attempts per download, the first included; retried on connection errors, 408, 429, 5xx and bodies cut short.',
    plugin: true,
  },
  readTimeoutMs: {
    kind: 'count',
    flag: 'read-timeout',
    arg: '<ms>',
    default: 60_000,
    summary: 'milliseconds to wait for headers and between body chunks',
    description: 'Milliseconds to wait for response headers and between body chunks before the attempt fails.',
    plugin: true,
  },
  maxArtifactSize: {
    kind: 'byteSize',
    flag: 'max-artifact-size',
    arg: '<bytes>',
    default: '16G',
    env: { name: 'HERMETIC_MAX_ARTIFACT_SIZE', mode: 'fallback' },
    summary: 'largest artifact accepted, e.g. 2G',
    description:
      'Largest artifact accepted, in bytes or with a suffix (2G, 512M); a larger or endless body fails and leaves nothing behind. Default: $HERMETIC_MAX_ARTIFACT_SIZE, else 16G.',
    plugin: true,
  },
  storeDir: {
    kind: 'path',
    flag: 'store',
    arg: '<dir>',
    env: { name: 'HERMETIC_STORE_DIR', mode: 'fallback' },
    cliDefault: '~/.cache/hermetic/store',
    summary: 'content store',
    description: 'Content store directory. Default: $HERMETIC_STORE_DIR, else .nx/hermetic/store in the workspace (the CLI: ~/.cache/hermetic/store).',
    plugin: true,
  },
  linkMode: {
    kind: 'linkMode',
    flag: 'link-mode',
    arg: '<mode>',
    default: 'hardlink',
    summary: 'how files leave the store: hardlink, or copy (--copy for short)',
    description: 'How files leave the store: hard links where the filesystem allows (copies otherwise), or always copies.',
    plugin: true,
  },
  offline: {
    kind: 'boolean',
    flag: 'offline',
    default: false,
    env: { name: 'HERMETIC_OFFLINE', mode: 'enables' },
    summary: 'serve only from the store; never download',
    description: 'Serve only from the store; fail naming what is missing instead of downloading. Also set by HERMETIC_OFFLINE=1.',
    plugin: true,
  },
  mirrors: {
    kind: 'mirrors',
    flag: 'mirror',
    arg: '<from=to>',
    env: { name: 'HERMETIC_MIRRORS', mode: 'adds' },
    summary: 'download URLs starting with <from> from <to> instead (the SBOM keeps the original URLs)',
    description:
      "URL prefix rewrites: download every URL starting with 'from' from 'to' instead. The lockfile and SBOM keep the original URLs; the checksum still decides. Default: the plugin's 'mirrors' option in nx.json. $HERMETIC_MIRRORS adds rules.",
    plugin: true,
  },
  allowHosts: {
    kind: 'hosts',
    flag: 'allow-host',
    arg: '<host>',
    env: { name: 'HERMETIC_ALLOW_HOSTS', mode: 'adds' },
    summary: "only contact these hosts, e.g. '*.corp.example'",
    description:
      "Only these hosts may be contacted ('*.corp.example' matches subdomains). Checked for every artifact before any download. Default: the plugin option; $HERMETIC_ALLOW_HOSTS adds to it.",
    plugin: true,
  },
  blockHosts: {
    kind: 'hosts',
    flag: 'block-host',
    arg: '<host>',
    env: { name: 'HERMETIC_BLOCK_HOSTS', mode: 'adds' },
    summary: 'never contact these hosts',
    description: 'These hosts may never be contacted (wins over allowHosts). Default: the plugin option; $HERMETIC_BLOCK_HOSTS adds to it.',
    plugin: true,
  },
  netrcFile: {
    kind: 'path',
    flag: 'netrc',
    arg: '<file>',
    env: { name: 'NETRC', mode: 'fallback' },
    cliDefault: '~/.netrc',
    summary: 'credentials for hosts without lockfile auth',
    description:
      "A .netrc file (relative to the workspace root) with credentials for hosts without lockfile 'auth' and for mirror hosts. Default: $NETRC, else ~/.netrc.",
    plugin: true,
  },
  mavenLayout: {
    kind: 'boolean',
    flag: 'maven-layout',
    default: false,
    summary: 'also write Maven artifacts as a Maven repository in <output>/deps/maven',
    description:
      'Also write a Maven repository layout to <outputDir>/deps/maven/<group path>/<artifact>/<version>/ with a settings.xml mirroring everything to it (mvn -s ...), or use it as local repository (mvn -o -Dmaven.repo.local=...).',
    plugin: true,
    mavenOnly: true,
  },
  verifySidecars: {
    kind: 'boolean',
    flag: 'verify-sidecars',
    default: false,
    summary: "compare Maven artifacts with the repository's .sha1/.sha256/.sha512 files",
    description:
      'Compare each artifact with the .sha512/.sha256/.sha1 files the repository serves beside it; a disagreement with the lockfile is an error naming both values.',
    plugin: true,
    mavenOnly: true,
  },
} as const satisfies Record<string, SettingSpec>;

/** The name of a fetch setting, as option (nx.json, project.json, schema.json) and in code. */
export type FetchSettingName = keyof typeof FETCH_SETTINGS;

/** The value type each kind takes in configuration. */
interface KindValues {
  count: number;
  boolean: boolean;
  path: string;
  byteSize: number | string;
  hosts: string[];
  mirrors: MirrorRule[];
  linkMode: (typeof LINK_MODES)[number];
}

/** Fetch settings as configuration gives them (every one optional): executor options, plugin options. */
export type FetchSettingsInput = { [K in FetchSettingName]?: KindValues[(typeof FETCH_SETTINGS)[K]['kind']] };

type PluginSettingName = { [K in FetchSettingName]: (typeof FETCH_SETTINGS)[K]['plugin'] extends true ? K : never }[FetchSettingName];
type MavenOnlySettingName = { [K in FetchSettingName]: (typeof FETCH_SETTINGS)[K] extends { mavenOnly: true } ? K : never }[FetchSettingName];

/** The fetch settings the plugin takes in nx.json. */
export type PluginFetchSettings = Pick<FetchSettingsInput, PluginSettingName>;
/** The fetch settings of `fetch-generic` (all but the Maven-only ones). */
export type GenericFetchSettings = Omit<FetchSettingsInput, MavenOnlySettingName>;

/** The table's rows, in order. */
export function fetchSettingEntries(): Array<[FetchSettingName, SettingSpec]> {
  return Object.entries(FETCH_SETTINGS) as Array<[FetchSettingName, SettingSpec]>;
}
