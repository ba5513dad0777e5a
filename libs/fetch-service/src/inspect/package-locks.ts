import { normalizePypiName } from '@hermetic/core';
import { matchesPin } from '../sessions/package-pins';
import { npmInspector, pythonInspector } from './formats';
import { declaredMavenMetadata } from './maven-metadata';
import { InspectedRequest, InspectionContext, Inspector } from './types';

/** What a request is in package-manager terms: a package archive, or a metadata document of a package. */
export interface PackageRequest {
  ecosystem: 'npm' | 'pypi';
  name: string;
  /** Empty for metadata. */
  version: string;
  metadata: boolean;
}

const METADATA_TYPES = new Set(['application/x.npm.packument', 'application/x.python.simple-index']);

/** The package a request fetches (an npm tarball or packument, a wheel, sdist or simple-index page), if any. */
export function packageRequest(req: InspectedRequest): PackageRequest | undefined {
  const npm = npmInspector.identify?.(req);
  if (npm) return { ecosystem: 'npm', name: npm.name, version: npm.version, metadata: METADATA_TYPES.has(npm.type ?? '') };
  const py = pythonInspector.identify?.(req);
  if (py) return { ecosystem: 'pypi', name: normalizePypiName(py.name), version: py.version, metadata: METADATA_TYPES.has(py.type ?? '') };
  return undefined;
}

/**
 * The package metadata a request fetches for an install (a pinned package's packument or simple
 * page, a declared Maven artifact's maven-metadata.xml): what it is of, and what allows it.
 * Reported apart from the artifacts.
 */
export function packageMetadataOf(req: InspectedRequest, ctx: InspectionContext): { package: string; 'pinned-by': string } | undefined {
  const p = packageRequest(req);
  const pin = p?.metadata ? ctx.packages.anyVersionOf(p.ecosystem, p.name) : undefined;
  if (p && pin) return { package: `${p.ecosystem}:${p.name}`, 'pinned-by': pin.pinnedBy };
  const maven = declaredMavenMetadata(req, ctx);
  return maven ? { package: `maven:${req.url.pathname.replace(/\/maven-metadata\.xml.*$/, '')}`, 'pinned-by': `declared ${maven}` } : undefined;
}

function lockfilesOf(ctx: InspectionContext, ecosystem: 'npm' | 'pypi'): string {
  const files = [...(ctx.packages.lockfiles.get(ecosystem) ?? [])];
  return files.length ? files.join(', ') : `no ${ecosystem === 'npm' ? 'package-lock.json, pnpm-lock.yaml or yarn.lock' : 'requirements file with --hash'}`;
}

/**
 * Packages the project's own package-manager lockfiles pin (package-lock.json, pnpm-lock.yaml,
 * yarn.lock, requirements with --hash): an archive of a pinned version is Pending, and Approved
 * only when its bytes match the pinned digest; the metadata of a pinned package (npm packument,
 * PyPI simple page) is Pending and Approved as metadata. A package the lockfiles do not pin gets
 * a reason naming the lockfiles that would have to pin it (and no approval).
 */
export const packageLockInspector: Inspector = {
  id: 'package-lock',
  request(req, ctx) {
    const p = packageRequest(req);
    if (!p || !ctx.packages.size || (req.method !== 'GET' && req.method !== 'HEAD')) return undefined;
    if (p.metadata) {
      const pin = ctx.packages.anyVersionOf(p.ecosystem, p.name);
      return pin ? { opinion: 'Pending', reason: `metadata of ${p.name}, pinned by ${pin.pinnedBy}` } : undefined;
    }
    const pins = ctx.packages.of(p.ecosystem, p.name, p.version);
    if (pins.length) return { opinion: 'Pending', reason: `${p.name}@${p.version} is pinned by ${pins.map((x) => x.pinnedBy).join('; ')}` };
    return { opinion: 'Unknown', reason: `${p.name}@${p.version} is not pinned by ${lockfilesOf(ctx, p.ecosystem)}` };
  },
  response(req, res, ctx) {
    const p = packageRequest(req);
    if (!p || !ctx.packages.size) return undefined;
    if (res.status < 200 || res.status >= 300) return undefined;
    if (p.metadata) {
      const pin = ctx.packages.anyVersionOf(p.ecosystem, p.name);
      return pin ? { opinion: 'Approved', reason: `metadata of pinned ${p.name} (recorded as metadata, not as an artifact)` } : undefined;
    }
    const pins = ctx.packages.of(p.ecosystem, p.name, p.version);
    if (!pins.length) return undefined;
    const match = pins.find((pin) => matchesPin(pin, res.digests));
    if (match) return { opinion: 'Approved', reason: `the content matches ${match.pinnedBy}` };
    const expected = pins[0].checksums.map((c) => `${c.algorithm} ${c.digest}`).join(pins[0].anyOf ? ' or ' : ' and ');
    const got = pins[0].checksums.map((c) => `${c.algorithm} ${res.digests.get(c.algorithm) ?? '(not computed)'}`)[0];
    return { opinion: 'Rejected', reason: `${p.name}@${p.version}: the bytes do not match ${pins[0].pinnedBy} (pinned ${expected}, got ${got})` };
  },
};
