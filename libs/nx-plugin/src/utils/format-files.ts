import type { Tree } from 'nx/src/devkit-exports';
import { join } from 'node:path';

type Prettier = {
  resolveConfig(path: string, options: { editorconfig: boolean }): Promise<Record<string, unknown> | null>;
  getFileInfo(path: string, options: { resolveConfig: boolean }): Promise<{ ignored: boolean; inferredParser: string | null }>;
  format(source: string, options: Record<string, unknown>): Promise<string> | string;
};

/** The workspace's prettier, if it has one (generators format with the user's tool, never ours). */
function workspacePrettier(root: string): Prettier | undefined {
  try {
    // Resolved from the workspace at run time (it is the user's prettier, not a dependency of ours).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(require.resolve('prettier', { paths: [root] })) as Prettier;
  } catch {
    return undefined;
  }
}

/**
 * Formats the files a generator changed with the workspace's prettier and its configuration, as
 * `@nx/devkit`'s `formatFiles` does; a workspace without prettier keeps the files as written.
 */
export async function formatFiles(tree: Tree): Promise<void> {
  const prettier = workspacePrettier(tree.root);
  if (!prettier) return;
  for (const change of tree.listChanges()) {
    if (change.type === 'DELETE' || !change.content) continue;
    const path = join(tree.root, change.path);
    const info = await prettier.getFileInfo(path, { resolveConfig: true });
    if (info.ignored || !info.inferredParser) continue;
    const config = (await prettier.resolveConfig(path, { editorconfig: true })) ?? {};
    tree.write(change.path, await prettier.format(change.content.toString('utf8'), { ...config, filepath: path }));
  }
}
