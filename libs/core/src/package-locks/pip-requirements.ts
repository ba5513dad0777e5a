import type { Checksum } from '../checksum/parse-checksum';
import { normalizePypiName, pypiPurl } from './purl';
import { checksumFromHex } from './sri';
import { PackageLockRead, PinnedPackage } from './types';

/** Logical lines: comments dropped, `\` continuations joined. */
function logicalLines(text: string): string[] {
  return text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean);
}

/**
 * The downloads a pip requirements file pins in hash-checking mode (`name==version --hash=sha256:…`,
 * as `pip-compile --generate-hashes` and `pip install --require-hashes` use): each requirement's
 * hashes are alternatives (one per wheel or sdist of that version), any one approving. A
 * requirement without `==` or without a hash pins nothing and is named in a warning; options
 * (`-r`, `--index-url`, …) are not followed.
 */
export function readPipRequirements(file: string, text: string): PackageLockRead {
  const packages: PinnedPackage[] = [];
  const warnings: string[] = [];
  for (const line of logicalLines(text)) {
    if (line.startsWith('-')) continue;
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;]+)/.exec(line);
    const hashes = [...line.matchAll(/--hash[=\s]+(sha256|sha512):([0-9a-fA-F]+)/g)]
      .map(([, algorithm, hex]) => checksumFromHex(algorithm as 'sha256' | 'sha512', hex))
      .filter((c): c is Checksum => !!c);
    if (!m || !hashes.length) {
      warnings.push(`${file}: '${line.split(/\s/)[0]}' is not pinned with == and --hash: pip's hash-checking mode needs both`);
      continue;
    }
    const name = normalizePypiName(m[1]);
    packages.push({
      ecosystem: 'pypi',
      name,
      version: m[2],
      checksums: hashes,
      anyOf: true,
      purl: pypiPurl(name, m[2]),
      pinnedBy: `${file}: ${m[1]}==${m[2]}`,
    });
  }
  return { file, packages, warnings };
}
