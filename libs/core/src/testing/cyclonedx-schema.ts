import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A validator for the official CycloneDX 1.6 JSON schema, as @cyclonedx/cyclonedx-library ships it. */
export function cycloneDx16Validator() {
  const dir = join(require.resolve('@cyclonedx/cyclonedx-library/package.json'), '..', 'res', 'schema');
  const load = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // Formats the schema uses that ajv-formats lacks: checked, not ignored.
  ajv.addFormat('iri-reference', (s: string) => {
    try {
      new URL(s, 'http://base.invalid/');
      return !/\s/.test(s);
    } catch {
      return false;
    }
  });
  ajv.addFormat('idn-email', /^[^\s@]+@[^\s@]+$/u);
  // The library renames the files it ships (*.SNAPSHOT.*) and rewrites the references to match.
  for (const f of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json', 'cryptography-defs.SNAPSHOT.schema.json']) {
    const { $id: _id, ...schema } = load(f);
    ajv.addSchema(schema, `http://cyclonedx.org/schema/${f}`);
  }
  return ajv.compile(load('bom-1.6.SNAPSHOT.schema.json'));
}
