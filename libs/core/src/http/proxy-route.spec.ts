import fc from 'fast-check';
import type { Dispatcher } from 'undici';
import { createDispatcher } from './dispatcher';
import { proxyAddress, proxyRoute } from './proxy-route';

/**
 * The agent that the dispatcher of `env` (what downloads through a proxy use) picks for `url`:
 * undici's own choice, observed by stubbing the dispatch of each agent it holds (nothing connects).
 */
async function undiciChoice(url: string, env: NodeJS.ProcessEnv): Promise<'direct' | 'HTTP_PROXY' | 'HTTPS_PROXY'> {
  const d = createDispatcher({ connections: 1, connectTimeoutMs: 1000, env }) as Dispatcher & Record<symbol, Dispatcher>;
  const agent = (name: string) => d[Object.getOwnPropertySymbols(d).find((s) => s.description === name)!];
  const direct = agent('no proxy agent');
  const http = agent('http proxy agent');
  const https = agent('https proxy agent');
  if (!http) return 'direct'; // No proxy at all: a plain agent.
  let chosen: Dispatcher | undefined;
  for (const a of new Set([direct, http, https])) a.dispatch = () => ((chosen = a), true);
  d.dispatch({ origin: new URL(url).origin, path: '/', method: 'GET' }, {});
  await d.destroy();
  if (chosen === direct) return 'direct';
  return chosen === https && https !== http ? 'HTTPS_PROXY' : 'HTTP_PROXY';
}

describe('proxyRoute', () => {
  const proxy = 'http://user:pw@proxy.corp:3128';

  it.each([
    ['http://a.example/x', {}, undefined],
    ['http://a.example/x', { HTTP_PROXY: proxy }, 'HTTP_PROXY'],
    ['https://a.example/x', { HTTP_PROXY: proxy }, 'HTTP_PROXY'],
    ['https://a.example/x', { https_proxy: proxy, HTTP_PROXY: proxy }, 'HTTPS_PROXY'],
    ['http://a.example/x', { HTTPS_PROXY: proxy }, undefined],
    ['http://a.example/x', { HTTP_PROXY: proxy, NO_PROXY: '*' }, undefined],
    ['http://a.example/x', { HTTP_PROXY: proxy, no_proxy: 'example' }, undefined],
    ['http://a.example/x', { HTTP_PROXY: proxy, NO_PROXY: '*.example' }, undefined],
    ['http://A.Example:8080/x', { HTTP_PROXY: proxy, NO_PROXY: '.example:8080' }, undefined],
    ['http://a.example/x', { HTTP_PROXY: proxy, NO_PROXY: 'example:8080' }, 'HTTP_PROXY'],
    ['http://a.example/x', { HTTP_PROXY: proxy, NO_PROXY: 'example:80' }, undefined],
    ['http://notexample/x', { HTTP_PROXY: proxy, NO_PROXY: 'example' }, 'HTTP_PROXY'],
    ['http://127.0.0.1:4873/x', { HTTP_PROXY: proxy, NO_PROXY: 'localhost, 127.0.0.1' }, undefined],
  ])('%s with %j goes through %s', (url, env, name) => {
    expect(proxyRoute(url, env)?.name).toBe(name);
  });

  it('makes the same choice as the undici agent that makes the connection (property)', async () => {
    const label = fc.constantFrom('a', 'b', 'example', 'corp', 'localhost');
    const host = fc.oneof(
      fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join('.')),
      fc.constant('127.0.0.1'),
    );
    const port = fc.constantFrom('', ':80', ':443', ':8080');
    const entry = fc.tuple(fc.constantFrom('', '.', '*.'), host, fc.constantFrom('', ':80', ':443', ':8080', ':0')).map((p) => p.join(''));
    const noProxy = fc.oneof(
      fc.constant(undefined),
      fc.constant('*'),
      fc.tuple(fc.array(entry, { maxLength: 4 }), fc.constantFrom(',', ' ', ', ')).map(([e, sep]) => e.join(sep)),
    );
    const proxies = fc.constantFrom({ HTTP_PROXY: proxy }, { https_proxy: proxy }, { http_proxy: proxy, HTTPS_PROXY: 'http://other:8080' });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('http', 'https'), host, port, proxies, noProxy, async (scheme, h, p, proxyEnv, np) => {
        const env = { ...proxyEnv, ...(np === undefined ? {} : { NO_PROXY: np }) };
        const url = `${scheme}://${h}${p}/file.bin`;
        expect(proxyRoute(url, env)?.name ?? 'direct').toBe(await undiciChoice(url, env));
      }),
      { numRuns: 150 },
    );
  });

  it("says a proxy's scheme and host, never its credentials", () => {
    expect(proxyAddress(proxy)).toBe('http://proxy.corp:3128');
    expect(proxyAddress('http://proxy corp:3128')).toBeUndefined();
  });
});
