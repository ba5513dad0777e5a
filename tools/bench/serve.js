// File server for the benchmarks: keep-alive, files streamed from disk with Content-Length, and
// /small/<n> answering n bytes from memory. HTTP, or HTTPS with `--tls <cert> <key>`. Runs in its
// own process so it does not share an event loop with the client being measured.
const { createReadStream, readFileSync, statSync } = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const { join, normalize } = require('node:path');

const [root, flag, cert, key] = process.argv.slice(2);
const small = new Map();
function handler(req, res) {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const m = /^\/small\/(\d+)$/.exec(path);
  if (m) {
    const n = Number(m[1]);
    if (!small.has(n)) small.set(n, Buffer.alloc(n, 120));
    return res.writeHead(200, { 'content-length': n }).end(small.get(n));
  }
  const file = normalize(join(root, path));
  if (!file.startsWith(root)) return res.writeHead(403).end();
  let size;
  try {
    size = statSync(file).size;
  } catch {
    return res.writeHead(404).end();
  }
  res.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
  createReadStream(file, { highWaterMark: 1 << 20 }).pipe(res);
}
const server = flag === '--tls' ? https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, handler) : http.createServer(handler);
server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.BENCH_LISTEN_PORT ?? 0), '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
