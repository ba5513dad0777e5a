import { posix } from 'node:path';
import fc from 'fast-check';
import { compileAllowRule } from './inspect/allow-rules';
import { secretHeader } from './sessions/secrets';
import { compileUrlGlob, matchForm } from './url-match';

describe('URL matching for allow rules and secrets', () => {
  it('matches the path an origin that decodes %2F, %5C and %2E would serve', () => {
    expect(matchForm(new URL('http://h/pub/..%2fsecret.txt'))).toBe('http://h:80/secret.txt');
    expect(matchForm(new URL('http://h/pub/..%5Csecret.txt'))).toBe('http://h:80/secret.txt');
    expect(matchForm(new URL('http://h/pub/%2e%2e/secret.txt'))).toBe('http://h:80/secret.txt');
    expect(matchForm(new URL('https://H.example/a/b?x=1'))).toBe('https://h.example:443/a/b?x=1');
    const pub = compileUrlGlob('http://h/pub/**')!;
    expect(pub(new URL('http://h/pub/ok.txt'))).toBe(true);
    for (const evil of [
      'http://h/pub/..%2fsecret.txt',
      'http://h/pub/..%2Fsecret.txt',
      'http://h/pub/..%5csecret.txt',
      'http://h/pub/%2e%2e/secret.txt',
      'http://h/pub/%2E%2E%2Fsecret.txt',
    ]) {
      expect({ evil, allowed: pub(new URL(evil)), byRule: compileAllowRule('http://h/pub/**')(new URL(evil), '') }).toEqual({
        evil,
        allowed: false,
        byRule: false,
      });
    }
  });

  it('matches hosts case-insensitively and fills in the default port, in rules and secrets alike', () => {
    expect(compileAllowRule('https://Registry.Example.com/npm/**')(new URL('https://registry.example.com/npm/x.tgz'), '')).toBe(true);
    expect(compileAllowRule('REGISTRY.example.com')(new URL('https://registry.example.com/x'), '')).toBe(true);
    const secrets = [{ type: 'basic-auth' as const, url: 'https://Repo.Example.com/private/*', credentials: 'u:p' }];
    expect(secretHeader(secrets, new URL('https://repo.example.com:443/private/a.jar'))).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    expect(secretHeader(secrets, new URL('https://repo.example.com/public/a.jar'))).toBeUndefined();
  });

  it('never lets an encoded path out of the allowed folder (property)', () => {
    const rule = compileUrlGlob('http://h/pub/**')!;
    const piece = fc.constantFrom('pub', 'a', '..', '.', '%2e', '%2E', '%2f', '%2F', '%5c', '%5C', '/', 'secret.txt', '%25', '\\\\');
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 10 }), (parts) => {
        let url: URL;
        try {
          url = new URL(`http://h/${parts.join('')}`);
        } catch {
          return true;
        }
        if (!rule(url)) return true;
        // Allowed: then an origin that percent-decodes the path once and treats '\\' as '/' serves a file in /pub/.
        let decoded = url.pathname;
        try {
          decoded = decodeURIComponent(url.pathname);
        } catch {
          // Malformed escapes: such an origin refuses the request.
        }
        const served = posix.normalize(decoded.replace(/\\/g, '/'));
        return served.startsWith('/pub/');
      }),
      { numRuns: 500, seed: 20261202 },
    );
  });
});
