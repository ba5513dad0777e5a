/**
 * Fetch Service proxy figures, side by side in one run, over HTTP and HTTPS: throughput of a
 * 256 MiB download, direct and through the embedded proxy (a permissive session); the proxy's CPU
 * per MiB against the floor `openssl speed` gives for the work it cannot avoid (SHA-1 and SHA-256
 * of every byte for the report, plus decrypting and re-encrypting with the negotiated cipher);
 * the same download with the proxy alone on one core and client and origin on the other; and 4 KiB
 * requests: the latency one request sees (1 in flight) and what 16 in flight get (queueing behind
 * the proxy's CPU per request). Returns table rows.
 */
const { execFileSync, spawn } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, openSync, writeSync, closeSync, existsSync } = require('node:fs');
const { tmpdir, cpus } = require('node:os');
const { join } = require('node:path');
const tls = require('node:tls');
const { Agent, ProxyAgent, request } = require('undici');

const REPO = join(__dirname, '..', '..');
const FIXTURES = join(REPO, 'libs', 'core', 'src', 'testing', 'fixtures');
const BIG = 256 * 1024 * 1024;
const MIB = 1024 * 1024;

function startProcess(cmd, args, env) {
  return spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
}

async function firstLine(child) {
  return new Promise((resolve) => child.stdout.once('data', (d) => resolve(String(d).trim())));
}

