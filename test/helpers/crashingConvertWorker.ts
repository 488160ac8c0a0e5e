// The convert worker, except that it ends at once (exit code 3) when sent a file whose name says
// "crash": a stand-in for a worker killed by a file (out of memory on a huge one). Used by
// test/convertPool.test.ts. Its listener comes first, so it exits before the real one converts.
import { parentPort } from 'worker_threads';

parentPort?.on('message', (m: { job: { input: string } }) => {
  if (m.job.input.includes('crash')) process.exit(3);
});
require('../../server/convert/worker');
