// Worker thread that reads and analyses data files, so the language server's request path never
// waits on a large file. A new request aborts the one in flight.
import { parentPort } from 'worker_threads';
import { executeJobs } from './execute';
import { RunJob } from './jobs';

let current: AbortController | undefined;

parentPort?.on('message', (msg: { id: number; jobs: RunJob[] }) => {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  executeJobs(msg.jobs, controller.signal)
    .then((results) => { if (!controller.signal.aborted) parentPort!.postMessage({ id: msg.id, results }); })
    .catch((e: Error) => { if (!controller.signal.aborted) parentPort!.postMessage({ id: msg.id, error: e.stack ?? String(e) }); });
});
