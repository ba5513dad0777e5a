import { load } from 'js-yaml';
import { ArtifactLocator } from './artifact-locator';
import { parseCleanLockfile } from './parse-clean-lockfile';
import * as yamlSource from './yaml-source';

const sha256 = (i: number) => i.toString(16).padStart(64, '0');

/** A lockfile of `count` URL artifacts, the one at `weak` with an md5 checksum (a warning). */
function lockfile(count: number, weak: number): string {
  const items = Array.from({ length: count }, (_, i) =>
    i === weak
      ? `  - download_url: https://h.example/${i}.bin\n    checksum: md5:${'a'.repeat(32)}\n`
      : `  - download_url: https://h.example/${i}.bin\n    checksum: sha256:${sha256(i)}\n`,
  );
  return `metadata:\n  version: "1.0"\nartifacts:\n${items.join('')}`;
}

/** The texts the YAML documents with positions were made of, while `run` runs. */
function documentsParsed(run: () => void): string[] {
  const texts: string[] = [];
  const { YamlSource } = yamlSource;
  const made = jest.spyOn(yamlSource, 'YamlSource').mockImplementation(function (this: unknown, text: string) {
    texts.push(text);
    return new YamlSource(text);
  } as never);
  try {
    run();
  } finally {
    made.mockRestore();
  }
  return texts;
}

describe('ArtifactLocator', () => {
  it('places a warning in a large lockfile by parsing only its artifact with positions', () => {
    const text = lockfile(1000, 700);
    let warnings: readonly unknown[] = [];
    const texts = documentsParsed(() => (warnings = parseCleanLockfile(text, 'big.lock.yaml', false)!.warnings));
    expect(warnings).toEqual([expect.objectContaining({ severity: 'warning', line: 3 + 2 * 700 + 2, column: 15, pointer: 'artifacts[700].checksum' })]);
    expect(texts).toEqual([`  - download_url: https://h.example/700.bin\n    checksum: md5:${'a'.repeat(32)}\n`]);
  });

  it('falls back to the whole document for a layout it does not read, with the same answer', () => {
    const flow = `metadata:\n  version: "1.0"\nartifacts: [\n  {download_url: "https://h.example/a.bin",\n   checksum: "md5:${'a'.repeat(32)}"}]\n`;
    let warnings: readonly unknown[] = [];
    const texts = documentsParsed(() => (warnings = parseCleanLockfile(flow, 'flow.lock.yaml', false)!.warnings));
    expect(warnings).toEqual([expect.objectContaining({ line: 5, column: 14, pointer: 'artifacts[0].checksum' })]);
    expect(texts).toEqual([flow]);
  });

  it('does not trust an item whose text is not the artifact the whole parse found there', () => {
    const text = lockfile(3, 1);
    const data = load(text) as { artifacts: unknown[] };
    // As if the list's items had been split wrongly: the item read is not the artifact at that index.
    const shifted = [data.artifacts[0], data.artifacts[2], data.artifacts[1]];
    const texts = documentsParsed(() => {
      expect(new ArtifactLocator(text, shifted).locate(['artifacts', 1, 'checksum'])).toEqual({ line: 7, column: 15 });
    });
    expect(texts).toHaveLength(2);
    expect(texts[1]).toBe(text);
  });
});
