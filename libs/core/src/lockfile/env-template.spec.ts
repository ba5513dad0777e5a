import { expandEnvTemplate, parseEnvTemplate } from './env-template';

describe('env templates', () => {
  it('expands $NAME and ${NAME}, and $$ to a literal $', () => {
    const t = parseEnvTemplate('Bearer ${TOKEN}-$USER_1 costs $$5');
    expect(t.variables).toEqual(['TOKEN', 'USER_1']);
    expect(expandEnvTemplate(t, { TOKEN: 't0k', USER_1: 'me' })).toBe('Bearer t0k-me costs $5');
  });

  it('rejects a malformed placeholder', () => {
    expect(() => parseEnvTemplate('a $ b')).toThrow(/invalid placeholder/);
    expect(() => parseEnvTemplate('${1ABC}')).toThrow(/invalid placeholder/);
    expect(() => parseEnvTemplate('${OPEN')).toThrow(/invalid placeholder/);
  });

  it('names an unset variable but never a value', () => {
    const t = parseEnvTemplate('$SECRET_A:$SECRET_B');
    expect(() => expandEnvTemplate(t, { SECRET_A: 'hunter2' })).toThrow("environment variable 'SECRET_B' referenced in auth config is not set");
    try {
      expandEnvTemplate(t, { SECRET_A: 'hunter2' });
    } catch (err) {
      expect(String(err)).not.toContain('hunter2');
    }
  });
});
