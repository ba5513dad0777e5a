import type * as Zod from 'zod';

/**
 * Shapes of the lockfile's parts: field names, required fields, types and unknown keys. Semantic
 * rules (checksum format, URLs, target paths, duplicates) live in `validate-artifact.ts`, so each
 * problem gets its own message and fix.
 *
 * Built with zod on first use (`lockfileSchemas()`): loading zod costs ~80 ms and ~10 MiB, and a
 * clean lockfile takes the quick parse, whose structural check (`clean-shape.ts`) needs none of it;
 * zod words the problems of a lockfile that has some.
 */
function build(z: typeof Zod) {
  /** One checksum or a non-empty list of them. */
  const checksumField = z.union([z.string(), z.array(z.string()).min(1)]);

  const authSchema = z.strictObject({
    basic: z.strictObject({ username: z.string(), password: z.string() }).optional(),
    bearer: z.strictObject({ header: z.string().optional(), value: z.string() }).optional(),
  });

  const urlArtifactV1 = z.strictObject({
    download_url: z.string(),
    checksum: checksumField,
    filename: z.string().optional(),
  });

  const mavenAttributes = z.looseObject({
    repository_url: z.string(),
    group_id: z.string(),
    artifact_id: z.string(),
    version: z.string(),
    classifier: z.string().optional(),
    type: z.string().optional(),
  });

  const mavenArtifactV1 = z.strictObject({
    type: z.literal('maven'),
    checksum: checksumField,
    filename: z.string().optional(),
    attributes: mavenAttributes,
  });

  return {
    authSchema,
    /** Artifact shapes per lockfile version; "2.0" adds `auth` to both kinds. */
    artifacts: {
      '1.0': { url: urlArtifactV1, maven: mavenArtifactV1 },
      '2.0': { url: urlArtifactV1.extend({ auth: authSchema.optional() }), maven: mavenArtifactV1.extend({ auth: authSchema.optional() }) },
    },
    /** The top level: exactly `metadata` and `artifacts`; artifacts are checked one by one afterwards. */
    topLevel: z.strictObject({
      metadata: z.strictObject({ version: z.enum(['1.0', '2.0']) }),
      artifacts: z.array(z.unknown()),
    }),
  } as const;
}

type Schemas = ReturnType<typeof build>;
let built: Schemas | undefined;

/** The lockfile's zod schemas, built (and zod loaded) on first use. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const lockfileSchemas = (): Schemas => (built ??= build(require('zod') as typeof Zod));

export const KNOWN_MAVEN_ATTRIBUTES = ['repository_url', 'group_id', 'artifact_id', 'version', 'classifier', 'type'] as const;

/**
 * The keys each mapping of a lockfile may have, as the schemas above define them; without zod, for
 * the quick parse's structural check and the "unknown field" fixes.
 */
export const LOCKFILE_KEYS = {
  top: ['metadata', 'artifacts'],
  metadata: ['version'],
  url: ['download_url', 'checksum', 'filename'],
  maven: ['type', 'checksum', 'filename', 'attributes'],
  auth: ['basic', 'bearer'],
  basic: ['username', 'password'],
  bearer: ['header', 'value'],
} as const;

/** The keys of an artifact of `kind` in a lockfile of `version` ("2.0" adds `auth`). */
export function artifactKeys(kind: 'url' | 'maven', version: '1.0' | '2.0'): readonly string[] {
  return version === '2.0' ? [...LOCKFILE_KEYS[kind], 'auth'] : LOCKFILE_KEYS[kind];
}

export type UrlArtifactInput = Zod.infer<Schemas['artifacts']['2.0']['url']>;
export type MavenArtifactInput = Zod.infer<Schemas['artifacts']['2.0']['maven']>;
export type AuthInput = Zod.infer<Schemas['authSchema']>;
