import { Checksum, isAvailable, parseChecksum } from '@hermetic/core';
import type { Algorithm } from '@hermetic/core';

/** A package a package-manager lockfile pins, as a session declares it (Hermetic's `declared-packages`). */
export interface PinnedDeclaration {
  ecosystem: 'npm' | 'pypi';
  name: string;
  version: string;
  checksums: readonly Checksum[];
  /** Any one checksum matching approves (pip's alternatives); otherwise all must. */
  anyOf: boolean;
  purl: string;
  /** `<lockfile>: <entry>`. */
  pinnedBy: string;
}

/** `POST /session` problems are answered 400 with this text (see the registry). */
export type PinError = (message: string) => Error;

function str(value: unknown, what: string, fail: PinError): string {
  if (typeof value !== 'string' || !value) throw fail(`declared-packages: ${what} must be a non-empty string`);
  return value;
}

/** Checks the `declared-packages` of a session request (core's checksum parser for each digest). */
export function parsePins(value: unknown, fail: PinError): PackagePins {
  const pins = new PackagePins();
  if (value === undefined || value === null) return pins;
  if (!Array.isArray(value)) throw fail('declared-packages must be a list');
  for (const raw of value as Array<Record<string, unknown>>) {
    const ecosystem = raw?.ecosystem;
    if (ecosystem !== 'npm' && ecosystem !== 'pypi') throw fail(`declared-packages: ecosystem must be npm or pypi, got ${JSON.stringify(ecosystem)}`);
    const name = str(raw.name, 'name', fail);
    if (!Array.isArray(raw.checksums) || !raw.checksums.length) throw fail(`declared-packages: ${name} has no checksums`);
    const checksums = raw.checksums.map((c) => {
      const parsed = typeof c === 'string' ? parseChecksum(c) : undefined;
      if (!parsed?.ok || !isAvailable(parsed.checksum.algorithm)) throw fail(`declared-packages: ${name}: invalid checksum ${JSON.stringify(c)}`);
      return parsed.checksum;
    });
    pins.add({
      ecosystem,
      name,
      version: str(raw.version, 'version', fail),
      checksums,
      anyOf: raw['any-of'] === true,
      purl: str(raw.purl, 'purl', fail),
      pinnedBy: str(raw['pinned-by'], 'pinned-by', fail),
    });
  }
  return pins;
}

/** The pinned packages of a session, by package and by name (metadata is allowed per name). */
export class PackagePins {
  private readonly byPackage = new Map<string, PinnedDeclaration[]>();
  private readonly byName = new Map<string, PinnedDeclaration>();
  /** The lockfiles that pin packages of each ecosystem (for refusals: what would have to pin it). */
  readonly lockfiles = new Map<'npm' | 'pypi', Set<string>>();

  add(pin: PinnedDeclaration): void {
    const key = `${pin.ecosystem}:${pin.name}@${pin.version}`;
    this.byPackage.set(key, [...(this.byPackage.get(key) ?? []), pin]);
    this.byName.set(`${pin.ecosystem}:${pin.name}`, pin);
    const file = pin.pinnedBy.split(': ')[0];
    this.lockfiles.set(pin.ecosystem, (this.lockfiles.get(pin.ecosystem) ?? new Set()).add(file));
  }

  get size(): number {
    return this.byPackage.size;
  }

  /** The pins of one package version (several lockfiles may pin it). */
  of(ecosystem: 'npm' | 'pypi', name: string, version: string): readonly PinnedDeclaration[] {
    return this.byPackage.get(`${ecosystem}:${name}@${version}`) ?? [];
  }

  /** A pin of any version of a package, when one exists (its metadata may then be fetched). */
  anyVersionOf(ecosystem: 'npm' | 'pypi', name: string): PinnedDeclaration | undefined {
    return this.byName.get(`${ecosystem}:${name}`);
  }

  /** The algorithms needed to judge a download of this package. */
  algorithmsOf(ecosystem: 'npm' | 'pypi', name: string, version: string): Algorithm[] {
    return this.of(ecosystem, name, version).flatMap((p) => p.checksums.map((c) => c.algorithm));
  }
}

/** Whether `digests` satisfy a pin: every checksum, or (pip) any one. */
export function matchesPin(pin: PinnedDeclaration, digests: ReadonlyMap<string, string>): boolean {
  const ok = (c: Checksum) => digests.get(c.algorithm) === c.digest;
  return pin.anyOf ? pin.checksums.some(ok) : pin.checksums.every(ok);
}
