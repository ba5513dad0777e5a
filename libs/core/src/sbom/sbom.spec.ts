import fc from 'fast-check';
import { readNpmLock } from '../package-locks/npm-lock';
import { PackageURL } from 'packageurl-js';
import { z } from 'zod';
import { parseLockfile } from '../lockfile/parse-lockfile';
import { cycloneDx16Validator as cycloneDxValidator } from '../testing/cyclonedx-schema';
import { spdx23Validator } from '../testing/spdx-schema';
import { lockfileComponents, packageComponents } from './components';
import { CycloneDxBom, CycloneDxDocument, serializeSbom, toCycloneDx } from './cyclonedx';
import { mergeCycloneDx } from './merge';
import { mergeSpdx } from './merge-spdx';
import { encodePurlPart, genericPurl, mavenPurl } from './purl';
import { redactUrl } from './redact';
import { spdxPackageId, toSpdx } from './spdx';

const HEX = 'a'.repeat(64);

/** A document as a reader of its file sees it (its lists made, as they are written). */
function plain(doc: CycloneDxDocument): CycloneDxBom;
function plain(doc: Record<string, unknown>): Record<string, unknown>;
function plain(doc: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(serializeSbom(doc));
}
/**
 * The SPDX 2.3 rules our output relies on beyond the official schema (which the documents are also
 * validated against): id patterns, the creator and time formats, a namespace that is a URL.
 */
const spdxId = z.string().regex(/^SPDXRef-[0-9A-Za-z.-]+$/);
const spdx23 = z.object({
  spdxVersion: z.literal('SPDX-2.3'),
  SPDXID: z.literal('SPDXRef-DOCUMENT'),
  dataLicense: z.literal('CC0-1.0'),
  name: z.string(),
  documentNamespace: z.string().url(),
  creationInfo: z.object({
    creators: z.array(z.string().regex(/^(Tool|Organization|Person): /)).min(1),
    created: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
  }),
  packages: z.array(
    z.object({
      SPDXID: spdxId,
      name: z.string(),
      versionInfo: z.string().optional(),
      downloadLocation: z.string().min(1),
      externalRefs: z.array(
        z.object({
          referenceCategory: z.enum(['SECURITY', 'PACKAGE-MANAGER', 'PERSISTENT-ID', 'OTHER']),
          referenceType: z.string(),
          referenceLocator: z.string(),
        }),
      ),
      annotations: z.array(z.object({ annotator: z.string(), annotationType: z.enum(['REVIEW', 'OTHER']), comment: z.string(), annotationDate: z.string() })),
      checksums: z.array(z.object({ algorithm: z.string(), checksumValue: z.string().regex(/^[0-9a-f]+$/) })).optional(),
    }),
  ),
  relationships: z.array(
    z.object({ spdxElementId: spdxId, relationshipType: z.enum(['DESCRIBES', 'CONTAINS']), relatedSpdxElement: spdxId, comment: z.string() }),
  ),
});

function demoLockfile() {
  return parseLockfile(
    `metadata:
  version: "1.0"
artifacts:
  - download_url: "https://example.com/dl/ant.jar"
    checksum: "sha256:${HEX}"
  - download_url: "https://example.com/a b.txt"
    checksum: ["sha256:${HEX}", "sha512:${'b'.repeat(128)}"]
  - download_url: "https://cdn.example.com/f.tgz?X-Amz-Signature=abc123&v=2"
    checksum: "sha1:${'c'.repeat(40)}"
    filename: tools/f.tgz
  - type: maven
    checksum: "sha256:${HEX}"
    attributes: { repository_url: "https://repo1.maven.org/maven2", group_id: io.netty, artifact_id: netty-transport-native-epoll, version: "4.1.100.Final", classifier: sources }
`,
    'p/artifacts.lock.yaml',
    { env: {} },
  );
}