/** CPU seconds (user + system, all threads) a process has used so far; undefined off Linux. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Pins every thread of a process to `cpus` ("0", "1", "0-1"); false when taskset is missing. */
function pin(pid, cpuList) {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpuList, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Bytes per second `openssl speed` gets for an EVP algorithm on 16 KiB blocks (one second). */
function opensslSpeed(algorithm) {
  try {
    const out = execFileSync('openssl', ['speed', '-evp', algorithm, '-bytes', '16384', '-seconds', '1'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const m = /([\d.]+)k\s*$/.exec(out.trim().split('\n').pop());
    return m ? Number(m[1]) * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** The OpenSSL EVP name of a TLS cipher suite's bulk cipher. */
function bulkCipher(suite) {
  if (/CHACHA20/i.test(suite)) return 'chacha20-poly1305';
  if (/AES_?128_?GCM|AES128-GCM/i.test(suite)) return 'aes-128-gcm';
  if (/AES_?256_?GCM|AES256-GCM/i.test(suite)) return 'aes-256-gcm';
  return undefined;
}

/** The cipher suite Node negotiates with the HTTPS origin (the proxy's leaf side uses Node's defaults too). */
function negotiatedSuite(port, ca) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: Number(port), ca }, () => {
      resolve(socket.getCipher().standardName ?? socket.getCipher().name);
      socket.destroy();
    });
    socket.on('error', reject);
  });
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

async function smallRequests(url, dispatcher, count, inFlight) {
  const latencies = [];
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
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

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Downloads `url` through `dispatcher`; seconds taken and the CPU seconds per MiB process `pid` spent. */
async function measured(url, dispatcher, pid) {
  const before = cpuSeconds(pid);
  const seconds = await download(url, dispatcher);
  const after = cpuSeconds(pid);
  return { seconds, cpuPerMiB: before !== undefined && after !== undefined ? (after - before) / (BIG / MIB) : undefined };
}

/** Median MiB/s and CPU seconds per MiB of a list of `measured` results. */
function summary(runs) {
  const cpu = runs.map((r) => r.cpuPerMiB).filter((c) => c !== undefined);
  return { rate: 256 / median(runs.map((r) => r.seconds)), cpuPerMiB: cpu.length ? median(cpu) : undefined };
}

/**
 * Three alternating 256 MiB downloads each way; median MiB/s of each, and the service's CPU
 * seconds per MiB proxied. With `bare` (a bare relay's url, dispatcher and pid), its downloads join
 * the alternation.
 */
async function throughput(url, direct, proxied, servicePid, bare) {
  const d = [];
  const p = [];
  const b = [];
  for (let i = 0; i < 3; i++) {
    d.push(await download(url, direct));
    p.push(await measured(url, proxied, servicePid));
    if (bare) b.push(await measured(bare.url, bare.dispatcher, bare.pid));
  }
  const proxy = summary(p);
  return { direct: 256 / median(d), proxied: proxy.rate, cpuPerMiB: proxy.cpuPerMiB, ...(bare ? { bare: summary(b) } : {}) };
}

/** The floor of the proxy's CPU per MiB: the hashes of every byte, plus decrypt and encrypt for HTTPS. */
function cpuFloor(scheme, cipher) {
  const sha1 = opensslSpeed('sha1');
  const sha256 = opensslSpeed('sha256');
  if (!sha1 || !sha256) return undefined;
  const hashMsPerMiB = (1 / sha1 + 1 / sha256) * MIB * 1000;
  let perByte = 1 / sha1 + 1 / sha256;
  let what = 'openssl speed: sha1 + sha256';
  if (scheme === 'https') {
    const bulk = cipher && opensslSpeed(cipher);
    if (!bulk) return undefined;
    perByte += 2 / bulk;
    what += ` + 2 x ${cipher}`;
  }
  return { msPerMiB: perByte * MIB * 1000, what, hashMsPerMiB };
}

async function proxyBench() {
  const work = mkdtempSync(join(tmpdir(), 'hermetic-proxy-bench-'));
  const fd = openSync(join(work, 'big.bin'), 'w');
  const chunk = Buffer.alloc(8 << 20, 7);
  for (let i = 0; i < BIG; i += chunk.length) writeSync(fd, chunk);
  closeSync(fd);
  const certPath = join(FIXTURES, 'test-cert.pem');
  const plain = startProcess(process.execPath, [join(__dirname, 'serve.js'), work]);
  // BENCH_TLS_PORT=443 (needs root) puts the HTTPS origin on the usual port.
  const tlsOrigin = startProcess(process.execPath, [join(__dirname, 'serve.js'), work, '--tls', certPath, join(FIXTURES, 'test-key.pem')], {
    BENCH_LISTEN_PORT: process.env.BENCH_TLS_PORT ?? '0',
  });
  const [httpPort, httpsPort] = [await firstLine(plain), await firstLine(tlsOrigin)];
  // The floor under the proxy's figures: a relay doing nothing but pass the bytes on (bare-relay.js).
  const bareRelays = {
    http: startProcess(process.execPath, [join(__dirname, 'bare-relay.js'), `http://127.0.0.1:${httpPort}`]),
    https: startProcess(process.execPath, [
      join(__dirname, 'bare-relay.js'),
      `https://127.0.0.1:${httpsPort}`,
      '--tls',
      certPath,
      join(FIXTURES, 'test-key.pem'),
    ]),
  };
  const barePorts = { http: await firstLine(bareRelays.http), https: await firstLine(bareRelays.https) };
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
  const allCpus = `0-${cpus().length - 1}`;
  const canPin = cpus().length >= 2 && existsSync('/proc/self/stat');
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
    const cipher = bulkCipher(await negotiatedSuite(httpsPort, testCa));
    const direct = new Agent({ connections: 16, connect: { ca: testCa } });
    const proxied = new ProxyAgent({ uri: `http://${id}:${token}@127.0.0.1:23444`, connections: 16, requestTls: { ca } });
    // BENCH_PROXY_SCHEME=http or https: one of the two (for profiling work on the proxy).
    for (const [scheme, port] of [
      ['http', httpPort],
      ['https', httpsPort],
    ].filter(([scheme]) => !process.env.BENCH_PROXY_SCHEME || process.env.BENCH_PROXY_SCHEME === scheme)) {
      const base = `${scheme}://127.0.0.1:${port}`;
      const label = scheme === 'https' && port === '443' ? 'HTTPS :443' : scheme.toUpperCase();
      const goal = scheme === 'https' ? ' (goal >= 70 %)' : '';
      // Warm up both paths (connections, leaf certificate, one large body), then alternate.
      await smallRequests(`${base}/small/4096`, direct, 200, 16);
      await smallRequests(`${base}/small/4096`, proxied, 200, 16);
      await download(`${base}/big.bin`, proxied);

      const bare = { url: `${scheme}://127.0.0.1:${barePorts[scheme]}/big.bin`, dispatcher: direct, pid: bareRelays[scheme].pid };
      await download(bare.url, direct);
      const shared = await throughput(`${base}/big.bin`, direct, proxied, service.pid, bare);
      rows.push([
        `proxy ${label} 256 MiB`,
        `${shared.proxied.toFixed(0)} MiB/s`,
        `${shared.direct.toFixed(0)} MiB/s direct`,
        `${((shared.proxied / shared.direct) * 100).toFixed(0)} %${goal}`,
        '',
        '',
      ]);
      const floor = cpuFloor(scheme, cipher);
      if (shared.cpuPerMiB !== undefined && floor) {
        const ms = shared.cpuPerMiB * 1000;
        rows.push([
          `  proxy CPU per MiB`,
          `${ms.toFixed(2)} ms`,
          `${floor.msPerMiB.toFixed(2)} ms (${floor.what})`,
          `${(ms / floor.msPerMiB).toFixed(1)}x the floor`,
          '',
          '',
        ]);
        // The ceiling of the ratio on these cores: direct keeps them all busy, so client and origin
        // spend cores x 1000 / direct ms of CPU per MiB; through the proxy the same cores also carry
        // its CPU per MiB. At the floor that is the best any proxy could do here; at the measured
        // CPU the same model should give the measured ratio (a check of the model).
        const cores = cpus().length;
        const directMs = (cores * 1000) / shared.direct;
        const at = (proxyMs) => (cores * 1000) / (directMs + proxyMs);
        rows.push([
          `  ceiling on these ${cores} cores`,
          `${at(floor.msPerMiB).toFixed(0)} MiB/s (a proxy at the floor)`,
          `client + origin ${directMs.toFixed(2)} ms/MiB direct`,
          `${((at(floor.msPerMiB) / shared.direct) * 100).toFixed(0)} % at most; model at the measured CPU: ${((at(ms) / shared.direct) * 100).toFixed(0)} %`,
          '',
          '',
        ]);
        // What Node itself costs: a relay that only passes the bytes on. The proxy also parses,
        // hashes twice (the floor's sha1 + sha256) and records; the difference says what that adds.
        if (shared.bare?.cpuPerMiB !== undefined) {
          const bareMs = shared.bare.cpuPerMiB * 1000;
          const above = ms - bareMs;
          rows.push([
            `  a bare Node relay (no parser, hashes, report)`,
            `${shared.bare.rate.toFixed(0)} MiB/s, ${bareMs.toFixed(2)} ms/MiB`,
            `${shared.direct.toFixed(0)} MiB/s direct`,
            `${((shared.bare.rate / shared.direct) * 100).toFixed(0)} %; the proxy ${above >= 0 ? '+' : ''}${above.toFixed(2)} ms/MiB (its hashes: ${floor.hashMsPerMiB.toFixed(2)})`,
            '',
            '',
          ]);
        }
      }
      if (canPin && pin(service.pid, '0') && pin(process.pid, '1') && pin(plain.pid, '1') && pin(tlsOrigin.pid, '1')) {
        try {
          const alone = await throughput(`${base}/big.bin`, direct, proxied, service.pid);
          rows.push([
            `  proxy alone on a core`,
            `${alone.proxied.toFixed(0)} MiB/s`,
            `${alone.direct.toFixed(0)} MiB/s direct (client, origin on the other)`,
            `${((alone.proxied / alone.direct) * 100).toFixed(0)} %`,
            '',
            '',
          ]);
        } finally {
          for (const pid of [service.pid, process.pid, plain.pid, tlsOrigin.pid]) pin(pid, allCpus);
        }
      }

      for (const inFlight of [1, 16]) {
        const count = inFlight === 1 ? 1000 : 3000;
        const sd = await smallRequests(`${base}/small/4096`, direct, count, inFlight);
        const before = cpuSeconds(service.pid);
        const sp = await smallRequests(`${base}/small/4096`, proxied, count, inFlight);
        const after = cpuSeconds(service.pid);
        const perRequest = before !== undefined && after !== undefined ? `; proxy CPU ${(((after - before) / count) * 1e6).toFixed(0)} us/request` : '';
        rows.push([
          `proxy ${label} 4 KiB, ${inFlight} in flight`,
          `${inFlight > 1 ? `${sp.rps.toFixed(0)} req/s, ` : ''}median ${sp.median.toFixed(2)} ms`,
          `${inFlight > 1 ? `${sd.rps.toFixed(0)} req/s, ` : ''}median ${sd.median.toFixed(2)} ms direct`,
          `+${(sp.median - sd.median).toFixed(2)} ms${inFlight === 1 ? ' (goal <= +1 ms)' : perRequest}`,
          '',
          '',
        ]);
      }
    }
    await direct.close();
    await proxied.close();
  } finally {
    // The service logs its shutdown into work/: let every process exit before that folder goes.
    await Promise.all(
      [plain, tlsOrigin, bareRelays.http, bareRelays.https, service].map(
        (c) => new Promise((resolve) => (c.exitCode !== null ? resolve() : (c.once('exit', resolve), c.kill()))),
      ),
    );
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

module.exports = { proxyBench };
