import { ExecutorContext } from '../utils/devkit';

/** A hand-built executor context, as Nx passes it (cf. jscutlery's createFakeContext). */
export function fakeContext(
  root: string,
  project: { name: string; root: string; target: string },
  nxJson: ExecutorContext['nxJsonConfiguration'] = {},
): ExecutorContext {
  return {
    root,
    cwd: root,
    isVerbose: false,
    projectName: project.name,
    targetName: project.target,
    projectsConfigurations: { version: 2, projects: { [project.name]: { root: project.root } } },
    nxJsonConfiguration: nxJson,
    projectGraph: { nodes: {}, dependencies: {} },
  } as ExecutorContext;
}
