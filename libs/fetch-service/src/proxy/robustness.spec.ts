import { randomBytes } from 'node:crypto';
import { connect, Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import fc from 'fast-check';
import { endlessBody, serveBytes, startTestServer, TestServer } from '@hermetic/core/testing/test-server';
import { run, startService } from '../testing';

/** Writes `data` to the proxy on a raw socket and returns what came back before it closed (or 1 s passed). */
function raw(address: string, data: string | Buffer, waitMs = 1000): Promise<string> {
  const [host, port] = address.split(':');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket: Socket = connect(Number(port), host);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', finish);
    socket.on('close', finish);
    socket.write(data);
  });
}

/** Opens a CONNECT tunnel, then sends `inner` through it (plain HTTP inside); returns the answer. */
function throughTunnel(address: string, auth: string, target: string, inner: string): Promise<string> {
  return raw(address, `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\nProxy-Authorization: ${auth}\r\n\r\n${inner}`);
}

/**
 * Nothing a client sends can take the service down: malformed targets, request lines, headers and
 * SNI names each end their own request (4xx/5xx or a closed connection) and the next normal
 * request is served. Each case was a crash of the whole process once.
 */
describe('proxy robustness', () => {
  let fs: Awaited<ReturnType<typeof startService>>;
  let origin: TestServer;
  let tls: TestServer;
  let session: { id: string; token: string; proxy: string };
  let auth: string;
  const body = randomBytes(2_000);

  beforeAll(async () => {
    fs = await startService();
    origin = await startTestServer();
    tls = await startTestServer({ https: true });
    origin.route('/ok.bin', serveBytes(body));
    tls.route('/ok.bin', serveBytes(body));
    session = await fs.session({ policy: 'permissive' });
    auth = `Basic ${Buffer.from(`${session.id}:${session.token}`).toString('base64')}`;
  });
  afterAll(async () => {
    await fs.service.stop();
    await origin.close();
    await tls.close();
  });

  /** A normal HTTP and HTTPS download through the same session still works. */
  async function stillServes(): Promise<void> {
    const plain = await run('curl', ['-sS', '-x', session.proxy, '-o', '/dev/null', '-w', '%{http_code}', `${origin.origin}/ok.bin`]);
    const secure = await run('curl', ['-sS', '-x', session.proxy, '--cacert', fs.caPath, '-o', '/dev/null', '-w', '%{http_code}', `${tls.origin}/ok.bin`]);
    expect([plain.stdout, secure.stdout]).toEqual(['200', '200']);
  }

  it.each([
    ['a host that makes no URL', 'exa%mple.com:80'],
    ['a port out of range', '127.0.0.1:99999'],
    ['port 0', '127.0.0.1:0'],
    ['no port', '127.0.0.1'],
  ])('refuses a CONNECT with %s (400) and keeps serving', async (_what, target) => {
    const answer = await throughTunnel(fs.service.proxyAddress, auth, target, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    await stillServes();
  });

  it.each([
    ['asterisk-form', 'GET * HTTP/1.1'],
    ['authority-form', 'GET 127.0.0.1:80 HTTP/1.1'],
    ['an absolute URL with a bad port', 'GET http://127.0.0.1:99999/x HTTP/1.1'],
  ])('answers %s inside a tunnel with 400 and keeps serving', async (_what, line) => {
    const port = origin.origin.split(':').pop();
    const answer = await throughTunnel(fs.service.proxyAddress, auth, `127.0.0.1:${port}`, `${line}\r\nHost: 127.0.0.1\r\n\r\n`);
    expect(answer).toMatch(/HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 400 /);
    await stillServes();
  });

  it.each([['/a%zz/b-1.0.jar'], ['//exa%mple.com/x'], ['/%E0%A4%A/left-pad/-/left-pad-1.0.0.tgz'], ['/simple/%ff/']])(
    'forwards a path with malformed escapes (%s) and identifies nothing in it',
    async (path) => {
      const port = origin.origin.split(':').pop();
      const answer = await throughTunnel(
        fs.service.proxyAddress,
        auth,
        `127.0.0.1:${port}`,
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
      );
      // The origin has no such route: its 404 came back through the proxy.
      expect(answer).toMatch(/HTTP\/1\.1 200 Connection Established\r\n\r\nHTTP\/1\.1 404 /);
      await stillServes();
    },
  );

  it('answers a plain request for an invalid absolute URL with 400', async () => {
    const answer = await raw(fs.service.proxyAddress, `GET http://127.0.0.1:99999/x HTTP/1.1\r\nHost: x\r\nProxy-Authorization: ${auth}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    await stillServes();
  });

  it('refuses a session whose declared checksum it could not compute (400), so no request can crash on it', async () => {
    for (const checksum of ['foo:00', 'SHA256:ab', `sha256:${'A'.repeat(64)}`, 'sha256:abc', 42]) {
      const r = await fs.control('POST', '/session', { policy: 'strict', 'declared-artifacts': [{ url: `${origin.origin}/ok.bin`, checksum }] });
      expect({ checksum, status: r.status }).toEqual({ checksum, status: 400 });
      expect(r.text).toMatch(/declared-artifacts: /);
    }
    await stillServes();
  });

  it('survives random request lines, headers and CONNECT targets (property)', async () => {
    const token = fc.stringMatching(/^[!-~]{0,40}$/);
    const port = origin.origin.split(':').pop();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // Random request lines and headers, plain (absolute-form or not).
          fc
            .tuple(token, token, fc.array(fc.tuple(fc.stringMatching(/^[!-9;-~]{1,20}$/), token), { maxLength: 4 }))
            .map(
              ([method, target, headers]) =>
                `${method || 'GET'} ${target || '/'} HTTP/1.1\r\nProxy-Authorization: ${auth}\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`,
            ),
          // Random CONNECT targets.
          token.map((target) => `CONNECT ${target || ':'} HTTP/1.1\r\nProxy-Authorization: ${auth}\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n`),
          // Random requests inside a valid tunnel.
          fc
            .tuple(token, token)
            .map(
              ([method, target]) =>
                `CONNECT 127.0.0.1:${port} HTTP/1.1\r\nProxy-Authorization: ${auth}\r\n\r\n${method || 'GET'} ${target || '/'} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
            ),
          // Random bytes.
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
        ),
        async (input) => {
          await raw(fs.service.proxyAddress, input, 300);
        },
      ),
      { numRuns: 80, interruptAfterTimeLimit: 30_000, seed: 20261202 },
    );
    await stillServes();
  }, 60_000);

  it('survives random SNI names in intercepted tunnels (property)', async () => {
    const [host, port] = fs.service.proxyAddress.split(':');
    const originPort = tls.origin.split(':').pop();
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[!-~]{1,64}$/), async (servername) => {
        await new Promise<void>((resolve) => {
          const socket = connect(Number(port), host, () => socket.write(`CONNECT 127.0.0.1:${originPort} HTTP/1.1\r\nProxy-Authorization: ${auth}\r\n\r\n`));
          socket.once('data', () => {
            let secure;
            try {
              secure = tlsConnect({ socket, servername, rejectUnauthorized: false });
            } catch {
              socket.destroy();
              return resolve();
            }
            const done = () => {
              secure.destroy();
              resolve();
            };
            secure.once('secureConnect', () => secure.end('GET /ok.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'));
            secure.on('error', done);
            secure.on('close', done);
            setTimeout(done, 1000);
          });
          socket.on('error', () => resolve());
        });
      }),
      { numRuns: 25, interruptAfterTimeLimit: 20_000, seed: 20261202 },
    );
    await stillServes();
  }, 60_000);

  it('intercepts TLS whose first bytes come in the same packet as the CONNECT', async () => {
    // A client that does not wait for "200 Connection Established": the ClientHello rides with the
    // CONNECT (the proxy gets it as the request's head), and the 200 comes before the ServerHello.
    const [host, port] = fs.service.proxyAddress.split(':');
    const target = `127.0.0.1:${tls.origin.split(':').pop()}`;
    const socket = connect(Number(port), host);
    let connectLine: Buffer | undefined = Buffer.from(`CONNECT ${target} HTTP/1.1\r\nProxy-Authorization: ${auth}\r\n\r\n`);
    let answered = false;
    let head = Buffer.alloc(0);
    const tunnel = new Duplex({
      write(chunk: Buffer, _encoding, done) {
        socket.write(connectLine ? Buffer.concat([connectLine, chunk]) : chunk, done);
        connectLine = undefined;
      },
      read() {},
    });
    socket.on('data', (d: Buffer) => {
      if (answered) return void tunnel.push(d);
      head = Buffer.concat([head, d]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      answered = true;
      expect(head.subarray(0, end).toString('latin1')).toMatch(/^HTTP\/1\.1 200/);
      if (head.length > end + 4) tunnel.push(head.subarray(end + 4));
    });
    socket.on('end', () => tunnel.push(null));
    const secure = tlsConnect({ socket: tunnel, servername: 'localhost', ca: readFileSync(fs.caPath, 'utf8') });
    const answer = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      secure.once('secureConnect', () => secure.write(`GET /ok.bin HTTP/1.1\r\nHost: ${target}\r\nConnection: close\r\n\r\n`));
      secure.on('data', (d: Buffer) => chunks.push(d));
      secure.on('end', () => resolve(Buffer.concat(chunks)));
      secure.on('error', reject);
    });
    socket.destroy();
    const split = answer.indexOf('\r\n\r\n');
    expect(answer.subarray(0, split).toString('latin1')).toMatch(/^HTTP\/1\.1 200/);
    expect(answer.subarray(split + 4).equals(body)).toBe(true);
  });

  it('logs what went wrong without the query string (which may carry a token)', async () => {
    await raw(
      fs.service.proxyAddress,
      `CONNECT 127.0.0.1:${origin.origin.split(':').pop()} HTTP/1.1\r\nProxy-Authorization: ${auth}\r\n\r\nGET *?access_token=s3cret HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    expect(fs.logs.join('\n')).not.toContain('s3cret');
  });

  it('stops reading upstream when the client leaves, and reports only what was delivered', async () => {
    const sent = { bytes: 0 };
    origin.route('/endless.bin', endlessBody(sent));
    const s = await fs.session({ policy: 'permissive' });
    const sessionAuth = `Basic ${Buffer.from(`${s.id}:${s.token}`).toString('base64')}`;
    const [host, port] = fs.service.proxyAddress.split(':');
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), host, () =>
        socket.write(`GET ${origin.origin}/endless.bin HTTP/1.1\r\nHost: x\r\nProxy-Authorization: ${sessionAuth}\r\n\r\n`),
      );
      socket.once('data', () => {
        socket.destroy();
        resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 300));
    const afterLeave = sent.bytes;
    await new Promise((r) => setTimeout(r, 500));
    // The origin stopped sending (a little may have been in flight); an endless body would be far past this.
    expect(sent.bytes - afterLeave).toBeLessThan(1 << 20);
    const report = await fs.teardown(s);
    expect(report.artifacts).toHaveLength(1);
    expect(report.artifacts[0].result).toBe('Rejected');
    expect(report.artifacts[0]['response-inspection'].client.reason).toMatch(
      /the client disconnected after \d+ of an unknown number of bytes: the rest was not fetched/,
    );
  });
});

describe('proxy connection limits', () => {
  let fs: Awaited<ReturnType<typeof startService>>;
  let origin: TestServer;

  beforeAll(async () => {
    fs = await startService({ idleTimeoutMs: 400, maxConnections: 3 });
    origin = await startTestServer();
  });
  afterAll(async () => {
    await fs.service.stop();
    await origin.close();
  });

  /** Resolves with how long the proxy kept a socket open after `first` was sent (capped at `capMs`). */
  function openFor(first: string, capMs: number): Promise<number> {
    const [host, port] = fs.service.proxyAddress.split(':');
    return new Promise((resolve) => {
      const started = Date.now();
      const socket = connect(Number(port), host, () => socket.write(first));
      socket.on('data', () => undefined);
      const timer = setTimeout(() => {
        socket.destroy();
        resolve(capMs);
      }, capMs);
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(Date.now() - started);
      });
      socket.on('error', () => undefined);
    });
  }

  it('closes an authenticated tunnel that stays idle', async () => {
    const s = await fs.session({ policy: 'permissive' });
    const auth = `Basic ${Buffer.from(`${s.id}:${s.token}`).toString('base64')}`;
    const port = origin.origin.split(':').pop();
    const lasted = await openFor(`CONNECT 127.0.0.1:${port} HTTP/1.1\r\nProxy-Authorization: ${auth}\r\n\r\n`, 5_000);
    expect(lasted).toBeGreaterThanOrEqual(350);
    expect(lasted).toBeLessThan(5_000);
  });

  it('refuses connections over the limit', async () => {
    const [host, port] = fs.service.proxyAddress.split(':');
    const held = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<Socket>((resolve) => {
            const socket = connect(Number(port), host, () => resolve(socket));
            socket.on('error', () => undefined);
          }),
      ),
    );
    const lasted = await openFor('GET / HTTP/1.1\r\n', 300);
    held.forEach((socket) => socket.destroy());
    expect(lasted).toBeLessThan(300);
  });
});
