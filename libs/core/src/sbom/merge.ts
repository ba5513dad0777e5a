import { jsonPieces } from '../fs/json-pieces';
import { HermeticError } from '../errors';
import { CycloneDxBom, CycloneDxComponent, dedupeByPurl, subjectRef } from './cyclonedx';
import { namingOf, SbomOptions, timestampOf, uuidOf } from './options';

interface Annotation {
  subjects: string[];
  annotator: unknown;
  timestamp: string;
  text: string;
}

/**
 * Merges the CycloneDX SBOMs of several projects into one for the workspace: components
 * de-duplicated by purl, each project kept as an `application` component whose dependency edges
 * name its own artifacts, annotations with the same text merged (subjects united, latest time).
 */
export function mergeCycloneDx(boms: ReadonlyArray<{ file: string; bom: CycloneDxBom }>, options: SbomOptions): CycloneDxBom {
  const { tool, organization } = namingOf(options);
  const components: CycloneDxComponent[] = [];
  const dependencies: Array<{ ref: string; dependsOn: string[] }> = [];
  const annotations = new Map<string, Annotation>();
  const projects: CycloneDxComponent[] = [];
  for (const { file, bom } of boms) {
    if (bom.bomFormat !== 'CycloneDX' || !Array.isArray(bom.components)) {
      throw new HermeticError('InvalidInput', `${file} is not a CycloneDX JSON SBOM`, {
        hints: ['merge the bom.json files written by the sbom targets in CycloneDX format'],
      });
    }
    components.push(...bom.components);
    const subject = (bom.metadata as { component?: CycloneDxComponent } | undefined)?.component;
    if (subject) projects.push(subject);
    for (const d of (bom.dependencies as Array<{ ref: string; dependsOn?: string[] }> | undefined) ?? []) {
      const existing = dependencies.find((x) => x.ref === d.ref);
      if (existing) existing.dependsOn = [...new Set([...existing.dependsOn, ...(d.dependsOn ?? [])])].sort();
      else dependencies.push({ ref: d.ref, dependsOn: [...(d.dependsOn ?? [])].sort() });
    }
    for (const a of (bom.annotations as Annotation[] | undefined) ?? []) {
      const seen = annotations.get(a.text);
      if (!seen) annotations.set(a.text, { ...a, subjects: [...a.subjects] });
      else {
        seen.subjects = [...new Set([...seen.subjects, ...a.subjects])].sort();
        if (a.timestamp > seen.timestamp) seen.timestamp = a.timestamp;
      }
    }
  }
  const workspace = {
    'bom-ref': subjectRef(options.subject.name),
    type: 'application',
    name: options.subject.name,
    ...(options.subject.version ? { version: options.subject.version } : {}),
  };
  const projectComponents = dedupeByPurl(projects);
  dependencies.unshift({ ref: workspace['bom-ref'], dependsOn: projectComponents.map((p) => p['bom-ref']) });
  const body = {
    bomFormat: 'CycloneDX',
    ...(annotations.size ? { annotations: [...annotations.values()].sort((a, b) => (a.text < b.text ? -1 : 1)) } : {}),
    components: [...projectComponents, ...dedupeByPurl(components)],
    dependencies,
    metadata: {
      ...(options.reproducible ? {} : { timestamp: timestampOf(options) }),
      tools: [{ vendor: organization, name: tool }],
      component: workspace,
    },
    specVersion: '1.6',
    version: 1,
  };
  return { ...body, serialNumber: `urn:uuid:${uuidOf(options, jsonPieces(body))}` };
}
