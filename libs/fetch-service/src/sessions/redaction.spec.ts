import fc from 'fast-check';
import { isSecretHeaderName, Redactor } from './redaction';

describe('redaction', () => {
  it.each(['X-Deploy-Token', 'X-JFrog-Art-Api', 'Job-Token', 'X-Goog-Api-Key', 'Private-Token', 'X-Amz-Security-Token', 'api_key', 'X-Auth-Signature'])(
    'treats %s as a credential header',
    (name) => {
      expect(isSecretHeaderName(name)).toBe(true);
    },
  );

  it.each(['Accept', 'Content-Type', 'User-Agent', 'If-None-Match', 'X-Request-Id', 'Keyboard-Layout'])('leaves %s alone', (name) => {
    expect(isSecretHeaderName(name)).toBe(false);
  });

  it('removes a secret by value anywhere, also base64-encoded, and the password of user:password alone', () => {
    const r = new Redactor(['deploy:hunter2hunter2', 'tok-123456']);
    expect(r.text('Basic ' + Buffer.from('deploy:hunter2hunter2').toString('base64'))).toBe('Basic REDACTED');
    expect(r.text('pw=hunter2hunter2; t=tok-123456')).toBe('pw=REDACTED; t=REDACTED');
    expect(r.url('https://h/x?access_token=abc&v=1')).toBe('https://h/x?access_token=REDACTED&v=1');
    expect(r.json({ a: ['tok-123456'], b: { c: 'x tok-123456 y' }, n: 3 })).toEqual({ a: ['REDACTED'], b: { c: 'x REDACTED y' }, n: 3 });
  });

  it('never leaves a known secret in any text it passes (property)', () => {
    fc.assert(
      // Lower-case secrets: the upper-case placeholder can never spell one anew.
      fc.property(fc.stringMatching(/^[a-z0-9:]{4,30}$/), fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (secret, before, after) => {
        const out = new Redactor([secret]).text(`${before}${secret}${after}`);
        return !out.includes(secret);
      }),
      { numRuns: 300, seed: 20261202 },
    );
  });
});
