import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { parseReport } from '@hermetic/fetch-service/client';
import { artifactsBefore } from './artifacts';
import { quarantineArtifacts, SessionResults, writeArtifactManifests } from './session-results';

describe('session results: manifests and quarantine', () => {
  let root: string;
  let stderr: string;
  const results = (patterns: string[]): SessionResults => ({
    context: { root, projectName: 'web' } as ExecutorContext,
    projectRoot: 'apps/web',
    patterns,
    report: parseReport({ artifacts: [] }),
    lockfile: 'apps/web/artifacts.lock.yaml',
    version: '1.2.3',
    before: new Map(),
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

  describe('an artifact left from an earlier run (the command did not write it)', () => {
    const earlierManifest = '{"from": "the earlier session"}';
    async function afterCommand(write: boolean) {
      writeFileSync(join(root, 'dist/web.tgz.json'), earlierManifest);
      writeFileSync(join(root, 'dist/old.tgz'), 'an earlier build');
      writeFileSync(join(root, 'dist/old.tgz.json'), earlierManifest);
      const r = { ...results(['dist/*.tgz']), before: await artifactsBefore(root, ['dist/*.tgz']) };
      // The command: re-creates web.tgz (or rewrites it in place), leaves old.tgz as it was.
      if (write) {
        rmSync(join(root, 'dist/web.tgz'));
        writeFileSync(join(root, 'dist/web.tgz'), 'packed again');
      }
      return r;
    }

    it('gets no manifest of this session; what the command packed does', async () => {
      await writeArtifactManifests(await afterCommand(true));
      expect(JSON.parse(readFileSync(join(root, 'dist/web.tgz.json'), 'utf8'))).toMatchObject({ 'component-name': 'web' });
      expect(readFileSync(join(root, 'dist/old.tgz.json'), 'utf8')).toBe(earlierManifest);
      expect(stderr).toMatch(/dist\/old\.tgz was not written by the command \(it is left from an earlier run\): no manifest written for it/);
      expect(stderr).not.toMatch(/web\.tgz was not written/);
    });

    it('an artifact rewritten in place (same file, new bytes) counts as packed', async () => {
      const r = await afterCommand(false);
      writeFileSync(join(root, 'dist/web.tgz'), 'packed in place');
      await writeArtifactManifests(r);
      expect(JSON.parse(readFileSync(join(root, 'dist/web.tgz.json'), 'utf8'))).toMatchObject({ 'component-name': 'web' });
    });

    it('is not quarantined by a strict rejection as if this run had packed it', async () => {
      // A command that failed before packing anything: both files are an earlier run's.
      await quarantineArtifacts(await afterCommand(false));
      expect(readFileSync(join(root, 'dist/web.tgz'), 'utf8')).toBe('packed');
      expect(existsSync(join(root, 'dist/web.tgz.rejected'))).toBe(false);
      expect(readFileSync(join(root, 'dist/web.tgz.json'), 'utf8')).toBe(earlierManifest);
      expect(stderr).toMatch(/dist\/web\.tgz was not written by the command \(it is left from an earlier run\): not quarantined/);
    });

    it('what the command packed is quarantined', async () => {
      await quarantineArtifacts(await afterCommand(true));
      expect(existsSync(join(root, 'dist/web.tgz'))).toBe(false);
      expect(readFileSync(join(root, 'dist/web.tgz.rejected'), 'utf8')).toBe('packed again');
      expect(existsSync(join(root, 'dist/web.tgz.rejected.json'))).toBe(true);
      expect(readFileSync(join(root, 'dist/old.tgz'), 'utf8')).toBe('an earlier build');
    });
  });

  it('says so when the artifacts match no file after the command, instead of writing nothing in silence', async () => {
    await writeArtifactManifests(results(['out/*.tgz', 'apps/web/web.tgz']));
    expect(stderr).toMatch(
      /no file matches the pack target's artifacts \(out\/\*\.tgz, apps\/web\/web\.tgz\) after the command: no <artifact>\.json was written/,
    );
    expect(existsSync(join(root, 'dist/web.tgz.json'))).toBe(false);
  });
});
