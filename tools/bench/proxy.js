/**
 * Fetch Service proxy figures, side by side in one run: throughput of a 256 MiB download and
 * requests/s plus median latency of 4 KiB downloads (keep-alive, 16 connections), each direct and
 * through the embedded proxy (a permissive session), over HTTP and HTTPS. Returns table rows.
 */
const { spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, openSync, writeSync, closeSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Agent, ProxyAgent, request } = require('undici');

const REPO = join(__dirname, '..', '..');
const FIXTURES = join(REPO, 'libs', 'core', 'src', 'testing', 'fixtures');
const BIG = 256 * 1024 * 1024;

function startProcess(cmd, args, env) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  return child;
}

async function firstLine(child) {
  return new Promise((resolve) => child.stdout.once('data', (d) => resolve(String(d).trim())));
}

async function waitForStatus(url) {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await request(`${url}/status`);
      await r.body.dump();
      if (r.statusCode === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('fetch service did not start');
}

async function download(url, dispatcher) {
  const start = process.hrtime.bigint();
  const res = await request(url, { dispatcher });
  let n = 0;
  for await (const c of res.body) n += c.length;
  if (n !== BIG) throw new Error(`got ${n} bytes`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

async function smallRequests(url, dispatcher, count) {
  const latencies = [];
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < count) {
        next++;
        const t = process.hrtime.bigint();
        const res = await request(url, { dispatcher });
        await res.body.dump();
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  latencies.sort((a, b) => a - b);
  return { rps: count / seconds, median: latencies[Math.floor(latencies.length / 2)] };
}

async function proxyBench() {
  const work = mkdtempSync(join(tmpdir(), 'hermetic-proxy-bench-'));
  const fd = openSync(join(work, 'big.bin'), 'w');
  const chunk = Buffer.alloc(8 << 20, 7);
  for (let i = 0; i < BIG; i += chunk.length) writeSync(fd, chunk);
  closeSync(fd);
  const certPath = join(FIXTURES, 'test-cert.pem');
  const plain = startProcess(process.execPath, [join(__dirname, 'serve.js'), work]);
  // BENCH_TLS_PORT=443 (needs root) measures the proxy's native TLS path, used for port 443 only.
  const tls = startProcess(process.execPath, [join(__dirname, 'serve.js'), work, '--tls', certPath, join(FIXTURES, 'test-key.pem')], {
    BENCH_LISTEN_PORT: process.env.BENCH_TLS_PORT ?? '0',
  });
  const [httpPort, httpsPort] = [await firstLine(plain), await firstLine(tls)];
  const cfg = join(work, 'fs');
  // BENCH_PROFILE_DIR=<dir>: a CPU profile of the service (written when it stops), to see where a
  // proxied request's time goes.
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const service = startProcess(
    process.execPath,
    [
      ...profile,
      join(REPO, 'libs/fetch-service/bin/hermetic-fetch-service.js'),
      '--config',
      cfg,
      '--control-port',
      '23555',
      '--proxy-port',
      '23444',
      '--permissive-mode',
      '--log-file',
      join(work, 'fs.log'),
    ],
    {
      FETCH_SERVICE_AUTH: 'bench:bench',
      NODE_EXTRA_CA_CERTS: certPath,
    },
  );
  const rows = [];
  try {
    await waitForStatus('http://127.0.0.1:23555');
    const s = await request('http://127.0.0.1:23555/session', {
      method: 'POST',
      body: '{"policy":"permissive"}',
      headers: { authorization: `Basic ${Buffer.from('bench:bench').toString('base64')}` },
    });
    const { id, token } = await s.body.json();
    const ca = readFileSync(join(cfg, 'ca.pem'), 'utf8');
    const testCa = readFileSync(certPath, 'utf8');
    const direct = new Agent({ connections: 16, connect: { ca: testCa } });
    const proxied = new ProxyAgent({ uri: `http://${id}:${token}@127.0.0.1:23444`, connections: 16, requestTls: { ca } });
    for (const [scheme, port] of [
      ['http', httpPort],
      ['https', httpsPort],
    ]) {
      const base = `${scheme}://127.0.0.1:${port}`;
      // Warm up both paths (connections, leaf certificate), then alternate.
      await smallRequests(`${base}/small/4096`, direct, 200);
      await smallRequests(`${base}/small/4096`, proxied, 200);
      const d = [];
      const p = [];
      for (let i = 0; i < 3; i++) {
        d.push(await download(`${base}/big.bin`, direct));
        p.push(await download(`${base}/big.bin`, proxied));
      }
      const med = (xs) => [...xs].sort((a, b) => a - b)[1];
      const dMiBs = 256 / med(d);
      const pMiBs = 256 / med(p);
      const label = scheme === 'https' && port === '443' ? 'HTTPS :443' : scheme.toUpperCase();
      rows.push([
        `proxy ${label} 256 MiB`,
        `${pMiBs.toFixed(0)} MiB/s`,
        `${dMiBs.toFixed(0)} MiB/s`,
        `${((pMiBs / dMiBs) * 100).toFixed(0)} % (goal >= 70 % for HTTPS)`,
        '',
        '',
      ]);
      const sd = await smallRequests(`${base}/small/4096`, direct, 3000);
      const sp = await smallRequests(`${base}/small/4096`, proxied, 3000);
      rows.push([
        `proxy ${scheme === 'https' && port === '443' ? 'HTTPS :443' : scheme.toUpperCase()} 4 KiB x 3000`,
        `${sp.rps.toFixed(0)} req/s, median ${sp.median.toFixed(2)} ms`,
        `${sd.rps.toFixed(0)} req/s, median ${sd.median.toFixed(2)} ms`,
        `+${(sp.median - sd.median).toFixed(2)} ms median (goal <= +1 ms)`,
        '',
        '',
      ]);
    }
    await direct.close();
    await proxied.close();
  } finally {
    // The service logs its shutdown into work/: let every process exit before that folder goes.
    await Promise.all([plain, tls, service].map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve() : (c.once('exit', resolve), c.kill())))));
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

module.exports = { proxyBench };
