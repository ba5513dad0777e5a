import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HermeticError } from '../errors';

/** One `machine` (or the `default`) entry of a .netrc file. */
export interface NetrcEntry {
  login: string;
  password: string;
}

/** Parsed .netrc: entries by host, plus the optional default. */
export interface Netrc {
  machines: Map<string, NetrcEntry>;
  fallback?: NetrcEntry;
}

/**
 * Parses .netrc text (`machine`, `login`, `password`, `default`; `account` and `macdef` skipped), as
 * curl and ftp read it. Tokens may be quoted with double quotes.
 */
export function parseNetrc(text: string): Netrc {
  // A macro runs from its `macdef` line to the next blank line; nothing of it concerns HTTP, and the
  // entries after it are read as usual.
  const withoutMacros = text.replace(/(^|\s)macdef[ \t]+[^\n]*(?:\n(?![ \t]*(?:\n|$))[^\n]*)*/g, '$1');
  const tokens = [...withoutMacros.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]));
  const netrc: Netrc = { machines: new Map() };
  let current: { host?: string; entry: Partial<NetrcEntry> } | undefined;
  const flush = () => {
    if (current?.entry.login !== undefined || current?.entry.password !== undefined) {
      const entry = { login: current.entry.login ?? '', password: current.entry.password ?? '' };
      if (current.host === undefined) netrc.fallback = entry;
      else if (!netrc.machines.has(current.host)) netrc.machines.set(current.host, entry);
    }
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === 'machine') {
      flush();
      current = { host: (tokens[++i] ?? '').toLowerCase(), entry: {} };
    } else if (t === 'default') {
      flush();
      current = { entry: {} };
    } else if (t === 'login' && current) current.entry.login = tokens[++i];
    else if (t === 'password' && current) current.entry.password = tokens[++i];
    else if (t === 'account') i++;
  }
  flush();
  return netrc;
}

/** Reads `$NETRC` or `~/.netrc` (or `file`); a missing file is an empty netrc. */
export function loadNetrc(env: NodeJS.ProcessEnv, file?: string): Netrc {
  const path = file ?? env.NETRC ?? join(env.HOME ?? homedir(), '.netrc');
  try {
    return parseNetrc(readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { machines: new Map() };
    throw new HermeticError('InvalidInput', `cannot read netrc file ${path}: ${(err as Error).message}`, {
      hints: ['fix its permissions or point NETRC / the netrcFile option elsewhere'],
    });
  }
}

/** Basic-auth header for a host from .netrc, if it has an entry (or a default). */
export function netrcHeaders(netrc: Netrc, host: string): Record<string, string> | undefined {
  const entry = netrc.machines.get(host.toLowerCase()) ?? netrc.fallback;
  if (!entry) return undefined;
  return { authorization: `Basic ${Buffer.from(`${entry.login}:${entry.password}`).toString('base64')}` };
}
