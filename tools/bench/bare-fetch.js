// A plain Node script doing a cold fetch, beside Hermetic's cold rows: where Node itself stands
// against curl + openssl. It downloads each `<url> <output>` line of a list over 8 keep-alive
// connections (node:http), writes every chunk to the output as it comes and hashes it with sha256
// on the way; no lockfile, store, verification, temporary names, locks, record or SBOM. Bench only.
//
//   node bare-fetch.js <list file> [concurrency]
const http = require('node:http');
const { closeSync, openSync, readFileSync, writeSync } = require('node:fs');
const { createHash } = require('node:crypto');

const [listFile, concurrencyArg] = process.argv.slice(2);
const jobs = readFileSync(listFile, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => line.split(' '));
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrencyArg ?? 8) });

function fetchOne([url, output]) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`${url}: HTTP ${res.statusCode}`));
        const fd = openSync(output, 'w');
        const hash = createHash('sha256');
        res.on('data', (chunk) => {
          hash.update(chunk);
          writeSync(fd, chunk);
        });
        res.on('end', () => {
          closeSync(fd);
          resolve(hash.digest('hex'));
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

async function main() {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await fetchOne(jobs[next++]);
  };
  await Promise.all(Array.from({ length: Number(concurrencyArg ?? 8) }, worker));
  agent.destroy();
}

main().catch((err) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
