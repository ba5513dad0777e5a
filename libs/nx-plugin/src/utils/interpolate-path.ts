/** What a path option's placeholders stand for. */
export interface PathTokens {
  /** Relative to the workspace root; '' or '.' for a project at the root. */
  projectRoot: string;
  projectName?: string;
}

/**
 * Replaces `{projectRoot}` and `{projectName}` in a path option and drops a leading
 * `{workspaceRoot}/` (paths are relative to the workspace root anyway), as Nx does for options it
 * interpolates itself; also where Nx leaves them (defaults, plugin options). Trailing slashes go,
 * and a project at the root gives no empty segment.
 */
export function interpolatePath(template: string, tokens: PathTokens): string {
  const root = tokens.projectRoot === '.' ? '' : tokens.projectRoot;
  const withRoot = root ? template.replace(/\{projectRoot\}/g, root) : template.replace(/\{projectRoot\}\/?/g, '');
  return withRoot
    .replace(/\{workspaceRoot\}\/?/g, '')
    .replace(/\{projectName\}/g, tokens.projectName ?? '')
    .replace(/(.)\/+$/, '$1');
}
