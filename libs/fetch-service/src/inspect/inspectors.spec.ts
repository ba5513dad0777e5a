import { parseChecksum, Checksum } from '@hermetic/core';
import { PackagePins } from '../sessions/package-pins';
import { canonicalUrl } from '../url';
import { identify, inspectRequest, inspectResponse, requestAllowed, resultOf, verdictNeedsContent } from './inspectors';
import { packageMetadataOf } from './package-locks';
import { DeclaredArtifact, InspectedRequest, InspectedResponse, InspectionContext } from './types';

const SHA256 = 'a'.repeat(64);
const SHA1 = 'b'.repeat(40);
const checksum = (text: string): Checksum => {
  const r = parseChecksum(text);
  if (!r.ok) throw new Error(r.message);
  return r.checksum;
};
const request = (href: string, method = 'GET'): InspectedRequest => {
  const url = new URL(href);
  return { method, url, canonical: canonicalUrl(url) };
};
const response = (digests: Record<string, string>, extra: Partial<InspectedResponse> = {}): InspectedResponse => ({
  status: 200,
  contentType: 'application/octet-stream',
  digests: new Map(Object.entries(digests)),
  size: 3,
  ...extra,
});
function context(declared: Record<string, string[]>, allow: string[] = [], fetched: Record<string, string> = {}): InspectionContext {
  const map = new Map<string, DeclaredArtifact>(
    Object.entries(declared).map(([href, sums]) => [canonicalUrl(new URL(href)), { url: href, checksums: sums.map(checksum) }]),
  );
  return { declared: map, packages: new PackagePins(), allow, fetchedDigest: (canonical, algorithm) => fetched[`${canonical} ${algorithm}`] };
}

