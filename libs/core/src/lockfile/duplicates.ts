import { DiagnosticSink } from './diagnostics';
import { Artifact } from './types';

/**
 * Lockfile-wide duplicate checks: two artifacts with the same URL (URL and Maven artifacts compared
 * alike, unlike Hermeto), or two artifacts writing the same target file. Each duplicate is reported
 * at the later artifact and names the earlier one.
 */
export function reportDuplicates(artifacts: readonly Artifact[], sink: DiagnosticSink): void {
  const byUrl = new Map<string, Artifact>();
  const byTarget = new Map<string, Artifact>();
  for (const artifact of artifacts) {
    const sameUrl = byUrl.get(artifact.url);
    if (sameUrl) {
      sink.error(['artifacts', artifact.index], `duplicate URL ${artifact.url} (also artifacts[${sameUrl.index}])`, 'remove one of the two entries');
    } else {
      byUrl.set(artifact.url, artifact);
    }
    const sameTarget = byTarget.get(artifact.filename);
    if (sameTarget) {
      sink.error(
        ['artifacts', artifact.index],
        `duplicate target file '${artifact.filename}' (also artifacts[${sameTarget.index}])`,
        "give one of them a different 'filename'",
      );
    } else {
      byTarget.set(artifact.filename, artifact);
    }
  }
  // Names that differ only by case or Unicode normalisation are distinct here but one file on
  // macOS and Windows (and after some archive tools): a warning, since Linux builds are fine.
  const folded = new Map<string, Artifact>();
  for (const artifact of artifacts) {
    const key = artifact.filename.normalize('NFC').toLowerCase();
    const other = folded.get(key);
    if (other && other.filename !== artifact.filename) {
      sink.warn(
        ['artifacts', artifact.index],
        `target '${artifact.filename}' differs from '${other.filename}' (artifacts[${other.index}]) only by case or Unicode normalisation`,
        'give them clearly different names, or they collide on case-insensitive file systems',
      );
    } else if (!other) {
      folded.set(key, artifact);
    }
  }
  // `a` and `a/b` cannot both exist: one would have to be a file and a directory at once.
  for (const artifact of artifacts) {
    const segments = artifact.filename.split('/');
    for (let i = 1; i < segments.length; i++) {
      const parent = byTarget.get(segments.slice(0, i).join('/'));
      if (parent) {
        sink.error(
          ['artifacts', artifact.index],
          `target '${artifact.filename}' is inside '${parent.filename}', the file of artifacts[${parent.index}]`,
          "give one of them a different 'filename'",
        );
      }
    }
  }
}
