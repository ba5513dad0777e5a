/*
 * Paths into a lockfile's data, without the yaml library: the quick parse and the checks use them,
 * and only the thorough parse (positions) needs yaml itself.
 */

/** A path into a YAML document: mapping keys and sequence indexes. */
export type YamlPath = ReadonlyArray<string | number>;

/** `artifacts[2].attributes.version` for `['artifacts', 2, 'attributes', 'version']`. */
export function formatPointer(path: YamlPath): string {
  return path.reduce<string>((acc, step) => (typeof step === 'number' ? `${acc}[${step}]` : acc ? `${acc}.${step}` : step), '');
}