describe('inspectors', () => {
  const jar = 'https://repo.example/maven2/org/example/lib/1.0/lib-1.0.jar';
  const ctx = context({ [jar]: [`sha256:${SHA256}`] }, ['*.allowed.example', 'https://files.example/pub/**']);

  it('lets a declared URL through and approves exactly its declared bytes', () => {
    const req = request(jar);
    expect(requestAllowed(inspectRequest(req, ctx))).toBe(true);
    expect(verdictNeedsContent(req, ctx)).toBe(true);
    const good = inspectResponse(req, response({ sha256: SHA256 }), ctx);
    expect(good.lockfile).toEqual({ opinion: 'Approved', reason: 'the content matches the declared checksum' });
    expect(resultOf(inspectRequest(req, ctx), good)).toBe('Approved');
    const bad = inspectResponse(req, response({ sha256: 'c'.repeat(64) }), ctx);
    expect(bad.lockfile).toEqual({ opinion: 'Rejected', reason: `sha256 mismatch: declared ${SHA256}, got ${'c'.repeat(64)}` });
    expect(resultOf(inspectRequest(req, ctx), bad)).toBe('Rejected');
  });

  it('refuses writes to a declared URL and error answers for it', () => {
    expect(inspectRequest(request(jar, 'PUT'), ctx).lockfile.opinion).toBe('Rejected');
    expect(inspectResponse(request(jar), response({}, { status: 404 }), ctx).lockfile).toEqual({ opinion: 'Rejected', reason: 'upstream answered HTTP 404' });
  });

  it('approves a declared artifact’s checksum file only when it holds the artifact’s digest', () => {
    const sha1File = request(`${jar}.sha1`);
    expect(inspectRequest(sha1File, ctx)['checksum-file'].opinion).toBe('Pending');
    // The sha1 is neither declared nor computed yet.
    expect(inspectResponse(sha1File, response({}, { text: SHA1 }), ctx)['checksum-file'].opinion).toBe('Rejected');
    const known = context({ [jar]: [`sha256:${SHA256}`] }, [], { [`${canonicalUrl(new URL(jar))} sha1`]: SHA1 });
    expect(inspectResponse(sha1File, response({}, { text: `${SHA1}  lib-1.0.jar\n` }), known)['checksum-file'].opinion).toBe('Approved');
    expect(inspectResponse(sha1File, response({}, { text: 'd'.repeat(40) }), known)['checksum-file'].opinion).toBe('Rejected');
    expect(inspectResponse(request(`${jar}.sha256`), response({}, { text: SHA256 }), ctx)['checksum-file'].opinion).toBe('Approved');
  });

  it('allows the maven-metadata.xml of a declared artifact’s folder (and its checksum files) as metadata, no other', () => {
    const meta = request('https://repo.example/maven2/org/example/lib/maven-metadata.xml');
    expect(requestAllowed(inspectRequest(meta, ctx))).toBe(true);
    expect(requestAllowed(inspectRequest(request('https://repo.example/maven2/org/example/lib/maven-metadata.xml.sha1'), ctx))).toBe(true);
    expect(inspectResponse(meta, response({}), ctx)['maven-metadata'].opinion).toBe('Approved');
    expect(packageMetadataOf(meta, ctx)).toEqual({ package: 'maven:/maven2/org/example/lib', 'pinned-by': `declared ${canonicalUrl(new URL(jar))}` });
    expect(requestAllowed(inspectRequest(request('https://repo.example/maven2/org/example/other/maven-metadata.xml'), ctx))).toBe(false);
    expect(requestAllowed(inspectRequest(request('https://repo.example/maven2/org/example/maven-metadata.xml'), ctx))).toBe(false);
  });

  it('allows by host pattern or URL glob, and nothing else', () => {
    expect(requestAllowed(inspectRequest(request('https://cdn.allowed.example/x.tgz'), ctx))).toBe(true);
    expect(requestAllowed(inspectRequest(request('https://allowed.example/x.tgz'), ctx))).toBe(false);
    expect(requestAllowed(inspectRequest(request('https://files.example/pub/a/b.tgz'), ctx))).toBe(true);
    expect(requestAllowed(inspectRequest(request('https://files.example/pub/../secret'), ctx))).toBe(false);
    expect(requestAllowed(inspectRequest(request('https://files.example:8443/pub/a.tgz'), ctx))).toBe(false);
    expect(inspectRequest(request('https://unknown.example/x/y/z.bin'), ctx)).toEqual({
      default: { opinion: 'Unknown', reason: 'the request was not recognized by any format inspector' },
    });
  });

  it('identifies Maven, npm and Python artifacts with their purls, approving none of them', () => {
    expect(identify(request('https://repo.example/repository/central/org/example/lib/1.0/lib-1.0-sources.jar'))).toMatchObject({
      name: 'lib',
      version: '1.0',
      purl: 'pkg:maven/org.example/lib@1.0?type=jar&classifier=sources',
    });
    expect(identify(request('https://registry.example/@scope/pkg/-/pkg-2.1.0.tgz'))).toMatchObject({ name: '@scope/pkg', purl: 'pkg:npm/%40scope/pkg@2.1.0' });
    expect(identify(request('https://nexus.example/repository/npm/@scope/pkg/-/pkg-2.1.0.tgz'))).toMatchObject({ purl: 'pkg:npm/%40scope/pkg@2.1.0' });
    expect(identify(request('https://nexus.example/repository/npm/pkg/-/pkg-2.1.0.tgz'))).toMatchObject({ name: 'pkg', purl: 'pkg:npm/pkg@2.1.0' });
    expect(identify(request('https://files.example/packages/ab/cd/Foo_Bar-1.2-py3-none-any.whl'))).toMatchObject({ purl: 'pkg:pypi/foo-bar@1.2' });
    const npm = inspectRequest(request('https://registry.example/left-pad/-/left-pad-1.3.0.tgz'), ctx);
    expect(npm.npm).toEqual({ opinion: 'Unknown', reason: 'the npm package left-pad@1.3.0 is neither declared nor allowed' });
    expect(requestAllowed(npm)).toBe(false);
  });
});
