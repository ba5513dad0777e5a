// The least a Node process can do to relay a download: the floor under the embedded proxy's figures.
// It serves `GET <path>` by opening a connection to the origin (TLS for https), sending the request,
// skipping the response head and writing every later byte to the client as it comes: no HTTP
// parser, no hashes, no report, no spool, no CONNECT. Over HTTPS it decrypts and re-encrypts, as any
// relay that sees the bytes must. Only for the bench: one response head with a Content-Length,
// `connection: close` upstream.
//
//   node bare-relay.js <origin URL> [--tls <cert> <key>]   (prints its port)
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');
const tls = require('node:tls');
const { readFileSync } = require('node:fs');

const [originArg, flag, cert, key] = process.argv.slice(2);
const origin = new URL(originArg);
// The origin's certificate is the test one; the relay trusts it as the proxy is told to.
const ca = flag === '--tls' ? readFileSync(cert, 'utf8') : undefined;

function connectUpstream(onConnect) {
  const port = Number(origin.port);
  return origin.protocol === 'https:' ? tls.connect({ host: origin.hostname, port, ca }, onConnect) : net.connect(port, origin.hostname, onConnect);
}

function relay(req, res) {
  const upstream = connectUpstream(() => upstream.write(`GET ${req.url} HTTP/1.1\r\nhost: ${origin.host}\r\nconnection: close\r\n\r\n`));
  let head = Buffer.alloc(0);
  let inBody = false;
  upstream.on('data', (chunk) => {
    let out = chunk;
    if (!inBody) {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      inBody = true;
      const length = /\r\ncontent-length: *(\d+)/i.exec(head.subarray(0, end).toString('latin1'));
      res.writeHead(Number(head.subarray(9, 12)), length ? { 'content-length': length[1] } : {});
      out = head.subarray(end + 4);
    }
    if (!res.write(out)) {
      upstream.pause();
      res.once('drain', () => upstream.resume());
    }
  });
  upstream.on('end', () => res.end());
  upstream.on('error', () => res.destroy());
  res.on('close', () => upstream.destroy());
}

const server = flag === '--tls' ? https.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, relay) : http.createServer(relay);
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
