import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { craftManifest, ProjectManifest, rejectionsText } from './manifest';
import { parseReport } from './report';

const EXAMPLES = join(__dirname, '..', 'testing', 'fixtures', 'upstream', 'craft-application');
const read = (f: string) => readFileSync(join(EXAMPLES, f), 'utf8');

describe("report → manifest (craft-application's test data)", () => {
  let project: ProjectManifest;
  beforeAll(() => {
    project = parse(read('project-expected.yaml')) as ProjectManifest;
  });

  it('maps the report to a byte-identical craft manifest', () => {
    const manifest = craftManifest(project, parseReport(JSON.parse(read('session-report.json'))), false);
    // The upstream test appends a newline to json.dumps(indent=2) output.
    expect(`${JSON.stringify(manifest, null, 2)}\n`).toBe(read('craft-manifest-expected.json'));
  });

  it('prints the rejected artifacts exactly as craft does', () => {
    expect(rejectionsText(parseReport(JSON.parse(read('session-report.json'))))).toBe(read('expected-rejections-output.txt').trimEnd());
  });

  it('reads the legacy "artefacts" spelling too', () => {
    const legacy = parseReport(JSON.parse(read('session-report-legacy-artefacts.json')));
    const current = parseReport(JSON.parse(read('session-report.json')));
    expect(legacy.artifacts).toHaveLength(current.artifacts.length);
    expect(craftManifest(project, legacy, false).dependencies).toEqual(craftManifest(project, current, false).dependencies);
  });

  it('adds the verdict, reasons and purl in the extended manifest', () => {
    const deps = craftManifest(project, parseReport(JSON.parse(read('session-report.json'))), true).dependencies as Array<Record<string, unknown>>;
    expect(deps.filter((d) => d.result === 'Rejected').map((d) => (d['rejection-reasons'] as string[]).length)).toEqual([3, 2]);
  });
});

describe('report parsing', () => {
  it('tolerates missing keys and warns on an unknown major metadata version', () => {
    const r = parseReport({ artifacts: [{ 'artifact-metadata-version': '1.0' }, {}] });
    expect(r.artifacts).toHaveLength(2);
    expect(r.warnings).toEqual(['unknown artifact metadata version 1.0: the report may be misread']);
    expect(parseReport(null).artifacts).toEqual([]);
  });
});
