import { formatFiles, joinPathFragments, logger, readProjectConfiguration, Tree } from '../../utils/devkit';
import { addArtifactToLockfile, HermeticError, LOCKFILE_NAME, parseJsonFile, parseLockfile } from '@hermetic/core';
import { posix } from 'node:path';
import { parseReport, SessionReport } from '@hermetic/fetch-service/client';
import { refreshExplicitTargets } from '../configuration/explicit-targets';
import { learnEntries, ReportArtifactView } from './report-entries';
import { LockFromReportGeneratorSchema } from './schema';

/** Where the project's last `pack` kept its session report (beside its first artifact). */
function defaultReportPath(tree: Tree, project: string): string {
  const targets = readProjectConfiguration(tree, project).targets ?? {};
  const pack = Object.values(targets).find((t) => t.executor === '@hermetic/nx:pack');
  const first = (pack?.options as { artifacts?: string[] } | undefined)?.artifacts?.[0];
  if (!first) {
    throw new HermeticError('InvalidInput', `${project} has no @hermetic/nx:pack target with artifacts, so there is no report to read`, {
      hints: ['pass --report <path of a session report>'],
    });
  }
  return posix.join(posix.dirname(first), `${project}.session-report.json`);
}

/**
 * The session report in `text`, read as pack reads it (the legacy `artefacts` spelling too: a report
 * of a fetch-service before 0.6.0 added nothing, silently). A file that is not JSON, or JSON that
 * is no session report, fails naming the file.
 */
function readReport(text: string, path: string): SessionReport {
  const r = parseJsonFile(text, path, 'pass the <project>.session-report.json that a permissive pack wrote') as Record<string, unknown> | null;
  if (!r || typeof r !== 'object' || (!Array.isArray(r.artifacts) && !Array.isArray(r.artefacts))) {
    throw new HermeticError('InvalidInput', `${path} is not a Fetch Service session report: it has no 'artifacts' list`, {
      hints: ['pass the <project>.session-report.json that a permissive pack wrote (not the <artifact>.json manifest)'],
    });
  }
  return parseReport(r);
}

/**
 * `nx g @hermetic/nx:lock-from-report <project>`: learn mode. After
 * `nx run <project>:pack --enable-fetch-service=permissive`, writes what the build downloaded into
 * the project's `artifacts.lock.yaml` (existing entries and comments kept; what a package-manager
 * lockfile pins left out), so the next strict `pack` passes.
 */
export async function lockFromReportGenerator(tree: Tree, options: LockFromReportGeneratorSchema): Promise<void> {
  const reportPath = options.report ?? defaultReportPath(tree, options.project);
  const text = tree.read(reportPath, 'utf8');
  if (text === null) {
    throw new HermeticError('InvalidInput', `no session report at ${reportPath}`, {
      hints: [`run nx run ${options.project}:pack --enable-fetch-service=permissive first, or pass --report`],
    });
  }
  const learned = learnEntries(readReport(text, reportPath).artifacts as ReportArtifactView[]);
  const lockfilePath = joinPathFragments(readProjectConfiguration(tree, options.project).root, LOCKFILE_NAME);
  let lockfile = tree.read(lockfilePath, 'utf8') ?? undefined;
  const declared = new Set(lockfile ? parseLockfile(lockfile, lockfilePath, { env: false }).artifacts.map((a) => a.url) : []);
  const date = new Date().toISOString().slice(0, 10);
  let added = 0;
  for (const { artifact, url } of learned.entries) {
    if (declared.has(artifact.kind === 'url' ? new URL(url).href : url)) continue;
    try {
      lockfile = addArtifactToLockfile(lockfile, lockfilePath, artifact, `learned from ${posix.basename(reportPath)}, ${date}`);
      added++;
    } catch (err) {
      // Already there under another spelling, or clashing with an entry: said, not fatal.
      logger.warn(`${url}: not added: ${(err as Error).message}`);
    }
  }
  if (lockfile !== undefined && added) tree.write(lockfilePath, lockfile);
  logger.info(`${lockfilePath}: ${added} entr${added === 1 ? 'y' : 'ies'} added from ${reportPath}`);
  if (learned.pinned.length) logger.info(`left out ${learned.pinned.length} download(s) a package-manager lockfile pins`);
  for (const s of learned.skipped) logger.info(`skipped ${s}`);
  if (added) refreshExplicitTargets(tree, options.project);
  if (!options.skipFormat) await formatFiles(tree);
}

export default lockFromReportGenerator;
