import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { parseReport } from '@hermetic/fetch-service/client';
import { SessionResults, writeArtifactManifests } from './session-results';

describe('writeArtifactManifests', () => {
  let root: string;
  let stderr: string;
  const results = (patterns: string[]): SessionResults => ({
    context: { root, projectName: 'web' } as ExecutorContext,
    projectRoot: 'apps/web',
    patterns,
    report: parseReport({ artifacts: [] }),
    lockfile: 'apps/web/artifacts.lock.yaml',
    version: '1.2.3',
  });

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'hermetic-pack-'));
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist/web.tgz'), 'packed');
    stderr = '';
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => jest.restoreAllMocks());

  it('writes <artifact>.json beside each packed artifact, in craft manifest shape', async () => {
    await writeArtifactManifests(results(['dist/*.tgz']));
    expect(JSON.parse(readFileSync(join(root, 'dist/web.tgz.json'), 'utf8'))).toMatchObject({ 'component-name': 'web', 'component-version': '1.2.3' });
    expect(stderr).toBe('');
  });

  it('says so when the artifacts match no file after the command, instead of writing nothing in silence', async () => {
    await writeArtifactManifests(results(['out/*.tgz', 'apps/web/web.tgz']));
    expect(stderr).toMatch(
      /no file matches the pack target's artifacts \(out\/\*\.tgz, apps\/web\/web\.tgz\) after the command: no <artifact>\.json was written/,
    );
    expect(existsSync(join(root, 'dist/web.tgz.json'))).toBe(false);
  });
});
