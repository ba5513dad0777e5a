import { ExecutorContext } from '../../utils/devkit';
import { log } from '../../utils/task-log';
import { craftManifest, isRejected, rejectionReasons, rejectionsText, SessionReport, userUrl } from '@hermetic/fetch-service/client';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { debianArch, fileHashes, splitByRun } from './artifacts';

/** What a finished session leaves to act on. */
export interface SessionResults {
  context: ExecutorContext;
  projectRoot: string;
  /** The packed artifacts' globs (the pack target's `artifacts`). */
  patterns: readonly string[];
  report: SessionReport;
  /** The lockfile the session declared, relative to the workspace root (for fix-it texts). */
  lockfile: string;
  version: string | undefined;
  /** The identities of the files that matched `patterns` before the command (`artifactsBefore`). */
  before: ReadonlyMap<string, string>;
}

/** The files matching the artifacts after the command, split by `splitByRun`; those left from an earlier run are said. */
async function packedNow(r: SessionResults, consequence: string): Promise<{ packed: string[]; leftover: string[] }> {
  const split = await splitByRun(r.context.root, r.patterns, r.before);
  for (const file of split.leftover) {
    log.warn(`${relative(r.context.root, file)} was not written by the command (it is left from an earlier run): ${consequence}`);
  }
  return split;
}

function packageJson(root: string): { version?: string; description?: string } {
  try {
    return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  } catch {
    return {};
  }
}

/** `<artifact>.json` beside each packed artifact: craft's manifest shape plus verdicts, reasons and purls. */
async function writeManifests(files: readonly string[], r: SessionResults): Promise<string[]> {
  const pkg = packageJson(join(r.context.root, r.projectRoot));
  const written: string[] = [];
  for (const file of files) {
    const manifest = craftManifest(
      {
        'component-name': r.context.projectName!,
        'component-version': r.version ?? pkg.version ?? '0.0.0',
        'component-description': pkg.description ?? '',
        'component-id': { hashes: await fileHashes(file) },
        architecture: debianArch(),
        'metadata-generator': 'Hermetic',
        'creation-timestamp': new Date().toISOString().replace('Z', '+00:00'),
      },
      r.report,
      true,
    );
    writeFileSync(`${file}.json`, JSON.stringify(manifest, null, 2));
    written.push(`${file}.json`);
  }
  return written;
}

/** Rejections, each with what would fix it; '' when nothing was rejected. */
export function rejectionList(report: SessionReport, lockfile: string, project: string): string {
  const text = rejectionsText(report, '');
  if (!text) return '';
  const fixes = report.artifacts.filter(isRejected).map((a) => {
    const url = (a.downloads ?? [])[0]?.url ?? '';
    let folder = url;
    try {
      const u = new URL(url);
      folder = `${u.protocol}//${u.host}${u.pathname.replace(/[^/]*$/, '')}**`;
    } catch {
      // Keep the URL as it is.
    }
    const mismatch = rejectionReasons(a).some((reason) => /mismatch/.test(reason));
    return mismatch
      ? `  ${url}: the bytes do not match the checksum in ${lockfile}; fix the entry (nx g @hermetic/nx:update-checksums ${project})`
      : `  ${url}: declare it in ${lockfile} (nx g @hermetic/nx:add-artifact --project ${project} --url ${userUrl(url)}) or allow it ("${folder}")`;
  });
  return `${text}\nTo fix:\n${fixes.join('\n')}`;
}

/** Keeps the raw report, whatever happened, next to where the artifacts go. */
export function keepRawReport(r: SessionResults): void {
  for (const w of r.report.warnings) log.warn(w);
  if (!r.patterns.length) return;
  const dir = resolve(r.context.root, dirname(r.patterns[0]));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${r.context.projectName}.session-report.json`), JSON.stringify(r.report.raw, null, 2));
}

/**
 * A strict session rejected downloads: what was packed used them, so it must not look like a good
 * build. Each artifact becomes `<artifact>.rejected` with its manifest beside it.
 */
export async function quarantineArtifacts(r: SessionResults): Promise<void> {
  for (const file of (await packedNow(r, 'not quarantined, this session did not pack it')).packed) {
    renameSync(file, `${file}.rejected`);
    rmSync(`${file}.json`, { force: true });
    await writeManifests([`${file}.rejected`], r);
    log.error(`moved ${relative(r.context.root, file)} to ${relative(r.context.root, file)}.rejected (its manifest: .rejected.json)`);
  }
}

/**
 * `<artifact>.json` beside every packed artifact. Patterns that match no file after the command
 * are said (a wrong glob, or a command that packed elsewhere, left no manifest and no word).
 */
export async function writeArtifactManifests(r: SessionResults): Promise<void> {
  const { packed, leftover } = await packedNow(r, "no manifest written for it, this session's would not describe it");
  if (r.patterns.length && !packed.length && !leftover.length) {
    log.warn(
      `no file matches the pack target's artifacts (${r.patterns.join(', ')}) after the command: no <artifact>.json was written; check the paths (relative to the workspace root)`,
    );
  }
  for (const m of await writeManifests(packed, r)) log.info(`wrote ${relative(r.context.root, m)}`);
}
