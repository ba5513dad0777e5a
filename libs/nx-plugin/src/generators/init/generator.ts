import { formatFiles, readNxJson, Tree, updateNxJson } from '../../utils/devkit';
import { InitGeneratorSchema } from './schema';
import { DEFAULT_OUTPUT_DIR, PLUGIN_NAME } from '../../utils/constants';

export { PLUGIN_NAME };

/** Lines .gitignore needs: the content store and the fetched outputs, unless a parent is ignored already. */
function ignoreLines(existing: string, outputDir: string): string[] {
  const entries = new Set(existing.split(/\r?\n/).map((l) => l.trim().replace(/^\//, '').replace(/\/$/, '')));
  const covered = (path: string) => path.split('/').some((_, i, parts) => entries.has(parts.slice(0, i + 1).join('/')));
  const outputRoot = outputDir.split('{')[0].replace(/\/$/, '');
  return ['.nx/hermetic', outputRoot].filter((p) => p && !covered(p));
}

/**
 * `nx g @hermetic/nx:init` (what `nx add @hermetic/nx` runs): registers the plugin in nx.json
 * and keeps its store (`.nx/hermetic`) and outputs out of git. Idempotent.
 */
export async function initGenerator(tree: Tree, options: InitGeneratorSchema): Promise<void> {
  const outputDir = options.outputDir ?? DEFAULT_OUTPUT_DIR;
  const nxJson = readNxJson(tree) ?? {};
  const plugins = (nxJson.plugins ??= []);
  const registered = plugins.some((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_NAME);
  if (!registered) {
    plugins.push({ plugin: PLUGIN_NAME, options: { outputDir } });
    updateNxJson(tree, nxJson);
  }
  const gitignore = tree.exists('.gitignore') ? tree.read('.gitignore', 'utf8')! : '';
  const missing = ignoreLines(gitignore, outputDir);
  if (missing.length) {
    const sep = gitignore === '' || gitignore.endsWith('\n') ? '' : '\n';
    tree.write('.gitignore', `${gitignore}${sep}\n# Hermetic: verified-download store and fetched dependencies\n${missing.join('\n')}\n`);
  }
  if (!options.skipFormat) await formatFiles(tree);
}

export default initGenerator;
