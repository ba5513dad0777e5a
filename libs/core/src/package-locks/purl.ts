/** The purl of an npm package (`@scope/name` → `pkg:npm/%40scope/name@1.2.3`). */
export function npmPurl(name: string, version: string): string {
  const [scope, bare] = name.startsWith('@') ? [name.slice(0, name.indexOf('/')), name.slice(name.indexOf('/') + 1)] : [undefined, name];
  return `pkg:npm/${scope ? `${encodeURIComponent(scope)}/` : ''}${encodeURIComponent(bare)}@${encodeURIComponent(version)}`;
}

/** PEP 503's normalized project name: lower case, runs of `-`, `_`, `.` as one `-`. */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The purl of a PyPI package. */
export function pypiPurl(name: string, version: string): string {
  return `pkg:pypi/${normalizePypiName(name)}@${encodeURIComponent(version)}`;
}
