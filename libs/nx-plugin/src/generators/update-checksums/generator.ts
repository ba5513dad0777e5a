import { joinPathFragments, logger, readProjectConfiguration, Tree } from '../../utils/devkit';
import { authHeaders, HermeticError, LOCKFILE_NAME, mapLimit, parseLockfile, probeUrl, setChecksums, wireUrl } from '@hermetic/core';
import { generatorProbeOptions } from '../../utils/generator-network';
import { UpdateChecksumsGeneratorSchema } from './schema';

/** An artifact whose upstream bytes no longer match the lockfile. */
export interface ChecksumChange {
  index: number;
  filename: string;
  url: string;
  old: string[];
  new: string[];
}

/**
 * `nx g @hermetic/nx:update-checksums --project <p> [--write] [--check]`: re-downloads every
 * artifact and reports each whose checksum changed upstream (the stale-checksum breakage Hermeto
 * users hit after version bumps). Never updates silently: only `--write` changes the lockfile.
 */
export async function updateChecksumsGenerator(tree: Tree, options: UpdateChecksumsGeneratorSchema): Promise<ChecksumChange[]> {
  const project = readProjectConfiguration(tree, options.project);
  const path = joinPathFragments(project.root, LOCKFILE_NAME);
  if (!tree.exists(path))
    throw new HermeticError('LockfileNotFound', `${path} does not exist`, {
      hints: [`create it with nx g @hermetic/nx:configuration --project ${options.project}`],
    });
  const text = tree.read(path, 'utf8')!;
  const lockfile = parseLockfile(text, path, { env: process.env });
  const probe = generatorProbeOptions(tree);
  const changes: ChecksumChange[] = [];
  await mapLimit(lockfile.artifacts, options.concurrency ?? 4, async (a) => {
    const result = await probeUrl(wireUrl(a.url), { ...probe, algorithms: a.checksums.map((c) => c.algorithm), headers: authHeaders(a.auth, process.env) });
    const fresh = a.checksums.map((c) => `${c.algorithm}:${result.digests.get(c.algorithm)}`);
    if (fresh.some((f, i) => f !== `${a.checksums[i].algorithm}:${a.checksums[i].digest}`)) {
      changes.push({ index: a.index, filename: a.filename, url: a.url, old: a.checksums.map((c) => c.text), new: fresh });
    }
  });
  changes.sort((x, y) => x.index - y.index);
  if (!changes.length) {
    logger.info(`all ${lockfile.artifacts.length} checksum(s) of ${path} match upstream`);
    return changes;
  }
  for (const c of changes) logger.warn(`artifacts[${c.index}] (${c.filename}) ${c.url}\n  lockfile: ${c.old.join(', ')}\n  upstream: ${c.new.join(', ')}`);
  if (options.write) {
    tree.write(path, setChecksums(text, path, new Map(changes.map((c) => [c.index, c.new]))));
    logger.info(`updated ${changes.length} checksum(s) in ${path}`);
  } else if (options.check) {
    throw new HermeticError('ChecksumVerificationFailed', `${changes.length} checksum(s) of ${path} changed upstream`, {
      hints: ['review the changes, then run again with --write'],
    });
  } else {
    logger.warn(`${changes.length} checksum(s) changed upstream; nothing written (run again with --write to update ${path})`);
  }
  return changes;
}

/** Nx treats a generator's return value as a callback to run after writing, so the default export returns nothing. */
export default async function (tree: Tree, options: UpdateChecksumsGeneratorSchema): Promise<void> {
  await updateChecksumsGenerator(tree, options);
}
