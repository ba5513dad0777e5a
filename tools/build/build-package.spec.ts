import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain Node script of the build
const { checkResolvedDependencies } = require('./build-package') as {
  checkResolvedDependencies(manifest: { name: string; dependencies?: Record<string, string> }, outDir: string): void;
};

describe('checkResolvedDependencies (a build output must load the versions its package declares)', () => {
  const root = mkdtempSync(join(tmpdir(), 'hermetic-build-deps-'));
  const outDir = join(root, 'dist', 'libs', 'core');
  mkdirSync(outDir, { recursive: true });
  // What the workspace's root holds, where Node's resolution from the output ends up.
  for (const [name, version] of [
    ['js-yaml', '3.15.2'],
    ['zod', '4.6.7'],
  ]) {
    mkdirSync(join(root, 'node_modules', name), { recursive: true });
    writeFileSync(join(root, 'node_modules', name, 'package.json'), JSON.stringify({ name, version }));
  }

  it('passes when every pinned dependency resolves at its version, and leaves ranges alone', () => {
    expect(() => checkResolvedDependencies({ name: '@hermetic/core', dependencies: { zod: '4.6.7', other: '^1.0.0' } }, outDir)).not.toThrow();
  });

  it('fails naming each package, the version found and the fix, for another version or none', () => {
    expect(() => checkResolvedDependencies({ name: '@hermetic/core', dependencies: { 'js-yaml': '4.3.2', zod: '4.6.7', yaml: '2.9.1' } }, outDir)).toThrow(
      /^@hermetic\/core: the build output would not run with the dependencies it declares:\n {2}js-yaml 4\.3\.2 is declared, but .*node_modules\/js-yaml\/package\.json is 3\.15\.2\n {2}yaml 2\.9\.1 is declared, but nothing is found\nadd each to the root package\.json's dependencies at the declared version, then npm install$/,
    );
  });
});
