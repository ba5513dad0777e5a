import { addProjectConfiguration, Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { parseLockfile } from '@hermetic/core';
import { lockFromReportGenerator } from './generator';
import { userUrl } from '@hermetic/fetch-service/client';
import { learnEntries, mavenEntry } from './report-entries';

const SHA = (c: string) => c.repeat(64);
const artifact = (url: string, sha256: string, extra: Record<string, unknown> = {}, status = 200) => ({
  result: 'Approved',
  metadata: { sha256, ...extra },
  downloads: [{ url, method: 'GET', 'status-code': status }],
});

describe('lock-from-report', () => {
  it('learns URL and Maven entries, leaving out pinned packages, checksum files and failures', () => {
    const learned = learnEntries([
      artifact('https://files.example:443/tool-1.0.tgz', SHA('a')),
      artifact('https://repo.example:443/maven2/org/acme/lib/1.2/lib-1.2-sources.jar', SHA('b'), {
        purl: 'pkg:maven/org.acme/lib@1.2?type=jar&classifier=sources',
      }),
      artifact('https://registry.example:443/left-pad/-/left-pad-1.3.0.tgz', SHA('c'), { 'pinned-by': 'package-lock.json: node_modules/left-pad' }),
      artifact('https://repo.example:443/maven2/org/acme/lib/1.2/lib-1.2.jar.sha1', SHA('d'), { type: 'text/x.checksum' }),
      artifact('http://plain.example:80/missing.bin', SHA('e'), {}, 404),
    ]);
    expect(learned.entries.map((e) => e.artifact)).toEqual([
      { kind: 'url', url: 'https://files.example/tool-1.0.tgz', checksum: `sha256:${SHA('a')}` },
      {
        kind: 'maven',
        repositoryUrl: 'https://repo.example/maven2',
        groupId: 'org.acme',
        artifactId: 'lib',
        version: '1.2',
        type: 'jar',
        classifier: 'sources',
        checksum: `sha256:${SHA('b')}`,
      },
    ]);
    expect(learned.pinned).toEqual(['https://registry.example/left-pad/-/left-pad-1.3.0.tgz (package-lock.json: node_modules/left-pad)']);
    expect(learned.skipped).toHaveLength(2);
  });

  it('writes the report’s url forms as a user would', () => {
    expect([userUrl('https://h:443/x'), userUrl('http://h:80/x'), userUrl('http://h:8080/x')]).toEqual(['https://h/x', 'http://h/x', 'http://h:8080/x']);
    expect(mavenEntry('pkg:maven/org.acme/lib@1.2', 'https://elsewhere/x.jar', 'sha256:x')).toBeUndefined();
  });

  describe('generator', () => {
    let tree: Tree;
    beforeEach(() => {
      tree = createTreeWithEmptyWorkspace();
      addProjectConfiguration(tree, 'web', {
        root: 'apps/web',
        targets: { pack: { executor: '@hermetic/nx:pack', options: { command: 'true', artifacts: ['dist/web/web.tgz'] } } },
      });
      tree.write(
        'apps/web/artifacts.lock.yaml',
        `# reviewed\nmetadata:\n  version: "1.0"\nartifacts:\n  - download_url: "https://files.example/old.tgz"\n    checksum: "sha256:${SHA('f')}"\n`,
      );
      tree.write(
        'dist/web/web.session-report.json',
        JSON.stringify({
          artifacts: [artifact('https://files.example:443/old.tgz', SHA('f')), artifact('https://files.example:443/new.tgz', SHA('1'))],
        }),
      );
    });

    it('adds what the last pack downloaded, keeping existing entries and comments', async () => {
      await lockFromReportGenerator(tree, { project: 'web', skipFormat: true });
      const text = tree.read('apps/web/artifacts.lock.yaml', 'utf8')!;
      expect(text).toContain('# reviewed');
      expect(parseLockfile(text, 'x', { env: false }).artifacts.map((a) => a.url)).toEqual(['https://files.example/new.tgz', 'https://files.example/old.tgz']);
      // Idempotent: nothing is added twice.
      await lockFromReportGenerator(tree, { project: 'web', skipFormat: true });
      expect(parseLockfile(tree.read('apps/web/artifacts.lock.yaml', 'utf8')!, 'x', { env: false }).artifacts).toHaveLength(2);
    });

    it('reads a report with the legacy artefacts spelling (fetch-service before 0.6.0)', async () => {
      tree.write('dist/web/web.session-report.json', JSON.stringify({ artefacts: [artifact('https://files.example:443/new.tgz', SHA('1'))] }));
      await lockFromReportGenerator(tree, { project: 'web', skipFormat: true });
      expect(parseLockfile(tree.read('apps/web/artifacts.lock.yaml', 'utf8')!, 'x', { env: false }).artifacts.map((a) => a.url)).toContain(
        'https://files.example/new.tgz',
      );
    });

    it('names a report that is not JSON, or JSON that is no session report, and adds nothing', async () => {
      const before = tree.read('apps/web/artifacts.lock.yaml', 'utf8');
      tree.write('dist/web/web.session-report.json', '{"artifacts": [');
      await expect(lockFromReportGenerator(tree, { project: 'web', skipFormat: true })).rejects.toThrow(/^dist\/web\/web\.session-report\.json is not JSON \(/);
      tree.write('dist/web/web.session-report.json', JSON.stringify({ 'component-name': 'web', dependencies: [] }));
      await expect(lockFromReportGenerator(tree, { project: 'web', skipFormat: true })).rejects.toThrow(
        "dist/web/web.session-report.json is not a Fetch Service session report: it has no 'artifacts' list",
      );
      expect(tree.read('apps/web/artifacts.lock.yaml', 'utf8')).toBe(before);
    });

    it('says where the report should be when there is none', async () => {
      tree.delete('dist/web/web.session-report.json');
      await expect(lockFromReportGenerator(tree, { project: 'web', skipFormat: true })).rejects.toThrow(
        /no session report at dist\/web\/web\.session-report\.json/,
      );
    });
  });
});