describe('purls (byte-identical to Hermeto)', () => {
  it.each([
    ["&+ !'(*", '%26%2B%20%21%27%28%2A'],
    ['https://example.com/f/a.tar.gz?foo=bar#frag', 'https://example.com/f/a.tar.gz%3Ffoo%3Dbar%23frag'],
    ['sha256:ABCdef', 'sha256:ABCdef'],
    ['é', '%C3%A9'],
  ])('encodes %s as %s', (input, out) => {
    expect(encodePurlPart(input)).toBe(out);
  });

  it('encodes any text as the byte-wise definition does, lone surrogates included (property)', () => {
    /** The definition, byte by byte: kept characters as they are, every other UTF-8 byte as %XX. */
    const byteWise = (text: string) =>
      [...Buffer.from(text, 'utf8')]
        .map((b) => (/[A-Za-z0-9\-._~/:]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
        .join('');
    const unit = fc.oneof(
      fc.constantFrom(..."aZ09-._~/:!'()*%?&=# \u00e9\u20ac\ud83d\ude00\ud800\udc00".split('')),
      fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 40 }), (units) => {
        const text = units.join('');
        expect(encodePurlPart(text)).toBe(byteWise(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('makes the purls packageurl-js makes from the same parts, encoded as Hermeto encodes them (property)', () => {
    /** The former implementation: normalised and validated by packageurl-js, then encoded part by part. */
    const strip = (text: string) => text.trim().replace(/^\/+|\/+$/g, '');
    const viaLibrary = (p: PackageURL) => {
      const namespace = p.namespace ? `${strip(p.namespace).split('/').filter(Boolean).map(encodePurlPart).join('/')}/` : '';
      const qualifiers = Object.entries(p.qualifiers ?? {})
        .filter(([, v]) => typeof v === 'string' && v.trim() !== '')
        .map(([k, v]) => [k.toLowerCase(), v as string] as const)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${k}=${encodePurlPart(v)}`)
        .join('&');
      const version = p.version ? `@${encodePurlPart(p.version.trim())}` : '';
      return `pkg:${p.type}/${namespace}${strip(encodePurlPart(p.name))}${version}${qualifiers ? `?${qualifiers}` : ''}`;
    };
    const outcome = (make: () => string) => {
      try {
        return make();
      } catch {
        return 'refused';
      }
    };
    const part = fc.array(fc.constantFrom(...'aZ09-._~:/ \t!*%?&=@#+\u00e9\u20ac'.split('')), { maxLength: 12 }).map((units) => units.join(''));
    fc.assert(
      fc.property(part, part, part, part, part, fc.constantFrom('', 'sources'), (name, group, version, checksum, url, classifier) => {
        expect(outcome(() => genericPurl(name, checksum, url))).toBe(
          outcome(() => viaLibrary(new PackageURL('generic', undefined, name, undefined, { checksum, download_url: url }, undefined))),
        );
        const maven = { groupId: group, artifactId: name, version, classifier, type: 'jar', repositoryUrl: url };
        const qualifiers = { checksum, repository_url: url, type: 'jar', ...(classifier ? { classifier } : {}) };
        // A blank group passed packageurl-js's check and came out as `pkg:maven//…`: refused now.
        const expected = outcome(() => viaLibrary(new PackageURL('maven', group, name, version, qualifiers, undefined)));
        expect(outcome(() => mavenPurl(maven, checksum))).toBe(expected.startsWith('pkg:maven//') ? 'refused' : expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('builds the documented generic and Maven purls', () => {
    expect(genericPurl('ant.jar', `sha256:${HEX}`, 'https://example.com/dl/ant.jar')).toBe(
      `pkg:generic/ant.jar?checksum=sha256:${HEX}&download_url=https://example.com/dl/ant.jar`,
    );
    expect(genericPurl('a%20b.txt', 'sha256:x', 'https://example.com/a%20b.txt')).toBe(
      'pkg:generic/a%2520b.txt?checksum=sha256:x&download_url=https://example.com/a%2520b.txt',
    );
    expect(
      mavenPurl(
        {
          groupId: 'io.netty',
          artifactId: 'netty-transport-native-epoll',
          version: '4.1.100.Final',
          classifier: 'sources',
          type: 'jar',
          repositoryUrl: 'https://repo1.maven.org/maven2',
        },
        `sha256:${HEX}`,
      ),
    ).toBe(
      `pkg:maven/io.netty/netty-transport-native-epoll@4.1.100.Final?checksum=sha256:${HEX}&classifier=sources&repository_url=https://repo1.maven.org/maven2&type=jar`,
    );
    expect(mavenPurl({ groupId: 'g', artifactId: 'a', version: '1+x', classifier: '', type: 'jar', repositoryUrl: 'https://r/' }, 'sha1:x')).toBe(
      'pkg:maven/g/a@1%2Bx?checksum=sha1:x&repository_url=https://r/&type=jar',
    );
  });

  it('round-trips every component purl through packageurl-js to the same parts', () => {
    const lockfile = demoLockfile();
    [...lockfileComponents(lockfile)].forEach((c, i) => {
      const a = lockfile.artifacts[i];
      const p = PackageURL.fromString(c.purl);
      expect(p.name).toBe(c.name);
      expect(p.version ?? undefined).toBe(c.version);
      expect(p.qualifiers?.checksum).toBe(a.checksums.map((x) => x.text).join(','));
      if (a.kind === 'maven') {
        expect([p.type, p.namespace, p.qualifiers?.repository_url, p.qualifiers?.classifier]).toEqual([
          'maven',
          a.maven.groupId,
          a.maven.repositoryUrl,
          a.maven.classifier,
        ]);
      } else {
        expect([p.type, p.qualifiers?.download_url]).toEqual(['generic', c.url]);
      }
    });
  });
});

describe('redaction', () => {
  it('replaces credential-looking query values and leaves other URLs byte for byte', () => {
    expect(redactUrl('https://h/f?X-Amz-Signature=abc&v=2&token=t#x')).toBe('https://h/f?X-Amz-Signature=REDACTED&v=2&token=REDACTED#x');
    expect(redactUrl('https://h/f?foo=bar#frag')).toBe('https://h/f?foo=bar#frag');
    expect(redactUrl('https://h/a%20b.txt')).toBe('https://h/a%20b.txt');
  });
});

describe('CycloneDX 1.6', () => {
  const validate = cycloneDxValidator();
  const components = lockfileComponents(demoLockfile(), new Map([['https://example.com/dl/ant.jar', 'https://mirror.corp/dl/ant.jar']]));
  const bom = plain(toCycloneDx(components, { subject: { name: 'web' }, reproducible: true, env: {} }));

  it('is valid against the official schema', () => {
    expect(validate(bom)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    expect(validate(plain(toCycloneDx([], { subject: { name: 'empty' }, env: {} })))).toBe(true);
  });

  it('lists package-manager packages with their purl, digest and pinning entry, still valid', () => {
    const { packages } = readNpmLock(
      'apps/web/package-lock.json',
      JSON.stringify({
        packages: {
          'node_modules/@s/b': {
            version: '2.0.0',
            resolved: 'https://registry.example/@s/b/-/b-2.0.0.tgz',
            integrity: `sha512-${Buffer.alloc(64, 1).toString('base64')}`,
          },
        },
      }),
    );
    const withPackages = plain(toCycloneDx([...components, ...packageComponents(packages)], { subject: { name: 'web' }, reproducible: true, env: {} }));
    expect(validate(withPackages)).toBe(true);
    expect(withPackages.components.find((c) => c.purl === 'pkg:npm/%40s/b@2.0.0')).toMatchObject({
      type: 'library',
      name: '@s/b',
      version: '2.0.0',
      hashes: [{ alg: 'SHA-512', content: '01'.repeat(64) }],
      properties: expect.arrayContaining([{ name: 'hermetic:pinned_by', value: 'apps/web/package-lock.json: node_modules/@s/b' }]),
      externalReferences: [{ url: 'https://registry.example/@s/b/-/b-2.0.0.tgz', type: 'distribution' }],
    });
  });

  it('has Hermeto-shaped components with hashes, distribution and proxy references', () => {
    const ant = bom.components.find((c) => c.name === 'ant.jar')!;
    expect(Object.keys(ant)).toEqual(['bom-ref', 'name', 'purl', 'properties', 'type', 'externalReferences', 'hashes']);
    expect(ant).toEqual({
      'bom-ref': ant.purl,
      name: 'ant.jar',
      purl: `pkg:generic/ant.jar?checksum=sha256:${HEX}&download_url=https://example.com/dl/ant.jar`,
      properties: [{ name: 'hermetic:found_by', value: 'hermetic' }],
      type: 'file',
      externalReferences: [
        { url: 'https://example.com/dl/ant.jar', type: 'distribution' },
        { url: 'https://mirror.corp/dl/ant.jar', type: 'distribution', comment: 'proxy URL' },
      ],
      hashes: [{ alg: 'SHA-256', content: HEX }],
    });
    const netty = bom.components.find((c) => c.name === 'netty-transport-native-epoll')!;
    expect(netty).toMatchObject({ type: 'library', version: '4.1.100.Final' });
    expect(bom.components.map((c) => c.purl)).toEqual([...bom.components.map((c) => c.purl!)].sort());
  });

  it('never carries URL secrets', () => {
    expect(serializeSbom(bom)).not.toContain('abc123');
    expect(serializeSbom(bom)).toContain('X-Amz-Signature%3DREDACTED');
  });

  it('records the project as metadata.component and its dependency edges', () => {
    expect((bom.metadata as Record<string, unknown>).component).toEqual({ 'bom-ref': 'nx-project:web', type: 'application', name: 'web' });
    expect(bom.dependencies).toEqual([{ ref: 'nx-project:web', dependsOn: bom.components.map((c) => c['bom-ref']) }]);
  });

  it('is byte-identical for the same inputs in reproducible mode, and stamped otherwise', () => {
    const again = toCycloneDx(lockfileComponents(demoLockfile(), new Map([['https://example.com/dl/ant.jar', 'https://mirror.corp/dl/ant.jar']])), {
      subject: { name: 'web' },
      reproducible: true,
      env: {},
    });
    expect(serializeSbom(again)).toBe(serializeSbom(bom));
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const stamped = toCycloneDx(components, { subject: { name: 'web' }, now: () => new Date('2026-01-02T03:04:05.678Z') });
    expect((stamped.metadata as Record<string, unknown>).timestamp).toBe('2026-01-02T03:04:05Z');
    expect(stamped.serialNumber).not.toBe(bom.serialNumber);
    expect(toCycloneDx(components, { subject: { name: 'web' }, reproducible: true, env: { SOURCE_DATE_EPOCH: '1700000000' } }).annotations).toEqual([
      expect.objectContaining({ timestamp: '2023-11-14T22:13:20Z', text: 'hermetic:backend:generic' }),
    ]);
  });

  it('writes Hermeto names on request, for Hermeto merge-sboms', () => {
    const h = plain(toCycloneDx(components, { subject: { name: 'web' }, naming: 'hermeto', reproducible: true }));
    expect(h.components[0].properties).toEqual([{ name: 'hermeto:found_by', value: 'hermeto' }]);
    expect(h.annotations).toEqual([expect.objectContaining({ annotator: { organization: { name: 'red hat' } }, text: 'hermeto:backend:generic' })]);
  });
});

describe('SPDX 2.3', () => {
  it("matches Hermeto's package id check value", () => {
    expect(
      spdxPackageId({
        name: 'hello.txt',
        purl: 'pkg:generic/hello.txt?checksum=sha256:1e1d621fe792907ea2edb661039d0f27fdb6ae4311f005e43ec3ee923970e9f7&download_url=http://127.0.0.1:8765/files/hello.txt',
      }),
    ).toBe('SPDXRef-Package-hello.txt-2807fda9e6c6e664a837179519951c4ec1f90b68cebe729e88b8a361bdc89f4a');
  });

  it('is valid against the official SPDX 2.3 schema, with packages from package-manager lockfiles and without components', () => {
    const validate = spdx23Validator();
    const { packages } = readNpmLock(
      'package-lock.json',
      JSON.stringify({
        packages: {
          'node_modules/a': {
            version: '1.0.0',
            resolved: 'https://registry.example/a/-/a-1.0.0.tgz',
            integrity: `sha512-${Buffer.alloc(64, 2).toString('base64')}`,
          },
        },
      }),
    );
    for (const components of [[...lockfileComponents(demoLockfile()), ...packageComponents(packages)], []]) {
      const doc = plain(toSpdx(components, { subject: { name: 'web' }, env: {} }));
      expect([validate(doc), validate.errors ?? []]).toEqual([true, []]);
    }
    // The validator is not a yes-man: a package without its download location is refused.
    const broken = plain(toSpdx(lockfileComponents(demoLockfile()), { subject: { name: 'web' }, env: {} })) as { packages: Array<Record<string, unknown>> };
    delete broken.packages[1].downloadLocation;
    expect(validate(broken)).toBe(false);
  });

  it('has the SPDX 2.3 document structure, Hermeto root, relationships and sorted packages', () => {
    const doc = toSpdx(lockfileComponents(demoLockfile()), { subject: { name: 'web' }, reproducible: true, env: {} });
    const parsed = spdx23.parse(plain(doc));
    expect(parsed.packages[0]).toMatchObject({ SPDXID: 'SPDXRef-DocumentRoot-File-', name: '' });
    expect(parsed.packages.map((p) => p.name)).toEqual(['', 'a%20b.txt', 'ant.jar', 'f.tgz', 'netty-transport-native-epoll']);
    expect(parsed.relationships.filter((r) => r.relationshipType === 'CONTAINS')).toHaveLength(4);
    expect(parsed.packages[2].annotations[1].comment).toBe('{"name": "hermetic:found_by", "value": "hermetic"}');
    expect(parsed.packages[1].checksums).toEqual([
      { algorithm: 'SHA256', checksumValue: HEX },
      { algorithm: 'SHA512', checksumValue: 'b'.repeat(128) },
    ]);
    expect(serializeSbom(toSpdx(lockfileComponents(demoLockfile()), { subject: { name: 'web' }, reproducible: true, env: {} }))).toBe(serializeSbom(doc));
  });
});

describe('merged workspace SBOM', () => {
  it('de-duplicates components by purl and keeps each project with its own dependencies', () => {
    const all = [...lockfileComponents(demoLockfile())];
    const web = plain(toCycloneDx(all.slice(0, 3), { subject: { name: 'web' }, reproducible: true, env: {} }));
    const api = plain(toCycloneDx(all.slice(1), { subject: { name: 'api' }, reproducible: true, env: {} }));
    const merged = mergeCycloneDx(
      [
        { file: 'web/bom.json', bom: web },
        { file: 'api/bom.json', bom: api },
      ],
      { subject: { name: 'workspace' }, reproducible: true, env: {} },
    );
    expect(cycloneDxValidator()(merged)).toBe(true);
    const purls = merged.components.filter((c) => c.type !== 'application').map((c) => c.purl);
    expect(purls).toHaveLength(4);
    expect(new Set(purls).size).toBe(4);
    expect(merged.components.filter((c) => c.type === 'application').map((c) => c.name)).toEqual(['api', 'web']);
    const deps = merged.dependencies as Array<{ ref: string; dependsOn: string[] }>;
    expect(deps[0]).toEqual({ ref: 'nx-project:workspace', dependsOn: ['nx-project:api', 'nx-project:web'] });
    expect(deps.find((d) => d.ref === 'nx-project:web')!.dependsOn).toHaveLength(3);
    expect(deps.find((d) => d.ref === 'nx-project:api')!.dependsOn).toHaveLength(3);
    expect(merged.annotations).toEqual([expect.objectContaining({ subjects: expect.arrayContaining(purls), text: 'hermetic:backend:generic' })]);
  });

  it('merges SPDX documents as Hermeto does: packages united by id under one root, valid against the official schema', () => {
    const all = [...lockfileComponents(demoLockfile())];
    const opts = { reproducible: true, env: {} };
    const web = plain(toSpdx(all.slice(0, 3), { subject: { name: 'web' }, ...opts }));
    const api = plain(toSpdx(all.slice(1), { subject: { name: 'api' }, ...opts }));
    const merge = () =>
      plain(
        mergeSpdx(
          [
            { file: 'web/bom.json', doc: web },
            { file: 'api/bom.json', doc: api },
          ],
          { subject: { name: 'workspace' }, ...opts },
        ),
      );
    const merged = merge() as {
      name: string;
      packages: Array<{ SPDXID: string; name: string }>;
      relationships: Array<{ relationshipType: string; relatedSpdxElement: string }>;
    };
    const validate = spdx23Validator();
    expect([validate(merged), validate.errors ?? []]).toEqual([true, []]);
    expect(spdx23.parse(merged).name).toBe('workspace');
    // The root once, then the four artifacts once each, sorted as each document sorts them.
    const ids = merged.packages.map((p) => p.SPDXID);
    expect(ids[0]).toBe('SPDXRef-DocumentRoot-File-');
    expect(new Set(ids).size).toBe(5);
    expect(merged.packages.map((p) => p.name)).toEqual([...merged.packages.map((p) => p.name)].sort());
    expect(merged.relationships.filter((r) => r.relationshipType === 'DESCRIBES')).toHaveLength(1);
    expect(
      merged.relationships
        .filter((r) => r.relationshipType === 'CONTAINS')
        .map((r) => r.relatedSpdxElement)
        .sort(),
    ).toEqual(ids.slice(1).sort());
    expect(JSON.stringify(merge())).toBe(JSON.stringify(merged));
    expect(() =>
      mergeSpdx(
        [
          { file: 'x.json', doc: web },
          { file: 'y.json', doc: { bomFormat: 'CycloneDX' } },
        ],
        { subject: { name: 'w' } },
      ),
    ).toThrow(/y\.json is not an SPDX 2\.3 JSON SBOM/);
  });

  it('refuses a file that is not a CycloneDX SBOM', () => {
    expect(() => mergeCycloneDx([{ file: 'x.json', bom: { spdxVersion: 'SPDX-2.3' } as never }], { subject: { name: 'w' } })).toThrow(
      /x\.json is not a CycloneDX JSON SBOM/,
    );
  });
});
