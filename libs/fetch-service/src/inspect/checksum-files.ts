import { Inspector } from './types';

/** Checksum files build tools fetch beside an artifact (Maven asks for `.sha1` and `.md5` of every file). */
const CHECKSUM_FILE = /^(.*)\.(md5|sha1|sha256|sha512)$/;

/** The artifact URL a checksum-file URL belongs to, and the algorithm it holds; undefined otherwise. */
export function checksumFileOf(canonical: string): { artifact: string; algorithm: 'md5' | 'sha1' | 'sha256' | 'sha512' } | undefined {
  const [path, query] = canonical.split('?');
  const m = CHECKSUM_FILE.exec(path);
  if (!m || query !== undefined) return undefined;
  return { artifact: m[1], algorithm: m[2] as 'md5' | 'sha1' | 'sha256' | 'sha512' };
}

/** The hex digest a checksum file holds: its first word (`<hex>` or `<hex>  <file name>`), lower-cased. */
export function digestInChecksumFile(text: string): string | undefined {
  const word = text.trim().split(/\s+/)[0]?.toLowerCase();
  return word && /^[0-9a-f]{32,128}$/.test(word) ? word : undefined;
}

/**
 * The checksum file of a declared artifact (`x.jar.sha1` beside a declared `x.jar`): sent upstream,
 * and Approved when the digest it holds is the artifact's, as the session declared it or as the
 * proxy computed it from the artifact's verified bytes; never reported as the artifact itself.
 */
export const checksumFileInspector: Inspector = {
  id: 'checksum-file',
  request(req, ctx) {
    const of = checksumFileOf(req.canonical);
    if (!of || !ctx.declared.has(of.artifact) || ctx.declared.has(req.canonical)) return undefined;
    if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
    return { opinion: 'Pending', reason: `the ${of.algorithm} checksum file of the declared ${of.artifact}` };
  },
  response(req, res, ctx) {
    const of = checksumFileOf(req.canonical);
    const declared = of && !ctx.declared.has(req.canonical) ? ctx.declared.get(of.artifact) : undefined;
    if (!of || !declared) return undefined;
    if (res.status < 200 || res.status >= 300) return { opinion: 'Rejected', reason: `upstream answered HTTP ${res.status}` };
    const held = digestInChecksumFile(res.text ?? '');
    if (!held) return { opinion: 'Rejected', reason: `not a ${of.algorithm} checksum file` };
    const expected = declared.checksums.find((c) => c.algorithm === of.algorithm)?.digest ?? ctx.fetchedDigest(of.artifact, of.algorithm);
    if (!expected) return { opinion: 'Rejected', reason: `the ${of.algorithm} of ${of.artifact} is neither declared nor known yet (fetch the artifact first)` };
    return held === expected
      ? { opinion: 'Approved', reason: `holds the ${of.algorithm} of the declared artifact's verified bytes` }
      : { opinion: 'Rejected', reason: `holds ${held}, but the ${of.algorithm} of the declared artifact is ${expected}` };
  },
  identify(req) {
    const of = checksumFileOf(req.canonical);
    if (!of) return undefined;
    return { name: req.url.pathname.split('/').pop() ?? '', version: '', type: 'text/x.checksum' };
  },
};
