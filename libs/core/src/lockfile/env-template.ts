/**
 * `$NAME` / `${NAME}` templates as Python's `string.Template` reads them (`$$` is a literal `$`),
 * used for credentials in lockfile v2 `auth`. Parsing keeps the template; `expand` resolves it at
 * request time so secrets are never stored in the model, printed or written.
 */
export interface EnvTemplate {
  readonly template: string;
  /** Variable names referenced, in order of first use. */
  readonly variables: readonly string[];
}

type Part = { literal: string } | { variable: string };

const IDENT = /^[_a-zA-Z][_a-zA-Z0-9]*/;

/** Splits a template into literal and variable parts, or throws a message naming the bad placeholder. */
function tokenize(template: string): Part[] {
  const parts: Part[] = [];
  let literal = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch !== '$') {
      literal += ch;
      continue;
    }
    const rest = template.slice(i + 1);
    if (rest.startsWith('$')) {
      literal += '$';
      i += 1;
      continue;
    }
    const braced = /^\{([_a-zA-Z][_a-zA-Z0-9]*)\}/.exec(rest);
    const bare = braced ? null : IDENT.exec(rest);
    const name = braced ? braced[1] : bare?.[0];
    if (!name) {
      throw new Error(`invalid placeholder at character ${i + 1}: write $NAME or \${NAME}, and $$ for a literal $`);
    }
    if (literal) parts.push({ literal });
    literal = '';
    parts.push({ variable: name });
    i += braced ? braced[0].length : name.length;
  }
  if (literal) parts.push({ literal });
  return parts;
}

/** Parses a template; throws `Error` with a user-facing message when a placeholder is malformed. */
export function parseEnvTemplate(template: string): EnvTemplate {
  const variables: string[] = [];
  for (const part of tokenize(template)) {
    if ('variable' in part && !variables.includes(part.variable)) variables.push(part.variable);
  }
  return { template, variables };
}

/** Expands a template against an environment; throws naming the first unset variable (never a value). */
export function expandEnvTemplate(t: EnvTemplate, env: NodeJS.ProcessEnv): string {
  return tokenize(t.template)
    .map((part) => {
      if ('literal' in part) return part.literal;
      const value = env[part.variable];
      if (value === undefined) throw new Error(`environment variable '${part.variable}' referenced in auth config is not set`);
      return value;
    })
    .join('');
}
