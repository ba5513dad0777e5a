import { Inspector } from './types';

/**
 * Artifacts the session declared (e.g. from the project's lockfiles): the request is Pending when its
 * URL is declared; the response is Approved only when every declared checksum matches its bytes.
 */
export const declaredInspector: Inspector = {
  id: 'lockfile',
  request(req, ctx) {
    const declared = ctx.declared.get(req.canonical);
    if (!declared) return undefined;
    // A declared artifact is fetched, never written to: a body sent to it would leave unchecked.
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return { opinion: 'Rejected', reason: `a declared artifact is fetched with GET or HEAD, not ${req.method}` };
    return {
      opinion: 'Pending',
      reason: declared.redirectedFrom ? `the URL is where the declared ${declared.redirectedFrom} redirects` : 'the URL is declared in the session (lockfile)',
    };
  },
  response(req, res, ctx) {
    const declared = ctx.declared.get(req.canonical);
    if (!declared) return undefined;
    if (res.status < 200 || res.status >= 300) return { opinion: 'Rejected', reason: `upstream answered HTTP ${res.status}` };
    for (const { algorithm, digest } of declared.checksums) {
      const actual = res.digests.get(algorithm);
      if (actual !== digest) return { opinion: 'Rejected', reason: `${algorithm} mismatch: declared ${digest}, got ${actual ?? '(not computed)'}` };
    }
    return { opinion: 'Approved', reason: `the content matches the declared checksum${declared.checksums.length > 1 ? 's' : ''}` };
  },
};
