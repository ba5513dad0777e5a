import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadNetrc, netrcHeaders, parseNetrc } from './netrc';

describe('.netrc', () => {
  it('reads machines, the default, quoted tokens and skips account/macdef', () => {
    const n = parseNetrc(`machine repo.example login alice password "p a ss"
machine other.example
  login bob
  account ignored
  password secret2
default login anon password anon@
macdef init
  cd /pub
`);
    expect(n.machines.get('repo.example')).toEqual({ login: 'alice', password: 'p a ss' });
    expect(n.machines.get('other.example')).toEqual({ login: 'bob', password: 'secret2' });
    expect(n.fallback).toEqual({ login: 'anon', password: 'anon@' });
    expect(netrcHeaders(n, 'REPO.example')).toEqual({ authorization: `Basic ${Buffer.from('alice:p a ss').toString('base64')}` });
    expect(netrcHeaders(n, 'unknown.example')).toEqual({ authorization: `Basic ${Buffer.from('anon:anon@').toString('base64')}` });
  });

  it('reads the machines after a macro (a macdef ends at the next blank line)', () => {
    const n = parseNetrc(
      'machine a.example login a password 1\nmacdef upload\n  cd /pub\n  put machine evil login x password y\n\nmachine b.example login b password 2\n',
    );
    expect(n.machines.get('b.example')).toEqual({ login: 'b', password: '2' });
    expect(n.machines.has('evil')).toBe(false);
  });

  it('never throws, and reads back the entries it is given (property)', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9._@-]{1,20}$/).filter((w) => !['machine', 'default', 'login', 'password', 'account', 'macdef'].includes(w));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(word, word, word), { selector: ([host]) => host.toLowerCase(), maxLength: 6 }),
        fc.string({ maxLength: 200 }),
        (entries, noise) => {
          parseNetrc(noise);
          const n = parseNetrc(entries.map(([host, login, password]) => `machine ${host}\n  login ${login}\n  password ${password}\n`).join(''));
          return entries.every(([host, login, password]) => {
            const e = n.machines.get(host.toLowerCase());
            return e?.login === login && e.password === password;
          });
        },
      ),
      { numRuns: 300, seed: 20261202 },
    );
  });

  it('keeps the first entry of a machine, like curl', () => {
    expect(parseNetrc('machine h login a password 1\nmachine h login b password 2').machines.get('h')).toEqual({ login: 'a', password: '1' });
  });

  it('loads $NETRC, and treats a missing file as empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hermetic-netrc-'));
    writeFileSync(join(dir, 'n'), 'machine h login u password p');
    expect(loadNetrc({ NETRC: join(dir, 'n') }).machines.size).toBe(1);
    expect(loadNetrc({ HOME: dir }).machines.size).toBe(0);
  });
});
