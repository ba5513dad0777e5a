/**
 * URL globs as the Fetch Service uses them in secrets and allow rules: `**` matches anything
 * (slashes included), `*` anything but `/`, `?` one character. Matched against the whole string.
 */
export function globToRegExp(glob: string): RegExp {
  // Rules are matched on every proxied request: compile each once.
  let cached = compiled.get(glob);
  if (!cached) {
    cached = compile(glob);
    compiled.set(glob, cached);
  }
  return cached;
}

const compiled = new Map<string, RegExp>();

function compile(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function matchesGlob(glob: string, text: string): boolean {
  return globToRegExp(glob).test(text);
}
