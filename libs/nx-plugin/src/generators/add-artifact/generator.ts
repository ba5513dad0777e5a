import { formatFiles, joinPathFragments, logger, readProjectConfiguration, Tree } from '../../utils/devkit';
import { addArtifactToLockfile, checkCanAdd, checkHttpUrl, formatBytes, HermeticError, LOCKFILE_NAME, mavenUrl, NewArtifact, probeUrl } from '@hermetic/core';
import { generatorProbeOptions } from '../../utils/generator-network';
import { refreshExplicitTargets } from '../configuration/explicit-targets';
import { AddArtifactGeneratorSchema } from './schema';

/** `groupId:artifactId:version[:type[:classifier]]` into coordinates, or a clear error. */
export function parseMavenCoordinates(text: string, repository: string): Extract<NewArtifact, { kind: 'maven' }> {
  const parts = text.split(':');
  if (parts.length < 3 || parts.length > 5 || parts.some((p) => p.trim() === '')) {
    throw new HermeticError('InvalidInput', `--maven '${text}' is not groupId:artifactId:version[:type[:classifier]]`, {
      hints: ['e.g. --maven org.apache.ant:ant-launcher:1.10.14'],
    });
  }
  const [groupId, artifactId, version, type = 'jar', classifier = ''] = parts;
  return { kind: 'maven', repositoryUrl: checkedUrl('--repository', repository).href, groupId, artifactId, version, type, classifier, checksum: '' };
}

/** An option's URL by the lockfile's rules (http or https, no credentials in it), or what to write instead. */
function checkedUrl(option: string, text: string): URL {
  const checked = checkHttpUrl(text);
  if (!checked.ok) throw new HermeticError('InvalidInput', `${option}: ${checked.message}`, { hints: [checked.fix] });
  return checked.url;
}

/**
 * `nx g @hermetic/nx:add-artifact --project <p> --url <u>` or `--maven g:a:v[:type[:classifier]]`:
 * the way to author lockfiles without computing digests by hand.
 */
export async function addArtifactGenerator(tree: Tree, options: AddArtifactGeneratorSchema): Promise<void> {
  if (!!options.url === !!options.maven) {
    throw new HermeticError('InvalidInput', 'give exactly one of --url and --maven', {
      hints: ['e.g. --url https://example.com/tool.tar.gz, or --maven org.example:lib:1.0'],
    });
  }
  const project = readProjectConfiguration(tree, options.project);
  const path = joinPathFragments(project.root, LOCKFILE_NAME);
  const algorithm = options.algorithm ?? 'sha256';
  if (options.url) checkedUrl('--url', options.url); // written as given, once it passes
  const artifact: NewArtifact = options.maven
    ? parseMavenCoordinates(options.maven, options.repository ?? 'https://repo1.maven.org/maven2')
    : { kind: 'url', url: options.url!, checksum: '' };
  if (options.filename) artifact.filename = options.filename;
  const url = artifact.kind === 'url' ? artifact.url : mavenUrl(artifact);
  const existing = tree.exists(path) ? tree.read(path, 'utf8')! : undefined;
  // Fail on a duplicate before downloading anything.
  checkCanAdd(existing, path, artifact);

  logger.info(`downloading ${url} to compute its ${algorithm}...`);
  const probed = await probeUrl(url, { ...generatorProbeOptions(tree), algorithms: [algorithm] });
  artifact.checksum = `${algorithm}:${probed.digests.get(algorithm)}`;
  const name = options.filename ?? url.split('?')[0].split('/').filter(Boolean).pop();
  const date = new Date().toISOString().slice(0, 10);
  const comment = `${name}: ${formatBytes(probed.size)}, added ${date}${probed.source !== url ? ` (fetched through ${probed.source})` : ''}`;
  tree.write(path, addArtifactToLockfile(existing, path, artifact, comment));
  logger.info(`added ${url} (${artifact.checksum}) to ${path}`);
  if (refreshExplicitTargets(tree, options.project)) logger.info(`updated the outputs of ${options.project}'s explicit Hermetic targets in project.json`);
  if (!options.skipFormat) await formatFiles(tree);
}

export default addArtifactGenerator;
