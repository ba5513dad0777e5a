import { HermeticError } from '../errors';
import { hostMatches, hostRefusal, parseHostList, parseMirrors, resolveNetworkRules, rewriteUrl } from './url-rules';

describe('mirror rules', () => {
  it('parses from=to pairs separated by ; , or new lines', () => {
    expect(parseMirrors('https://repo1.maven.org/maven2/=https://nexus.corp/central/; http://a/x/=http://b/y/\nhttps://c/?q=1=https://d/')).toEqual([
      { from: 'https://repo1.maven.org/maven2/', to: 'https://nexus.corp/central/' },
      { from: 'http://a/x/', to: 'http://b/y/' },
      { from: 'https://c/?q=1', to: 'https://d/' },
    ]);
    expect(parseMirrors(undefined)).toEqual([]);
  });

  it('rejects malformed rules and credentials in them', () => {
    expect(() => parseMirrors('https://a/ https://b/')).toThrow(/is not 'from=to'/);
    expect(() => parseMirrors('ftp://a/=https://b/')).toThrow(/must be http\(s\)/);
    expect(() => parseMirrors('https://a/=https://u:p@b/')).toThrow(/must not hold credentials/);
    // A target of another scheme is a from=to rule with a wrong side, not a malformed rule.
    expect(() => parseMirrors('http://a/=ftp://b/')).toThrow("mirror 'to' 'ftp://b/' must be http(s)");
  });

  it('rewrites the first matching prefix and keeps the rest of the URL', () => {
    const rules = [
      { from: 'https://repo1.maven.org/maven2/', to: 'https://nexus/central/' },
      { from: 'https://repo1.maven.org/', to: 'https://other/' },
    ];
    expect(rewriteUrl('https://repo1.maven.org/maven2/g/a/1/a-1.jar', rules)).toBe('https://nexus/central/g/a/1/a-1.jar');
    expect(rewriteUrl('https://repo1.maven.org/x', rules)).toBe('https://other/x');
    expect(rewriteUrl('https://example.com/x', rules)).toBe('https://example.com/x');
  });
});

describe('host rules', () => {
  it('allows only allowed hosts, blocks blocked ones (block wins), with wildcards', () => {
    const rules = { allow: ['*.corp.example', '127.0.0.1'], block: ['bad.corp.example'] };
    expect(hostRefusal('nexus.corp.example', rules)).toBeUndefined();
    expect(hostRefusal('127.0.0.1', rules)).toBeUndefined();
    expect(hostRefusal('corp.example', rules)).toMatch(/not in the allowed hosts/);
    expect(hostRefusal('BAD.corp.example', rules)).toMatch(/is blocked \(rule 'bad.corp.example'\)/);
    expect(hostRefusal('repo1.maven.org', { block: ['*'] })).toMatch(/blocked/);
    expect(hostRefusal('anything', {})).toBeUndefined();
  });

  it('refuses a host rule with a scheme, port or path (it matched no host ever), saying the host to write', () => {
    for (const [rule, host] of [
      ['http://127.0.0.1:18081', '127.0.0.1'],
      ['repo.corp:8443', 'repo.corp'],
      ['https://repo.corp/maven2', 'repo.corp'],
      ['repo.corp/maven2', 'repo.corp'],
    ]) {
      const thrown = (() => {
        try {
          resolveNetworkRules({ allowHosts: [rule] }, {});
        } catch (err) {
          return err as HermeticError;
        }
      })();
      expect(thrown).toMatchObject({ code: 'InvalidInput', message: `host rule '${rule}' is not a host name` });
      expect(thrown?.hints[0]).toContain(`'${host}'`);
    }
    expect(() => resolveNetworkRules({}, { HERMETIC_BLOCK_HOSTS: 'bad.example:443' })).toThrow("host rule 'bad.example:443' is not a host name");
    expect(resolveNetworkRules({ allowHosts: ['*.corp.example', 'mirror-?.corp', '127.0.0.1', '[::1]', '*'] }, {}).hosts.allow).toHaveLength(5);
  });

  it('parses host lists from env values', () => {
    expect(parseHostList(' a.example, *.b.example  C.example ')).toEqual(['a.example', '*.b.example', 'c.example']);
  });
});

describe('hostMatches (the one host matcher of host rules and allow rules)', () => {
  it.each([
    ['*', 'anything.example', true],
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'badexample.com', false],
    ['Example.COM', 'example.com', true],
    ['example.com', 'a.example.com', false],
    ['mirror-*.corp.example', 'mirror-eu.corp.example', true],
    ['mirror-*.corp.example', 'mirror-eu.evil.corp.example', false],
    ['repo?.corp.example', 'repo1.corp.example', true],
  ])('%s ~ %s: %s', (pattern, host, expected) => {
    expect(hostMatches(pattern, host)).toBe(expected);
  });
});
