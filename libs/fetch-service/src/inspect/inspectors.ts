import { allowRulesInspector } from './allow-rules';
import { checksumFileInspector } from './checksum-files';
import { declaredInspector } from './declared';
import { mavenInspector, npmInspector, pythonInspector } from './formats';
import { mavenMetadataInspector } from './maven-metadata';
import { packageLockInspector, packageRequest } from './package-locks';
import { ArtifactIdentity, InspectedRequest, InspectedResponse, Inspection, InspectionContext, Inspector, Opinion } from './types';

/** The inspectors every session runs, in order; `default` answers only when none recognised the request. */
export const INSPECTORS: readonly Inspector[] = [
  declaredInspector,
  packageLockInspector,
  mavenMetadataInspector,
  checksumFileInspector,
  allowRulesInspector,
  mavenInspector,
  npmInspector,
  pythonInspector,
];
export const INSPECTOR_IDS = [...INSPECTORS.map((i) => i.id), 'default'];

export type Inspections = Record<string, Inspection>;

export function inspectRequest(req: InspectedRequest, ctx: InspectionContext): Inspections {
  const out: Inspections = {};
  for (const i of INSPECTORS) {
    const r = i.request(req, ctx);
    if (r) out[i.id] = r;
  }
  if (!Object.keys(out).length) out.default = { opinion: 'Unknown', reason: 'the request was not recognized by any format inspector' };
  return out;
}

export function inspectResponse(req: InspectedRequest, res: InspectedResponse, ctx: InspectionContext): Inspections {
  const out: Inspections = {};
  for (const i of INSPECTORS) {
    const r = i.response(req, res, ctx);
    if (r) out[i.id] = r;
  }
  if (!Object.keys(out).length) out.default = { opinion: 'Unknown', reason: 'the artifact format is unknown' };
  return out;
}

export function identify(req: InspectedRequest): ArtifactIdentity {
  for (const i of INSPECTORS) {
    const a = i.identify?.(req);
    if (a) return a;
  }
  return { name: '', version: '' };
}

const has = (x: Inspections, o: Opinion) => Object.values(x).some((i) => i.opinion === o);

/** May a strict session send this request upstream? At least one Pending, and no Rejected. */
export function requestAllowed(x: Inspections): boolean {
  return has(x, 'Pending') && !has(x, 'Rejected');
}

/** The artifact result rule of the Go server (`metadata/artifact.go`). */
export function resultOf(request: Inspections, response: Inspections): 'Approved' | 'Rejected' {
  return requestAllowed(request) && has(response, 'Approved') && !has(response, 'Rejected') ? 'Approved' : 'Rejected';
}

/** Does the response's verdict depend on its bytes (so a strict proxy must hold the end back)? */
export function verdictNeedsContent(req: InspectedRequest, ctx: InspectionContext): boolean {
  const pinned = packageLockInspector.request(req, ctx)?.opinion === 'Pending' && !packageRequest(req)?.metadata;
  return (ctx.declared.has(req.canonical) || pinned || !!checksumFileInspector.request(req, ctx)) && !allowRulesInspector.request(req, ctx);
}
