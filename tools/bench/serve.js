// Static file server for the benchmarks: keep-alive, streams files from disk with Content-Length.
// Runs in its own process so it does not share an event loop with the client being measured.
const { createReadStream, statSync } = require('node:fs');
const { createServer } = require('node:http');
const { join, normalize } = require('node:path');

const root = process.argv[2];
const server = createServer((req, res) => {
  const path = normalize(join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  if (!path.startsWith(root)) return res.writeHead(403).end();
  let size;
  try {
    size = statSync(path).size;
  } catch {
    return res.writeHead(404).end();
  }
  res.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
  createReadStream(path, { highWaterMark: 1 << 20 }).pipe(res);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
