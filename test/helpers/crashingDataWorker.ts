// The data worker, except that it ends at once (exit code 3) when sent a run whose name says
// "crash": a stand-in for a worker killed by a file (out of memory on a huge one). Used by
// test/dataPool.test.ts. Its listener comes first, so it exits before the real one reads.
import { parentPort } from 'worker_threads';

parentPort?.on('message', (m: { jobs?: { run: string }[] }) => {
  if (m.jobs?.some((j) => j.run.includes('crash'))) process.exit(3);
});
require('../../server/results/dataWorker');
