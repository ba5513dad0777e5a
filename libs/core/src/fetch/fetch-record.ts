import { readdir, readFile, unlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { JsonList } from '../fs/json-list';
import { jsonPieces } from '../fs/json-pieces';
import { checkInside } from './safe-paths';
import { writeAtomically } from '../fs/write-atomically';
import { checkTargetFilename } from '../lockfile/target-path';

import { RECORD_DIR } from '../layout';
import { mavenLayoutFiles } from '../layout';

export { RECORD_DIR };

/** One verified file a fetch wrote. */
export interface RecordedFile {
  /** Path relative to `deps/generic/`. */
  filename: string;
  url: string;
  kind: 'url' | 'maven';
  /** `algorithm:digest` strings, all verified. */
  checksums: string[];
  size: number;
  /** The mirror URL the bytes came from, when a mirror rule rewrote `url`. */
  fetchedFrom?: string;
  /** Path below `deps/maven/` when the Maven repository layout was written. */
  mavenPath?: string;
}

/** What one fetch target wrote into an output directory (used to clean up, detect collisions, and for SBOMs). */
export interface FetchRecord {
  version: 1;
  lockfile: string;
  files: RecordedFile[];
}

/** A record as a run makes it: its lines made when read (10,000 of them held were ~3.5 MiB at the run's end). */
export type RunRecord = Omit<FetchRecord, 'files'> & { files: JsonList<RecordedFile> };

/** The mirror URL each artifact of some records came from, by artifact URL (only those a mirror served). */
export function mirrorsUsed(records: Iterable<{ files: Iterable<RecordedFile> }>): Map<string, string> {
  const mirrors = new Map<string, string>();
  for (const record of records) for (const f of record.files) if (f.fetchedFrom) mirrors.set(f.url, f.fetchedFrom);
  return mirrors;
}

export function recordPath(outputDir: string, name: string): string {
  return join(outputDir, RECORD_DIR, `${name}.json`);
}

export async function readRecord(path: string): Promise<FetchRecord | undefined> {
  try {
    const data = JSON.parse(await readFile(path, 'utf8')) as FetchRecord;
    return data && data.version === 1 && Array.isArray(data.files) ? data : undefined;
  } catch {
    return undefined;
  }
}

/** The records of every fetch target that wrote into this output directory, by target name. */
export async function readAllRecords(outputDir: string): Promise<Array<{ name: string; record: FetchRecord }>> {
  const dir = join(outputDir, RECORD_DIR);
  const entries = (await readdir(dir).catch(() => [] as string[])).sort();
  const out: Array<{ name: string; record: FetchRecord }> = [];
  for (const entry of entries) {
    if (!entry.endsWith('.json')) continue;
    const record = await readRecord(join(dir, entry));
    if (record) out.push({ name: entry.slice(0, -5), record });
  }
  return out;
}

/** The records of the other fetch targets sharing this output directory. */
export async function otherRecords(outputDir: string, name: string): Promise<Array<{ name: string; record: FetchRecord }>> {
  return (await readAllRecords(outputDir)).filter((r) => r.name !== name);
}

/** Writes a record atomically (temp file + rename), with a trailing newline and stable key order. */
export async function writeRecord(path: string, record: FetchRecord | RunRecord): Promise<void> {
  // In pieces (one per file): a record of 10,000 files is never one string.
  await writeAtomically(path, withNewline(jsonPieces(record, 2)));
}

/**
 * Removes files a previous run of the same target wrote that this run did not (artifacts dropped
 * from the lockfile, or a Maven layout switched off). Returns their paths below `deps/`.
 */
export async function removeStale(out: { dir: string; real: string }, previous: FetchRecord | undefined, current: Iterable<RecordedFile>): Promise<string[]> {
  if (!previous?.files.length) return [];
  const placed = (f: RecordedFile) => [`generic/${f.filename}`, ...(f.mavenPath ? mavenLayoutFiles(f.mavenPath).map((m) => `maven/${m}`) : [])];
  const keep = new Set<string>();
  for (const f of current) for (const rel of placed(f)) keep.add(rel);
  const removed: string[] = [];
  for (const f of previous.files) {
    for (const rel of placed(f)) {
      // A record is only a hint: never let an edited one point outside the directory.
      if (keep.has(rel) || !checkTargetFilename(rel.slice(rel.indexOf('/') + 1)).ok) continue;
      // Nor through a symlinked folder planted below it.
      await checkInside(out.dir, out.real, posix.dirname(`deps/${rel}`), 'stale-file clean-up');
      // Reported by their main file: a layout's checksum files go with it.
      const checksumFile = f.mavenPath !== undefined && rel !== `maven/${f.mavenPath}` && rel.startsWith(`maven/${f.mavenPath}.`);
      await unlink(join(out.dir, 'deps', rel)).then(
        () => (checksumFile ? undefined : removed.push(rel)),
        () => undefined,
      );
    }
  }
  return removed;
}

/** The pieces, then a line break. */
function* withNewline(pieces: Iterable<string>): Generator<string> {
  yield* pieces;
  yield '\n';
}
