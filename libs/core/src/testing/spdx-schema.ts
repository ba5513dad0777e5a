import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A validator for the official SPDX 2.3 JSON schema (fixtures/spdx-schema-2.3.json, JSON Schema draft-07). */
export function spdx23Validator() {
  const schema = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'spdx-schema-2.3.json'), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}
