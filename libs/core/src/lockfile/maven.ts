import { MavenCoordinates } from './types';

/** Maven packaging type → file extension, as Hermeto maps them; other types are used verbatim. */
const TYPE_EXTENSIONS: Readonly<Record<string, string>> = {
  pom: 'pom',
  jar: 'jar',
  'maven-plugin': 'jar',
  ear: 'ear',
  ejb: 'jar',
  'ejb-client': 'jar',
  javadoc: 'jar',
  'javadoc-source': 'jar',
  rar: 'rar',
  'test-jar': 'jar',
  war: 'war',
};

/** File extension for a Maven packaging type. */
export function mavenExtension(type: string): string {
  return TYPE_EXTENSIONS[type] ?? type;
}

/** `<artifactId>-<version>[-<classifier>].<ext>`, the file name in the repository and the default target. */
export function mavenFileName(c: Pick<MavenCoordinates, 'artifactId' | 'version' | 'classifier' | 'type'>): string {
  const classifier = c.classifier ? `-${c.classifier}` : '';
  return `${c.artifactId}-${c.version}${classifier}.${mavenExtension(c.type)}`;
}

/** `<group path>/<artifactId>/<version>/<file>`: the artifact's path inside a Maven repository. */
export function mavenRepositoryPath(c: MavenCoordinates): string {
  return `${c.groupId.replace(/\./g, '/')}/${c.artifactId}/${c.version}/${mavenFileName(c)}`;
}

/**
 * The download URL of a Maven artifact. Built by string concatenation, as Hermeto's `urljoin` ends
 * up doing for the inputs the lockfile validation lets through: coordinates are not percent-encoded,
 * and this exact string is what duplicate detection and the SBOM use.
 */
export function mavenUrl(c: MavenCoordinates): string {
  const base = c.repositoryUrl.endsWith('/') ? c.repositoryUrl : `${c.repositoryUrl}/`;
  return base + mavenRepositoryPath(c);
}
