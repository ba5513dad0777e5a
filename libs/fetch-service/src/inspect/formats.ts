import { ArtifactIdentity, InspectedRequest, Inspector } from './types';

/**
 * Format inspectors identify what is being fetched (name, version, purl) so reports and refusals
 * can say it, but approve nothing on their own: in a Hermetic session only declared content or an
 * allow rule makes a download acceptable. Their opinion is therefore `Unknown`, with a reason.
 */
function formatInspector(id: string, what: string, identify: (req: InspectedRequest) => ArtifactIdentity | undefined): Inspector {
  return {
    id,
    identify,
    request(req) {
      const a = identify(req);
      if (!a) return undefined;
      return { opinion: 'Unknown', reason: `${what} ${a.name}${a.version ? `@${a.version}` : ''} is neither declared nor allowed` };
    },
    response(req) {
      const a = identify(req);
      return a ? { opinion: 'Unknown', reason: `recognised as ${what} ${a.name}${a.version ? `@${a.version}` : ''}` } : undefined;
    },
  };
}

/** A percent-decoded path, or undefined when its escapes are malformed (`%zz`): nothing to identify then. */
function decodedPath(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

const MAVEN = /^\/((?:[^/]+\/)+)([^/]+)\/([^/]+)\/\2-\3(?:-([^/]+?))?\.(jar|pom|war|ear|aar|zip|tar\.gz|module|klib)(?:\.(?:sha1|sha256|sha512|md5|asc))?$/;

/** Leading path segments of common repository managers' URLs, which are not part of the group. */
const REPOSITORY_PREFIX =
  /^(maven2?|m2|repository|repositories|repo|releases|snapshots|public|central|content|groups|artifactory|nexus|api|libs-release|[a-z0-9]+-(remote|releases?|snapshots|central|public|maven))$/;

/** Maven repository layout: `<group path>/<artifact>/<version>/<artifact>-<version>[-classifier].<ext>`. */
export const mavenInspector = formatInspector('maven', 'the Maven artifact', (req) => {
  const path = decodedPath(req.url.pathname);
  if (path === undefined) return undefined;
  // A checksum file beside an artifact is not the artifact: the checksum-file inspector names it.
  if (/\.(sha1|sha256|sha512|md5|asc)$/.test(path)) return undefined;
  const m = MAVEN.exec(path);
  if (!m) {
    if (/\/maven-metadata\.xml$/.test(path)) return { name: path.split('/').slice(-2, -1)[0] ?? '', version: '', type: 'application/x.maven.metadata' };
    return undefined;
  }
  // The group is the directories before the artifact, less a repository manager's prefix (/maven2,
  // /repository/central, …): a URL alone cannot say where one ends, so known prefixes are dropped.
  const group = m[1].split('/').filter(Boolean);
  while (group.length > 1 && REPOSITORY_PREFIX.test(group[0])) group.shift();
  const [, , artifact, version, classifier, ext] = m;
  const namespace = group.join('.');
  const qualifiers = [`type=${ext}`, ...(classifier ? [`classifier=${classifier}`] : [])].join('&');
  return { name: artifact, version, purl: `pkg:maven/${namespace}/${artifact}@${version}?${qualifiers}`, type: 'application/java-archive' };
});

/** npm registry tarballs (`/<name>/-/<name>-<version>.tgz`, scoped too) and package documents. */
export const npmInspector = formatInspector('npm', 'the npm package', (req) => {
  const path = decodedPath(req.url.pathname);
  if (path === undefined) return undefined;
  // The shortest registry prefix first, so a scope stays with its package name.
  const tarball = /^(?:\/.*?)??\/((?:@[^/]+\/)?([^/]+))\/-\/\2-(\d[^/]*)\.tgz$/.exec(path);
  if (tarball) {
    const [, name, , version] = tarball;
    return { name, version, purl: `pkg:npm/${name.startsWith('@') ? `%40${name.slice(1)}` : name}@${version}`, type: 'application/x.npm.tarball' };
  }
  const packument = /^\/((?:@[^/]+\/)?[^/@][^/]*)$/.exec(path);
  if (packument && !/\.[a-z0-9]{1,5}$/i.test(packument[1]) && req.method === 'GET')
    return { name: packument[1], version: '', type: 'application/x.npm.packument' };
  return undefined;
});

/** Python wheels and sdists (`name-version-….whl`, `name-version.tar.gz`), and simple-index pages. */
export const pythonInspector = formatInspector('python', 'the Python package', (req) => {
  const file = decodedPath(req.url.pathname.split('/').pop() ?? '');
  if (file === undefined) return undefined;
  const wheel = /^([A-Za-z0-9_.]+)-([0-9][^-]*)-.+\.whl$/.exec(file);
  const sdist = wheel ? null : /^([A-Za-z0-9_.-]+?)-([0-9][A-Za-z0-9_.!+]*)\.(?:tar\.gz|zip)$/.exec(file);
  const m = wheel ?? sdist;
  if (m && (wheel || /\/packages\//.test(req.url.pathname))) {
    const name = m[1].toLowerCase().replace(/[-_.]+/g, '-');
    return { name, version: m[2], purl: `pkg:pypi/${name}@${m[2]}`, type: wheel ? 'application/x.python.wheel' : 'application/x.python.sdist' };
  }
  const simple = /\/simple\/([^/]+)\/?$/.exec(req.url.pathname);
  if (simple) return { name: simple[1], version: '', type: 'application/x.python.simple-index' };
  return undefined;
});
