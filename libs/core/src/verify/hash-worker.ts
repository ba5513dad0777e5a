import { parentPort } from 'node:worker_threads';
import { HashJob, runHashJob } from './hash-job';

// One worker thread of verifyFiles' pool: hashes the files it is sent, one at a time, with one
// 4 MiB read buffer for all of them.
const buffer = Buffer.allocUnsafe(4 << 20);
parentPort?.on('message', (job: HashJob) => parentPort!.postMessage(runHashJob(job, buffer)));
