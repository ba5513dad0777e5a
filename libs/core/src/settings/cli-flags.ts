import type { ParseArgsConfig } from 'node:util';
import { parseMirrors } from '../fetch/url-rules';
import { fetchSettingEntries, FetchSettingsInput, SettingSpec } from './fetch-settings';

/** A CLI flag that is not a fetch setting (paths, SBOM options), described as the table describes settings. */
export interface ExtraFlag {
  flag: string;
  arg?: string;
  short?: string;
  summary: string;
}

type ParseArgsOptions = NonNullable<ParseArgsConfig['options']>;

const LIST_KINDS: ReadonlyArray<SettingSpec['kind']> = ['hosts', 'mirrors'];

/** `parseArgs` options for every fetch setting (lists repeatable), plus `extra`. */
export function cliParseOptions(extra: readonly ExtraFlag[]): ParseArgsOptions {
  const options: ParseArgsOptions = {};
  for (const [, spec] of fetchSettingEntries()) {
    options[spec.flag] = { type: spec.kind === 'boolean' ? 'boolean' : 'string', ...(LIST_KINDS.includes(spec.kind) ? { multiple: true } : {}) };
  }
  // Shorthand kept from before --link-mode existed.
  options.copy = { type: 'boolean' };
  for (const f of extra) options[f.flag] = { type: f.arg ? 'string' : 'boolean', ...(f.short ? { short: f.short } : {}) };
  return options;
}

/** What `--help` adds after a setting's summary: its default and its variable. */
function defaultNote(spec: SettingSpec): string {
  const env = spec.env;
  const otherwise = spec.cliDefault ?? spec.default;
  if (env?.mode === 'fallback') return ` (default $${env.name}${otherwise === undefined ? '' : `, else ${otherwise}`})`;
  if (env?.mode === 'adds') return ` (repeatable; $${env.name} adds more)`;
  if (env?.mode === 'enables') return ` (also ${env.name}=1)`;
  return spec.default === undefined || spec.default === false ? '' : ` (default ${spec.default})`;
}

const COLUMN = 24;
const WIDTH = 100;

/** Words of `text` in lines that end before WIDTH, the first one after the flag. */
function wrap(text: string): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && COLUMN + lines[last].length + 1 + word.length <= WIDTH) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

function helpLine(flag: string, summary: string): string {
  const left = `  ${flag}`;
  const text = wrap(summary).map((l) => `${' '.repeat(COLUMN)}${l}`);
  // Long flags get their text on the next line, as the column would otherwise overflow.
  if (left.length < COLUMN) text[0] = `${left.padEnd(COLUMN)}${text[0].trimStart()}`;
  else text.unshift(left);
  return text.join('\n');
}

function extraLine(f: ExtraFlag): string {
  return helpLine(`${f.short ? `-${f.short}, ` : ''}--${f.flag}${f.arg ? ` ${f.arg}` : ''}`, f.summary);
}

/** The options section of `--help`: `before`, every fetch setting with its default and variable, `after`. */
export function cliHelp(before: readonly ExtraFlag[], after: readonly ExtraFlag[]): string {
  const lines = before.map(extraLine);
  for (const [, spec] of fetchSettingEntries()) {
    lines.push(helpLine(`--${spec.flag}${spec.arg ? ` ${spec.arg}` : ''}`, `${spec.summary}${defaultNote(spec)}`));
  }
  lines.push(helpLine('--copy', 'same as --link-mode copy'));
  return [...lines, ...after.map(extraLine)].join('\n');
}

/**
 * The fetch settings a command line gives, as configuration values (`resolveFetchSettings` checks
 * them): counts become numbers, `--mirror from=to` rules, `--copy` the copy link mode.
 */
export function settingsFromFlags(values: Record<string, string | boolean | Array<string | boolean> | undefined>): FetchSettingsInput {
  const input: Record<string, unknown> = {};
  for (const [name, spec] of fetchSettingEntries()) {
    const value = values[spec.flag];
    if (value === undefined) continue;
    if (spec.kind === 'count') input[name] = /^\d+$/.test(String(value)) ? Number(value) : value;
    else if (spec.kind === 'mirrors') input[name] = parseMirrors((value as string[]).join(';'));
    else input[name] = value;
  }
  if (values.copy && input.linkMode === undefined) input.linkMode = 'copy';
  return input as FetchSettingsInput;
}
