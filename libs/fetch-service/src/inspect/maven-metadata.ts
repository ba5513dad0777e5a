import { InspectedRequest, InspectionContext, Inspector } from './types';

const METADATA = /^(.*\/([^/]+))\/maven-metadata\.xml(?:\.(?:sha1|md5|sha256|sha512))?$/;

/**
 * The declared artifact whose `maven-metadata.xml` (or its checksum file) a request asks for: the
 * metadata of `<repo>/<group>/<artifactId>/` belongs to a declared `<repo>/<group>/<artifactId>/<version>/<artifactId>-…`.
 */
export function declaredMavenMetadata(req: InspectedRequest, ctx: InspectionContext): string | undefined {
  const m = METADATA.exec(req.canonical.split('?')[0]);
  if (!m || req.url.search) return undefined;
  const [, dir, artifactId] = m;
  for (const url of ctx.declared.keys()) {
    const rest = url.startsWith(`${dir}/`) ? url.slice(dir.length + 1).split('/') : [];
    if (rest.length === 2 && rest[1].startsWith(`${artifactId}-${rest[0]}`)) return url;
  }
  return undefined;
}

/**
 * `maven-metadata.xml` of a declared Maven artifact (what Maven reads to resolve versions, with its
 * checksum files): allowed as metadata, and reported apart from the artifacts, as the metadata of
 * pinned packages is. Only for group/artifact folders a declared artifact lives in.
 */
export const mavenMetadataInspector: Inspector = {
  id: 'maven-metadata',
  request(req, ctx) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
    const of = declaredMavenMetadata(req, ctx);
    return of ? { opinion: 'Pending', reason: `Maven metadata of the declared ${of}` } : undefined;
  },
  response(req, res, ctx) {
    const of = declaredMavenMetadata(req, ctx);
    if (!of || res.status < 200 || res.status >= 300) return undefined;
    return { opinion: 'Approved', reason: `Maven metadata of the declared ${of} (recorded as metadata, not as an artifact)` };
  },
};
